"""Rules for a dataset definition: name, columns, keys, ordering, masks, deletes, history,
source, row filter.

One implementation serves ``add-dataset`` and the contract loader (the template's
questionnaire used the same rules when it rendered this repository). Standard library only.

Every check returns a list of ``Problem`` (see ``problems.py``); an empty list means valid.
The proposals (``propose_*``) derive defaults from earlier answers and are valid by
construction, or ``None`` when nothing qualifies.

Columns may be given as a list of mappings ``{name, type, required, description, pii}`` or,
shorter, one line per column: a list of ``"name <type> [required] [pii:<kind>] [-- text]"``
strings, or a mapping ``name: "<type> [required] [pii:<kind>] [-- text]"``.
``normalize_columns`` turns every form into the list of mappings (the recorded form).
"""

from __future__ import annotations

import keyword
import re
from typing import Any

from .naming import QUARANTINE_SUFFIX
from .problems import Problem, fullmatch, shown, unprintable

IDENTIFIER = re.compile(r"[a-z][a-z0-9_]*")
MAX_IDENTIFIER_LENGTH = 64
DECIMAL_TYPE = re.compile(r"decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)")
SIMPLE_TYPES = ("string", "int", "bigint", "double", "boolean", "date", "timestamp")
COLUMN_KEYS = ("name", "type", "required", "description", "pii")
MAX_DESCRIPTION_LENGTH = 512
# Quarantined share of a silver batch (percent of the records read) above which the dataset's
# quarantine alert fires, when its contract sets no other (customProperties).
DEFAULT_QUARANTINE_THRESHOLD_PERCENT = 5

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

# The strategy proposed for each PII kind (it fits the kind's column type).
DEFAULT_STRATEGY = {
    "name": "char_mask",
    "email": "email_partial",
    "document": "hash_sha256",
    "card": "last4",
    "phone": "last4",
    "address": "redact",
    "ip_address": "hash_sha256",
    "birth_date": "year_only",
}

# The source types a dataset can have, and the choices each of them offers.
SOURCE_TYPES = ("files", "eventhub", "jdbc")
FILE_FORMATS = ("csv", "json", "parquet")
JDBC_ENGINES = ("sqlserver", "postgresql")

# Account groups appear quoted in SQL and HCL: a safe alphabet, no quotes, no `$`.
GROUP = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,127}")
SOURCE_TABLE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}\.[A-Za-z_][A-Za-z0-9_]{0,127}")
# Row-filter values are SQL literals: no quote of any kind, no backslash, no statement end.
ROW_FILTER_FORBIDDEN = frozenset("'\"`\\;")
MAX_ROW_FILTER_VALUE = 128

# Column types that order the versions of a record (the newest wins in silver) and that an
# incremental (watermark) load can resume from: they grow with every change.
ORDERING_TYPES = ("timestamp", "date", "int", "bigint")
TEMPORAL_TYPES = ("timestamp", "date")
# A key must compare exactly (not double) and tell more than two records apart (not boolean).
KEY_TYPES_EXCLUDED = ("double", "boolean")

# Why a key column is never masked (nor PII, which is always masked).
KEY_NOT_MASKED = (
    "{name!r} is in the primary key: keys identify records in MERGE and joins and must read "
    "the same for everyone; use a surrogate key, or hash it at the source"
)

# Lineage and bookkeeping columns the engine adds; user columns must not collide with them.
RESERVED_PREFIX = "_"


def type_family(column_type: str) -> str:
    """The base type of a Databricks SQL type: ``decimal(18,2)`` -> ``decimal``."""
    return "decimal" if fullmatch(DECIMAL_TYPE, column_type) else column_type


def canonical_type(column_type: Any) -> Any:
    """Lower case, no blanks inside ``decimal(p,s)``; anything else is returned unchanged."""
    if not isinstance(column_type, str):
        return column_type
    text = column_type.lower()
    match = DECIMAL_TYPE.fullmatch(text)
    return f"decimal({int(match[1])},{int(match[2])})" if match else text


def decimal_parts(column_type: str) -> tuple[int, int]:
    """(precision, scale) of a ``decimal(p,s)`` type."""
    match = DECIMAL_TYPE.fullmatch(column_type)
    return int(match[1]), int(match[2])


