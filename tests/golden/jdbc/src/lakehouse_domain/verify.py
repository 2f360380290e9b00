"""`make verify`: one deployed environment, checked live against what this repository says.

Offline tests see names, not deployments. This connects to the environment's workspace (and
the Databricks account, for its network) with the Databricks SDK, as the deploying identity,
and checks what every first deploy otherwise only assumes:

metastore   the workspace is assigned to the metastore of the domain's region
catalog     the catalog exists, is isolated and bound to this workspace
schema      each medallion schema exists           volume   each volume exists
group       each persona group is in the workspace
identity    the pipeline service principal is in the workspace
network     a network connectivity configuration (serverless egress) is bound
job         each contract's job and the governance job exist, run as the pipeline service
            principal, and their last completed run succeeded
masks       every masked column of every protected table has its mask function, columns
            without a rule have none, and the row filter is set (the Tables API returns the
            same masks and filters as information_schema.column_masks / row_filters, without
            needing a SQL warehouse)
grants      the grants on catalog, schemas and volumes are exactly the persona table of
            infra/README.md (the table the template's tests keep equal to the Terraform)
tags        protected tables carry their domain and classification tags, PII columns their
            pii tag
contract    each silver table records the contract that wrote it (``lakehouse.*`` table
            properties, set by the engine) and the deployed contract does not break it: a
            breaking change waits for its silver rebuild (README: Changing a contract)
anomaly_detection
            when the quality_monitors answer is yes: the silver and gold schemas each have a
            data quality monitor with anomaly detection (infra/modules/quality_monitoring), and
            no table of a contract (silver, its quarantine, gold) is excluded from it
monitoring  the bundle's SQL warehouse, each contract's alerts and the operations dashboard
            exist (by name; docs/monitoring.md)

Every name comes from the naming core and the contracts. Each check yields one row of a
pass/fail table naming the object; a table not created yet (no run yet) is skipped, not
failed.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import domain, monitoring, naming
from .contract import Contract

PASS, FAIL, SKIP = "pass", "fail", "skip"
ACCOUNT_HOST = "https://accounts.azuredatabricks.net"
# Rows of the persona table in infra/README.md and the persona each stands for.
PERSONA_ROWS = {
    "pipeline": "pipeline",
    "plan": "plan",
    "engineers": "engineers",
    "analysts": "analysts",
    "pii readers": "pii_readers",
}
NETWORK_NAME_KEY = "network_connectivity_config"
# The schemas infra/modules/quality_monitoring puts anomaly detection on (its locals.tf).
MONITORED_LAYERS = ("silver", "gold")


@dataclass(frozen=True)
class Result:
    check: str
    object: str
    status: str
    detail: str = ""


@dataclass
class Expected:
    """What the repository says the environment holds."""

    environment: str
    contracts: list[Contract]
    persona_table: str
    pipeline_client_id: str | None = None
    names: dict = field(init=False)

    def __post_init__(self) -> None:
        self.names = domain.environment_names(self.environment)

    @property
    def catalog(self) -> str:
        return self.names["catalog"]

    @property
    def groups(self) -> dict[str, str]:
        return {
            "engineers": domain.ENGINEERS_GROUP,
            "analysts": domain.ANALYSTS_GROUP,
            "pii_readers": domain.PII_READERS_GROUP,
        }

    def schema(self, layer: str) -> str:
        return naming.schema_name(domain.DOMAIN, self.environment, self.names["schemas"][layer])

    def volume(self, name: str) -> str:
        return naming.volume_name(domain.DOMAIN, self.environment, self.names["volumes"][name])

    def function(self, name: str) -> str:
        return naming.governance_function(domain.DOMAIN, self.environment, name)

    @property
    def alerts(self) -> list[str]:
        """Names of every contract's alerts (``monitoring.alert_specs`` says which exist)."""
        table = naming.run_history_table(domain.DOMAIN, self.environment)
        return [
            naming.alert_name(domain.DOMAIN, contract.name, self.environment, kind)
            for contract in self.contracts
            for kind in monitoring.alert_specs(contract, table)
        ]


class VerifyError(ValueError):
    """The repository itself cannot say what to expect (e.g. an unreadable persona table)."""


# --- The persona table -------------------------------------------------------------------


