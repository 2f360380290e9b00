"""Naming core: every Azure, Unity Catalog and Databricks name of a domain, in one place.

Nothing in this repository concatenates names: the engine, the bundle resources and the
rendered Terraform all take them from here or from the domain manifest ``domain.json``, which
the template wrote with these same functions. Each Azure name is checked against the
service's documented rules (length, characters, first/last character), so a name Azure would
reject fails before ``terraform apply``. Standard library only.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass

ENVIRONMENTS = ("dev", "stg", "prd")
DOMAIN_PATTERN = re.compile(r"^[a-z][a-z0-9]{1,9}$")
SUFFIX_PATTERN = re.compile(r"^[a-z0-9]{4}$")
# The medallion layers: each is a Unity Catalog schema (and a local folder) of its own.
LAYERS = ("bronze", "silver", "gold")
# ops holds what the domain records about itself (the run history), not data of a dataset.
OPS_SCHEMA = "ops"
SCHEMAS = (*LAYERS, "governance", OPS_SCHEMA)
VOLUMES = ("landing", "checkpoints")
# The schema the volumes live in.
VOLUME_SCHEMA = "bronze"
QUARANTINE_SUFFIX = "_quarantine"
RUN_HISTORY_TABLE = "pipeline_runs"
_BASE36 = "0123456789abcdefghijklmnopqrstuvwxyz"


class NamingError(ValueError):
    """A computed name breaks the rules of the service it is meant for."""


@dataclass(frozen=True)
class NameRule:
    """The documented naming rule of one Azure resource type."""

    min_length: int
    max_length: int
    pattern: str
    description: str

    def problem(self, name: str) -> str:
        """Return why ``name`` breaks this rule, or an empty string when it fits."""
        if not self.min_length <= len(name) <= self.max_length:
            return (
                f"{name!r} is {len(name)} characters; allowed {self.min_length}-{self.max_length}"
            )
        if not re.fullmatch(self.pattern, name):
            return f"{name!r} breaks the rule: {self.description}"
        return ""


# Sources: Azure "Naming rules and restrictions for Azure resources" and the azurerm
# provider validators. Global uniqueness is handled by the suffix, not checked here.
AZURE_RULES: dict[str, NameRule] = {
    "resource_group": NameRule(
        1, 90, r"[A-Za-z0-9._()-]*[A-Za-z0-9_()-]", "letters, digits, . _ - ( ); not ending in ."
    ),
    "storage_account": NameRule(3, 24, r"[a-z0-9]+", "lowercase letters and digits only"),
    "key_vault": NameRule(
        3,
        24,
        r"[A-Za-z](?!.*--)[A-Za-z0-9-]*[A-Za-z0-9]",
        "letters, digits, hyphens; starts with a letter; ends alphanumeric; no '--'",
    ),
    "databricks_workspace": NameRule(
        3, 64, r"[A-Za-z0-9_-]+", "letters, digits, underscores, hyphens"
    ),
    "access_connector": NameRule(3, 64, r"[A-Za-z0-9_-]+", "letters, digits, underscores, hyphens"),
    "eventhub_namespace": NameRule(
        6,
        50,
        r"[A-Za-z][A-Za-z0-9-]*[A-Za-z0-9](?<!-sb)(?<!-mgmt)",
        "letters, digits, hyphens; starts with a letter; ends alphanumeric; not -sb/-mgmt",
    ),
    "eventhub": NameRule(
        1, 256, r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?", "letters, digits, . _ -; ends alnum"
    ),
    "virtual_network": NameRule(
        2, 64, r"[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9_]", "letters, digits, . _ -; ends alnum or _"
    ),
    "subnet": NameRule(
        1, 80, r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9_])?", "letters, digits, . _ -; ends alnum/_"
    ),
    "network_security_group": NameRule(
        1, 80, r"[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9_])?", "letters, digits, . _ -; ends alnum/_"
    ),
    "log_analytics_workspace": NameRule(
        4, 63, r"[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9]", "letters, digits, hyphens; ends alnum"
    ),
    "action_group": NameRule(1, 260, r"[^/&%\\?<>*:]+", "no / & % \\ ? < > * :"),
    "action_group_short_name": NameRule(1, 12, r"[A-Za-z0-9 _-]+", "at most 12 characters"),
    "user_assigned_identity": NameRule(
        3, 128, r"[A-Za-z0-9][A-Za-z0-9_-]*", "letters, digits, hyphens, underscores"
    ),
    "private_endpoint": NameRule(
        2, 64, r"[A-Za-z0-9][A-Za-z0-9._-]*[A-Za-z0-9_]", "letters, digits, . _ -; ends alnum/_"
    ),
    "budget": NameRule(1, 63, r"[A-Za-z0-9_-]+", "letters, digits, underscores, hyphens"),
    "alert_rule": NameRule(1, 260, r"[^*#&+:<>?@%{}\\/]+", "no * # & + : < > ? @ % { } \\ /"),
    "storage_container": NameRule(
        3, 63, r"[a-z0-9](?!.*--)[a-z0-9-]*[a-z0-9]", "lowercase letters, digits, single hyphens"
    ),
    # Databricks account API rule of a network connectivity configuration (NCC) name.
    "network_connectivity_config": NameRule(
        3, 30, r"[0-9A-Za-z_-]+", "letters, digits, hyphens, underscores"
    ),
}

# Unity Catalog identifiers we emit: lowercase snake case, so they never need backticks.
UC_IDENTIFIER = NameRule(1, 255, r"[a-z_][a-z0-9_]*", "lowercase letters, digits, underscores")


def name_suffix(seed: str) -> str:
    """A stable 4-character base-36 suffix that makes global Azure names unique per owner."""
    number = int.from_bytes(hashlib.sha256(seed.encode("utf-8")).digest()[:8], "big")
    chars = []
    for _ in range(4):
        number, digit = divmod(number, 36)
        chars.append(_BASE36[digit])
    return "".join(chars)


def contract_id(domain: str, dataset: str) -> str:
    """A stable ODCS contract id: the same domain and dataset always give the same UUID."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:lakehouse-domain:{domain}:{dataset}"))


