"""Dataset rules: each rule accepts good input and rejects bad input with its rule id, and
every proposal (a default derived from earlier answers) passes the rules it feeds."""

import pytest

from extensions.engine import dataset_rules as rules

COLUMNS = [
    {"name": "id", "type": "string", "required": True},
    {"name": "event_ts", "type": "timestamp", "required": True},
    {"name": "seq", "type": "bigint", "required": False},
    {"name": "email", "type": "string", "pii": "email"},
    {"name": "born", "type": "date", "pii": "birth_date"},
    {"name": "score", "type": "double", "required": True},
    {"name": "amount", "type": "decimal(18,2)", "required": True},
    {"name": "flag", "type": "boolean", "required": True},
]
MASKS = {"email": "email_partial", "born": "year_only"}


def rule_ids(problems):
    return [problem.rule for problem in problems]


def test_valid_definition_has_no_problems():
    assert rules.check_dataset_name("card_transactions") == []
    assert rules.check_columns(COLUMNS) == []
    assert rules.check_primary_key(["id", "event_ts"], COLUMNS) == []
    assert rules.check_ordering_column("event_ts", COLUMNS, ["id"]) == []
    assert rules.check_masking_rules(MASKS, COLUMNS, ["id"]) == []
    assert rules.check_watermark_column("event_ts", COLUMNS) == []


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "identifier"),
        ("Card", "identifier"),
        ("1card", "identifier"),
        ("card-tx", "identifier"),
        ("_card", "identifier"),
        ("a" * 65, "identifier"),
        ("card\n", "identifier"),
        ("select", "reserved-word"),
        ("table", "reserved-word"),
        ("cards_quarantine", "quarantine-suffix"),
        ("class", "python-keyword"),
        ("lambda", "python-keyword"),
        (["cards"], "identifier"),
    ],
)
def test_dataset_name_rules(name, rule):
    problems = rules.check_dataset_name(name)
    assert rule_ids(problems) == [rule]
    assert str(problems[0]).startswith("dataset_name: ")


@pytest.mark.parametrize(
    ("columns", "where", "rule"),
    [
        ([], "columns", "non-empty"),
        ({}, "columns", "non-empty"),
        ("id string", "columns", "non-empty"),
        ([7], "columns[0]", "column-shape"),
        ([{"name": "id", "type": "string", "nullable": True}], "columns[0]", "column-keys"),
        ([{"name": "Id", "type": "string"}], "columns[0].name", "identifier"),
        ([{"name": "order", "type": "string"}], "columns[0].name", "reserved-word"),
        ([{"name": "_ingested_at", "type": "timestamp"}], "columns[0].name", "identifier"),
        ([{"type": "string"}], "columns[0].name", "identifier"),
        ([{"name": ["id"], "type": "string"}], "columns[0].name", "identifier"),
        (
            [{"name": "id", "type": "string"}, {"name": "id", "type": "int"}],
            "columns[1].name",
            "unique-name",
        ),
        ([{"name": "id", "type": "varchar"}], "columns[0].type", "known-type"),
        ([{"name": "id"}], "columns[0].type", "known-type"),
        ([{"name": "id", "type": ["string"]}], "columns[0].type", "known-type"),
        ([{"name": "id", "type": "decimal(39,2)"}], "columns[0].type", "known-type"),
        ([{"name": "id", "type": "decimal(5,6)"}], "columns[0].type", "known-type"),
        ([{"name": "id", "type": "decimal(5,2)\n"}], "columns[0].type", "known-type"),
        ([{"name": "id", "type": "string", "required": "yes"}], "columns[0].required", "boolean"),
        ([{"name": "id", "type": "string", "description": 3}], "columns[0].description", "text"),
        (
            [{"name": "id", "type": "string", "description": "a\u2028b"}],
            "columns[0].description",
            "text",
        ),
        ([{"name": "id", "type": "string", "pii": "ssn"}], "columns[0].pii", "pii-kind"),
        ([{"name": "id", "type": "string", "pii": ["name"]}], "columns[0].pii", "pii-kind"),
        ([{"name": "id", "type": "int", "pii": "email"}], "columns[0].pii", "pii-type"),
        ([{"name": "id", "type": "string", "pii": "birth_date"}], "columns[0].pii", "pii-type"),
        (["id strng required"], "columns.id.type", "known-type"),
        (["id string requird"], "columns.id", "column-spec"),
        (["id"], "columns.id", "column-spec"),
        ({"id": "string mandatory"}, "columns.id", "column-spec"),
        ({"id": 7}, "columns.id", "column-spec"),
        ({"id": {"name": "other", "type": "string"}}, "columns.id", "column-shape"),
        ({"Id": "string"}, "columns.Id.name", "identifier"),
    ],
)
def test_column_rules(columns, where, rule):
    problems = rules.check_columns(columns)
    assert rule_ids(problems) == [rule]
    assert str(problems[0]).startswith(f"{where}: ")