def persona_grants(readme: str, environment: str) -> dict[str, dict[str, set[str]]]:
    """The grants table of ``environment`` in infra/README.md: {column: {row: privileges}}.

    A table belongs to the environments named in the line ending with ':' above it
    ("dev and stg:", "prd:")."""
    lines = readme.splitlines()
    for index, line in enumerate(lines):
        heading = line.strip()
        if not heading.endswith(":") or heading.startswith(("|", "#")):
            continue
        if environment not in re.split(r"[\s,]+(?:and\s+)?", heading.rstrip(":")):
            continue
        rows = [r for r in lines[index + 1 :] if r.strip()]
        table = []
        for row in rows:
            if not row.startswith("|"):
                break
            table.append([cell.strip() for cell in row.strip().strip("|").split("|")])
        if len(table) < 3:
            continue
        columns = table[0][1:]
        grants: dict[str, dict[str, set[str]]] = {column: {} for column in columns}
        for persona, *cells in table[2:]:
            for column, cell in zip(columns, cells, strict=True):
                privileges = set() if cell == "none" else {p.strip() for p in cell.split(",")}
                grants[column][persona] = privileges
        return grants
    raise VerifyError(f"no grants table for {environment} in the persona table")


def expected_grants(expected: Expected, principals: dict[str, str]) -> dict:
    """{(securable type, full name): {principal: privileges}} from the persona table, with
    each row resolved to its principal (groups by name, the pipeline by application id)."""
    table = persona_grants(expected.persona_table, expected.environment)
    securables = {"catalog": ("catalog", expected.catalog)}
    for layer in expected.names["schemas"]:
        securables[layer] = ("schema", expected.schema(layer))
    for volume in expected.names["volumes"]:
        securables[f"{volume} volume"] = ("volume", expected.volume(volume))
    result = {}
    for column, rows in table.items():
        if column not in securables:
            raise VerifyError(f"persona table: unknown securable column {column!r}")
        wanted = {}
        for row, privileges in rows.items():
            if row not in PERSONA_ROWS:
                raise VerifyError(f"persona table: unknown principal row {row!r}")
            if privileges:
                wanted[principals[PERSONA_ROWS[row]]] = privileges
        result[securables[column]] = wanted
    return result


# --- Checks -----------------------------------------------------------------------------


def _error(error: Exception) -> str:
    from databricks.sdk.errors import NotFound

    return "not found" if isinstance(error, NotFound) else f"{type(error).__name__}: {error}"


def check_metastore(workspace, expected: Expected) -> Iterator[Result]:
    assignment = workspace.metastores.current()
    summary = workspace.metastores.summary()
    name = f"{summary.name or summary.metastore_id} ({summary.region})"
    if not assignment.metastore_id:
        yield Result("metastore", "workspace", FAIL, "no metastore assigned to the workspace")
    elif summary.region != domain.AZURE_REGION or summary.metastore_id != assignment.metastore_id:
        yield Result(
            "metastore", name, FAIL, f"assigned metastore is not the {domain.AZURE_REGION} one"
        )
    else:
        yield Result("metastore", name, PASS, f"assigned (region {domain.AZURE_REGION})")


def check_catalog(workspace, expected: Expected) -> Iterator[Result]:
    catalog = workspace.catalogs.get(expected.catalog)
    isolation = getattr(catalog.isolation_mode, "value", catalog.isolation_mode)
    workspace_id = workspace.get_workspace_id()
    bound = {
        b.workspace_id
        for b in workspace.workspace_bindings.get_bindings("catalog", expected.catalog)
    }
    if isolation != "ISOLATED":
        yield Result("catalog", expected.catalog, FAIL, f"isolation mode {isolation}, not ISOLATED")
    elif workspace_id not in bound:
        yield Result("catalog", expected.catalog, FAIL, f"not bound to workspace {workspace_id}")
    else:
        yield Result("catalog", expected.catalog, PASS, f"isolated, bound to {workspace_id}")


def check_schemas_and_volumes(workspace, expected: Expected) -> Iterator[Result]:
    for layer in expected.names["schemas"]:
        yield _exists("schema", expected.schema(layer), workspace.schemas.get)
    for volume in expected.names["volumes"]:
        yield _exists("volume", expected.volume(volume), workspace.volumes.read)