def type_problem(column_type: Any) -> str:
    """Why ``column_type`` is not a supported Databricks SQL type, or ``''``."""
    if not isinstance(column_type, str):
        return f"{shown(column_type)} is not a type name"
    if column_type in SIMPLE_TYPES:
        return ""
    if not fullmatch(DECIMAL_TYPE, column_type):
        allowed = ", ".join((*SIMPLE_TYPES, "decimal(p,s)"))
        return f"{shown(column_type)} is not a known type; allowed: {allowed}"
    precision, scale = decimal_parts(column_type)
    if not 1 <= precision <= 38 or scale > precision:
        return f"{column_type!r} needs 1 <= precision <= 38 and scale <= precision"
    return ""


def identifier_problem(value: Any) -> tuple[str, str]:
    """Why ``value`` is not a usable table/column identifier, as (detail, rule), or ('', '')."""
    if not isinstance(value, str) or not value:
        return f"{shown(value)} must be a non-empty name", "identifier"
    if value.startswith(RESERVED_PREFIX):
        return f"{shown(value)} starts with '_', reserved for engine columns", "identifier"
    if not fullmatch(IDENTIFIER, value):
        return (
            f"{shown(value)} must start with a lowercase letter and hold only "
            "lowercase letters, digits and underscores",
            "identifier",
        )
    if len(value) > MAX_IDENTIFIER_LENGTH:
        return f"{shown(value)} is longer than {MAX_IDENTIFIER_LENGTH} characters", "identifier"
    if value in RESERVED_WORDS:
        return f"{value!r} is a reserved SQL word", "reserved-word"
    return "", ""


def check_dataset_name(name: Any) -> list[Problem]:
    """The dataset name becomes a table name in every layer and a Python module name."""
    detail, rule = identifier_problem(name)
    if detail:
        return [Problem(("dataset_name",), detail, rule)]
    if name.endswith(QUARANTINE_SUFFIX):
        detail = f"{name!r} ends with {QUARANTINE_SUFFIX!r}, the suffix of quarantine tables"
        return [Problem(("dataset_name",), detail, "quarantine-suffix")]
    if keyword.iskeyword(name):
        detail = f"{name!r} is a Python keyword; it names the dataset's gold transform module"
        return [Problem(("dataset_name",), detail, "python-keyword")]
    return []


def check_description(where: tuple, value: Any) -> list[Problem]:
    """An optional one-line description (it lands in YAML, Markdown and SQL comments)."""
    if value is None:
        return []
    if not isinstance(value, str):
        return [Problem(where, f"{shown(value)} must be text", "text")]
    bad = unprintable(value)
    if bad or len(value) > MAX_DESCRIPTION_LENGTH:
        detail = f"must be one line of at most {MAX_DESCRIPTION_LENGTH} printable characters"
        return [Problem(where, detail + (f" (found {bad})" if bad else ""), "text")]
    return []


# --------------------------------------------------------------------------------------------
# Columns
# --------------------------------------------------------------------------------------------
_SPEC_TYPE = re.compile(r"\s*(decimal\s*\(\s*\d+\s*,\s*\d+\s*\)|\S+)(.*)", re.S)


def _parse_spec(spec: str, where: tuple) -> tuple[dict | None, list[Problem]]:
    """``"<type> [required] [pii:<kind>] [-- description]"`` -> the column's fields (None
    when there is not even a type)."""
    spec, _, description = spec.partition(" -- ")
    match = _SPEC_TYPE.fullmatch(spec)
    if not match or not spec.strip():
        return None, [Problem(where, "needs a type, e.g. 'string required'", "column-spec")]
    column: dict[str, Any] = {"type": canonical_type(match[1]), "required": False}
    if description.strip():
        column["description"] = description.strip()
    problems = []
    for word in match[2].split():
        lowered = word.lower()
        if lowered == "required":
            column["required"] = True
        elif lowered.startswith(("pii:", "pii=")):
            column["pii"] = lowered[4:]
        else:
            detail = f"unknown word {shown(word)} (after the type: required, pii:<kind>, -- text)"
            problems.append(Problem(where, detail, "column-spec"))
    return column, problems