def test_the_one_line_forms_mean_the_same_as_the_list_form():
    lines = [
        "id string required -- The id",
        "amount decimal(18, 2) required",
        "email string pii:email -- Contact: quoted in YAML",
        "born DATE pii=birth_date",
    ]
    mapping = {line.split(" ", 1)[0]: line.split(" ", 1)[1] for line in lines}
    expected = [
        {"name": "id", "type": "string", "required": True, "description": "The id"},
        {"name": "amount", "type": "decimal(18,2)", "required": True},
        {
            "name": "email",
            "type": "string",
            "required": False,
            "pii": "email",
            "description": "Contact: quoted in YAML",
        },
        {"name": "born", "type": "date", "required": False, "pii": "birth_date"},
    ]
    assert rules.normalize_columns(lines) == (expected, [])
    assert rules.normalize_columns(mapping) == (expected, [])
    assert rules.check_columns(lines) == rules.check_columns(mapping) == []


@pytest.mark.parametrize(
    ("primary_key", "rule"),
    [
        ([], "non-empty"),
        ("id", "non-empty"),
        ([["id"]], "pk-column-exists"),
        ([{"id": 1}], "pk-column-exists"),
        (["missing"], "pk-column-exists"),
        (["id", "id"], "pk-unique"),
        (["seq"], "pk-column-required"),
        (["score"], "pk-type"),
        (["flag"], "pk-type"),
    ],
)
def test_primary_key_rules(primary_key, rule):
    problems = rules.check_primary_key(primary_key, COLUMNS)
    assert rule_ids(problems) == [rule]
    assert str(problems[0]).startswith("primary_key")


def test_a_pii_column_cannot_be_a_key():
    columns = [{"name": "doc", "type": "string", "required": True, "pii": "document"}]
    assert rule_ids(rules.check_primary_key(["doc"], columns)) == ["pk-not-masked"]


@pytest.mark.parametrize(
    ("column", "primary_key", "rule"),
    [
        ("", ["id"], "ordering-column"),
        (None, ["id"], "ordering-column"),
        ("missing", ["id"], "ordering-column"),
        (["event_ts"], ["id"], "ordering-column"),
        ("amount", ["id"], "ordering-type"),
        ("seq", ["id"], "ordering-required"),
        ("event_ts", ["id", "event_ts"], "ordering-not-key"),
        ("born", ["id"], "ordering-required"),
    ],
)
def test_ordering_column_rules(column, primary_key, rule):
    columns = [*COLUMNS, {"name": "born_req", "type": "date", "required": True, "pii": "name"}]
    problems = rules.check_ordering_column(column, columns, primary_key)
    assert rule_ids(problems) == [rule]
    assert str(problems[0]).startswith("ordering_column: ")


