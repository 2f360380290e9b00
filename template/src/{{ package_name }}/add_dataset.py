"""``add-dataset``: a few questions (or a YAML answers file) -> a new, valid contract.

The answers are checked by the same rules as the template's questionnaire (``dataset_rules``)
and the contract is built by the same code (``contract_builder``), so a dataset added later
looks exactly like the first one. Nothing is written when an answer is invalid.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from rich.console import Console

from . import contract_builder, dataset_rules, domain, naming

console = Console(stderr=True)
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
SOURCE_DEFAULTS = {
    "file_format": "csv",
    "eventhub_partitions": 2,
    "eventhub_retention_days": 7,
    "jdbc_engine": "sqlserver",
}


def problems_of(answers: dict) -> list[str]:
    """Every problem with the dataset answers, in the questionnaire's words."""
    columns = answers.get("columns")
    problems = dataset_rules.check_dataset_name(answers.get("dataset_name"))
    problems += dataset_rules.check_columns(columns)
    if not problems:
        problems += dataset_rules.check_primary_key(answers.get("primary_key"), columns)
        problems += dataset_rules.check_masking_rules(answers.get("masking_rules"), columns)
    if not problems:
        problems += dataset_rules.check_row_filter(
            answers.get("row_filter_column"), answers.get("row_filter_groups"), columns
        )
    source = answers.get("source_type")
    if source not in ("files", "eventhub", "jdbc"):
        problems.append(f"source_type: {source!r} must be files, eventhub or jdbc [rule: choice]")
    elif source == "jdbc" and not problems:
        problems += dataset_rules.check_source_table(answers.get("jdbc_source_table"))
        problems += dataset_rules.check_watermark_column(
            "jdbc_incremental_column", answers.get("jdbc_incremental_column"), columns
        )
    return problems


def _ask(answers_file: Path | None) -> dict:
    if answers_file:
        return yaml.safe_load(answers_file.read_text()) or {}
    import questionary

    def check(rule):
        return lambda value: "\n".join(rule(value)) or True

    answers: dict = {
        "dataset_name": questionary.text(
            "Dataset (table) name", validate=check(dataset_rules.check_dataset_name)
        ).unsafe_ask(),
        "dataset_description": questionary.text("One-line description").unsafe_ask(),
        "source_type": questionary.select(
            "Source", choices=["files", "eventhub", "jdbc"]
        ).unsafe_ask(),
        "columns": [],
    }
    while True:
        name = questionary.text("Column name (empty to finish)").unsafe_ask()
        if not name:
            break
        column_type = questionary.select(
            "Type", choices=[*dataset_rules.SIMPLE_TYPES, "decimal(18,2)"]
        ).unsafe_ask()
        column = {"name": name, "type": column_type}
        column["required"] = questionary.confirm("Required?", default=False).unsafe_ask()
        pii = questionary.select(
            "PII kind", choices=["none", *dataset_rules.PII_KIND_TYPES]
        ).unsafe_ask()
        if pii != "none":
            column["pii"] = pii
        answers["columns"].append(column)
    names = [c["name"] for c in answers["columns"]]
    answers["primary_key"] = questionary.checkbox("Primary key column(s)", names).unsafe_ask()
    answers["masking_rules"] = {
        c["name"]: questionary.select(
            f"Mask for {c['name']}",
            choices=list(dataset_rules.STRATEGY_TYPES),
            default=DEFAULT_STRATEGY[c["pii"]],
        ).unsafe_ask()
        for c in answers["columns"]
        if c.get("pii")
    }
    if answers["source_type"] == "files":
        answers["file_format"] = questionary.select(
            "File format", choices=["csv", "json", "parquet"]
        ).unsafe_ask()
    elif answers["source_type"] == "jdbc":
        answers["jdbc_engine"] = questionary.select(
            "Engine", choices=["sqlserver", "postgresql"]
        ).unsafe_ask()
        answers["jdbc_source_table"] = questionary.text(
            "Source table <schema>.<table>"
        ).unsafe_ask()
        answers["jdbc_incremental_column"] = questionary.select(
            "Incremental column", choices=names
        ).unsafe_ask()
    return answers


def add_dataset(contracts_dir: Path, answers_file: Path | None = None) -> int:
    answers = {**SOURCE_DEFAULTS, **_ask(answers_file)}
    problems = problems_of(answers)
    target = contracts_dir / f"{answers.get('dataset_name')}.odcs.yaml"
    if not problems and target.exists():
        problems = [f"dataset_name: {target} already exists [rule: new-dataset]"]
    if problems:
        # Plain text: rule ids look like console markup ([rule: ...]) and must print as is.
        sys.stderr.write("No contract written:\n" + "\n".join(problems) + "\n")
        return 2
    answers.update(
        domain_name=domain.DOMAIN,
        owner_team=domain.OWNER_TEAM,
        owner_email=domain.OWNER_EMAIL,
        engineers_group=domain.ENGINEERS_GROUP,
        analysts_group=domain.ANALYSTS_GROUP,
        pii_readers_group=domain.PII_READERS_GROUP,
        dataset_description=answers.get("dataset_description") or answers["dataset_name"],
    )
    names = {
        env: naming.environment_names(domain.DOMAIN, env, domain.NAME_SUFFIX)
        for env in domain.ENVIRONMENTS
    }
    contract_id = naming.contract_id(domain.DOMAIN, answers["dataset_name"])
    document = contract_builder.build_contract(answers, names, contract_id)
    contracts_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(contract_builder.contract_yaml(document))
    console.print(f"wrote {target}")
    console.print(
        f"Next: add gold features in src/{__package__}/gold_transforms/"
        f"{answers['dataset_name']}.py (TABLE, KEYS, build) if the dataset needs a gold table."
    )
    return 0