def _located_columns(value: Any) -> tuple[list[tuple[dict, tuple]], list[Problem]]:
    """Each readable column with where it was written (a column written on one line is named
    by its name, an item of the list form by position), and the problems of the shape."""
    located: list[tuple[dict, tuple]] = []
    problems: list[Problem] = []
    if isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, dict):
                located.append(
                    ({**item, "type": canonical_type(item.get("type"))}, ("columns", index))
                )
            elif isinstance(item, str) and item.strip():
                name, _, spec = item.strip().partition(" ")
                where = ("columns", name)
                column, spec_problems = _parse_spec(spec, where)
                problems += spec_problems
                if column is not None:
                    located.append(({"name": name, **column}, where))
            else:
                detail = f"{shown(item)} must be 'name <type> [required] ...' or a mapping"
                problems.append(Problem(("columns", index), detail, "column-shape"))
        return located, problems
    if isinstance(value, dict):
        for name, spec in value.items():
            where = ("columns", name if isinstance(name, str) else shown(name))
            if isinstance(spec, str):
                column, spec_problems = _parse_spec(spec, where)
                problems += spec_problems
                if column is None:
                    continue
            elif isinstance(spec, dict):
                column = {**spec, "type": canonical_type(spec.get("type"))}
                if "name" in column and column["name"] != name:
                    detail = f"has name {shown(column['name'])} under the key {shown(name)}"
                    problems.append(Problem(where, detail, "column-shape"))
                    continue
            else:
                detail = f"{shown(spec)} must be '<type> [required] [pii:<kind>]' or a mapping"
                problems.append(Problem(where, detail, "column-spec"))
                continue
            located.append(({"name": name, **column}, where))
        return located, problems
    detail = "must be a list of columns, one per line: - name <type> [required]"
    return [], [Problem(("columns",), detail, "non-empty")]


def normalize_columns(value: Any) -> tuple[list[dict], list[Problem]]:
    """The list form of a columns answer, and the problems of its shape.

    Items that cannot be read are left out of the list (their problems say why)."""
    located, problems = _located_columns(value)
    return [column for column, _ in located], problems


def check_columns(value: Any) -> list[Problem]:
    """A non-empty set of well-formed, uniquely named, typed columns."""
    located, problems = _located_columns(value)
    if not located and not problems:
        return [Problem(("columns",), "must hold at least one column", "non-empty")]
    seen: set[str] = set()
    for column, where in located:
        unknown = sorted(str(key) for key in set(column) - set(COLUMN_KEYS))
        if unknown:
            detail = f"unknown key(s) {', '.join(unknown)}; allowed: {', '.join(COLUMN_KEYS)}"
            problems.append(Problem(where, detail, "column-keys"))
        name = column.get("name")
        detail, rule = identifier_problem(name)
        if detail:
            problems.append(Problem((*where, "name"), detail, rule))
        elif name in seen:
            problems.append(Problem((*where, "name"), f"{name!r} is used twice", "unique-name"))
        else:
            seen.add(name)
        column_type = column.get("type")
        type_detail = type_problem(column_type)
        if type_detail:
            problems.append(Problem((*where, "type"), type_detail, "known-type"))
        if not isinstance(column.get("required", False), bool):
            detail = f"{shown(column.get('required'))} must be true or false"
            problems.append(Problem((*where, "required"), detail, "boolean"))
        problems += check_description((*where, "description"), column.get("description"))
        kind = column.get("pii")
        if kind is None:
            continue
        if not isinstance(kind, str) or kind not in PII_KIND_TYPES:
            detail = f"{shown(kind)} is not a PII kind; allowed: {', '.join(PII_KIND_TYPES)}"
            problems.append(Problem((*where, "pii"), detail, "pii-kind"))
        elif not type_detail and PII_KIND_TYPES[kind] != type_family(column_type):
            detail = f"PII kind {kind!r} needs a {PII_KIND_TYPES[kind]} column, not {column_type}"
            problems.append(Problem((*where, "pii"), detail, "pii-type"))
    return problems