def _exists(check: str, name: str, read: Callable) -> Result:
    try:
        read(name)
    except Exception as error:
        return Result(check, name, FAIL, _error(error))
    return Result(check, name, PASS, "exists")


def _scim_names(listing: Callable, name: str) -> list:
    return [p for p in listing(filter=f'displayName eq "{name}"') if p.display_name == name]


def check_groups(workspace, expected: Expected) -> Iterator[Result]:
    for group in expected.groups.values():
        found = _scim_names(workspace.groups.list, group)
        if found:
            yield Result("group", group, PASS, "in the workspace")
        else:
            yield Result("group", group, FAIL, "not in the workspace (assign the account group)")


def application_id_of(workspace, display_name: str) -> str | None:
    """Application id of the workspace service principal of this display name."""
    found = _scim_names(workspace.service_principals.list, display_name)
    return found[0].application_id if found else None


def pipeline_principal(workspace, expected: Expected) -> tuple[str | None, Result]:
    name = expected.names["pipeline_service_principal"]
    found = _scim_names(workspace.service_principals.list, name)
    if not found:
        return None, Result("identity", name, FAIL, "pipeline service principal not found")
    application_id = found[0].application_id
    if expected.pipeline_client_id and application_id != expected.pipeline_client_id:
        detail = f"application id {application_id}, expected {expected.pipeline_client_id}"
        return application_id, Result("identity", name, FAIL, detail)
    return application_id, Result("identity", name, PASS, f"application id {application_id}")


def check_network(workspace, account, expected: Expected) -> Iterator[Result]:
    if account is None:
        yield Result(
            "network", "NCC", FAIL, "DATABRICKS_ACCOUNT_ID is not set: cannot read the binding"
        )
        return
    workspace_id = workspace.get_workspace_id()
    bound = account.workspaces.get(workspace_id).network_connectivity_config_id
    if not bound:
        yield Result("network", f"workspace {workspace_id}", FAIL, "no NCC bound")
        return
    ncc = account.network_connectivity.get_network_connectivity_configuration(bound)
    wanted = expected.names.get(NETWORK_NAME_KEY)
    if wanted and ncc.name != wanted:
        yield Result("network", ncc.name, FAIL, f"bound NCC is not {wanted}")
    elif ncc.region != domain.AZURE_REGION:
        yield Result("network", ncc.name, FAIL, f"NCC region {ncc.region}")
    else:
        yield Result("network", ncc.name, PASS, f"bound to workspace {workspace_id}")


def check_jobs(workspace, expected: Expected, run_as: str | None) -> Iterator[Result]:
    names = [
        naming.job_name(domain.DOMAIN, c.name, expected.environment) for c in expected.contracts
    ]
    names.append(naming.governance_job_name(domain.DOMAIN, expected.environment))
    for name in names:
        found = [
            j for j in workspace.jobs.list(name=name) if j.settings and j.settings.name == name
        ]
        if len(found) != 1:
            yield Result("job", name, FAIL, f"{len(found)} jobs of this name, expected 1")
            continue
        job = workspace.jobs.get(found[0].job_id)
        if not run_as or job.run_as_user_name != run_as:
            yield Result("job", name, FAIL, f"runs as {job.run_as_user_name}, not the pipeline")
            continue
        runs = list(workspace.jobs.list_runs(job_id=job.job_id, completed_only=True, limit=1))
        if not runs:
            yield Result("job", name, SKIP, "runs as the pipeline; no completed run yet")
            continue
        state = runs[0].state.result_state if runs[0].state else None
        outcome = getattr(state, "value", state)
        if outcome != "SUCCESS":
            yield Result("job", name, FAIL, f"last run {outcome}: {runs[0].run_page_url}")
        else:
            yield Result("job", name, PASS, "runs as the pipeline; last run succeeded")


def check_monitoring(workspace, expected: Expected) -> Iterator[Result]:
    """Each object deployed by the bundle's monitoring, found by its name; an alert's or the
    dashboard's own page in the workspace shows its last state."""
    listed = {
        "warehouse": {w.name for w in workspace.warehouses.list()},
        "alert": {a.display_name for a in workspace.alerts_v2.list_alerts()},
        "dashboard": {d.display_name for d in workspace.lakeview.list()},
    }
    wanted = [
        ("warehouse", expected.names["sql_warehouse"]),
        *(("alert", name) for name in expected.alerts),
        ("dashboard", expected.names["dashboard"]),
    ]
    for kind, name in wanted:
        if name in listed[kind]:
            yield Result("monitoring", name, PASS, f"{kind} exists")
        else:
            yield Result("monitoring", name, FAIL, f"no {kind} of this name (bundle deploy)")


