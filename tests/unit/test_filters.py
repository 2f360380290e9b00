"""The Jinja extension wires the rules and names into Copier as filters."""

import json
import re

import jinja2
import pytest

from extensions.filters import LakehouseExtension
from support.paths import COPIER_YML, TEMPLATE_DIR


@pytest.fixture(scope="module")
def env():
    return jinja2.Environment(extensions=[LakehouseExtension], undefined=jinja2.StrictUndefined)


def render(env, source, **context):
    return env.from_string(source).render(**context)


def test_validator_filters_render_empty_when_valid(env):
    assert render(env, "{{ 'risk' | validate_domain_name }}") == ""
    assert render(env, "{{ envs | validate_environments('risk', 'ab12') }}", envs=["dev"]) == ""


def test_validator_filters_render_problems_when_invalid(env):
    output = render(env, "{{ 'Risk' | validate_domain_name }}")
    assert output.startswith("domain_name: ") and "[rule: domain-format]" in output


def test_environment_validator_reports_azure_name_limits(env):
    output = render(env, "{{ envs | validate_environments('Risk', 'ab12') }}", envs=["dev"])
    assert "[rule: azure-name-limits]" in output
    output = render(env, "{{ envs | validate_environments('risk', 'ab12') }}", envs=[])
    assert "[rule: non-empty]" in output


def test_group_validator_compares_with_named_groups(env):
    source = "{{ 'risk-x' | validate_group('analysts_group', 'engineers_group', 'risk-x') }}"
    assert "[rule: distinct-groups]" in render(env, source)


def test_multiple_problems_are_one_per_line(env):
    columns = [{"name": "Id", "type": "varchar"}]
    output = render(env, "{{ columns | validate_columns }}", columns=columns)
    assert output.splitlines()[0].endswith("[rule: identifier]")
    assert output.splitlines()[1].endswith("[rule: known-type]")


def test_naming_filters(env):
    names = "{{ ('risk' | environment_names('prd', 'ab12')).storage_account }}"
    assert render(env, names) == "striskprdab12"


def test_every_filter_is_used_by_copier_yml_or_a_template_file(env):
    """A filter nothing renders is dead code: remove it with its last use."""
    texts = [COPIER_YML.read_text()]
    for path in TEMPLATE_DIR.rglob("*"):
        texts.append(str(path.relative_to(TEMPLATE_DIR)))  # file names are templates too
        if path.is_file() and path.suffix == ".jinja":  # copier renders only these
            texts.append(path.read_text())
    used = set(re.findall(r"\|\s*([a-z_]+)", "\n".join(texts)))
    ours = set(env.filters) - set(jinja2.Environment().filters)
    assert ours - used == set()


def test_domain_manifest_keeps_the_answered_environment_order(env):
    """The manifest keeps the answered order of environments (the engine lists them so)."""
    answers = {
        "domain_name": "risk",
        "name_suffix": "ab12",
        "source_type": "files",
        "azure_region": "westeurope",
        "owner_team": 'Risk "Data" & Co',
        "owner_email": "risk@example.com",
        "cost_center": "CC-1",
        "compute": "serverless",
        "owners_group": "risk-owners",
        "engineers_group": "risk-engineers",
        "analysts_group": "risk-analysts",
        "pii_readers_group": "risk-pii-readers",
        "alert_email": "alerts@example.com",
        "monthly_budget": "500",
        "landing_retention_days": "30",
        "quality_monitors": True,
        "environments": ["prd", "dev", "stg"],
    }
    manifest = json.loads(render(env, "{{ answers | domain_manifest }}", answers=answers))
    assert list(manifest["environments"]) == ["prd", "dev", "stg"]
    assert manifest["owner"] == {"team": 'Risk "Data" & Co', "email": "risk@example.com"}
    assert manifest["environments"]["dev"]["catalog"] == "risk_dev"
    assert manifest["monthly_budget"] == 500