def valid_columns(value: Any) -> list[dict] | None:
    """The list form of a valid columns answer, or None."""
    if check_columns(value):
        return None
    return normalize_columns(value)[0]


def _columns_by_name(columns: Any) -> dict[str, dict]:
    listed, _ = normalize_columns(columns)
    return {c["name"]: c for c in listed if isinstance(c.get("name"), str)}


def _names(value: Any) -> list[Any] | None:
    """A list of column names, or None when ``value`` is not a list."""
    return list(value) if isinstance(value, list) else None


# --------------------------------------------------------------------------------------------
# Primary key, ordering column, masks
# --------------------------------------------------------------------------------------------
def check_primary_key(primary_key: Any, columns: Any) -> list[Problem]:
    """The key columns exist, are required, appear once, compare exactly and are not PII."""
    names = _names(primary_key)
    if not names:
        detail = "must be a non-empty list of column names, e.g. [order_id]"
        return [Problem(("primary_key",), detail, "non-empty")]
    by_name = _columns_by_name(columns)
    problems: list[Problem] = []
    for index, name in enumerate(names):
        where = ("primary_key", index)
        if not isinstance(name, str) or name not in by_name:
            problems.append(Problem(where, f"{shown(name)} is not a column", "pk-column-exists"))
            continue
        if names.index(name) != index:
            problems.append(Problem(where, f"{name!r} is listed twice", "pk-unique"))
        column = by_name[name]
        if column.get("required") is not True:
            detail = f"{name!r} must be a required column"
            problems.append(Problem(where, detail, "pk-column-required"))
        if column.get("type") in KEY_TYPES_EXCLUDED:
            detail = (
                f"{name!r} is {column.get('type')}; a key compares exactly and tells many "
                "records apart (not double, not boolean)"
            )
            problems.append(Problem(where, detail, "pk-type"))
        if column.get("pii") is not None:
            problems.append(Problem(where, KEY_NOT_MASKED.format(name=name), "pk-not-masked"))
    return problems


def _not_growing(column_name: str, column: dict) -> str:
    """Why a column's type cannot order versions nor resume a load, or ``''``."""
    if column.get("type") in ORDERING_TYPES:
        return ""
    return f"{column_name!r} is {column.get('type')}; needs one of {', '.join(ORDERING_TYPES)}"


def ordering_problems(column_name: Any, columns: Any, primary_key: Any, where: tuple) -> list:
    """The column that says which version of a record is newest: a required timestamp or
    date (or an int/bigint that grows with every change), not part of the key, not PII."""
    by_name = _columns_by_name(columns)
    if column_name in (None, ""):
        detail = (
            "name the column that orders versions of a record (a required timestamp or date, "
            "or an int/bigint that grows with every change)"
        )
        return [Problem(where, detail, "ordering-column")]
    if not isinstance(column_name, str) or column_name not in by_name:
        return [Problem(where, f"{shown(column_name)} is not a column", "ordering-column")]
    column = by_name[column_name]
    if detail := _not_growing(column_name, column):
        return [Problem(where, detail, "ordering-type")]
    if column.get("required") is not True:
        detail = f"{column_name!r} must be required: a record without it cannot be ordered"
        return [Problem(where, detail, "ordering-required")]
    if isinstance(primary_key, list) and column_name in primary_key:
        detail = f"{column_name!r} is part of the primary key; versions of a key need another"
        return [Problem(where, detail, "ordering-not-key")]
    if column.get("pii") is not None:
        detail = f"{column_name!r} is PII; order records by an event time, not personal data"
        return [Problem(where, detail, "ordering-not-pii")]
    return []


def check_ordering_column(column_name: Any, columns: Any, primary_key: Any) -> list[Problem]:
    return ordering_problems(column_name, columns, primary_key, ("ordering_column",))


def _strategies_of(masking_rules: Any) -> tuple[dict, list[Problem]]:
    if masking_rules is None:
        return {}, []
    if not isinstance(masking_rules, dict):
        detail = "must be a mapping column -> strategy, e.g. {email: email_partial}"
        return {}, [Problem(("masking_rules",), detail, "mapping")]
    return masking_rules, []


