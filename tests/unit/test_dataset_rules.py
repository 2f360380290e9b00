"""Dataset rules: each rule accepts good input and rejects bad input with its rule id."""

import pytest

from extensions import dataset_rules as rules

COLUMNS = [
    {"name": "id", "type": "string", "required": True},
    {"name": "event_ts", "type": "timestamp", "required": True},
    {"name": "seq", "type": "bigint", "required": False},
    {"name": "email", "type": "string", "pii": "email"},
    {"name": "born", "type": "date", "pii": "birth_date"},
    {"name": "score", "type": "double", "required": True},
    {"name": "amount", "type": "decimal(18,2)", "required": True},
]
MASKS = {"email": "email_partial", "born": "year_only"}


def rule_ids(problems):
    return [problem.rsplit("[rule: ", 1)[1].rstrip("]") for problem in problems]


def test_valid_definition_has_no_problems():
    assert rules.check_dataset_name("card_transactions") == []
    assert rules.check_columns(COLUMNS) == []
    assert rules.check_primary_key(["id", "event_ts"], COLUMNS) == []
    assert rules.check_masking_rules(MASKS, COLUMNS) == []
    assert rules.check_watermark_column("jdbc_incremental_column", "event_ts", COLUMNS) == []


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "identifier"),
        ("Card", "identifier"),
        ("1card", "identifier"),
        ("card-tx", "identifier"),
        ("_card", "identifier"),
        ("a" * 65, "identifier"),
        ("select", "reserved-word"),
        ("table", "reserved-word"),
        ("cards_quarantine", "quarantine-suffix"),
    ],
)
def test_dataset_name_rules(name, rule):
    problems = rules.check_dataset_name(name)
    assert rule_ids(problems) == [rule]
    assert problems[0].startswith("dataset_name: ")


@pytest.mark.parametrize(
    ("columns", "where", "rule"),
    [
        ([], "columns", "non-empty"),
        ("id string", "columns", "non-empty"),
        (["id"], "columns[0]", "column-shape"),
        ([{"name": "id", "type": "string", "nullable": True}], "columns[0]", "column-keys"),
        ([{"name": "Id", "type": "string"}], "columns[0].name", "identifier"),
        ([{"name": "order", "type": "string"}], "columns[0].name", "reserved-word"),
        ([{"name": "_ingested_at", "type": "timestamp"}], "columns[0].name", "identifier"),
        ([{"type": "string"}], "columns[0].name", "identifier"),
        (
            [{"name": "id", "type": "string"}, {"name": "id", "type": "int"}],
            "columns[1].name",
            "unique-name",
        ),
        ([{"name": "id", "type": "varchar"}], "columns[0].type", "known-type"),
        ([{"name": "id"}], "columns[0].type", "known-type"),
        ([{"name": "id", "type": "decimal(39,2)"}], "columns[0].type", "known-type"),
        ([{"name": "id", "type": "decimal(5,6)"}], "columns[0].type", "known-type"),
        ([{"name": "id", "type": "string", "required": "yes"}], "columns[0].required", "boolean"),
        ([{"name": "id", "type": "string", "description": 3}], "columns[0].description", "text"),
        ([{"name": "id", "type": "string", "pii": "ssn"}], "columns[0].pii", "pii-kind"),
        ([{"name": "id", "type": "int", "pii": "email"}], "columns[0].pii", "pii-type"),
        ([{"name": "id", "type": "string", "pii": "birth_date"}], "columns[0].pii", "pii-type"),
    ],
)
def test_column_rules(columns, where, rule):
    problems = rules.check_columns(columns)
    assert rule_ids(problems) == [rule]
    assert problems[0].startswith(f"{where}: ")


@pytest.mark.parametrize(
    ("primary_key", "rule"),
    [
        ([], "non-empty"),
        ("id", "non-empty"),
        (["missing"], "pk-column-exists"),
        (["id", "id"], "pk-unique"),
        (["seq"], "pk-column-required"),
        (["score"], "pk-type"),
    ],
)
def test_primary_key_rules(primary_key, rule):
    problems = rules.check_primary_key(primary_key, COLUMNS)
    assert rule_ids(problems) == [rule]
    assert problems[0].startswith("primary_key")


