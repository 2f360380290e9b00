"""Quoting of every literal and identifier the engine writes into SQL: one pair per dialect.

Values from contracts, answers and data files (group names, filter values, descriptions,
column and table names, watermarks) reach SQL text only through these functions; nothing
else concatenates them into a statement. Each function returns one token that denotes
exactly its input, whatever the input holds (quotes of either kind, backslashes, comment
markers, semicolons, control or line-separator characters), or raises ``UnquotableError``
naming the character the dialect cannot hold. They are the last line of defence: the
questionnaire and the contract rules refuse most such values long before they get here.

Dialects:

- Spark / Databricks SQL: governance (mask and row-filter functions, ``SET MASK``, tags,
  comments), the local temporary functions of ``persona_view``, ``MERGE``, DDL schemas.
  String literals take backslash escapes and may also be written with ``"``: a value ending
  in ``\\`` must not escape its closing quote, so backslashes and quotes are escaped and
  every non-printable character is written as a Unicode escape (the SQL text stays one
  printable line). Identifiers use backticks, a backtick doubled.
- DataFusion (delta-rs ``MERGE`` predicates): identifiers in ``"``, ``"`` doubled.
- PostgreSQL and SQL Server (JDBC source queries): identifiers in ``"`` / ``[ ]``;
  literals in standard quotes (``E'...'`` when PostgreSQL must read backslashes as text
  whatever ``standard_conforming_strings`` says), ``N'...'`` on SQL Server.

Standard library only (the local PostgreSQL, ``lakehouse_local.postgres``, uses it too).
"""

from __future__ import annotations

from . import dataset_rules

# PostgreSQL truncates longer names silently (NAMEDATALEN - 1 bytes); SQL Server's sysname.
POSTGRES_MAX_IDENTIFIER_BYTES = 63
SQLSERVER_MAX_IDENTIFIER_CHARS = 128


class UnquotableError(ValueError):
    """A value the target SQL dialect cannot represent (says which and why)."""


def _non_empty(name: str, dialect: str) -> str:
    if not isinstance(name, str) or not name:
        raise UnquotableError(f"{dialect}: an identifier must be a non-empty string, not {name!r}")
    return name


def _without_nul(value: str, dialect: str, what: str) -> str:
    if "\x00" in value:
        raise UnquotableError(f"{dialect}: {what} {value!r} holds a NUL character")
    return value


def _unicode_escape(character: str) -> str:
    code = ord(character)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


# --- Spark / Databricks SQL ---------------------------------------------------------------


def spark_string(value: str) -> str:
    """A Spark/Databricks SQL string literal of ``value``.

    Spark unescapes ``\\\\``, ``\\'`` and ``\\uXXXX`` / ``\\UXXXXXXXX`` in regular literals
    (Spark SQL reference, "Literals"; Databricks "STRING type").
    """
    if not isinstance(value, str):
        raise UnquotableError(f"Spark SQL: a string literal needs text, not {value!r}")
    escaped = []
    for character in value:
        if character in "\\'":
            escaped.append("\\" + character)
        elif character.isprintable():
            escaped.append(character)
        else:
            escaped.append(_unicode_escape(character))
    return "'" + "".join(escaped) + "'"


def spark_identifier(name: str) -> str:
    """A backquoted Spark/Databricks identifier (one name part)."""
    return "`" + _non_empty(name, "Spark SQL").replace("`", "``") + "`"


def spark_name(*parts: str) -> str:
    """A qualified name, each part quoted: ``catalog``.``schema``.``table``."""
    return ".".join(spark_identifier(part) for part in parts)


def spark_type(column_type: str) -> str:
    """A contract column type as Databricks SQL writes it; only the contract's own types
    (the grammar of ``dataset_rules.type_problem``) are accepted."""
    problem = dataset_rules.type_problem(column_type)
    if problem:
        raise UnquotableError(f"Spark SQL: {problem}")
    return column_type.replace(" ", "").upper()


# --- DataFusion (delta-rs) ----------------------------------------------------------------


def datafusion_identifier(name: str) -> str:
    """A double-quoted DataFusion identifier (case kept, ``"`` doubled)."""
    _without_nul(_non_empty(name, "DataFusion"), "DataFusion", "identifier")
    return '"' + name.replace('"', '""') + '"'


def datafusion_string(value: str) -> str:
    """A single-quoted DataFusion string literal (``'`` doubled; no backslash escapes)."""
    if not isinstance(value, str):
        raise UnquotableError(f"DataFusion: a string literal needs text, not {value!r}")
    _without_nul(value, "DataFusion", "string")
    return "'" + value.replace("'", "''") + "'"


# --- PostgreSQL -----------------------------------------------------------------------------


def postgres_identifier(name: str) -> str:
    """A double-quoted PostgreSQL identifier: exact case, reserved words allowed."""
    _without_nul(_non_empty(name, "PostgreSQL"), "PostgreSQL", "identifier")
    if len(name.encode()) > POSTGRES_MAX_IDENTIFIER_BYTES:
        raise UnquotableError(
            f"PostgreSQL: identifier {name!r} is longer than {POSTGRES_MAX_IDENTIFIER_BYTES} "
            "bytes and would be truncated to another name"
        )
    return '"' + name.replace('"', '""') + '"'


def postgres_string(value: str) -> str:
    """A PostgreSQL string literal, the form of ``quote_literal()``: ``E'...'`` with
    backslashes doubled when there are any, so the text is the same whatever
    ``standard_conforming_strings`` is set to."""
    _without_nul(value, "PostgreSQL", "text")
    quoted = value.replace("'", "''")
    if "\\" in value:
        return "E'" + quoted.replace("\\", "\\\\") + "'"
    return "'" + quoted + "'"


# --- SQL Server -----------------------------------------------------------------------------


def sqlserver_identifier(name: str) -> str:
    """A bracketed SQL Server identifier (``]`` doubled)."""
    _without_nul(_non_empty(name, "SQL Server"), "SQL Server", "identifier")
    if len(name) > SQLSERVER_MAX_IDENTIFIER_CHARS:
        raise UnquotableError(
            f"SQL Server: identifier {name!r} is longer than {SQLSERVER_MAX_IDENTIFIER_CHARS} "
            "characters"
        )
    return "[" + name.replace("]", "]]") + "]"


def sqlserver_string(value: str) -> str:
    """A Unicode SQL Server string literal ``N'...'`` (``'`` doubled).

    T-SQL removes a backslash followed by a line break from string constants (line
    continuation), so such a value cannot be written as one literal and is refused.
    """
    _without_nul(value, "SQL Server", "text")
    if "\\\n" in value or "\\\r" in value:
        raise UnquotableError(
            f"SQL Server: text {value!r} has a backslash before a line break, which T-SQL "
            "removes (line continuation)"
        )
    return "N'" + value.replace("'", "''") + "'"