def strategies_for(column_type: str) -> list[str]:
    """The masking strategies that fit a column type."""
    family = type_family(column_type)
    return [s for s, fits in STRATEGY_TYPES.items() if fits is None or family in fits]


def check_masking_rules(masking_rules: Any, columns: Any, primary_key: Any = None) -> list[Problem]:
    """Each rule masks an existing non-key column with a known strategy that fits its type,
    and every PII column has a rule (PII is masked by default)."""
    rules, problems = _strategies_of(masking_rules)
    if problems:
        return problems
    by_name = _columns_by_name(columns)
    keys = primary_key if isinstance(primary_key, list) else []
    for column_name, strategy in rules.items():
        named = isinstance(column_name, str)
        where = ("masking_rules", column_name if named else shown(column_name))
        if not named or column_name not in by_name:
            detail = f"{shown(column_name)} is not a column"
            problems.append(Problem(where, detail, "mask-column-exists"))
            continue
        if column_name in keys:
            problems.append(
                Problem(where, KEY_NOT_MASKED.format(name=column_name), "pk-not-masked")
            )
            continue
        if not isinstance(strategy, str) or strategy not in STRATEGY_TYPES:
            allowed = ", ".join(STRATEGY_TYPES)
            detail = f"{shown(strategy)} is not a strategy; allowed: {allowed}"
            problems.append(Problem(where, detail, "strategy"))
            continue
        column_type = by_name[column_name].get("type", "")
        if strategy not in strategies_for(column_type):
            fits = STRATEGY_TYPES[strategy]
            detail = f"{strategy} works on {' or '.join(fits)} columns, not {column_type}"
            problems.append(Problem(where, detail, "strategy-type"))
    for name, column in by_name.items():
        if column.get("pii") is not None and name not in rules:
            detail = f"PII column {name!r} (pii: {column['pii']}) has no masking strategy"
            problems.append(Problem(("masking_rules",), detail, "pii-masked"))
    return problems


def watermark_problems(column_name: Any, columns: Any, where: tuple) -> list[Problem]:
    """An incremental-load column exists, is required and grows monotonically."""
    by_name = _columns_by_name(columns)
    if not isinstance(column_name, str) or column_name not in by_name:
        return [Problem(where, f"{shown(column_name)} is not a column", "watermark-column-exists")]
    column = by_name[column_name]
    if detail := _not_growing(column_name, column):
        return [Problem(where, detail, "watermark-type")]
    if column.get("required") is not True:
        return [Problem(where, f"{column_name!r} must be required", "watermark-required")]
    return []


def check_watermark_column(column_name: Any, columns: Any) -> list[Problem]:
    return watermark_problems(column_name, columns, ("jdbc_incremental_column",))


# --------------------------------------------------------------------------------------------
# Deletes and history (how silver applies changes)
# --------------------------------------------------------------------------------------------
DELETE_MODES = ("hard", "soft")
SCD_TYPES = (1, 2)
# A delete marker is a text column (an operation code such as 'D') or a boolean flag.
DELETE_COLUMN_TYPES = ("string", "boolean")
# How a JDBC source shows deletes: not at all, a soft-delete flag in the source table, or a
# CDC change table (read as the source table) with an operation column.
JDBC_DELETE_CAPTURES = ("none", "soft_delete_column", "change_table")
# Usual names of delete markers, proposed first.
DELETE_MARKER_NAMES = ("is_deleted", "deleted", "operation", "op", "change_type")


def scd_type_number(value: Any) -> int | None:
    """1 or 2 from an answer (Copier records text), or None when it is neither."""
    if value in (None, ""):
        return 1
    if isinstance(value, bool):
        return None
    text = str(value).strip()
    return int(text) if text in ("1", "2") else None


