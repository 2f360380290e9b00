"""Build an ODCS data contract from dataset answers.

``add-dataset`` writes every new contract with it; the first contract was rendered by the
template with the same function, so all contracts share one shape.
PII is expressed the ODCS way: ``classification`` + ``tags`` + a ``maskingStrategy`` custom
property. Names of servers come in from the naming core; nothing is concatenated here.
Standard library and PyYAML only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from .dataset_rules import (
    DEFAULT_QUARANTINE_THRESHOLD_PERCENT,
    TEMPORAL_TYPES,
    classification,
    normalize_columns,
    odcs_types,
    scd_type_number,
)

ODCS_API_VERSION = "v3.1.0"
QUARANTINE_THRESHOLD_PROPERTY = "quarantineThresholdPercent"


class _IndentedDumper(yaml.SafeDumper):
    """Indents lists under their key, the style yamllint and most editors expect."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _source(answers: Mapping[str, Any]) -> dict[str, Any]:
    kind = answers["source_type"]
    if kind == "files":
        return {"type": kind, "format": answers["file_format"]}
    if kind == "eventhub":
        return {
            "type": kind,
            "eventHub": answers["dataset_name"],
            "partitions": int(answers["eventhub_partitions"]),
            "retentionDays": int(answers["eventhub_retention_days"]),
        }
    source = {
        "type": kind,
        "engine": answers["jdbc_engine"],
        "table": answers["jdbc_source_table"],
        "incrementalColumn": answers["jdbc_incremental_column"],
    }
    capture = answers.get("jdbc_delete_capture") or "none"
    if capture != "none":
        source["deleteCapture"] = capture
    return source