def distribution_name(domain: str) -> str:
    """The engine wheel's distribution name (its import package is always ``lakehouse_domain``);
    Databricks' python_wheel_task finds the entry point by this name."""
    return f"{domain}_lakehouse"


def group_name(domain: str, persona: str) -> str:
    """Default account-level group for a persona (engineers, analysts, pii-readers)."""
    return f"{domain}-{persona}"


def catalog_name(domain: str, env: str) -> str:
    """One Unity Catalog catalog per environment."""
    return _checked_uc(f"{domain}_{env}")


def qualified_name(*parts: str) -> str:
    """The dotted name of a Unity Catalog object from its levels (catalog, schema, object[,
    column]), as the REST API takes it; SQL takes the same parts quoted (``sql.spark_name``)."""
    return ".".join(parts)


def table_name(domain: str, env: str, schema: str, dataset: str) -> str:
    """Three-level Unity Catalog name of a dataset's table in one layer."""
    return qualified_name(catalog_name(domain, env), _checked_uc(schema), _checked_uc(dataset))


def quarantine_table(dataset: str) -> str:
    """Name of the silver-layer table that keeps rows failing the contract's quality rules."""
    return _checked_uc(f"{dataset}{QUARANTINE_SUFFIX}")


def job_name(domain: str, dataset: str, env: str) -> str:
    """Databricks job that runs one dataset's medallion pipeline in one environment."""
    return f"{domain}-{dataset.replace('_', '-')}-{env}"


def alert_name(domain: str, dataset: str, env: str, kind: str) -> str:
    """Databricks SQL alert of one dataset in one environment (``kind``: what it watches)."""
    return f"{job_name(domain, dataset, env)}-{kind}"