def check_delete_column(
    column_name: Any, columns: Any, primary_key: Any, ordering: Any, capture: Any = "none"
) -> list[Problem]:
    """The optional delete marker column: empty (no deletes), else a string or boolean column
    outside the key, not the ordering column, not PII. A JDBC source capturing deletes
    (``capture``) needs one."""
    where = ("delete_column",)
    if column_name in (None, ""):
        if capture in (None, "none"):
            return []
        detail = f"jdbc_delete_capture is {capture}: name the column that marks a deleted row"
        return [Problem(where, detail, "delete-capture-column")]
    by_name = _columns_by_name(columns)
    if not isinstance(column_name, str) or column_name not in by_name:
        return [Problem(where, f"{shown(column_name)} is not a column", "delete-column")]
    column = by_name[column_name]
    # The column's role first: a key or ordering column is the wrong column whatever its type.
    if isinstance(primary_key, list) and column_name in primary_key:
        detail = f"{column_name!r} is in the primary key; the marker says what happened to a key"
        return [Problem(where, detail, "delete-column-not-key")]
    if column_name == ordering:
        detail = f"{column_name!r} is the ordering column; the marker needs its own column"
        return [Problem(where, detail, "delete-column-not-ordering")]
    if column.get("type") not in DELETE_COLUMN_TYPES:
        detail = (
            f"{column_name!r} is {column.get('type')}; a delete marker is a string "
            "(operation code) or boolean (deleted flag) column"
        )
        return [Problem(where, detail, "delete-column-type")]
    if column.get("pii") is not None:
        return [Problem(where, f"{column_name!r} is PII", "delete-column-not-pii")]
    return []


def check_delete_values(values: Any, column_name: Any, columns: Any) -> list[Problem]:
    """The marker values meaning deleted: texts for a string marker; a boolean marker deletes
    when true (empty or [true])."""
    where = ("delete_values",)
    if column_name in (None, ""):
        if values:
            detail = "delete values are given but delete_column is empty"
            return [Problem(where, detail, "delete-column")]
        return []
    if _columns_by_name(columns).get(column_name, {}).get("type") == "boolean":
        if values in (None, [], [True], ["true"]):
            return []
        detail = f"{shown(values)}: a boolean marker deletes when true; leave it empty or [true]"
        return [Problem(where, detail, "delete-values")]
    if not isinstance(values, list) or not values:
        detail = "must list the marker values that mean deleted, e.g. [D]"
        return [Problem(where, detail, "delete-values")]
    problems = []
    for index, value in enumerate(values):
        # Compared in SQL as literals: the same safe alphabet as row-filter values.
        if detail := row_filter_value_problem(value):
            problems.append(Problem((*where, index), detail, "delete-values"))
    return problems


def check_tracked_columns(
    tracked_columns: Any,
    scd_type: Any,
    columns: Any,
    primary_key: Any,
    ordering: Any,
    delete_column: Any,
) -> list[Problem]:
    """SCD type 2's tracked columns (empty: every column outside key, ordering, marker)."""
    if tracked_columns in (None, "", []):
        return []
    where = ("tracked_columns",)
    if scd_type_number(scd_type) != 2:
        detail = "tracked columns need scd_type 2 (type 1 keeps only the latest version)"
        return [Problem(where, detail, "tracked-needs-scd2")]
    names = _names(tracked_columns)
    if names is None:
        detail = "must be a list of column names, e.g. [status, limit_amount]"
        return [Problem(where, detail, "tracked-columns")]
    by_name = _columns_by_name(columns)
    keys = primary_key if isinstance(primary_key, list) else []
    problems = []
    for index, name in enumerate(names):
        if not isinstance(name, str) or name not in by_name:
            detail = f"{shown(name)} is not a column"
        elif names.index(name) != index:
            detail = f"{name!r} is listed twice"
        elif name in keys or name in (ordering, delete_column):
            detail = (
                f"{name!r} is a key, the ordering column or the delete marker; "
                "track the columns whose changes open a new version"
            )
        else:
            continue
        problems.append(Problem((*where, index), detail, "tracked-columns"))
    return problems


