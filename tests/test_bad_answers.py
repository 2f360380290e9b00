"""Every questionnaire rule rejects a bad answer: non-zero exit, the question and the rule
named in the message, and no destination directory left behind."""

import pytest
import yaml

from support.render import copier_cli
from support.template_repo import WORKING_TREE_VERSION

DEFAULT_COLUMNS = [
    {"name": "transaction_id", "type": "string", "required": True},
    {"name": "event_ts", "type": "timestamp", "required": True},
    {"name": "score", "type": "double", "required": True},
    {"name": "amount", "type": "decimal(18,2)", "required": True},
    {"name": "email", "type": "string", "pii": "email"},
    {"name": "birth_date", "type": "date", "required": True, "pii": "birth_date"},
]
VALID_DATASET = {
    "dataset_name": "payments",
    "columns": DEFAULT_COLUMNS,
    "masking_rules": {"email": "email_partial", "birth_date": "year_only"},
}
COUNTRY = {"name": "country", "type": "string", "required": True}

# (id, answers, question named in the error, rule id or None for Copier's own choice check)
CASES = [
    ("domain-format", {"domain_name": "Risk_1"}, "domain_name", "domain-format"),
    ("domain-too-long", {"domain_name": "paymentsx10"}, "domain_name", "domain-format"),
    ("domain-newline", {"domain_name": "risk\n"}, "domain_name", "domain-format"),
    ("description-empty", {"domain_description": " "}, "domain_description", "non-empty"),
    ("description-separator", {"domain_description": "a\u2028b"}, "domain_description", "text"),
    ("dataset-description", {"dataset_description": ""}, "dataset_description", "non-empty"),
    ("team-multiline", {"owner_team": "a\nb"}, "owner_team", "text"),
    ("team-carriage-return", {"owner_team": "a\rb"}, "owner_team", "text"),
    ("owner-email", {"owner_email": "owner.example.com"}, "owner_email", "email"),
    ("owner-email-newline", {"owner_email": "a@b.co\n"}, "owner_email", "email"),
    ("cost-center", {"cost_center": "CC 12"}, "cost_center", "cost-center-format"),
    ("cost-center-newline", {"cost_center": "CC-12\n"}, "cost_center", "cost-center-format"),
    ("name-suffix", {"name_suffix": "AB_1"}, "name_suffix", "suffix-format"),
    ("region", {"azure_region": "marsnorth"}, "azure_region", None),
    ("prd-front-end", {"prd_front_end": "open"}, "prd_front_end", None),
    ("owners-group", {"owners_group": "risk/owners"}, "owners_group", "group-format"),
    ("environments-empty", {"environments": []}, "environments", "non-empty"),
    ("environments-unknown", {"environments": ["dev", "qa"]}, "environments", None),
    ("dataset-identifier", {"dataset_name": "Card-Tx"}, "dataset_name", "identifier"),
    ("dataset-newline", {"dataset_name": "cards\n"}, "dataset_name", "identifier"),
    ("dataset-reserved", {"dataset_name": "select"}, "dataset_name", "reserved-word"),
    ("dataset-keyword", {"dataset_name": "class"}, "dataset_name", "python-keyword"),
    ("dataset-quarantine", {"dataset_name": "tx_quarantine"}, "dataset_name", "quarantine-suffix"),
    ("columns-empty", {"columns": []}, "columns", "non-empty"),
    ("columns-text", {"columns": "id string"}, "columns", "non-empty"),
    (
        "column-keys",
        {"columns": [{"name": "id", "type": "string", "nullable": False}]},
        "columns",
        "column-keys",
    ),
    ("column-identifier", {"columns": [{"name": "Id", "type": "string"}]}, "columns", "identifier"),
    (
        "column-reserved",
        {"columns": [{"name": "from", "type": "string"}]},
        "columns",
        "reserved-word",
    ),
    (
        "column-unique",
        {"columns": DEFAULT_COLUMNS + [{"name": "amount", "type": "double"}]},
        "columns",
        "unique-name",
    ),
    ("column-type", {"columns": [{"name": "id", "type": "varchar(10)"}]}, "columns", "known-type"),
    (
        "column-type-newline",
        {"columns": [{"name": "id", "type": "decimal(5,2)\n"}]},
        "columns",
        "known-type",
    ),
    ("column-line", {"columns": ["id string mandatory"]}, "columns", "column-spec"),
    (
        "column-required",
        {"columns": [{"name": "id", "type": "string", "required": "yes"}]},
        "columns",
        "boolean",
    ),
    (
        "pii-kind",
        {"columns": [{"name": "id", "type": "string", "pii": "ssn"}]},
        "columns",
        "pii-kind",
    ),
    (
        "pii-kind-list",
        {"columns": [{"name": "id", "type": "string", "pii": ["name"]}]},
        "columns",
        "pii-kind",
    ),
    (
        "pii-type",
        {"columns": [{"name": "id", "type": "bigint", "pii": "card"}]},
        "columns",
        "pii-type",
    ),
    ("pk-empty", {**VALID_DATASET, "primary_key": []}, "primary_key", "non-empty"),
    ("pk-exists", {**VALID_DATASET, "primary_key": ["id"]}, "primary_key", "pk-column-exists"),
    ("pk-nested", {**VALID_DATASET, "primary_key": [["id"]]}, "primary_key", "pk-column-exists"),
    (
        "pk-unique",
        {**VALID_DATASET, "primary_key": ["transaction_id", "transaction_id"]},
        "primary_key",
        "pk-unique",
    ),
    (
        "pk-required",
        {**VALID_DATASET, "primary_key": ["email"]},
        "primary_key",
        "pk-column-required",
    ),
    ("pk-type", {**VALID_DATASET, "primary_key": ["score"]}, "primary_key", "pk-type"),
    ("pk-pii", {**VALID_DATASET, "primary_key": ["birth_date"]}, "primary_key", "pk-not-masked"),
    (
        "ordering-type",
        {**VALID_DATASET, "ordering_column": "amount"},
        "ordering_column",
        "ordering-type",
    ),
    (
        "ordering-key",
        {
            **VALID_DATASET,
            "primary_key": ["transaction_id", "event_ts"],
            "ordering_column": "event_ts",
        },
        "ordering_column",
        "ordering-not-key",
    ),
    (
        "ordering-pii",
        {**VALID_DATASET, "ordering_column": "birth_date"},
        "ordering_column",
        "ordering-not-pii",
    ),
    (
        "ordering-required",
        {
            **VALID_DATASET,
            "columns": [*DEFAULT_COLUMNS, {"name": "version", "type": "bigint"}],
            "ordering_column": "version",
        },
        "ordering_column",
        "ordering-required",
    ),
    ("mask-mapping", {**VALID_DATASET, "masking_rules": ["email"]}, "masking_rules", "mapping"),
    (
        "mask-exists",
        {**VALID_DATASET, "masking_rules": {"email": "redact", "phone": "last4"}},
        "masking_rules",
        "mask-column-exists",
    ),
    (
        "mask-strategy",
        {**VALID_DATASET, "masking_rules": {"email": "scramble"}},
        "masking_rules",
        "strategy",
    ),
    (
        "mask-strategy-list",
        {**VALID_DATASET, "masking_rules": {"email": ["redact"], "birth_date": "year_only"}},
        "masking_rules",
        "strategy",
    ),
    (
        "mask-email-on-decimal",
        {
            **VALID_DATASET,
            "masking_rules": {**VALID_DATASET["masking_rules"], "amount": "email_partial"},
        },
        "masking_rules",
        "strategy-type",
    ),
    (
        "mask-year-on-timestamp",
        {
            **VALID_DATASET,
            "masking_rules": {**VALID_DATASET["masking_rules"], "event_ts": "year_only"},
        },
        "masking_rules",
        "strategy-type",
    ),
    (
        "mask-key",
        {
            **VALID_DATASET,
            "masking_rules": {**VALID_DATASET["masking_rules"], "transaction_id": "null"},
        },
        "masking_rules",
        "pk-not-masked",
    ),
    ("pii-unmasked", {**VALID_DATASET, "masking_rules": {}}, "masking_rules", "pii-masked"),
    ("row-filter-type", {"row_filter_column": "amount"}, "row_filter_column", "row-filter-type"),
    (
        "row-filter-column",
        {"row_filter_column": "region"},
        "row_filter_column",
        "row-filter-column",
    ),
    (
        "row-filter-values",
        {"row_filter_groups": {"risk-analysts": []}},
        "row_filter_groups",
        "row-filter-values",
    ),
    (
        "row-filter-backslash",
        {"row_filter_groups": {"risk-analysts": ["BR\\", ") OR true OR ("]}},
        "row_filter_groups",
        "row-filter-values",
    ),
    (
        "row-filter-double-quote",
        {"row_filter_groups": {"risk-analysts": ['BR" OR "1"="1']}},
        "row_filter_groups",
        "row-filter-values",
    ),
    ("file-format", {"file_format": "xml"}, "file_format", None),
    (
        "partitions",
        {"source_type": "eventhub", "eventhub_partitions": 0},
        "eventhub_partitions",
        "range",
    ),
    (
        "partitions-text",
        {"source_type": "eventhub", "eventhub_partitions": "two"},
        "eventhub_partitions",
        "range",
    ),
    (
        "retention",
        {"source_type": "eventhub", "eventhub_retention_days": 8},
        "eventhub_retention_days",
        "range",
    ),
    (
        "jdbc-table",
        {"source_type": "jdbc", "jdbc_source_table": "payments"},
        "jdbc_source_table",
        "source-table-format",
    ),
    (
        "jdbc-table-newline",
        {"source_type": "jdbc", "jdbc_source_table": "dbo.payments\n"},
        "jdbc_source_table",
        "source-table-format",
    ),
    (
        "watermark-exists",
        {"source_type": "jdbc", "jdbc_incremental_column": "updated_at"},
        "jdbc_incremental_column",
        "watermark-column-exists",
    ),
    (
        "watermark-type",
        {"source_type": "jdbc", "jdbc_incremental_column": "currency"},
        "jdbc_incremental_column",
        "watermark-type",
    ),
    (
        "watermark-required",
        {
            **VALID_DATASET,
            "columns": [*DEFAULT_COLUMNS, {"name": "version", "type": "bigint"}],
            "source_type": "jdbc",
            "jdbc_incremental_column": "version",
        },
        "jdbc_incremental_column",
        "watermark-required",
    ),
    ("group-format", {"engineers_group": "risk`engineers"}, "engineers_group", "group-format"),
    ("group-newline", {"engineers_group": "risk-engineers\n"}, "engineers_group", "group-format"),
    ("groups-distinct", {"analysts_group": "risk-engineers"}, "analysts_group", "distinct-groups"),
    (
        "pii-group-distinct",
        {"pii_readers_group": "risk-analysts"},
        "pii_readers_group",
        "distinct-groups",
    ),
    ("alert-email", {"alert_email": "ops@"}, "alert_email", "email"),
    ("budget", {"monthly_budget": 0}, "monthly_budget", "range"),
    ("budget-text", {"monthly_budget": "lots"}, "monthly_budget", "range"),
    ("landing-retention", {"landing_retention_days": 0}, "landing_retention_days", "range"),
    (
        "delete-capture-without-marker",
        {**VALID_DATASET, "source_type": "jdbc", "jdbc_delete_capture": "change_table"},
        "delete_column",
        "delete-capture-column",
    ),
    (
        "delete-values-quote",
        {
            **VALID_DATASET,
            "columns": [*DEFAULT_COLUMNS, {"name": "op", "type": "string"}],
            "delete_column": "op",
            "delete_values": ["D'"],
        },
        "delete_values",
        "delete-values",
    ),
    (
        "tracked-key",
        {**VALID_DATASET, "scd_type": "2", "tracked_columns": ["transaction_id"]},
        "tracked_columns",
        "tracked-columns",
    ),
]


