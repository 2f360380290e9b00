"""Jinja extension that exposes the naming core and the answer rules to Copier.

copier-template-extensions loads this file by path; the repository root is not on
``sys.path``, so the sibling modules are loaded by file location too.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import sys
from pathlib import Path

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

naming = importlib.import_module(f"{PACKAGE}.naming")
answer_rules = importlib.import_module(f"{PACKAGE}.answer_rules")
dataset_rules = importlib.import_module(f"{PACKAGE}.dataset_rules")
contract_builder = importlib.import_module(f"{PACKAGE}.contract_builder")


def contract_yaml(answers: dict) -> str:
    """The first dataset's contract file from the recorded answers."""
    domain, suffix = answers["domain_name"], answers["name_suffix"]
    names = {env: naming.environment_names(domain, env, suffix) for env in answers["environments"]}
    contract_id = naming.contract_id(domain, answers["dataset_name"])
    document = contract_builder.build_contract(answers, names, contract_id)
    return contract_builder.contract_yaml(document)


def _validator(check):
    """Turn a check returning a list of problems into a Copier validator (empty = valid)."""

    def render(*args):
        return "\n".join(check(*args))

    render.__name__ = check.__name__
    return render


def infra_settings(answers: dict) -> dict:
    """Everything Terraform needs from the answers, with every name from the naming core."""
    domain, suffix = answers["domain_name"], answers["name_suffix"]
    source = {"type": answers["source_type"]}
    if answers["source_type"] == "eventhub":
        source.update(
            eventhub=answers["dataset_name"],
            partitions=answers["eventhub_partitions"],
            retention_days=answers["eventhub_retention_days"],
        )
    return {
        "domain": domain,
        "region": answers["azure_region"],
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
        "monthly_budget": answers["monthly_budget"],
        "landing_retention_days": answers["landing_retention_days"],
        "source": source,
        "state": naming.state_names(domain, suffix),
        "environments": {
            env: naming.environment_names(domain, env, suffix) for env in answers["environments"]
        },
    }


class LakehouseExtension(Extension):
    """Filters: ``validate_*`` for copier.yml validators, naming and type helpers for templates."""

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
                            f"environments: {problem} [rule: azure-name-limits]"
                            for problem in naming.naming_problems(domain, envs, suffix)
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
                "validate_masking_rules": _validator(dataset_rules.check_masking_rules),
                "validate_row_filter_column": _validator(dataset_rules.check_row_filter_column),
                "validate_row_filter_groups": _validator(
                    lambda groups, column: dataset_rules.check_row_filter_groups(column, groups)
                ),
                "validate_watermark_column": _validator(
                    lambda value, question, columns: dataset_rules.check_watermark_column(
                        question, value, columns
                    )
                ),
                # Names: templates never build names themselves.
                "name_suffix": naming.name_suffix,
                "contract_id": naming.contract_id,
                "package_name": naming.package_name,
                "group_name": naming.group_name,
                "catalog_name": naming.catalog_name,
                "table_name": naming.table_name,
                "quarantine_table": naming.quarantine_table,
                "job_name": naming.job_name,
                "state_names": naming.state_names,
                "environment_names": naming.environment_names,
                "contract_yaml": contract_yaml,
                "infra_settings": infra_settings,
                # Types.
                "odcs_logical_type": lambda column_type: dataset_rules.odcs_types(column_type)[0],
                "odcs_physical_type": lambda column_type: dataset_rules.odcs_types(column_type)[1],
            }
        )