def test_a_pii_column_cannot_order_records():
    columns = [
        {"name": "id", "type": "string", "required": True},
        {"name": "born", "type": "date", "required": True, "pii": "birth_date"},
    ]
    assert rule_ids(rules.check_ordering_column("born", columns, ["id"])) == ["ordering-not-pii"]


@pytest.mark.parametrize("ordering_type", rules.ORDERING_TYPES)
def test_every_ordering_type_is_allowed(ordering_type):
    columns = [
        {"name": "id", "type": "string", "required": True},
        {"name": "version", "type": ordering_type, "required": True},
    ]
    assert rules.check_ordering_column("version", columns, ["id"]) == []


@pytest.mark.parametrize(
    ("masks", "rule"),
    [
        (["email"], "mapping"),
        ({**MASKS, "missing": "redact"}, "mask-column-exists"),
        ({**MASKS, 3: "redact"}, "mask-column-exists"),
        ({**MASKS, "amount": "scramble"}, "strategy"),
        ({**MASKS, "amount": ["redact"]}, "strategy"),
        ({**MASKS, "amount": {"s": "redact"}}, "strategy"),
        ({**MASKS, "amount": "email_partial"}, "strategy-type"),
        ({**MASKS, "event_ts": "year_only"}, "strategy-type"),
        ({**MASKS, "born": "last4"}, "strategy-type"),
        ({**MASKS, "id": "null"}, "pk-not-masked"),
        ({"email": "email_partial"}, "pii-masked"),
    ],
)
def test_masking_rules(masks, rule):
    problems = rules.check_masking_rules(masks, COLUMNS, ["id"])
    assert rule_ids(problems) == [rule]
    assert str(problems[0]).startswith("masking_rules")


@pytest.mark.parametrize("column_type", rules.SIMPLE_TYPES + ("decimal(10,0)",))
def test_null_strategy_fits_every_type(column_type):
    columns = [{"name": "c", "type": column_type}]
    assert rules.check_masking_rules({"c": "null"}, columns) == []
    assert "null" in rules.strategies_for(column_type)


@pytest.mark.parametrize(
    ("column", "rule"),
    [
        ("missing", "watermark-column-exists"),
        (["event_ts"], "watermark-column-exists"),
        ("email", "watermark-type"),
        ("seq", "watermark-required"),
    ],
)
def test_watermark_rules(column, rule):
    problems = rules.check_watermark_column(column, COLUMNS)
    assert rule_ids(problems) == [rule]
    assert str(problems[0]).startswith("jdbc_incremental_column: ")


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


@pytest.mark.parametrize(
    "value", ["loan_payments", "dbo.", "dbo.loan-payments", "a.b.c", "dbo.t\n", "dbo.t;--", 3]
)
def test_source_table_rejects(value):
    assert rule_ids(rules.check_source_table(value)) == ["source-table-format"]


def test_source_table_accepts_reserved_words_the_engine_quotes():
    assert rules.check_source_table("dbo.order") == []
    assert rules.check_source_table("public.user") == []


COUNTRY = [{"name": "country", "type": "string"}, {"name": "n", "type": "int"}]


def test_row_filter_is_optional_and_accepts_groups_with_values():
    assert rules.check_row_filter("", None, COUNTRY) == []
    assert (
        rules.check_row_filter("country", {"risk-analysts-br": ["BR", "São Paulo"]}, COUNTRY) == []
    )