def governance_job_name(domain: str, env: str) -> str:
    """Databricks job that applies the masks, row filters and tags of every dataset (the
    environment comes before "governance", so no dataset's job can take this name)."""
    return f"{domain}-{env}-governance"


def schema_name(domain: str, env: str, schema: str) -> str:
    """Two-level Unity Catalog name of one of the domain's schemas."""
    return qualified_name(catalog_name(domain, env), _checked_uc(schema))


def volume_name(domain: str, env: str, volume: str) -> str:
    """Three-level Unity Catalog name of a volume (volumes live in the bronze schema)."""
    return qualified_name(schema_name(domain, env, VOLUME_SCHEMA), _checked_uc(volume))


def volume_path(domain: str, env: str, volume: str) -> str:
    """Where Spark and the file APIs find a volume's files: ``/Volumes/<catalog>/<schema>/<volume>``
    (the volume's three levels; checked identifiers hold no dots)."""
    return "/".join(("", "Volumes", *volume_name(domain, env, volume).split(".")))


def volume_folder(domain: str, env: str, volume: str, folder: str) -> str:
    """A folder of a volume as a directory path, ending in ``/`` (a file arrival trigger
    watches it): ``/Volumes/<catalog>/<schema>/<volume>/<folder>/``."""
    return f"{volume_path(domain, env, volume)}/{folder}/"


def run_history_table(domain: str, env: str) -> str:
    """Three-level Unity Catalog name of the run history: every run's report, one row per
    dataset and layer."""
    return table_name(domain, env, OPS_SCHEMA, RUN_HISTORY_TABLE)


def governance_function(domain: str, env: str, function: str) -> str:
    """Three-level Unity Catalog name of a mask or row filter function."""
    return qualified_name(schema_name(domain, env, "governance"), _checked_uc(function))


def state_names(domain: str, suffix: str) -> dict[str, str]:
    """Names shared by all environments: Terraform state and the GitHub identities' home."""
    _require_domain(domain, suffix)
    return _checked(
        {
            "resource_group": ("resource_group", f"rg-{domain}-tfstate"),
            "storage_account": ("storage_account", f"st{domain}tf{suffix}"),
            "storage_container": ("storage_container", "tfstate"),
        }
    )


