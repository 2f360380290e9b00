"""Jinja extension that exposes the naming core and the answer rules to Copier.

copier-template-extensions loads this file by path; the repository root is not on
``sys.path``, so the sibling modules are loaded by file location too (``engine.py`` loads the
modules shared with the generated engine from ``template/src/lakehouse_domain/``). Loading
it also makes the ``copier`` command print a rejected answer as its message alone, not a
traceback.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import sys
from pathlib import Path

import yaml
from jinja2.ext import Extension

# The repository root is not on sys.path when Copier loads this file, so extensions/ is
# registered as a package; its modules' relative imports then work. The name is unique per
# folder: `copier update` loads the old and the new template's extensions in one process, and
# each must get its own modules.
PACKAGE = (
    "lakehouse_domain_extensions_"
    + hashlib.sha256(str(Path(__file__).resolve().parent).encode()).hexdigest()[:16]
)
if PACKAGE not in sys.modules:
    _spec = importlib.util.spec_from_file_location(
        PACKAGE,
        Path(__file__).with_name("__init__.py"),
        submodule_search_locations=[str(Path(__file__).parent)],
    )
    sys.modules[PACKAGE] = importlib.util.module_from_spec(_spec)
    _spec.loader.exec_module(sys.modules[PACKAGE])

answer_rules = importlib.import_module(f"{PACKAGE}.answer_rules")
engine = importlib.import_module(f"{PACKAGE}.engine")
naming, dataset_rules, contract_builder, escaping, gold_starter, dataset_docs, cost = (
    engine.naming,
    engine.dataset_rules,
    engine.contract_builder,
    engine.escaping,
    engine.gold_starter,
    engine.dataset_docs,
    engine.cost,
)
monitoring = engine.monitoring

# Copier raises a ValueError for a rejected answer and its command line prints the traceback.
# The message already names the question, the item and the rule: print only that.
ANSWER_ERRORS = ("Validation error for question", 'Question "', "Invalid choice for")
REFERENCE = "The questions and their rules: docs/questionnaire.md in the template repository."


def _question_help() -> dict[str, str]:
    """Help text per question, read while the template is on disk (Copier deletes its clone
    before an error reaches the interpreter's hook)."""
    config = yaml.safe_load((Path(__file__).resolve().parents[1] / "copier.yml").read_text())
    return {name: q["help"] for name, q in config.items() if isinstance(q, dict) and "help" in q}


def _answer_errors_as_messages(previous, help_texts: dict[str, str]):
    def excepthook(kind, error, traceback):
        message = str(error)
        if isinstance(error, ValueError) and message.startswith(ANSWER_ERRORS):
            name = message.split('"')[1] if message.startswith('Question "') else None
            if name in help_texts:
                message += (
                    f": no default follows from the other answers. {name}: "
                    f"{help_texts[name]}. Give it with --data {name}=... or in the --data-file."
                )
            sys.stderr.write(f"{message}\n{REFERENCE}\n")
            return
        previous(kind, error, traceback)

    excepthook.lakehouse_answers = True
    return excepthook


if not getattr(sys.excepthook, "lakehouse_answers", False):
    sys.excepthook = _answer_errors_as_messages(sys.excepthook, _question_help())


def _first_contract(answers: dict) -> dict:
    """The first dataset's contract document from the recorded answers."""
    domain, suffix = answers["domain_name"], answers["name_suffix"]
    names = {env: naming.environment_names(domain, env, suffix) for env in answers["environments"]}
    contract_id = naming.contract_id(domain, answers["dataset_name"])
    return contract_builder.build_contract(answers, names, contract_id)


def contract_yaml(answers: dict) -> str:
    """The first dataset's contract file from the recorded answers."""
    return contract_builder.contract_yaml(_first_contract(answers))


def recorded_answers(answers: dict) -> dict:
    """The answers as .copier-answers.yml records them: columns in the list-of-mappings form
    (one-line columns and mappings would lose their order: the file sorts mapping keys)."""
    if "columns" not in answers:
        return answers
    return {**answers, "columns": dataset_rules.normalize_columns(answers["columns"])[0]}


def datasets_markdown(answers: dict) -> str:
    """The README's datasets block for the first dataset (add-dataset rewrites it later)."""
    return dataset_docs.datasets_markdown([_first_contract(answers)])


def _validator(check):
    """Turn a check returning a list of problems into a Copier validator (empty = valid)."""

    def render(*args):
        return "\n".join(str(problem) for problem in check(*args))

    render.__name__ = check.__name__
    return render


def _proposal(propose):
    """A default derived from earlier answers (a name, or JSON text for a list); '' when
    nothing qualifies, so the default reads ``{{ x | propose_y or UNSET }}`` (no default:
    Copier asks the question)."""

    def render(*args):
        value = propose(*args)
        if not value:
            return ""
        return value if isinstance(value, str) else json.dumps(value)

    render.__name__ = propose.__name__
    return render


def domain_manifest(answers: dict) -> str:
    """The domain manifest (``domain.json``) as JSON text: the answers Terraform, the engine and
    the bundle resources need, with every name from the naming core. Keys keep this order
    (environments in the order answered, which the engine keeps too)."""
    domain, suffix = answers["domain_name"], answers["name_suffix"]
    source = {"type": answers["source_type"]}
    if answers["source_type"] == "eventhub":
        source.update(
            eventhub=answers["dataset_name"],
            partitions=int(answers["eventhub_partitions"]),
            retention_days=int(answers["eventhub_retention_days"]),
        )
    manifest = {
        "domain": domain,
        "region": answers["azure_region"],
        "owner": {"team": answers["owner_team"], "email": answers["owner_email"]},
        "tags": {
            "domain": domain,
            "cost_center": answers["cost_center"],
            "owner": answers["owner_email"],
        },
        "compute": answers["compute"],
        "groups": {
            "owners": answers["owners_group"],
            "engineers": answers["engineers_group"],
            "analysts": answers["analysts_group"],
            "pii_readers": answers["pii_readers_group"],
        },
        "alert_email": answers["alert_email"],
        "monthly_budget": int(answers["monthly_budget"]),
        "landing_retention_days": int(answers["landing_retention_days"]),
        "quality_monitors": bool(answers["quality_monitors"]),
        "source": source,
        "state": naming.state_names(domain, suffix),
        "environments": {
            env: naming.environment_names(domain, env, suffix) for env in answers["environments"]
        },
    }
    return json.dumps(manifest, indent=2) + "\n"


class LakehouseExtension(Extension):
    """Filters: ``validate_*`` and ``propose_*`` for copier.yml, names, escaping and generated
    files for the templates (each one used by copier.yml or a file under template/)."""

    def __init__(self, environment):
        super().__init__(environment)
        environment.filters.update(
            {
                # Questionnaire validators: value | validate_x(args) -> "" or the problems.
                "validate_domain_name": _validator(answer_rules.check_domain_name),
                "validate_text": _validator(
                    lambda value, question: answer_rules.check_text(question, value)
                ),
                "validate_email": _validator(
                    lambda value, question: answer_rules.check_email(question, value)
                ),
                "validate_cost_center": _validator(answer_rules.check_cost_center),
                "validate_name_suffix": _validator(answer_rules.check_name_suffix),
                "validate_environments": _validator(
                    lambda envs, domain, suffix: (
                        answer_rules.check_environments(envs)
                        or [
                            dataset_rules.Problem(("environments",), p, "azure-name-limits")
                            for p in naming.naming_problems(domain, envs, suffix)
                        ]
                    )
                ),
                "validate_group": _validator(
                    lambda value, question, *others: answer_rules.check_group(
                        question, value, *zip(others[::2], others[1::2], strict=True)
                    )
                ),
                "validate_int_range": _validator(
                    lambda value, question, low, high: answer_rules.check_int_range(
                        question, value, low, high
                    )
                ),
                "validate_source_table": _validator(dataset_rules.check_source_table),
                "validate_dataset_name": _validator(dataset_rules.check_dataset_name),
                "validate_columns": _validator(dataset_rules.check_columns),
                "validate_primary_key": _validator(dataset_rules.check_primary_key),
                "validate_ordering_column": _validator(dataset_rules.check_ordering_column),
                "validate_masking_rules": _validator(dataset_rules.check_masking_rules),
                "validate_row_filter_column": _validator(dataset_rules.check_row_filter_column),
                "validate_row_filter_groups": _validator(
                    lambda groups, column: dataset_rules.check_row_filter_groups(column, groups)
                ),
                "validate_watermark_column": _validator(dataset_rules.check_watermark_column),
                "validate_delete_column": _validator(dataset_rules.check_delete_column),
                "validate_delete_values": _validator(
                    lambda values, column, columns: dataset_rules.check_delete_values(
                        values, column, columns
                    )
                ),
                "validate_tracked_columns": _validator(
                    lambda tracked, columns, key, ordering, marker: (
                        dataset_rules.check_tracked_columns(
                            tracked, "2", columns, key, ordering, marker
                        )
                    )
                ),
                # Defaults derived from earlier answers (valid by construction, or none).
                "propose_primary_key": _proposal(dataset_rules.propose_primary_key),
                "propose_ordering_column": _proposal(dataset_rules.propose_ordering_column),
                "propose_watermark_column": _proposal(dataset_rules.propose_watermark_column),
                "propose_masking_rules": lambda columns: json.dumps(
                    dataset_rules.propose_masking_rules(columns)
                ),
                "propose_row_filter_column": dataset_rules.propose_row_filter_column,
                "propose_delete_column": dataset_rules.propose_delete_column,
                "propose_delete_values": lambda columns, column: json.dumps(
                    dataset_rules.propose_delete_values(columns, column)
                ),
                "propose_tracked_columns": lambda columns, key, ordering, marker: json.dumps(
                    dataset_rules.default_tracked_columns(columns, key, ordering, marker)
                ),
                "recorded_answers": recorded_answers,
                # Free text into other languages.
                "markdown_text": escaping.markdown_text,
                "toml_string": escaping.toml_string,
                # Files written from the answers by the same code add-dataset uses.
                "gold_starter": gold_starter.starter_transform,
                "datasets_markdown": datasets_markdown,
                "cost_query": cost.cost_query,
                "operations_dashboard": monitoring.dashboard_json,
                # Names: templates never build names themselves.
                "name_suffix": naming.name_suffix,
                "contract_id": naming.contract_id,
                "distribution_name": naming.distribution_name,
                "group_name": naming.group_name,
                "state_names": naming.state_names,
                "environment_names": naming.environment_names,
                "contract_yaml": contract_yaml,
                "domain_manifest": domain_manifest,
            }
        )