@pytest.mark.parametrize(
    ("column", "groups", "where", "rule"),
    [
        ("", {"g": ["BR"]}, "row_filter_groups", "row-filter-column"),
        ("missing", {"g": ["BR"]}, "row_filter_column", "row-filter-column"),
        ("n", {"g": ["1"]}, "row_filter_column", "row-filter-type"),
        ("country", {}, "row_filter_groups", "row-filter-groups"),
        ("country", ["g"], "row_filter_groups", "row-filter-groups"),
        ("country", {"bad`group": ["BR"]}, "row_filter_groups", "group-format"),
        ("country", {"g\n": ["BR"]}, "row_filter_groups", "group-format"),
        ("country", {"g": []}, "row_filter_groups.g", "row-filter-values"),
        ("country", {"g": "BR"}, "row_filter_groups.g", "row-filter-values"),
        ("country", {"g": ["B'R"]}, "row_filter_groups.g[0]", "row-filter-values"),
        ("country", {"g": ['B"R']}, "row_filter_groups.g[0]", "row-filter-values"),
        ("country", {"g": ["BR\\"]}, "row_filter_groups.g[0]", "row-filter-values"),
        ("country", {"g": ["BR", "x`y"]}, "row_filter_groups.g[1]", "row-filter-values"),
        ("country", {"g": ["BR;"]}, "row_filter_groups.g[0]", "row-filter-values"),
        ("country", {"g": ["B\nR"]}, "row_filter_groups.g[0]", "row-filter-values"),
        ("country", {"g": ["B\u2028R"]}, "row_filter_groups.g[0]", "row-filter-values"),
        ("country", {"g": [" BR"]}, "row_filter_groups.g[0]", "row-filter-values"),
        ("country", {"g": [["BR"]]}, "row_filter_groups.g[0]", "row-filter-values"),
    ],
)
def test_row_filter_rules(column, groups, where, rule):
    problems = rules.check_row_filter(column, groups, COUNTRY)
    assert rule_ids(problems) == [rule]
    assert str(problems[0]).startswith(f"{where}: ")


# ------------------------------------------------------------------------------------------
# Proposals
# ------------------------------------------------------------------------------------------
def test_proposals_for_the_demo_like_columns():
    columns = [
        {"name": "event_ts", "type": "timestamp", "required": True},
        {"name": "customer_id", "type": "string", "required": True},
        {"name": "transaction_id", "type": "string", "required": True},
        {"name": "born", "type": "date", "pii": "birth_date", "required": True},
        {"name": "country", "type": "string", "required": True},
    ]
    key = rules.propose_primary_key(columns)
    assert key == ["customer_id"]
    assert rules.propose_ordering_column(columns, key) == "event_ts"
    assert rules.propose_masking_rules(columns) == {"born": "year_only"}
    assert rules.propose_watermark_column(columns, "event_ts") == "event_ts"
    assert rules.propose_row_filter_column(columns) == ""


def test_no_proposal_when_nothing_qualifies():
    only_text = [{"name": "label", "type": "string"}]
    assert rules.propose_primary_key(only_text) is None
    assert rules.propose_ordering_column(only_text, []) is None
    assert rules.propose_watermark_column(only_text, None) is None
    assert rules.propose_masking_rules(only_text) == {}
    assert rules.propose_primary_key("not columns") is None


def test_the_key_proposal_skips_pii_and_double_columns():
    columns = [
        {"name": "doc_id", "type": "string", "required": True, "pii": "document"},
        {"name": "score", "type": "double", "required": True},
        {"name": "code", "type": "int", "required": True},
    ]
    assert rules.propose_primary_key(columns) == ["code"]


def test_the_ordering_proposal_prefers_timestamp_then_date_and_skips_the_key():
    columns = [
        {"name": "day", "type": "date", "required": True},
        {"name": "at", "type": "timestamp", "required": True},
        {"name": "id", "type": "timestamp", "required": True},
    ]
    assert rules.propose_ordering_column(columns, ["id"]) == "at"
    assert rules.propose_ordering_column(columns[:1] + columns[2:], ["id"]) == "day"


@pytest.mark.parametrize(
    ("pii", "masked", "expected"),
    [(True, True, "restricted"), (False, True, "confidential"), (False, False, "internal")],
)
def test_classification_follows_pii_then_masking(pii, masked, expected):
    assert rules.classification(pii, masked) == expected


@pytest.mark.parametrize("value", [0.5, 5, 100])
def test_a_quarantine_threshold_is_a_percentage(value):
    assert rules.check_quarantine_threshold(value) == []