def protected_tables(workspace, expected: Expected) -> Iterator[tuple[Contract, object, object]]:
    """(contract, expected protection, live table or None) of every protected table."""
    from .gold import transform_for
    from .governance import protected_tables as governance_tables

    for contract in expected.contracts:
        transform = transform_for(contract)
        gold_table, gold_columns = None, []
        if transform is not None:
            gold_table = transform.table
            gold_name = naming.table_name(domain.DOMAIN, expected.environment, "gold", gold_table)
            gold = _table(workspace, gold_name)
            gold_columns = [c.name for c in (gold.columns or [])] if gold else []
        for table in governance_tables(contract, expected.catalog, gold_table, gold_columns):
            yield contract, table, _table(workspace, table.full_name)


def _table(workspace, name: str):
    from databricks.sdk.errors import NotFound

    try:
        return workspace.tables.get(name)
    except NotFound:
        return None


def check_masks(workspace, expected: Expected) -> Iterator[Result]:
    from .governance import mask_function_name, row_filter_function_name

    for contract, table, live in protected_tables(workspace, expected):
        if live is None:
            yield Result("masks", table.full_name, SKIP, "table not created yet (no run yet)")
            continue
        columns = {c.name: c for c in live.columns or []}
        problems = []
        for column, (strategy, column_type) in sorted(table.masks.items()):
            wanted = expected.function(mask_function_name(strategy, column_type))
            mask = columns[column].mask if column in columns else None
            if mask is None or mask.function_name != wanted:
                found = mask.function_name if mask else "no mask"
                problems.append(f"column {column}: {found}, expected {wanted}")
        for column in table.unmasked:
            if column in columns and columns[column].mask is not None:
                problems.append(
                    f"column {column}: unexpected mask {columns[column].mask.function_name}"
                )
        live_filter = live.row_filter
        if table.row_filter_column:
            wanted = expected.function(row_filter_function_name(contract))
            if (
                live_filter is None
                or live_filter.function_name != wanted
                or list(live_filter.input_column_names or []) != [table.row_filter_column]
            ):
                problems.append(f"row filter: expected {wanted} on {table.row_filter_column}")
        elif live_filter is not None:
            problems.append(f"unexpected row filter {live_filter.function_name}")
        if problems:
            yield Result("masks", table.full_name, FAIL, "; ".join(problems))
        else:
            masked = ", ".join(sorted(table.masks)) or "none"
            row_filter = " + row filter" if table.row_filter_column else ""
            yield Result("masks", table.full_name, PASS, f"masked: {masked}{row_filter}")


def check_grants(workspace, expected: Expected, principals: dict[str, str]) -> Iterator[Result]:
    for (securable_type, name), wanted in expected_grants(expected, principals).items():
        response = workspace.grants.get(securable_type, name)
        live = {
            a.principal: {getattr(p, "value", p) for p in a.privileges or []}
            for a in response.privilege_assignments or []
        }
        live = {principal: privileges for principal, privileges in live.items() if privileges}
        problems = [
            f"{principal}: {sorted(live.get(principal, set()))}, expected {sorted(privileges)}"
            for principal, privileges in sorted(wanted.items())
            if live.get(principal, set()) != privileges
        ]
        problems += [
            f"{principal}: unexpected {sorted(privileges)}"
            for principal, privileges in sorted(live.items())
            if principal not in wanted
        ]
        status = FAIL if problems else PASS
        detail = "; ".join(problems) or "as in the persona table"
        yield Result("grants", f"{securable_type} {name}", status, detail)