def check_changes(
    delete_column: Any,
    delete_values: Any,
    delete_mode: Any,
    scd_type: Any,
    tracked_columns: Any,
    columns: Any,
    primary_key: Any,
    ordering_column: Any,
    capture: Any = "none",
) -> list[Problem]:
    """The optional delete marker (a column and the values meaning deleted, applied hard or
    soft) and the history kept (SCD type 1 or 2 with its tracked columns). Empty answers
    keep the default: no deletes, SCD type 1."""
    problems = check_delete_column(delete_column, columns, primary_key, ordering_column, capture)
    if not problems:
        problems += check_delete_values(delete_values, delete_column, columns)
    if delete_mode not in (None, "", *DELETE_MODES):
        detail = f"{shown(delete_mode)} is not a delete mode; allowed: {', '.join(DELETE_MODES)}"
        problems.append(Problem(("delete_mode",), detail, "delete-mode"))
    if scd_type_number(scd_type) is None:
        detail = f"{shown(scd_type)} is not an SCD type; allowed: 1 (latest only), 2 (history)"
        problems.append(Problem(("scd_type",), detail, "scd-type"))
    return problems + check_tracked_columns(
        tracked_columns, scd_type, columns, primary_key, ordering_column, delete_column
    )


def default_tracked_columns(
    columns: Any, primary_key: Any, ordering_column: Any, delete_column: Any
) -> list[str]:
    """SCD2 without tracked columns tracks every column outside the key, the ordering
    column and the delete marker."""
    keys = primary_key if isinstance(primary_key, list) else []
    skipped = {*keys, ordering_column, delete_column}
    return [name for name in _columns_by_name(columns) if name not in skipped]


# --------------------------------------------------------------------------------------------
# Row filter and source
# --------------------------------------------------------------------------------------------
def check_row_filter_column(column_name: Any, columns: Any) -> list[Problem]:
    """The optional row filter's column: empty (no filter) or an existing text column."""
    if column_name in (None, ""):
        return []
    by_name = _columns_by_name(columns)
    where = ("row_filter_column",)
    if not isinstance(column_name, str) or column_name not in by_name:
        return [Problem(where, f"{shown(column_name)} is not a column", "row-filter-column")]
    column_type = by_name[column_name].get("type")
    if column_type != "string":
        detail = f"{column_name!r} is {column_type}; filters compare text values"
        return [Problem(where, detail, "row-filter-type")]
    return []


def row_filter_value_problem(value: Any) -> str:
    """Why one allowed value of a row filter is unusable, or ``''``."""
    if not isinstance(value, str) or not value.strip():
        return f"{shown(value)} must be non-empty text"
    if value != value.strip() or len(value) > MAX_ROW_FILTER_VALUE:
        return f"{shown(value)} must be at most {MAX_ROW_FILTER_VALUE} characters, no outer blanks"
    bad = unprintable(value) or "".join(sorted(set(value) & ROW_FILTER_FORBIDDEN))
    if bad:
        return f"{shown(value)} holds {bad}: no quotes, backslashes, ';' or control characters"
    return ""


def check_row_filter_groups(column_name: Any, allowed_values: Any) -> list[Problem]:
    """Per group, the non-empty list of values of the filter column its members see."""
    where = ("row_filter_groups",)
    if column_name in (None, ""):
        if allowed_values:
            detail = "groups are given but row_filter_column is empty"
            return [Problem(where, detail, "row-filter-column")]
        return []
    if not isinstance(allowed_values, dict) or not allowed_values:
        detail = "must map at least one group to the list of values its members see"
        return [Problem(where, detail, "row-filter-groups")]
    problems = []
    for group, values in allowed_values.items():
        if not fullmatch(GROUP, group):
            detail = f"{shown(group)} is not a group name (letters, digits, space . _ -)"
            problems.append(Problem(where, detail, "group-format"))
            continue
        if not isinstance(values, list) or not values:
            detail = f"{shown(values)} must be a non-empty list of values, e.g. [BR, PT]"
            problems.append(Problem((*where, group), detail, "row-filter-values"))
            continue
        for index, value in enumerate(values):
            detail = row_filter_value_problem(value)
            if detail:
                problems.append(Problem((*where, group, index), detail, "row-filter-values"))
    return problems


def check_row_filter(column_name: Any, allowed_values: Any, columns: Any) -> list[Problem]:
    """The whole optional row filter (add-dataset and contracts)."""
    return check_row_filter_column(column_name, columns) or check_row_filter_groups(
        column_name, allowed_values
    )