@pytest.mark.parametrize(
    ("masks", "rule"),
    [
        (["email"], "mapping"),
        ({**MASKS, "missing": "redact"}, "mask-column-exists"),
        ({**MASKS, "id": "scramble"}, "strategy"),
        ({**MASKS, "amount": "email_partial"}, "strategy-type"),
        ({**MASKS, "event_ts": "year_only"}, "strategy-type"),
        ({**MASKS, "born": "last4"}, "strategy-type"),
        ({"email": "email_partial"}, "pii-masked"),
    ],
)
def test_masking_rules(masks, rule):
    problems = rules.check_masking_rules(masks, COLUMNS)
    assert rule_ids(problems) == [rule]
    assert problems[0].startswith("masking_rules")


@pytest.mark.parametrize("column_type", rules.SIMPLE_TYPES + ("decimal(10,0)",))
def test_null_strategy_fits_every_type(column_type):
    columns = [{"name": "c", "type": column_type}]
    assert rules.check_masking_rules({"c": "null"}, columns) == []


@pytest.mark.parametrize(
    ("column", "rule"),
    [
        ("missing", "watermark-column-exists"),
        ("email", "watermark-type"),
        ("seq", "watermark-required"),
    ],
)
def test_watermark_rules(column, rule):
    problems = rules.check_watermark_column("jdbc_incremental_column", column, COLUMNS)
    assert rule_ids(problems) == [rule]
    assert problems[0].startswith("jdbc_incremental_column: ")


@pytest.mark.parametrize(
    ("column_type", "logical", "physical"),
    [
        ("string", "string", "STRING"),
        ("int", "integer", "INT"),
        ("bigint", "integer", "BIGINT"),
        ("double", "number", "DOUBLE"),
        ("decimal(18, 2)", "number", "DECIMAL(18,2)"),
        ("boolean", "boolean", "BOOLEAN"),
        ("date", "date", "DATE"),
        ("timestamp", "timestamp", "TIMESTAMP"),
    ],
)
def test_odcs_type_mapping(column_type, logical, physical):
    assert rules.odcs_types(column_type) == (logical, physical)


def test_every_simple_type_has_an_odcs_mapping():
    for column_type in rules.SIMPLE_TYPES:
        assert rules.type_problem(column_type) == ""
        rules.odcs_types(column_type)


@pytest.mark.parametrize("value", ["loan_payments", "dbo.", "dbo.loan-payments", "a.b.c"])
def test_source_table_rejects(value):
    assert rule_ids(rules.check_source_table(value)) == ["source-table-format"]


COUNTRY = [{"name": "country", "type": "string"}, {"name": "n", "type": "int"}]


def test_row_filter_is_optional_and_accepts_groups_with_values():
    assert rules.check_row_filter("", None, COUNTRY) == []
    assert rules.check_row_filter("country", {"risk-analysts-br": ["BR"]}, COUNTRY) == []


@pytest.mark.parametrize(
    ("column", "groups", "where", "rule"),
    [
        ("", {"g": ["BR"]}, "row_filter_groups", "row-filter-column"),
        ("missing", {"g": ["BR"]}, "row_filter_column", "row-filter-column"),
        ("n", {"g": ["1"]}, "row_filter_column", "row-filter-type"),
        ("country", {}, "row_filter_groups", "row-filter-groups"),
        ("country", ["g"], "row_filter_groups", "row-filter-groups"),
        ("country", {"bad`group": ["BR"]}, "row_filter_groups", "group-format"),
        ("country", {"g": []}, "row_filter_groups.g", "row-filter-values"),
        ("country", {"g": ["B'R"]}, "row_filter_groups.g", "row-filter-values"),
    ],
)
def test_row_filter_rules(column, groups, where, rule):
    problems = rules.check_row_filter(column, groups, COUNTRY)
    assert rule_ids(problems) == [rule]
    assert problems[0].startswith(f"{where}: ")
