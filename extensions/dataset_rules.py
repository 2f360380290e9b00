"""Rules for a dataset definition: name, columns, primary key, masking rules, source columns.

One implementation serves the questionnaire (through the Jinja filters in ``filters.py``) and,
later, the generated repository's ``add-dataset`` command. Standard library only.

Every check returns a list of problems; each names the question (and item), says what is
wrong and cites the rule id, e.g. ``columns[2].type: 'varchar' is not a known type ...
[rule: known-type]``. An empty list means the answer is valid.
"""

from __future__ import annotations

import re
from typing import Any

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
MAX_IDENTIFIER_LENGTH = 64
DECIMAL_TYPE = re.compile(r"^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$")
SIMPLE_TYPES = ("string", "int", "bigint", "double", "boolean", "date", "timestamp")
COLUMN_KEYS = ("name", "type", "required", "description", "pii")

# Databricks SQL (ANSI) reserved words: as identifiers they need backticks everywhere.
_RESERVED_TEXT = """
    all and any anti array as asc authorization between both by case cast check collate column
    constraint create cross cube current_date current_time current_timestamp current_user
    default delete desc describe distinct drop else end escape except exists false fetch filter
    for foreign from full function grant group grouping having in inner insert intersect interval
    into is join lateral leading left like limit map merge minus natural not null of offset on
    only or order outer overlaps partition primary range references revoke right rollup row rows
    select semi session_user set some struct table tablesample then time to trailing true union
    unique unknown update user using values when where window with
"""
RESERVED_WORDS = frozenset(_RESERVED_TEXT.split())

# PII kinds and the column type each must have.
PII_KIND_TYPES = {
    "name": "string",
    "email": "string",
    "document": "string",
    "card": "string",
    "phone": "string",
    "address": "string",
    "ip_address": "string",
    "birth_date": "date",
}

# Masking strategies and the column types each can produce the same type for (None = any type).
STRATEGY_TYPES: dict[str, tuple[str, ...] | None] = {
    "hash_sha256": ("string",),
    "email_partial": ("string",),
    "last4": ("string",),
    "char_mask": ("string",),
    "redact": ("string",),
    "null": None,
    "year_only": ("date",),
}

# Account groups appear quoted in SQL and HCL: the same safe alphabet as the questionnaire.
GROUP = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}$")
SOURCE_TABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$")

# Column types an incremental (watermark) column may have: they order monotonically.
WATERMARK_TYPES = ("timestamp", "date", "int", "bigint")

# Lineage and bookkeeping columns the engine adds; user columns must not collide with them.
RESERVED_PREFIX = "_"


def _problem(where: str, detail: str, rule: str) -> str:
    return f"{where}: {detail} [rule: {rule}]"


def type_family(column_type: str) -> str:
    """The base type of a Databricks SQL type: ``decimal(18,2)`` -> ``decimal``."""
    return "decimal" if DECIMAL_TYPE.match(column_type) else column_type


def type_problem(column_type: Any) -> str:
    """Why ``column_type`` is not a supported Databricks SQL type, or ``''``."""
    if not isinstance(column_type, str):
        return f"{column_type!r} is not a type name"
    if column_type in SIMPLE_TYPES:
        return ""
    match = DECIMAL_TYPE.match(column_type)
    if not match:
        allowed = ", ".join((*SIMPLE_TYPES, "decimal(p,s)"))
        return f"{column_type!r} is not a known type; allowed: {allowed}"
    precision, scale = int(match[1]), int(match[2])
    if not 1 <= precision <= 38 or scale > precision:
        return f"{column_type!r} needs 1 <= precision <= 38 and scale <= precision"
    return ""


def identifier_problem(value: Any) -> tuple[str, str]:
    """Why ``value`` is not a usable table/column identifier, as (detail, rule), or ('', '')."""
    if not isinstance(value, str) or not value:
        return "must be a non-empty string", "identifier"
    if value.startswith(RESERVED_PREFIX):
        return f"{value!r} starts with '_', reserved for engine columns", "identifier"
    if not IDENTIFIER.match(value):
        return (
            f"{value!r} must start with a lowercase letter and hold only "
            "lowercase letters, digits and underscores",
            "identifier",
        )
    if len(value) > MAX_IDENTIFIER_LENGTH:
        return f"{value!r} is longer than {MAX_IDENTIFIER_LENGTH} characters", "identifier"
    if value in RESERVED_WORDS:
        return f"{value!r} is a reserved SQL word", "reserved-word"
    return "", ""