@pytest.mark.parametrize("value", [0, -1, 100.5, "5", True, None])
def test_a_quarantine_threshold_outside_0_to_100_is_refused(value):
    (problem,) = rules.check_quarantine_threshold(value)
    assert problem.rule == "quarantine-threshold"
    assert str(problem).startswith("quarantine_threshold_percent: ")


CHANGE_COLUMNS = [*COLUMNS, {"name": "op", "type": "string"}]


def changes(**answers):
    given = {
        "delete_column": "",
        "delete_values": None,
        "delete_mode": "",
        "scd_type": 1,
        "tracked_columns": None,
        **answers,
    }
    return rules.check_changes(*given.values(), CHANGE_COLUMNS, ["id"], "event_ts")


def test_changes_default_to_no_deletes_and_latest_only():
    assert changes() == []
    assert changes(delete_column="op", delete_values=["D", "X"], delete_mode="soft") == []
    assert changes(delete_column="flag") == []  # a boolean marker deletes when true
    assert changes(scd_type="2", tracked_columns=["amount", "score"]) == []
    assert changes(scd_type=2) == []  # tracks every column outside key, ordering, marker


@pytest.mark.parametrize(
    ("answers", "where", "rule"),
    [
        ({"delete_column": "nope", "delete_values": ["D"]}, "delete_column", "delete-column"),
        (
            {"delete_column": "amount", "delete_values": ["D"]},
            "delete_column",
            "delete-column-type",
        ),
        ({"delete_column": "id", "delete_values": ["D"]}, "delete_column", "delete-column-not-key"),
        (
            {"delete_column": "email", "delete_values": ["D"]},
            "delete_column",
            "delete-column-not-pii",
        ),
        ({"delete_column": "op"}, "delete_values", "delete-values"),
        ({"delete_column": "op", "delete_values": ["D'"]}, "delete_values[0]", "delete-values"),
        ({"delete_column": "flag", "delete_values": ["no"]}, "delete_values", "delete-values"),
        ({"delete_values": ["D"]}, "delete_values", "delete-column"),
        ({"delete_mode": "gone"}, "delete_mode", "delete-mode"),
        ({"scd_type": 3}, "scd_type", "scd-type"),
        ({"scd_type": True}, "scd_type", "scd-type"),
        ({"tracked_columns": ["amount"]}, "tracked_columns", "tracked-needs-scd2"),
        ({"scd_type": 2, "tracked_columns": "amount"}, "tracked_columns", "tracked-columns"),
        ({"scd_type": 2, "tracked_columns": ["id"]}, "tracked_columns[0]", "tracked-columns"),
        ({"scd_type": 2, "tracked_columns": ["x"]}, "tracked_columns[0]", "tracked-columns"),
        (
            {"scd_type": 2, "tracked_columns": ["score", "score"]},
            "tracked_columns[1]",
            "tracked-columns",
        ),
    ],
)
def test_change_rules(answers, where, rule):
    problems = changes(**answers)
    assert [(p.where, p.rule) for p in problems] == [(where, rule)]


def test_a_key_or_ordering_marker_is_named_by_its_role_whatever_its_type():
    """A bigint key (or a timestamp ordering column) is refused as the key (ordering), not
    for its type: the role is what is wrong."""
    (key,) = rules.check_delete_column("seq", CHANGE_COLUMNS, ["seq"], "event_ts")
    (ordering,) = rules.check_delete_column("event_ts", CHANGE_COLUMNS, ["id"], "event_ts")
    assert (key.rule, ordering.rule) == ("delete-column-not-key", "delete-column-not-ordering")


def test_default_tracked_columns_skip_key_ordering_and_marker():
    tracked = rules.default_tracked_columns(CHANGE_COLUMNS, ["id"], "event_ts", "op")
    assert tracked == ["seq", "email", "born", "score", "amount", "flag"]
