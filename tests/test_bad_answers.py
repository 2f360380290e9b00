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
]
VALID_DATASET = {"columns": DEFAULT_COLUMNS, "masking_rules": {"email": "email_partial"}}

# (id, answers, question named in the error, rule id or None for Copier's own choice check)
CASES = [
    ("domain-format", {"domain_name": "Risk_1"}, "domain_name", "domain-format"),
    ("domain-too-long", {"domain_name": "paymentsx10"}, "domain_name", "domain-format"),
    ("description-empty", {"domain_description": " "}, "domain_description", "non-empty"),
    ("dataset-description", {"dataset_description": ""}, "dataset_description", "non-empty"),
    ("team-multiline", {"owner_team": "a\nb"}, "owner_team", "text"),
    ("owner-email", {"owner_email": "owner.example.com"}, "owner_email", "email"),
    ("cost-center", {"cost_center": "CC 12"}, "cost_center", "cost-center-format"),
    ("name-suffix", {"name_suffix": "AB_1"}, "name_suffix", "suffix-format"),
    ("region", {"azure_region": "marsnorth"}, "azure_region", None),
    ("prd-front-end", {"prd_front_end": "open"}, "prd_front_end", None),
    ("owners-group", {"owners_group": "risk/owners"}, "owners_group", "group-format"),
    ("environments-empty", {"environments": []}, "environments", "non-empty"),
    ("environments-unknown", {"environments": ["dev", "qa"]}, "environments", None),
    ("dataset-identifier", {"dataset_name": "Card-Tx"}, "dataset_name", "identifier"),
    ("dataset-reserved", {"dataset_name": "select"}, "dataset_name", "reserved-word"),
    ("dataset-quarantine", {"dataset_name": "tx_quarantine"}, "dataset_name", "quarantine-suffix"),
    ("columns-empty", {"columns": []}, "columns", "non-empty"),
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
        "pii-type",
        {"columns": [{"name": "id", "type": "bigint", "pii": "card"}]},
        "columns",
        "pii-type",
    ),
    ("pk-empty", {**VALID_DATASET, "primary_key": []}, "primary_key", "non-empty"),
    ("pk-exists", {**VALID_DATASET, "primary_key": ["id"]}, "primary_key", "pk-column-exists"),
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
        "mask-email-on-decimal",
        {**VALID_DATASET, "masking_rules": {"email": "redact", "amount": "email_partial"}},
        "masking_rules",
        "strategy-type",
    ),
    (
        "mask-year-on-timestamp",
        {**VALID_DATASET, "masking_rules": {"email": "redact", "event_ts": "year_only"}},
        "masking_rules",
        "strategy-type",
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
    ("file-format", {"file_format": "xml"}, "file_format", None),
    (
        "partitions",
        {"source_type": "eventhub", "eventhub_partitions": 0},
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
            "source_type": "jdbc",
            "jdbc_incremental_column": "event_ts",
            "columns": [
                {**c, "required": False} if c["name"] == "event_ts" else c for c in DEFAULT_COLUMNS
            ],
        },
        "jdbc_incremental_column",
        "watermark-required",
    ),
    ("group-format", {"engineers_group": "risk`engineers"}, "engineers_group", "group-format"),
    ("groups-distinct", {"analysts_group": "risk-engineers"}, "analysts_group", "distinct-groups"),
    (
        "pii-group-distinct",
        {"pii_readers_group": "risk-analysts"},
        "pii_readers_group",
        "distinct-groups",
    ),
    ("alert-email", {"alert_email": "ops@"}, "alert_email", "email"),
    ("budget", {"monthly_budget": 0}, "monthly_budget", "range"),
    ("landing-retention", {"landing_retention_days": 0}, "landing_retention_days", "range"),
]


@pytest.mark.parametrize(
    ("answers", "question", "rule"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_bad_answer_is_rejected_without_output(template_repo, tmp_path, answers, question, rule):
    data_file = tmp_path / "answers.yml"
    data_file.write_text(yaml.safe_dump(answers))
    destination = tmp_path / "out" / "domain"
    result = copier_cli(
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
