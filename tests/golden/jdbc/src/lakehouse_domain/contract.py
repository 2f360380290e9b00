"""Data contracts (ODCS) loaded into typed objects the engine runs on.

A contract is valid when it passes the ODCS JSON schema (strict, from the
open-data-contract-standard package) and the dataset rules shared with the questionnaire
(``dataset_rules.py``). Any problem raises ``ContractError`` naming the file, the field and
the rule, so a broken contract stops a run before anything is read or written.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from . import dataset_rules
from .contract_builder import QUARANTINE_THRESHOLD_PROPERTY
from .dataset_rules import FILE_FORMATS, JDBC_DELETE_CAPTURES, JDBC_ENGINES, SOURCE_TYPES
from .problems import Problem


class ContractError(ValueError):
    """A contract file breaks ODCS or one of the engine's rules; one line per problem,
    each starting with the file it is about."""

    def __init__(self, path: Path | str, problems: list[str]):
        self.lines = [f"{path}: {problem}" for problem in problems]
        super().__init__("\n".join(self.lines))

    @classmethod
    def combined(cls, errors: list[ContractError]) -> ContractError:
        error = cls("", [])
        error.lines = [line for e in errors for line in e.lines]
        error.args = ("\n".join(error.lines),)
        return error


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool
    description: str
    pii: str | None
    masking: str | None
    pattern: str | None
    valid_values: tuple[str, ...] | None


@dataclass(frozen=True)
class Source:
    type: str
    format: str | None = None
    event_hub: str | None = None
    partitions: int | None = None
    retention_days: int | None = None
    engine: str | None = None
    table: str | None = None
    incremental_column: str | None = None
    # How the source table shows deletes (JDBC): none, soft_delete_column or change_table.
    delete_capture: str = "none"


@dataclass(frozen=True)
class RowFilter:
    """Members of each group see the rows whose ``column`` is one of its values."""

    column: str
    allowed_values: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Changes:
    """How silver applies the changes a source sends (customProperties ``deletes`` and
    ``history``). The default keeps the latest version of each key and deletes nothing."""

    # A record whose ``delete_column`` holds one of ``delete_values`` deletes its key:
    # ``hard`` removes the silver row, ``soft`` keeps it with ``_deleted`` true.
    delete_column: str | None = None
    delete_values: tuple[str | bool, ...] = ()
    delete_mode: str = "hard"
    # 1: one row per key (the latest version); 2: a row per version of the tracked columns.
    scd_type: int = 1
    tracked_columns: tuple[str, ...] = ()

    @property
    def soft_deletes(self) -> bool:
        """Silver keeps deleted keys flagged (type 2 always keeps them, as history)."""
        return self.delete_column is not None and self.delete_mode == "soft"

    @property
    def silver_layout(self) -> str:
        return silver_layout(self.scd_type, self.soft_deletes)


# How silver holds a dataset's rows. A table laid out one way cannot be merged into the
# other way: its rows are rebuilt from bronze (the only additive step is LATEST ->
# LATEST_SOFT_DELETES: the new ``_deleted`` column is null in old rows, read as not deleted).
LATEST, LATEST_SOFT_DELETES, HISTORY = "latest", "latest_soft_deletes", "history"
ADDITIVE_LAYOUT_CHANGES = {(LATEST, LATEST_SOFT_DELETES)}


def silver_layout(scd_type: int | None, soft_deletes: bool) -> str:
    if scd_type == 2:
        return HISTORY
    return LATEST_SOFT_DELETES if soft_deletes else LATEST


@dataclass(frozen=True)
class Contract:
    path: Path
    id: str
    name: str
    domain: str
    version: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    source: Source
    freshness_hours: float | None
    row_filter: RowFilter | None = None
    # The sequence of changes: the column that says which version of a record is newest (late
    # updates do not win; deletes and SCD2 validity follow it too): a required timestamp,
    # date, int or bigint declared by the contract (customProperties.orderingColumn).
    ordering_column: str = field(kw_only=True)
    # Percent of a silver batch's records quarantined above which the domain is alerted
    # (customProperties.quarantineThresholdPercent; contracts written before it get the default).
    quarantine_threshold_percent: float = field(
        kw_only=True, default=dataset_rules.DEFAULT_QUARANTINE_THRESHOLD_PERCENT
    )
    changes: Changes = field(default_factory=Changes, kw_only=True)

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)

    @property
    def masked_columns(self) -> dict[str, str]:
        return {c.name: c.masking for c in self.columns if c.masking}


@cache
def _odcs_validator() -> jsonschema.protocols.Validator:
    text = resources.files("open_data_contract_standard").joinpath("schema.json").read_text()
    schema = json.loads(text)
    return jsonschema.validators.validator_for(schema)(schema)


def _location(error: jsonschema.ValidationError) -> str:
    location = ""
    for part in error.absolute_path:
        location += f"[{part}]" if isinstance(part, int) else f".{part}"
    return location.lstrip(".") or "(top level)"


def custom_properties(entries: list[dict] | None) -> dict[str, Any]:
    """ODCS ``customProperties`` as a mapping (contracts, and the change classifier)."""
    return {entry.get("property"): entry.get("value") for entry in entries or []}


# Where each questionnaire answer lives in a contract document.
_ANSWER_FIELDS = {
    "dataset_name": "schema[0].name",
    "ordering_column": "customProperties.orderingColumn",
    "row_filter_column": "customProperties.rowFilter.column",
    "row_filter_groups": "customProperties.rowFilter.allowedValues",
    "jdbc_source_table": "customProperties.source.table",
    "jdbc_incremental_column": "customProperties.source.incrementalColumn",
    "quarantine_threshold_percent": f"customProperties.{QUARANTINE_THRESHOLD_PROPERTY}",
    "delete_column": "customProperties.deletes.column",
    "delete_values": "customProperties.deletes.values",
    "delete_mode": "customProperties.deletes.mode",
    "scd_type": "customProperties.history.scdType",
    "tracked_columns": "customProperties.history.trackedColumns",
}
_COLUMN_FIELDS = {"type": "physicalType", "pii": "tags"}


def _contract_problem(problem: Problem, names: list[str], keys: list[str]) -> str:
    """A rule's problem with its location in the contract's own terms."""
    head, rest = problem.path[0], problem.path[1:]

    def prop(column) -> str:
        index = (
            column if isinstance(column, int) else (names.index(column) if column in names else "")
        )
        return f"schema[0].properties[{index}]"

    if head == "columns" and rest:
        where = prop(rest[0]) + "".join(f".{_COLUMN_FIELDS.get(p, p)}" for p in rest[1:])
    elif head == "columns":
        where = "schema[0].properties"
    elif head == "primary_key" and rest and isinstance(rest[0], int) and rest[0] < len(keys):
        where = prop(keys[rest[0]]) + ".primaryKey"
    elif head == "primary_key":
        where = "schema[0].properties[].primaryKey"
    elif head == "masking_rules" and rest:
        where = prop(rest[0]) + ".customProperties.maskingStrategy"
    elif head == "masking_rules":
        where = "schema[0].properties[].customProperties.maskingStrategy"
    else:
        where = _ANSWER_FIELDS.get(head, str(head)) + "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" for p in rest
        )
    return f"{where}: {problem.detail} [rule: {problem.rule}]"


def parse_contract(document: Any, path: Path | str) -> Contract:
    """Validate a parsed contract document and build the typed contract."""
    errors = sorted(_odcs_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        raise ContractError(
            path, [f"{_location(e)}: {e.message} [rule: odcs/{e.validator}]" for e in errors[:10]]
        )
    if len(document.get("schema") or []) != 1:
        raise ContractError(path, ["schema: must hold exactly one table [rule: one-table]"])
    table = document["schema"][0]
    properties = table.get("properties") or []
    answers = []
    masking: dict[str, str] = {}
    for prop in properties:
        column = {
            "name": prop.get("name"),
            "type": dataset_rules.canonical_type(str(prop.get("physicalType", ""))),
            "required": bool(prop.get("required", False)),
        }
        pii_tags = [t.split(":", 1)[1] for t in prop.get("tags") or [] if t.startswith("pii:")]
        if pii_tags:
            column["pii"] = pii_tags[0]
        strategy = custom_properties(prop.get("customProperties")).get("maskingStrategy")
        if strategy is not None:
            masking[prop.get("name")] = strategy
        answers.append(column)
    keys = sorted(
        (p for p in properties if p.get("primaryKey")),
        key=lambda p: p.get("primaryKeyPosition", 0),
    )
    primary_key = [p["name"] for p in keys]
    custom = custom_properties(document.get("customProperties"))
    ordering = custom.get("orderingColumn")
    row_filter = custom.get("rowFilter")
    if row_filter is not None and not isinstance(row_filter, dict):
        row_filter = {}
    found = dataset_rules.check_dataset_name(table["name"]) + dataset_rules.check_columns(answers)
    if answers:
        found += dataset_rules.check_primary_key(primary_key, answers)
        found += dataset_rules.check_masking_rules(masking, answers, primary_key)
        found += dataset_rules.check_ordering_column(ordering, answers, primary_key)
    threshold = custom.get(
        QUARANTINE_THRESHOLD_PROPERTY, dataset_rules.DEFAULT_QUARANTINE_THRESHOLD_PERCENT
    )
    found += dataset_rules.check_quarantine_threshold(threshold)
    deletes, history = _mapping(custom.get("deletes")), _mapping(custom.get("history"))
    capture = _mapping(custom.get("source")).get("deleteCapture", "none")
    if answers:
        found += dataset_rules.check_changes(
            deletes.get("column"),
            deletes.get("values"),
            deletes.get("mode"),
            history.get("scdType"),
            history.get("trackedColumns"),
            answers,
            primary_key,
            ordering,
            capture,
        )
    if row_filter is not None:
        found += dataset_rules.check_row_filter(
            row_filter.get("column"), row_filter.get("allowedValues"), answers
        )
    names = [p.get("name") for p in properties]
    problems = [_contract_problem(problem, names, primary_key) for problem in found]
    source = _parse_source(custom.get("source"), answers)
    problems += source[1]
    if problems:
        raise ContractError(path, problems)

    columns = tuple(
        Column(
            name=prop["name"],
            type=answer["type"],
            required=answer["required"],
            description=prop.get("description", ""),
            pii=answer.get("pii"),
            masking=masking.get(prop["name"]),
            pattern=_library_argument(prop, "invalidValues", "pattern"),
            valid_values=_valid_values(prop),
        )
        for prop, answer in zip(properties, answers, strict=True)
    )
    freshness = next(
        (s for s in document.get("slaProperties") or [] if s.get("property") == "freshness"), None
    )
    return Contract(
        path=Path(path),
        id=document["id"],
        name=table["name"],
        domain=document.get("domain", ""),
        version=document["version"],
        description=(document.get("description") or {}).get("purpose", ""),
        columns=columns,
        primary_key=tuple(primary_key),
        source=source[0],
        freshness_hours=_hours(freshness),
        row_filter=RowFilter(
            row_filter["column"],
            {group: tuple(values) for group, values in row_filter["allowedValues"].items()},
        )
        if row_filter
        else None,
        ordering_column=ordering,
        quarantine_threshold_percent=float(threshold),
        changes=_changes(deletes, history, answers, primary_key, ordering),
    )


def _mapping(value: Any) -> dict:
    """An optional custom property holding a mapping; anything else reads as empty (and the
    rules then name the missing fields)."""
    return value if isinstance(value, dict) else {}


def _changes(deletes: dict, history: dict, answers: list, keys: list, ordering: str) -> Changes:
    column = deletes.get("column") or None
    values: tuple = ()
    if column is not None:
        boolean = next(a["type"] for a in answers if a["name"] == column) == "boolean"
        values = (True,) if boolean else tuple(deletes["values"])
    scd_type = dataset_rules.scd_type_number(history.get("scdType"))
    tracked = history.get("trackedColumns") or (
        dataset_rules.default_tracked_columns(answers, keys, ordering, column)
        if scd_type == 2
        else []
    )
    return Changes(column, values, deletes.get("mode") or "hard", scd_type, tuple(tracked))


def _library_argument(prop: dict, metric: str, argument: str) -> Any:
    for rule in prop.get("quality") or []:
        if rule.get("type") == "library" and rule.get("metric") == metric:
            value = (rule.get("arguments") or {}).get(argument)
            if value is not None:
                return value
    return None


def _valid_values(prop: dict) -> tuple[str, ...] | None:
    values = _library_argument(prop, "invalidValues", "validValues")
    return tuple(str(v) for v in values) if values else None


def _hours(sla: dict | None) -> float | None:
    if not sla:
        return None
    factor = {"h": 1, "hour": 1, "hours": 1, "d": 24, "day": 24, "days": 24, "m": 1 / 60}
    return float(sla["value"]) * factor.get(str(sla.get("unit", "h")).lower(), 1)


def _parse_source(value: Any, columns: list[dict]) -> tuple[Source, list[str]]:
    where = "customProperties.source"
    if not isinstance(value, dict) or value.get("type") not in SOURCE_TYPES:
        detail = f"needs type: one of {', '.join(SOURCE_TYPES)}"
        return Source(type="files", format="csv"), [f"{where}: {detail} [rule: source-type]"]
    kind = value["type"]
    problems = []
    if kind == "files":
        if value.get("format") not in FILE_FORMATS:
            detail = f"format must be one of {', '.join(FILE_FORMATS)}"
            problems.append(f"{where}.format: {detail} [rule: file-format]")
        return Source(type=kind, format=value.get("format")), problems
    if kind == "eventhub":
        return (
            Source(
                type=kind,
                format="json",
                event_hub=value.get("eventHub"),
                partitions=value.get("partitions"),
                retention_days=value.get("retentionDays"),
            ),
            [] if value.get("eventHub") else [f"{where}.eventHub: missing [rule: event-hub]"],
        )
    if value.get("engine") not in JDBC_ENGINES:
        problems.append(
            f"{where}.engine: must be one of {', '.join(JDBC_ENGINES)} [rule: jdbc-engine]"
        )
    if not value.get("table"):
        problems.append(f"{where}.table: missing [rule: jdbc-table]")
    problems += [
        f"{where}.incrementalColumn: {p.detail} [rule: {p.rule}]"
        for p in dataset_rules.watermark_problems(value.get("incrementalColumn"), columns, ())
    ]
    capture = value.get("deleteCapture", "none")
    if capture not in JDBC_DELETE_CAPTURES:
        detail = f"must be one of {', '.join(JDBC_DELETE_CAPTURES)}"
        problems.append(f"{where}.deleteCapture: {detail} [rule: delete-capture]")
    return (
        Source(
            type=kind,
            engine=value.get("engine"),
            table=value.get("table"),
            incremental_column=value.get("incrementalColumn"),
            delete_capture=capture,
        ),
        problems,
    )


def load_contract(path: Path | str) -> Contract:
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        detail = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ContractError(path, [f"{where}: not valid YAML: {detail} [rule: yaml]"]) from None
    except OSError as error:
        raise ContractError(path, [f"(file): cannot be read: {error} [rule: readable]"]) from None
    if not isinstance(document, dict):
        raise ContractError(path, ["(file): must be a YAML mapping [rule: odcs/type]"])
    return parse_contract(document, path)


def load_contracts(directory: Path | str) -> list[Contract]:
    """Every contracts/*.odcs.yaml, sorted by name; all problems of all files at once."""
    contracts, errors = [], []
    paths = sorted(Path(directory).glob("*.odcs.yaml"))
    if not paths:
        raise ContractError(directory, ["no *.odcs.yaml contract found [rule: contracts-exist]"])
    for path in paths:
        try:
            contracts.append(load_contract(path))
        except ContractError as error:
            errors.append(error)
    names = [c.name for c in contracts]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        detail = f"dataset(s) {duplicates} defined twice [rule: unique-dataset]"
        errors.append(ContractError(directory, [detail]))
    if errors:
        raise ContractError.combined(errors)
    return contracts