def check_dataset_name(name: Any) -> list[str]:
    """The dataset name becomes a table name in every layer."""
    detail, rule = identifier_problem(name)
    if detail:
        return [_problem("dataset_name", detail, rule)]
    if name.endswith("_quarantine"):
        return [
            _problem(
                "dataset_name",
                f"{name!r} ends with '_quarantine', the suffix of quarantine tables",
                "quarantine-suffix",
            )
        ]
    return []


def check_columns(columns: Any) -> list[str]:
    """A non-empty list of well-formed, uniquely named, typed columns."""
    if not isinstance(columns, list) or not columns:
        return [_problem("columns", "must be a non-empty list of columns", "non-empty")]
    problems: list[str] = []
    seen: set[str] = set()
    for index, column in enumerate(columns):
        where = f"columns[{index}]"
        if not isinstance(column, dict):
            problems.append(_problem(where, "must be a mapping with name and type", "column-shape"))
            continue
        unknown = sorted(set(column) - set(COLUMN_KEYS))
        if unknown:
            problems.append(
                _problem(
                    where,
                    f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(COLUMN_KEYS)}",
                    "column-keys",
                )
            )
        name = column.get("name")
        detail, rule = identifier_problem(name)
        if detail:
            problems.append(_problem(f"{where}.name", detail, rule))
        elif name in seen:
            problems.append(_problem(f"{where}.name", f"{name!r} is used twice", "unique-name"))
        else:
            seen.add(name)
        column_type = column.get("type")
        type_detail = type_problem(column_type)
        if type_detail:
            problems.append(_problem(f"{where}.type", type_detail, "known-type"))
        if not isinstance(column.get("required", False), bool):
            problems.append(_problem(f"{where}.required", "must be true or false", "boolean"))
        description = column.get("description", "")
        if not isinstance(description, str):
            problems.append(_problem(f"{where}.description", "must be text", "text"))
        kind = column.get("pii")
        if kind is not None:
            if kind not in PII_KIND_TYPES:
                allowed = ", ".join(PII_KIND_TYPES)
                problems.append(
                    _problem(
                        f"{where}.pii",
                        f"{kind!r} is not a PII kind; allowed: {allowed}",
                        "pii-kind",
                    )
                )
            elif not type_detail and PII_KIND_TYPES[kind] != type_family(column_type):
                problems.append(
                    _problem(
                        f"{where}.pii",
                        f"PII kind {kind!r} needs a {PII_KIND_TYPES[kind]} column, "
                        f"not {column_type}",
                        "pii-type",
                    )
                )
    return problems


def _columns_by_name(columns: Any) -> dict[str, dict]:
    if not isinstance(columns, list):
        return {}
    return {c["name"]: c for c in columns if isinstance(c, dict) and isinstance(c.get("name"), str)}


def check_primary_key(primary_key: Any, columns: Any) -> list[str]:
    """The key columns exist, are required, appear once and are not floating point."""
    if not isinstance(primary_key, list) or not primary_key:
        return [_problem("primary_key", "must be a non-empty list of column names", "non-empty")]
    by_name = _columns_by_name(columns)
    problems: list[str] = []
    for index, name in enumerate(primary_key):
        where = f"primary_key[{index}]"
        if name not in by_name:
            problems.append(_problem(where, f"{name!r} is not a column", "pk-column-exists"))
            continue
        if primary_key.index(name) != index:
            problems.append(_problem(where, f"{name!r} is listed twice", "pk-unique"))
        if by_name[name].get("required") is not True:
            problems.append(
                _problem(where, f"{name!r} must be a required column", "pk-column-required")
            )
        if by_name[name].get("type") == "double":
            problems.append(
                _problem(where, f"{name!r} is a double; keys must compare exactly", "pk-type")
            )
    return problems


