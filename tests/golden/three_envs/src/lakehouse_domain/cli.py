"""Command line of the engine: ``python -m lakehouse_domain <command>``, or ``lakehouse
<command>`` from the installed wheel (the Databricks job tasks).

validate      check every contract in contracts/
run           run the medallion pipeline on Databricks for every contract (or one dataset)
governance    masks, row filters, tags: SQL files to review (local) or applied (databricks)
verify        check a deployed environment live (pass/fail table; non-zero on a failure)

The local run, synthetic data, add-dataset and docs are ``python -m lakehouse_local``
(not in the wheel).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from . import domain, naming, run_history
from .contract import ContractError, load_contracts
from .naming import LAYERS
from .pipeline import run_dataset
from .rebuild import SilverRebuild
from .report import RunReport, report_location
from .runtime import Runtime
from .verify import CHECKS

console = Console(stderr=True)


def _default_contracts() -> Path:
    """./contracts in a checkout; the copy inside the installed wheel on Databricks."""
    local = Path("contracts")
    if local.is_dir():
        return local
    return Path(str(resources.files(__package__).joinpath("contracts")))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--contracts",
        type=Path,
        help="folder with *.odcs.yaml contracts (default: ./contracts, else the contracts "
        "packaged in the installed wheel, as on Databricks)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("validate", help="check every contract")

    run = commands.add_parser("run", help="run the pipeline on Databricks")
    # The job tasks name the target; local runs are `python -m lakehouse_local run`.
    run.add_argument("--target", choices=("databricks",), default="databricks")
    run.add_argument("--environment", required=True, choices=domain.ENVIRONMENTS)
    add_run_options(run)

    governance = commands.add_parser(
        "governance", help="masks, row filters, tags: SQL files (local) or applied (databricks)"
    )
    governance.add_argument("--target", choices=("local", "databricks"), default="local")
    governance.add_argument("--environment", help="Databricks environment to apply")
    governance.add_argument("--dataset", help="only this dataset (default: every contract)")
    governance.add_argument(
        "--output",
        type=Path,
        default=Path("build/governance"),
        help="folder of the <env>.sql files (local target)",
    )

    verify = commands.add_parser("verify", help="check a deployed environment live")
    verify.add_argument("--environment", required=True, choices=domain.ENVIRONMENTS)
    verify.add_argument(
        "--persona-table",
        type=Path,
        default=Path("infra/README.md"),
        help="file with the grants table per environment (default: infra/README.md)",
    )
    verify.add_argument(
        "--only",
        default="",
        help=f"comma-separated checks to run (default: all): {', '.join(CHECKS)}",
    )
    return parser


def add_run_options(parser: argparse.ArgumentParser) -> None:
    """The options of a run that both the Databricks and the local run take."""
    parser.add_argument("--dataset", help="run only this dataset")
    parser.add_argument(
        "--layers",
        default=",".join(LAYERS),
        help="comma-separated layers to run (default: bronze,silver,gold)",
    )
    parser.add_argument(
        "--report",
        type=Path,
        help="report file (default: build/run_report.json locally; on Databricks a file "
        "per run under /Volumes/<catalog>/bronze/checkpoints/_run_reports/)",
    )
    parser.add_argument(
        "--rebuild-silver",
        action="store_true",
        help="drop the dataset's silver tables and make them again from every bronze batch "
        "under the current contract (the recipe of a breaking change; needs --dataset)",
    )
    parser.add_argument(
        "--renamed",
        default="",
        metavar="OLD=NEW[,...]",
        help="with --rebuild-silver: columns renamed by the contract, read from their old "
        "bronze name where the new one is empty",
    )


def silver_rebuild(args, contracts) -> SilverRebuild | None:
    """The rebuild ``--rebuild-silver`` asks for (None without it); ValueError says why
    the options cannot be run."""
    if not args.rebuild_silver:
        if args.renamed:
            raise ValueError("--renamed: only with --rebuild-silver")
        return None
    if not args.dataset or len(contracts) != 1:
        raise ValueError("--rebuild-silver: name the dataset to rebuild with --dataset")
    if "silver" not in args.layers.split(","):
        raise ValueError("--rebuild-silver: --layers must include silver")
    rebuild = SilverRebuild.parse(args.renamed)
    unknown = rebuild.unknown_columns(contracts[0])
    if unknown:
        raise ValueError(f"--renamed: {unknown} are not columns of {contracts[0].name}")
    return rebuild


def selected_run(contracts, args) -> tuple[list, tuple[str, ...]] | None:
    """The contracts and layers ``--dataset`` and ``--layers`` select; None (after saying
    why) when either names something that does not exist."""
    layers = tuple(layer for layer in args.layers.split(",") if layer)
    unknown = sorted(set(layers) - set(LAYERS))
    if unknown:
        console.print(f"--layers: unknown layer(s) {unknown}; choose from {', '.join(LAYERS)}")
        return None
    if args.dataset:
        contracts = [c for c in contracts if c.name == args.dataset]
        if not contracts:
            console.print(f"--dataset: no contract defines dataset {args.dataset!r}")
            return None
    return contracts, layers


def run_datasets(
    spark,
    storage,
    runtime: Runtime,
    contracts,
    layers: tuple[str, ...],
    jdbc_connection: Callable,
    report: RunReport,
    rebuild: SilverRebuild | None = None,
) -> None:
    """Every contract through ``layers``, with a progress bar, each dataset's result appended
    to ``report``; ``jdbc_connection(contract)`` gives a JDBC source's connection (None for
    other sources); ``rebuild`` rebuilds silver first."""
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        for contract in contracts:
            task = progress.add_task(contract.name, total=len(layers))

            def advance(layer: str, task=task, name=contract.name) -> None:
                progress.update(task, description=f"{name}: {layer}")

            jdbc = jdbc_connection(contract)
            result = run_dataset(spark, storage, runtime, contract, layers, jdbc, advance, rebuild)
            progress.update(task, completed=len(layers), description=contract.name)
            report.datasets.append(result)


@dataclass
class RecordedRun:
    """A run in progress: its identity in the run history, its report so far, and the
    storage it uses once it has one (the freshness of each dataset is read there)."""

    identity: run_history.RunIdentity
    report: RunReport
    storage: object | None = None


@contextmanager
def recorded_run(
    runtime: Runtime, contracts, layers: tuple[str, ...], append_history: Callable
) -> Iterator[RecordedRun]:
    """A run whose rows ``append_history(rows)`` appends to the run history when it ends
    (it returns where). A run that raises is recorded too, its unreached datasets failed
    with the cause, before the error goes on."""
    started = datetime.now(UTC)
    run = RecordedRun(
        run_history.RunIdentity.new(runtime, started),
        RunReport(target=runtime.target, environment=runtime.environment),
    )
    try:
        yield run
    except Exception as error:
        failure = f"run: {type(error).__name__}: {error}"
        append_history(
            run_history.run_rows(run.identity, run.report, contracts, layers, run.storage, failure)
        )
        raise
    rows = run_history.run_rows(run.identity, run.report, contracts, layers, run.storage)
    console.print(f"run history: {len(rows)} rows appended to {append_history(rows)}")


def write_report(report: RunReport, path: Path) -> None:
    report.write(path)
    report.print_summary(Console())
    console.print(f"report: {path}")


def _run(contracts, args) -> int:
    from .spark_session import get_spark
    from .storage import storage_for

    selection = selected_run(contracts, args)
    if selection is None:
        return 2
    contracts, layers = selection
    try:
        rebuild = silver_rebuild(args, contracts)
    except ValueError as error:
        console.print(str(error))
        return 2
    runtime = Runtime(args.target, environment=args.environment)
    # Without a Spark session nothing can be written to the run history: a job whose session
    # does not start fails with its error (and the failed-job alert) only.
    spark = get_spark(local=False)

    def append_history(rows: list[dict]) -> str:
        return run_history.append_to_catalog(spark, runtime.environment, rows)

    with recorded_run(runtime, contracts, layers, append_history) as run:
        run.storage = storage_for(spark, runtime)
        run_datasets(
            spark,
            run.storage,
            runtime,
            contracts,
            layers,
            lambda c: _jdbc_connection(c, runtime),
            run.report,
            rebuild,
        )
        started = run.identity.started_at
        write_report(
            run.report, args.report or report_location(runtime, started, args.dataset, layers)
        )
    if rebuild is not None:
        # The rebuilt tables are new: their masks, row filter and tags are set now, not at
        # the next governance task (grants on the schema already let readers in).
        apply_governance(spark, contracts, runtime.environment)
    return 0 if run.report.succeeded else 1


def _governance(contracts, args) -> int:
    """Write every environment's governance SQL, or run one environment's on Databricks."""
    from .governance import gold_columns
    from .spark_session import get_spark

    local = args.target == "local"
    if args.dataset:
        contracts = [c for c in contracts if c.name == args.dataset]
        if not contracts:
            console.print(f"--dataset: no contract defines dataset {args.dataset!r}")
            return 2
    spark = get_spark(local=local)
    gold = {c.name: gold_columns(spark, c) for c in contracts}
    environments = domain.ENVIRONMENTS if local else [args.environment]
    if not local and args.environment not in domain.ENVIRONMENTS:
        console.print(f"--environment must be one of {', '.join(domain.ENVIRONMENTS)}")
        return 2
    for environment in environments:
        if local:
            statements = _governance_sql(spark, contracts, environment, gold, exists=None)
            args.output.mkdir(parents=True, exist_ok=True)
            target = args.output / f"{environment}.sql"
            target.write_text("\n\n".join(statements) + "\n")
            console.print(f"wrote {target} ({len(statements)} statements)")
        else:
            apply_governance(spark, contracts, environment, gold)
    return 0


def _governance_sql(spark, contracts, environment: str, gold: dict, exists) -> list[str]:
    from .governance import DOMAIN_GROUPS, governance_statements

    catalog = naming.catalog_name(domain.DOMAIN, environment)
    return [
        statement
        for contract in contracts
        for statement in governance_statements(
            contract, catalog, DOMAIN_GROUPS, *gold[contract.name], exists=exists
        )
    ]


def apply_governance(spark, contracts, environment: str, gold: dict | None = None) -> None:
    """Run the governance statements of ``contracts`` in one Databricks environment."""
    from .governance import gold_columns

    gold = gold or {c.name: gold_columns(spark, c) for c in contracts}
    statements = _governance_sql(spark, contracts, environment, gold, spark.catalog.tableExists)
    for statement in statements:
        spark.sql(statement.rstrip(";"))
    catalog = naming.catalog_name(domain.DOMAIN, environment)
    console.print(f"applied {len(statements)} governance statements to {catalog}")


def _jdbc_connection(contract, runtime):
    """A JDBC source's credentials, from the environment's secret scope."""
    from .sources.jdbc import connection_from_secrets

    if contract.source.type != "jdbc":
        return None
    # The SDK's runtime dbutils also works in wheel tasks on serverless (Spark Connect).
    from databricks.sdk.runtime import dbutils

    names = domain.environment_names(runtime.environment)
    return connection_from_secrets(dbutils, names["secret_scope"])


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.contracts = args.contracts or _default_contracts()
    try:
        contracts = load_contracts(args.contracts)
    except ContractError as error:
        sys.stderr.write(f"Invalid contract(s):\n{error}\n")
        return 2
    if args.command == "validate":
        for contract in contracts:
            console.print(f"{contract.path}: valid ({len(contract.columns)} columns)")
        return 0
    if args.command == "governance":
        return _governance(contracts, args)
    if args.command == "verify":
        from .verify import verify

        return verify(args.environment, contracts, args.persona_table, Console(), args.only)
    return _run(contracts, args)


if __name__ == "__main__":
    sys.exit(main())


def entry() -> None:
    """Console entry point (`lakehouse`): Databricks' python_wheel_task calls it directly and
    ignores return values, so the exit status must be raised."""
    raise SystemExit(main())