def check_quarantine_threshold(value: Any) -> list[Problem]:
    """The share of a silver batch's records that may go to quarantine before the domain's
    alert address hears about it: a percentage above 0 and at most 100."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and 0 < value <= 100:
        return []
    detail = f"{shown(value)} must be a percentage above 0 and at most 100"
    return [Problem(("quarantine_threshold_percent",), detail, "quarantine-threshold")]


def check_source_table(value: Any) -> list[Problem]:
    """A JDBC source table as <schema>.<table>."""
    if fullmatch(SOURCE_TABLE, value):
        return []
    detail = f"{shown(value)} must be <schema>.<table> (letters, digits, underscores)"
    return [Problem(("jdbc_source_table",), detail, "source-table-format")]


# --------------------------------------------------------------------------------------------
# Proposals: defaults derived from earlier answers, valid by construction
# --------------------------------------------------------------------------------------------
def _id_like(name: str) -> bool:
    return name == "id" or name.endswith(("_id", "_key", "_code", "_number"))


def propose_primary_key(columns: Any) -> list[str] | None:
    """The first required id-like column, else the first required column that can be a key."""
    listed = valid_columns(columns)
    if listed is None:
        return None
    candidates = [
        c["name"]
        for c in listed
        if c.get("required") is True
        and c["type"] not in KEY_TYPES_EXCLUDED
        and c.get("pii") is None
    ]
    for name in candidates:
        if _id_like(name):
            return [name]
    return candidates[:1] or None


def propose_ordering_column(columns: Any, primary_key: Any) -> str | None:
    """The first required timestamp, else date, column outside the key and not PII."""
    listed = valid_columns(columns)
    if listed is None:
        return None
    for wanted in TEMPORAL_TYPES:
        for column in listed:
            if column["type"] == wanted and not ordering_problems(
                column["name"], listed, primary_key, ("ordering_column",)
            ):
                return column["name"]
    return None


def propose_watermark_column(columns: Any, ordering_column: Any) -> str | None:
    """The ordering column (it grows with every change), else the first required timestamp
    or date column."""
    listed = valid_columns(columns)
    if listed is None:
        return None
    candidates = [ordering_column] + [c["name"] for c in listed if c["type"] in TEMPORAL_TYPES]
    for name in candidates:
        if isinstance(name, str) and not watermark_problems(name, listed, ("watermark",)):
            return name
    return None


def propose_delete_column(
    columns: Any, primary_key: Any, ordering_column: Any, capture: Any = "none"
) -> str:
    """No marker unless a JDBC capture asks for one: then the column a capture usually has
    (a boolean flag for a soft-delete column, an operation code for a change table), else
    ``''`` and the question must be answered."""
    if capture in (None, "none"):
        return ""
    wanted = "boolean" if capture == "soft_delete_column" else "string"
    listed = valid_columns(columns) or []
    eligible = [
        c["name"]
        for c in listed
        if c["type"] == wanted
        and not check_delete_column(c["name"], listed, primary_key, ordering_column)
    ]
    named = [name for name in DELETE_MARKER_NAMES if name in eligible]
    return (named or eligible or [""])[0]


def propose_delete_values(columns: Any, delete_column: Any) -> list[str]:
    """``[D]`` (the usual operation code of a delete) for a text marker; none for a flag."""
    column = _columns_by_name(columns).get(delete_column, {})
    return [] if column.get("type") == "boolean" else ["D"]


def propose_masking_rules(columns: Any) -> dict[str, str]:
    """One strategy per PII column, the one that fits its kind (and so its type)."""
    listed = valid_columns(columns) or []
    return {c["name"]: DEFAULT_STRATEGY[c["pii"]] for c in listed if c.get("pii")}


def propose_row_filter_column(columns: Any) -> str:
    """The demo's country filter when such a text column exists, else no filter."""
    by_name = {c["name"]: c for c in valid_columns(columns) or []}
    country = by_name.get("merchant_country")
    return "merchant_country" if country and country["type"] == "string" else ""


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
    }[type_family(canonical_type(column_type))]
    return logical, canonical_type(column_type).upper()


def classification(pii: bool, masked: bool) -> str:
    """How sensitive a column is (ODCS ``classification``), or a table from its columns (its
    Unity Catalog tag): ``restricted`` with PII, ``confidential`` when masked, else
    ``internal``."""
    return "restricted" if pii else "confidential" if masked else "internal"