def check_masking_rules(masking_rules: Any, columns: Any) -> list[str]:
    """Each rule masks an existing column with a known strategy that fits its type,
    and every PII column has a rule (PII is masked by default)."""
    if masking_rules is None:
        masking_rules = {}
    if not isinstance(masking_rules, dict):
        return [_problem("masking_rules", "must be a mapping column -> strategy", "mapping")]
    by_name = _columns_by_name(columns)
    problems: list[str] = []
    for column_name, strategy in masking_rules.items():
        where = f"masking_rules.{column_name}"
        if column_name not in by_name:
            problems.append(
                _problem(where, f"{column_name!r} is not a column", "mask-column-exists")
            )
            continue
        if strategy not in STRATEGY_TYPES:
            allowed = ", ".join(STRATEGY_TYPES)
            problems.append(
                _problem(where, f"{strategy!r} is not a strategy; allowed: {allowed}", "strategy")
            )
            continue
        fits = STRATEGY_TYPES[strategy]
        column_type = by_name[column_name].get("type", "")
        if fits is not None and type_family(column_type) not in fits:
            problems.append(
                _problem(
                    where,
                    f"{strategy} works on {' or '.join(fits)} columns, not {column_type}",
                    "strategy-type",
                )
            )
    for name, column in by_name.items():
        if column.get("pii") is not None and name not in masking_rules:
            problems.append(
                _problem(
                    "masking_rules",
                    f"PII column {name!r} (pii: {column['pii']}) has no masking strategy",
                    "pii-masked",
                )
            )
    return problems


def check_watermark_column(question: str, column_name: Any, columns: Any) -> list[str]:
    """An incremental-load column exists, is required and orders monotonically."""
    by_name = _columns_by_name(columns)
    if column_name not in by_name:
        return [_problem(question, f"{column_name!r} is not a column", "watermark-column-exists")]
    column = by_name[column_name]
    if column.get("type") not in WATERMARK_TYPES:
        return [
            _problem(
                question,
                f"{column_name!r} is {column.get('type')}; "
                f"needs one of {', '.join(WATERMARK_TYPES)}",
                "watermark-type",
            )
        ]
    if column.get("required") is not True:
        return [_problem(question, f"{column_name!r} must be required", "watermark-required")]
    return []


def check_row_filter_column(column_name: Any, columns: Any) -> list[str]:
    """The optional row filter's column: empty (no filter) or an existing text column."""
    if column_name in (None, ""):
        return []
    by_name = _columns_by_name(columns)
    if column_name not in by_name:
        return [
            _problem("row_filter_column", f"{column_name!r} is not a column", "row-filter-column")
        ]
    if by_name[column_name].get("type") != "string":
        return [
            _problem(
                "row_filter_column",
                f"{column_name!r} is {by_name[column_name].get('type')}; "
                "filters compare text values",
                "row-filter-type",
            )
        ]
    return []


def check_row_filter_groups(column_name: Any, allowed_values: Any) -> list[str]:
    """Per group, the non-empty list of values of the filter column its members see."""
    if column_name in (None, ""):
        if allowed_values:
            return [
                _problem(
                    "row_filter_groups",
                    "groups are given but row_filter_column is empty",
                    "row-filter-column",
                )
            ]
        return []
    if not isinstance(allowed_values, dict) or not allowed_values:
        return [
            _problem(
                "row_filter_groups",
                "must map at least one group to the list of values its members see",
                "row-filter-groups",
            )
        ]
    problems = []
    for group, values in allowed_values.items():
        if not isinstance(group, str) or not GROUP.match(group):
            problems.append(
                _problem("row_filter_groups", f"{group!r} is not a group name", "group-format")
            )
        elif (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) and v and "'" not in v for v in values)
        ):
            problems.append(
                _problem(
                    f"row_filter_groups.{group}",
                    "must be a non-empty list of text values without quotes",
                    "row-filter-values",
                )
            )
    return problems


def check_row_filter(column_name: Any, allowed_values: Any, columns: Any) -> list[str]:
    """The whole optional row filter (add-dataset and contracts)."""
    return check_row_filter_column(column_name, columns) or check_row_filter_groups(
        column_name, allowed_values
    )


def check_source_table(value: Any) -> list[str]:
    """A JDBC source table as <schema>.<table>."""
    if isinstance(value, str) and SOURCE_TABLE.match(value):
        return []
    return [
        _problem(
            "jdbc_source_table",
            f"{value!r} must be <schema>.<table> (letters, digits, underscores)",
            "source-table-format",
        )
    ]


def odcs_types(column_type: str) -> tuple[str, str]:
    """ODCS (logicalType, physicalType) of a Databricks SQL column type."""
    logical = {
        "string": "string",
        "int": "integer",
        "bigint": "integer",
        "double": "number",
        "decimal": "number",
        "boolean": "boolean",
        "date": "date",
        "timestamp": "timestamp",
    }[type_family(column_type)]
    return logical, column_type.replace(" ", "").upper()