def _ordering(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The column that orders versions of a record: silver keeps the newest."""
    return [{"property": "orderingColumn", "value": answers["ordering_column"]}]


def _quarantine_threshold(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The quarantined share of a silver batch (percent) above which the domain is alerted."""
    value = answers.get("quarantine_threshold_percent", DEFAULT_QUARANTINE_THRESHOLD_PERCENT)
    return [{"property": QUARANTINE_THRESHOLD_PROPERTY, "value": value}]


def _changes(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Deletes and history, written only when they differ from the default (no deletes,
    SCD type 1), so a contract without them reads as before."""
    properties = []
    column = answers.get("delete_column")
    if column:
        deletes = {"column": column, "values": list(answers.get("delete_values") or [])}
        deletes["mode"] = answers.get("delete_mode") or "hard"
        properties.append({"property": "deletes", "value": deletes})
    if scd_type_number(answers.get("scd_type")) == 2:
        history: dict[str, Any] = {"scdType": 2}
        if answers.get("tracked_columns"):
            history["trackedColumns"] = list(answers["tracked_columns"])
        properties.append({"property": "history", "value": history})
    return properties


def _row_filter(answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The optional row filter: which values of a column each group's members see."""
    column = answers.get("row_filter_column")
    if not column:
        return []
    allowed = {group: list(values) for group, values in answers["row_filter_groups"].items()}
    return [{"property": "rowFilter", "value": {"column": column, "allowedValues": allowed}}]


def _servers(answers: Mapping[str, Any], names_by_env: Mapping[str, Mapping]) -> list[dict]:
    dataset, kind = answers["dataset_name"], answers["source_type"]
    servers = []
    for env, names in names_by_env.items():
        servers.append(
            {
                "server": env,
                "type": "databricks",
                "environment": env,
                "description": "Silver table in Unity Catalog",
                "catalog": names["catalog"],
                "schema": names["schemas"]["silver"],
            }
        )
        if kind == "files":
            servers.append(
                {
                    "server": f"{env}-landing",
                    "type": "azure",
                    "environment": env,
                    "description": "Landing container the files arrive in",
                    "location": f"abfss://{names['landing_container']}@"
                    f"{names['storage_account']}.dfs.core.windows.net/{dataset}/",
                    "format": answers["file_format"],
                }
            )
        elif kind == "eventhub":
            servers.append(
                {
                    "server": f"{env}-eventhub",
                    "type": "kafka",
                    "environment": env,
                    "description": f"Event Hubs Kafka endpoint (Microsoft Entra auth), "
                    f"event hub {dataset}",
                    "host": f"{names['eventhub_namespace']}.servicebus.windows.net:9093",
                    "format": "json",
                }
            )
        else:
            servers.append(
                {
                    "server": f"{env}-source",
                    "type": "custom",
                    "environment": env,
                    "description": "Source database over JDBC; its URL and credentials live "
                    f"in the secret scope {names['secret_scope']}",
                    "format": "jdbc",
                }
            )
    servers.append(
        {
            "server": "local",
            "type": "local",
            "environment": "local",
            "description": "Silver table of the local embedded run",
            "path": f"./build/local/silver/{dataset}",
            "format": "delta",
        }
    )
    return servers


def _property(column: Mapping[str, Any], answers: Mapping[str, Any]) -> dict[str, Any]:
    name, column_type = column["name"], column["type"]
    primary_key = list(answers["primary_key"])
    strategy = (answers.get("masking_rules") or {}).get(name)
    required = column.get("required") is True
    logical, physical = odcs_types(column_type)
    prop: dict[str, Any] = {"name": name, "logicalType": logical, "physicalType": physical}
    if column.get("description"):
        prop["description"] = column["description"]
    prop["required"] = required
    if name in primary_key:
        prop["primaryKey"] = True
        prop["primaryKeyPosition"] = primary_key.index(name) + 1
        if len(primary_key) == 1:
            prop["unique"] = True
    prop["classification"] = classification(bool(column.get("pii")), bool(strategy))
    if column.get("pii"):
        prop["tags"] = ["pii", f"pii:{column['pii']}"]
    if strategy:
        prop["customProperties"] = [{"property": "maskingStrategy", "value": strategy}]
    if required:
        prop["quality"] = [
            {
                "name": f"{name}_not_null",
                "type": "library",
                "metric": "nullValues",
                "mustBe": 0,
                "dimension": "completeness",
            }
        ]
    return prop


def build_contract(
    answers: Mapping[str, Any], names_by_env: Mapping[str, Mapping], contract_id: str
) -> dict[str, Any]:
    """The ODCS document of one dataset. ``names_by_env`` maps environment -> naming core
    names (catalog, schemas, storage account, Event Hubs namespace, secret scope)."""
    dataset, pii_readers = answers["dataset_name"], answers["pii_readers_group"]
    columns, _ = normalize_columns(answers["columns"])
    document: dict[str, Any] = {
        "apiVersion": ODCS_API_VERSION,
        "kind": "DataContract",
        "id": contract_id,
        "name": dataset,
        "version": "1.0.0",
        "status": "active",
        "domain": answers["domain_name"],
        "description": {
            "purpose": answers["dataset_description"],
            "usage": "Bronze keeps every record as received; silver is typed, deduplicated "
            "and quality-checked; gold holds the domain's features.",
            "limitations": "Columns with a maskingStrategy are masked for everyone outside "
            f"{pii_readers}.",
        },
        "tags": [answers["domain_name"]],
        "team": {
            "name": answers["owner_team"],
            "members": [{"username": answers["owner_email"], "role": "owner"}],
        },
        "roles": [
            {
                "role": answers["engineers_group"],
                "access": "write",
                "description": "Data engineers of the domain",
            },
            {
                "role": answers["analysts_group"],
                "access": "read",
                "description": "Analysts; PII columns are masked for them",
            },
            {
                "role": pii_readers,
                "access": "read",
                "description": "Approved readers of PII in clear",
            },
        ],
        "customProperties": [{"property": "source", "value": _source(answers)}]
        + _ordering(answers)
        + _quarantine_threshold(answers)
        + _changes(answers)
        + _row_filter(answers),
        "servers": _servers(answers, names_by_env),
        "schema": [
            {
                "name": dataset,
                "physicalType": "table",
                "description": answers["dataset_description"],
                "properties": [_property(column, answers) for column in columns],
                "quality": [
                    {
                        "name": "primary_key_unique",
                        "type": "library",
                        "metric": "duplicateValues",
                        "mustBe": 0,
                        "dimension": "uniqueness",
                        "arguments": {"properties": list(answers["primary_key"])},
                    }
                ],
            }
        ],
    }
    document["slaProperties"] = [_freshness(dataset, columns, answers["ordering_column"])]
    return document


def _freshness(dataset: str, columns: list[dict], ordering: str) -> dict[str, Any]:
    """A day, measured on the ordering column when it is a time, else on ingestion."""
    sla: dict[str, Any] = {"property": "freshness", "value": 24, "unit": "h"}
    if any(c["name"] == ordering and c["type"] in TEMPORAL_TYPES for c in columns):
        sla["element"] = f"{dataset}.{ordering}"
        sla["description"] = f"The newest silver record's {ordering} is at most a day old"
    else:
        sla["description"] = "The newest silver record arrived at most a day ago"
    return sla


def contract_yaml(document: Mapping[str, Any]) -> str:
    """The contract file's text: a short header, then the document in ODCS key order."""
    header = (
        f"# Data contract of {document['domain']}.{document['name']} "
        f"(ODCS {document['apiVersion']}).\n"
        "# You own this file: the engine, jobs, grants, masks and quality checks all follow "
        "from it.\n# `copier update` never overwrites it.\n"
    )
    body = yaml.dump(
        dict(document), Dumper=_IndentedDumper, sort_keys=False, allow_unicode=True, width=100
    )
    return header + body
