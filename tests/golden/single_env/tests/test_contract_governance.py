"""Governance converges after a contract change: the statements of the new contract alone set
every mask, pii tag and comment, whatever the old contract had set (a removed mask is
dropped, a removed tag unset, a removed description emptied). Checked on the statements, as
the governance task runs them (Databricks SQL: ALTER TABLE ... ALTER COLUMN ... SET MASK /
DROP MASK, SET TAGS / UNSET TAGS, COMMENT; learn.microsoft.com/azure/databricks/sql/
language-manual/sql-ref-syntax-ddl-alter-table-manage-column)."""

from __future__ import annotations

import dataclasses

import pytest

from lakehouse_domain import naming
from lakehouse_domain.contract import Column
from lakehouse_domain.governance import DOMAIN_GROUPS, governance_statements, mask_function_name
from lakehouse_domain.sql import spark_identifier as q
from lakehouse_domain.sql import spark_name

NEW = "loyalty_email"


def silver(contract) -> str:
    return spark_name("c", "silver", contract.name)


def quarantine(contract) -> str:
    return spark_name("c", "silver", naming.quarantine_table(contract.name))


def column_statements(statements: list[str], table: str, column: str) -> list[str]:
    prefix = f"ALTER TABLE {table} ALTER COLUMN {q(column)} "
    return [s.removeprefix(prefix) for s in statements if s.startswith(prefix)]


def changed(contract, name: str, **fields):
    columns = tuple(
        dataclasses.replace(c, **fields) if c.name == name else c for c in contract.columns
    )
    return dataclasses.replace(contract, columns=columns)


def assert_converges(contract) -> list[str]:
    """Each column of each table gets exactly one mask statement and one pii tag statement,
    and each silver column one comment: nothing depends on what was set before."""
    statements = governance_statements(contract, "c", DOMAIN_GROUPS)
    for table in (silver(contract), quarantine(contract)):
        for column in contract.column_names:
            found = column_statements(statements, table, column)
            masks = [s for s in found if s.startswith(("SET MASK", "DROP MASK"))]
            tags = [s for s in found if s.startswith(("SET TAGS", "UNSET TAGS"))]
            assert len(masks) == 1 and len(tags) == 1, (table, column, found)
    for column in contract.column_names:
        comments = [
            s
            for s in column_statements(statements, silver(contract), column)
            if s.startswith("COMMENT")
        ]
        assert len(comments) == 1, (column, comments)
    return statements


def a_string_column(contract, masked: bool):
    return next(
        (
            c
            for c in contract.columns
            if c.type == "string"
            and bool(c.masking) == masked
            and c.name not in contract.primary_key
        ),
        None,
    )


def test_a_mask_added_is_set_on_silver_and_quarantine(contract):
    column = a_string_column(contract, masked=False)
    if column is None:
        pytest.skip(f"{contract.name} has no unmasked text column")
    after = changed(contract, column.name, masking="redact", pii="other")
    statements = assert_converges(after)
    function = spark_name("c", "governance", mask_function_name("redact", "string"))
    for table in (silver(after), quarantine(after)):
        assert f"SET MASK {function};" in column_statements(statements, table, column.name)


def test_a_mask_removed_is_dropped_and_its_tag_unset(contract):
    column = a_string_column(contract, masked=True)
    if column is None:
        pytest.skip(f"{contract.name} masks no text column")
    after = changed(contract, column.name, masking=None, pii=None)
    statements = assert_converges(after)
    for table in (silver(after), quarantine(after)):
        found = column_statements(statements, table, column.name)
        assert "DROP MASK;" in found and "UNSET TAGS ('pii');" in found


def test_a_changed_tag_and_a_removed_description_converge(contract):
    column = a_string_column(contract, masked=True) or contract.columns[0]
    after = changed(contract, column.name, pii="email", description="")
    statements = assert_converges(after)
    found = column_statements(statements, silver(after), column.name)
    assert "SET TAGS ('pii' = 'email');" in found
    assert "COMMENT '';" in found


def test_a_new_column_with_a_mask_is_masked_and_tagged(contract):
    new = Column(NEW, "string", False, "Loyalty e-mail", "email", "email_partial", None, None)
    after = dataclasses.replace(contract, columns=(*contract.columns, new))
    statements = assert_converges(after)
    function = spark_name("c", "governance", mask_function_name("email_partial", "string"))
    for table in (silver(after), quarantine(after)):
        found = column_statements(statements, table, NEW)
        assert f"SET MASK {function};" in found and "SET TAGS ('pii' = 'email');" in found