def copy_with_answers(template_repo, tmp_path, answers, destination):
    """`copier copy --defaults --data-file` as a user runs it (no prompts)."""
    data_file = tmp_path / "answers.yml"
    data_file.write_text(yaml.safe_dump(answers))
    return copier_cli(
        "copy",
        "--trust",
        "--defaults",
        "--vcs-ref",
        WORKING_TREE_VERSION,
        "--data-file",
        str(data_file),
        str(template_repo),
        str(destination),
    )


@pytest.mark.parametrize(
    ("answers", "question", "rule"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_answer_is_rejected_without_output(template_repo, tmp_path, answers, question, rule):
    destination = tmp_path / "out" / "domain"
    result = copy_with_answers(template_repo, tmp_path, answers, destination)
    message = result.stdout + result.stderr
    assert result.returncode != 0, message
    if rule:
        # Copier names the question, then our validator names it again with the rule.
        assert f"question '{question}': {question}" in message, message
        assert f"[rule: {rule}]" in message, message
    else:
        assert f"Invalid choice for '{question}'" in message, message
    assert not destination.exists()
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_every_validated_question_has_a_bad_answer_case():
    from support.paths import COPIER_YML

    config = yaml.safe_load(COPIER_YML.read_text())
    validated = {name for name, q in config.items() if isinstance(q, dict) and "validator" in q}
    assert validated <= {case[2] for case in CASES}


def test_a_question_without_a_default_says_what_to_give(template_repo, tmp_path):
    """Columns without a time column leave ordering_column with no derived default: the
    message names the question, what it needs and how to give it, in one short message."""
    columns = ["order_id string required", "status string required"]
    destination = tmp_path / "domain"
    answers = {"dataset_name": "orders", "columns": columns}
    result = copy_with_answers(template_repo, tmp_path, answers, destination)
    assert result.returncode != 0
    assert 'Question "ordering_column" is required' in result.stderr
    assert "--data ordering_column=" in result.stderr
    assert "Traceback" not in result.stderr
    assert not destination.exists()


def test_a_rejected_answer_prints_no_traceback(template_repo, tmp_path):
    result = copier_cli(
        "copy",
        "--trust",
        "--defaults",
        "--vcs-ref",
        WORKING_TREE_VERSION,
        "--data",
        "domain_name=Bad_Name",
        str(template_repo),
        str(tmp_path / "domain"),
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == (
        "Validation error for question 'domain_name': domain_name: 'Bad_Name' must be 2-10 "
        "characters: a lowercase letter, then lowercase letters or digits (it becomes part of "
        "Azure resource names) [rule: domain-format]"
    )