def check_tags(workspace, expected: Expected) -> Iterator[Result]:
    for contract, table, live in protected_tables(workspace, expected):
        if live is None:
            yield Result("tags", table.full_name, SKIP, "table not created yet (no run yet)")
            continue
        tags = _tags(workspace, "tables", table.full_name)
        problems = [
            f"table tag {key} missing" for key in ("domain", "classification") if key not in tags
        ]
        if tags.get("domain", contract.domain) != contract.domain:
            problems.append(f"table tag domain is {tags['domain']}, expected {contract.domain}")
        live_columns = {c.name for c in live.columns or []}
        for column in contract.columns:
            if column.pii and column.name in live_columns:
                entity = naming.qualified_name(table.full_name, column.name)
                column_tags = _tags(workspace, "columns", entity)
                if column_tags.get("pii") != column.pii:
                    problems.append(f"column {column.name}: pii tag {column_tags.get('pii')}")
        status = FAIL if problems else PASS
        yield Result(
            "tags", table.full_name, status, "; ".join(problems) or "domain, classification, pii"
        )


def check_contracts(workspace, expected: Expected) -> Iterator[Result]:
    from .schema_guard import CONTRACT_VERSION, breaking_changes
    from .storage import TableState

    for contract in expected.contracts:
        name = naming.table_name(domain.DOMAIN, expected.environment, "silver", contract.name)
        live = _table(workspace, name)
        if live is None:
            yield Result("contract", name, SKIP, "table not created yet (no run yet)")
            continue
        table = TableState(
            {c.name: c.type_text for c in live.columns or []}, dict(live.properties or {})
        )
        problems = [str(problem) for problem in breaking_changes(contract, table)]
        written = table.properties.get(CONTRACT_VERSION)
        if written is None:
            problems.append(f"no {CONTRACT_VERSION} property: the next run records it")
        if problems:
            yield Result("contract", name, FAIL, "; ".join(problems))
        elif written != contract.version:
            detail = f"written by {written}; the next run records {contract.version}"
            yield Result("contract", name, PASS, detail)
        else:
            yield Result("contract", name, PASS, f"written by {written}")


def _tags(workspace, entity_type: str, name: str) -> dict[str, str | None]:
    return {
        t.tag_key: t.tag_value for t in workspace.entity_tag_assignments.list(entity_type, name)
    }


def monitored_tables(expected: Expected, layer: str) -> list[str]:
    """Full names of the contracts' tables in one monitored layer: each silver table and its
    quarantine; each gold table a transform writes."""
    from .gold import transform_for

    tables = []
    for contract in expected.contracts:
        if layer == "silver":
            names = [contract.name, naming.quarantine_table(contract.name)]
        else:
            transform = transform_for(contract)
            names = [transform.table] if transform is not None else []
        tables += [naming.table_name(domain.DOMAIN, expected.environment, layer, n) for n in names]
    return tables


def check_anomaly_detection(workspace, expected: Expected) -> Iterator[Result]:
    """Anomaly detection is a monitor on the schema (addressed by its schema_id) that covers
    every table in it except those it lists as excluded (Data Quality Monitoring API,
    GET /api/data-quality/v1/monitors/schema/{schema_id};
    https://docs.databricks.com/aws/en/data-quality-monitoring/anomaly-detection). Nothing to
    check when the domain answered quality_monitors=false."""
    from databricks.sdk.errors import NotFound

    if not domain.QUALITY_MONITORS:
        return
    check = "anomaly_detection"
    for layer in MONITORED_LAYERS:
        schema = expected.schema(layer)
        schema_id = workspace.schemas.get(schema).schema_id
        try:
            monitor = workspace.data_quality.get_monitor("schema", schema_id)
        except NotFound:
            monitor = None
        config = monitor.anomaly_detection_config if monitor else None
        if config is None:
            detail = "no anomaly detection monitor (infra/modules/quality_monitoring)"
            yield Result(check, schema, FAIL, detail)
            continue
        yield Result(check, schema, PASS, "anomaly detection on the schema")
        excluded = set(config.excluded_table_full_names or [])
        for table in monitored_tables(expected, layer):
            if table in excluded:
                yield Result(check, table, FAIL, f"excluded from the {schema} monitor")
            elif _table(workspace, table) is None:
                yield Result(check, table, SKIP, "table not created yet (no run yet)")
            else:
                yield Result(check, table, PASS, f"covered by the {schema} monitor")


# --- Running -----------------------------------------------------------------------------


CHECKS = (
    "metastore", "catalog", "schema", "group", "identity",
    "network", "job", "masks", "grants", "tags", "contract", "anomaly_detection",
    "monitoring",
)  # fmt: skip


