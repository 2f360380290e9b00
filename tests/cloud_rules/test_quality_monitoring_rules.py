"""Cloud rules of the anomaly detection on silver and gold (the `quality_monitors` answer).

Databricks data quality monitoring offers two kinds of monitor
(https://docs.databricks.com/aws/en/data-quality-monitoring/): anomaly detection on a schema
(freshness and completeness of each of its tables) and data profiling of one table. The
template renders the schema kind with `databricks_data_quality_monitor` (provider
docs/resources/data_quality_monitor.md), because it is the one an apply can create with the
identities the template has: it needs MANAGE on the schema, which the owners group holds as
the schemas' owner (the applying identity is a member), and the schema exists at apply time.
A table profile needs the table, which exists only after the first pipeline run, and SELECT
on it for its creator (docs/resources/data_quality_monitor.md, object_type `table`), which the
owners group lacks ("owners of a schema do not automatically have all privileges on the
tables in the schema", Unity Catalog object ownership docs).
"""

import json
from pathlib import Path

import pytest

from support.hcl import locals_of, modules, resources, unquote
from support.render import answer_set, answer_set_names
from support.terraform_schema import admits, lower_bound, required_providers

MONITOR = "databricks_data_quality_monitor"
# Provider CHANGELOG: "Add `data_quality_monitor` resource" in v1.92.0; `schema_id` became an
# attribute of databricks_schema before (PR #4773).
FIRST_PROVIDER_WITH_MONITOR = "1.92.0"


def enabled(name: str) -> bool:
    return answer_set(name).get("quality_monitors", True)


@pytest.mark.parametrize("name", answer_set_names())
def test_anomaly_detection_is_on_silver_and_gold_exactly_when_answered(answer_set_renders, name):
    project = answer_set_renders[name]
    infra = project / "infra"
    monitors = list(resources(infra, MONITOR))
    environment = modules(infra / "environment" / "main.tf")
    manifest = json.loads((project / "domain.json").read_text())
    assert manifest["quality_monitors"] is enabled(name)
    if not enabled(name):
        assert monitors == [] and "quality_monitoring" not in environment
        assert not (infra / "modules" / "quality_monitoring").exists()
        return
    [(path, _, body)] = monitors
    assert unquote(body["object_type"]) == "schema"
    assert "anomaly_detection_config" in body
    assert "data_profiling_config" not in body
    layers = locals_of(path.parent / "locals.tf")["monitored_layers"]
    assert [unquote(layer) for layer in layers] == ["silver", "gold"]
    wiring = environment["quality_monitoring"]
    assert unquote(wiring["schema_ids"]) == "module.unity_catalog.schema_ids"


@pytest.mark.parametrize("name", [n for n in answer_set_names() if enabled(n)])
def test_monitored_schemas_are_addressed_by_schema_id_and_owned_by_the_owners_group(
    answer_set_renders, name
):
    """object_id of a schema monitor is the schema's `schema_id` (a UUID), not the Terraform id
    `<catalog>.<schema>` (docs/resources/data_quality_monitor.md `object_id`; the schema
    resource's computed `schema_id`, catalog/resource_schema.go). Anomaly detection needs
    MANAGE on the schema (docs .../anomaly-detection, Requirements): ownership gives it."""
    infra: Path = answer_set_renders[name] / "infra"
    outputs = (infra / "modules" / "unity_catalog" / "outputs.tf").read_text()
    assert "schema.schema_id" in outputs
    [(_, _, schema)] = resources(infra, "databricks_schema")
    assert "var.groups.owners" in str(schema["owner"])


@pytest.mark.parametrize("name", [n for n in answer_set_names() if enabled(n)])
def test_every_admitted_provider_has_the_monitor_resource(answer_set_renders, name):
    constraint = required_providers(answer_set_renders[name] / "infra")["databricks"]
    floor = lower_bound(constraint)
    assert floor is not None and admits(f">= {FIRST_PROVIDER_WITH_MONITOR}", floor), constraint