def environment_names(domain: str, env: str, suffix: str) -> dict[str, str]:
    """Every Azure, Unity Catalog and Databricks name of one environment of a domain."""
    _require_domain(domain, suffix)
    if env not in ENVIRONMENTS:
        raise NamingError(f"environment {env!r} is not one of {', '.join(ENVIRONMENTS)}")
    azure = _checked(
        {
            "resource_group": ("resource_group", f"rg-{domain}-{env}"),
            "storage_account": ("storage_account", f"st{domain}{env}{suffix}"),
            "key_vault": ("key_vault", f"kv-{domain}-{env}-{suffix}"),
            "databricks_workspace": ("databricks_workspace", f"dbw-{domain}-{env}"),
            "databricks_managed_resource_group": (
                "resource_group",
                f"rg-{domain}-{env}-dbw-managed",
            ),
            "access_connector": ("access_connector", f"dbac-{domain}-{env}"),
            "eventhub_namespace": ("eventhub_namespace", f"evhns-{domain}-{env}-{suffix}"),
            "virtual_network": ("virtual_network", f"vnet-{domain}-{env}"),
            "host_subnet": ("subnet", f"snet-{domain}-{env}-dbw-host"),
            "container_subnet": ("subnet", f"snet-{domain}-{env}-dbw-container"),
            "private_endpoint_subnet": ("subnet", f"snet-{domain}-{env}-pe"),
            "network_security_group": ("network_security_group", f"nsg-{domain}-{env}-dbw"),
            "log_analytics_workspace": ("log_analytics_workspace", f"log-{domain}-{env}"),
            "action_group": ("action_group", f"ag-{domain}-{env}"),
            "action_group_short_name": ("action_group_short_name", f"{domain}{env[0]}"),
            "pipeline_identity": ("user_assigned_identity", f"id-{domain}-{env}-pipeline"),
            "github_plan_identity": ("user_assigned_identity", f"id-{domain}-{env}-gh-plan"),
            "github_apply_identity": ("user_assigned_identity", f"id-{domain}-{env}-gh-apply"),
            "landing_container": ("storage_container", "landing"),
            # Each environment's Terraform state in its own container of the state account.
            "state_container": ("storage_container", f"tfstate-{env}"),
            "network_connectivity_config": ("network_connectivity_config", f"ncc-{domain}-{env}"),
            "catalog_container": ("storage_container", "catalog"),
            "storage_blob_private_endpoint": ("private_endpoint", f"pe-st{domain}{env}-blob"),
            "storage_dfs_private_endpoint": ("private_endpoint", f"pe-st{domain}{env}-dfs"),
            "key_vault_private_endpoint": ("private_endpoint", f"pe-kv-{domain}-{env}"),
            "eventhub_private_endpoint": ("private_endpoint", f"pe-evhns-{domain}-{env}"),
            "databricks_private_endpoint": ("private_endpoint", f"pe-dbw-{domain}-{env}"),
            "budget": ("budget", f"budget-{domain}-{env}"),
            "job_failure_alert": ("alert_rule", f"alert-{domain}-{env}-job-failures"),
            "ingestion_lag_alert": ("alert_rule", f"alert-{domain}-{env}-ingestion-lag"),
        }
    )
    catalog = catalog_name(domain, env)
    return {
        **azure,
        "catalog": catalog,
        "schemas": {schema: _checked_uc(schema) for schema in SCHEMAS},
        "volumes": {volume: _checked_uc(volume) for volume in VOLUMES},
        "pipeline_service_principal": f"sp-{domain}-pipeline-{env}",
        "eventhub_service_credential": _checked_uc(f"{catalog}_eventhubs"),
        "storage_credential": _checked_uc(f"{catalog}_storage"),
        "landing_location": _checked_uc(f"{catalog}_landing"),
        "catalog_location": _checked_uc(f"{catalog}_root"),
        "secret_scope": f"{domain}-{env}",
        # Monitoring: the SQL warehouse alerts and the dashboard run on, the notification
        # destination alerts mail (Terraform creates it), the operations dashboard.
        "sql_warehouse": f"{domain}-{env}-monitoring",
        "alert_destination": f"{domain}-{env}-alert-address",
        "dashboard": f"{domain}-{env}-operations",
        # Folder of the landing container the landing volume is registered on (never its root).
        "landing_volume_directory": "files",
    }


def naming_problems(domain: str, environments: list[str], suffix: str) -> list[str]:
    """Every way the domain's names would break an Azure rule (the template checks the
    questionnaire's answers with it)."""
    problems = []
    for env in environments:
        try:
            environment_names(domain, env, suffix)
        except NamingError as error:
            problems.append(f"{env}: {error}")
    try:
        state_names(domain, suffix)
    except NamingError as error:
        problems.append(f"state: {error}")
    return problems


def _require_domain(domain: str, suffix: str) -> None:
    if not DOMAIN_PATTERN.fullmatch(domain):
        raise NamingError(
            f"domain {domain!r} must be 2-10 characters: a lowercase letter, "
            "then lowercase letters or digits"
        )
    if not SUFFIX_PATTERN.fullmatch(suffix):
        raise NamingError(f"name suffix {suffix!r} must be 4 lowercase letters or digits")


def _checked(names: dict[str, tuple[str, str]]) -> dict[str, str]:
    """Check each (rule, name) pair against its Azure rule and return key -> name."""
    for key, (rule, name) in names.items():
        problem = AZURE_RULES[rule].problem(name)
        if problem:
            raise NamingError(f"{key} name {problem}")
    return {key: name for key, (_, name) in names.items()}


def _checked_uc(identifier: str) -> str:
    problem = UC_IDENTIFIER.problem(identifier)
    if problem:
        raise NamingError(f"Unity Catalog identifier {problem}")
    return identifier