def run_checks(
    workspace, account, expected: Expected, only: tuple[str, ...] = CHECKS
) -> list[Result]:
    """Every check (or ``only`` these); an API error fails the check it happened in and the
    others still run."""
    results: list[Result] = []
    application_id = None

    def guarded(check: str, producer: Callable[[], Iterator[Result]]) -> None:
        if check not in only:
            return
        try:
            results.extend(producer())
        except VerifyError as error:
            results.append(Result(check, "persona table", FAIL, str(error)))
        except Exception as error:  # the SDK's errors name the API call that failed
            results.append(Result(check, expected.catalog, FAIL, _error(error)))

    guarded("metastore", lambda: check_metastore(workspace, expected))
    guarded("catalog", lambda: check_catalog(workspace, expected))
    guarded("schema", lambda: check_schemas_and_volumes(workspace, expected))
    guarded("group", lambda: check_groups(workspace, expected))
    try:
        application_id, identity = pipeline_principal(workspace, expected)
        if "identity" in only:
            results.append(identity)
    except Exception as error:
        results.append(
            Result("identity", expected.names["pipeline_service_principal"], FAIL, _error(error))
        )
    guarded("network", lambda: check_network(workspace, account, expected))
    guarded("job", lambda: check_jobs(workspace, expected, application_id))
    guarded("masks", lambda: check_masks(workspace, expected))
    plan = expected.names["github_plan_identity"]
    principals = {
        "pipeline": application_id or "(pipeline service principal not found)",
        "plan": f"(plan identity {plan} not in the workspace)",
        **expected.groups,
    }
    if "grants" in only:
        try:
            principals["plan"] = application_id_of(workspace, plan) or principals["plan"]
        except Exception as error:
            results.append(Result("grants", plan, FAIL, _error(error)))
    guarded("grants", lambda: check_grants(workspace, expected, principals))
    guarded("tags", lambda: check_tags(workspace, expected))
    guarded("contract", lambda: check_contracts(workspace, expected))
    guarded("anomaly_detection", lambda: check_anomaly_detection(workspace, expected))
    guarded("monitoring", lambda: check_monitoring(workspace, expected))
    return results


def print_table(results: list[Result], environment: str, console) -> None:
    from rich.table import Table

    colours = {PASS: "green", FAIL: "bold red", SKIP: "yellow"}
    table = Table(title=f"make verify: {domain.DOMAIN} {environment}")
    for column in ("check", "object", "result", "detail"):
        table.add_column(column, overflow="fold")
    for result in results:
        status = f"[{colours[result.status]}]{result.status.upper()}[/]"
        table.add_row(result.check, result.object, status, result.detail)
    console.print(table)
    failed = sum(r.status == FAIL for r in results)
    summary = f"{failed} of {len(results)} checks failed" if failed else "every check passed"
    console.print(f"{environment}: {summary}")


def clients(account_id: str | None):
    """Workspace and account clients, signed in like the Databricks CLI (DATABRICKS_HOST and a
    profile, or OIDC in GitHub Actions)."""
    from databricks.sdk import AccountClient, WorkspaceClient

    workspace = WorkspaceClient()
    account = None
    if account_id:
        host = os.environ.get("DATABRICKS_ACCOUNT_HOST", ACCOUNT_HOST)
        account = AccountClient(host=host, account_id=account_id)
    return workspace, account


def verify(
    environment: str,
    contracts: list[Contract],
    persona_table: Path,
    console,
    only: str = "",
) -> int:
    """Run the checks (``only``: comma-separated names, default all) and print the table;
    0 when none failed, 1 when one did, 2 for an unknown check name."""
    checks = tuple(c for c in only.split(",") if c) or CHECKS
    unknown = sorted(set(checks) - set(CHECKS))
    if unknown:
        console.print(f"--only: unknown check(s) {unknown}; choose from {', '.join(CHECKS)}")
        return 2
    expected = Expected(
        environment,
        contracts,
        persona_table.read_text(),
        os.environ.get("PIPELINE_CLIENT_ID") or None,
    )
    workspace, account = clients(os.environ.get("DATABRICKS_ACCOUNT_ID"))
    results = run_checks(workspace, account, expected, checks)
    print_table(results, environment, console)
    return 1 if any(r.status == FAIL for r in results) else 0
