"""Command line of the engine: ``python -m <package> <command>``.

validate      check every contract in contracts/
generate      write synthetic source data for every contract (local run)
run           run the medallion pipeline for every contract (or one dataset)
add-dataset   answer a few questions and get a new contract, gold transform and README entry
docs          rewrite the README's dataset list from the contracts
verify        check a deployed environment live (pass/fail table; non-zero on a failure)
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from contextlib import ExitStack
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from . import domain, naming
from .contract import ContractError, load_contracts
from .naming import LAYERS
from .pipeline import run_dataset
from .report import RunReport, report_location
from .runtime import Runtime

DEFAULT_ROOT = Path("build/local")
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

    generate = commands.add_parser("generate", help="write synthetic source data (local)")
    _add_synthetic_options(generate)
    generate.add_argument("--root", type=Path, default=DEFAULT_ROOT)

    run = commands.add_parser("run", help="run the pipeline")
    run.add_argument("--target", choices=("local", "databricks"), default="local")
    run.add_argument(
        "--environment",
        default="local",
        help=f"Databricks environment: {', '.join(domain.ENVIRONMENTS)}",
    )
    run.add_argument("--dataset", help="run only this dataset")
    run.add_argument(
        "--layers",
        default=",".join(LAYERS),
        help="comma-separated layers to run (default: bronze,silver,gold)",
    )
    run.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="local run folder")
    run.add_argument(
        "--report",
        type=Path,
        help="report file (default: build/run_report.json locally; on Databricks a file "
        "per run under /Volumes/<catalog>/bronze/checkpoints/_run_reports/)",
    )
    run.add_argument(
        "--synthetic",
        type=int,
        metavar="ROWS",
        help="generate ROWS synthetic records per dataset first (local only)",
    )
    _add_synthetic_options(run, with_rows=False)

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

    add = commands.add_parser("add-dataset", help="write a new contract from a few questions")
    add.add_argument("--answers", type=Path, help="YAML answers instead of prompts")
    _add_docs_options(add)
    add.add_argument(
        "--gold-dir",
        type=Path,
        help="where the starter gold transform is written (default: the package's "
        "gold_transforms/)",
    )

    docs = commands.add_parser("docs", help="rewrite the README's dataset list from contracts/")
    _add_docs_options(docs)

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
        help="comma-separated checks to run (default: all): metastore, catalog, schema, group, "
        "identity, network, job, masks, grants, tags",
    )
    return parser


def _add_docs_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--readme", type=Path, default=Path("README.md"), help="README with the dataset list"
    )


def _add_synthetic_options(parser: argparse.ArgumentParser, with_rows: bool = True) -> None:
    if with_rows:
        parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--bad-share", type=float, default=0.02)
    parser.add_argument("--duplicate-share", type=float, default=0.05)
    parser.add_argument(
        "--offset",
        type=int,
        default=0,
        help="number of the first record (continue a previous load)",
    )


def _generate(contracts, root: Path, rows: int, args, postgres) -> None:
    from .synthetic import (
        REGION_LOCALES,
        SyntheticSpec,
        generate_records,
        landed_before,
        record_landing,
        write_envelopes,
        write_files,
    )

    spec = SyntheticSpec(
        rows=rows,
        seed=args.seed,
        bad_share=args.bad_share,
        duplicate_share=args.duplicate_share,
        offset=args.offset,
    )
    locale = REGION_LOCALES.get(domain.AZURE_REGION, "en_US")
    runtime = Runtime("local", root=root)
    for contract in contracts:
        kind = contract.source.type
        if landed_before(root, contract.name, spec):
            console.print(
                f"{contract.name}: these {rows} synthetic records (seed {spec.seed}, from record "
                f"{spec.offset}) were landed before; nothing new is landed. Pass --seed or "
                "--offset (make run SEED=... OFFSET=...) for new records."
            )
            continue
        records = generate_records(contract, spec, locale, typed_source=kind == "jdbc")
        if kind == "files":
            write_files(records, contract, runtime.landing(contract.name))
        elif kind == "eventhub":
            write_envelopes(
                records, contract, runtime.landing(contract.name), contract.source.partitions or 1
            )
        else:
            columns = [(c.name, c.type) for c in contract.columns]
            postgres.create_table(contract.source.table, columns)
            postgres.insert_rows(contract.source.table, contract.column_names, records)
        record_landing(root, contract.name, spec)
        console.print(f"generated {len(records)} {kind} records for {contract.name}")


def _local_postgres(contracts, root: Path, stack: ExitStack):
    """A throw-away PostgreSQL for local JDBC contracts (None when there are none)."""
    if not any(c.source.type == "jdbc" for c in contracts):
        return None
    from .local_postgres import LocalPostgres

    return stack.enter_context(LocalPostgres(root / "postgres"))


def _run(contracts, args) -> int:
    from .spark_session import get_spark
    from .storage import storage_for

    runtime = Runtime(args.target, environment=args.environment, root=args.root)
    layers = tuple(layer for layer in args.layers.split(",") if layer)
    unknown = sorted(set(layers) - set(LAYERS))
    if unknown:
        console.print(f"--layers: unknown layer(s) {unknown}; choose from {', '.join(LAYERS)}")
        return 2
    if args.dataset:
        contracts = [c for c in contracts if c.name == args.dataset]
        if not contracts:
            console.print(f"--dataset: no contract defines dataset {args.dataset!r}")
            return 2
    report = RunReport(target=runtime.target, environment=runtime.environment)
    started = datetime.now(UTC)
    with ExitStack() as stack:
        postgres = _local_postgres(contracts, args.root, stack) if runtime.is_local else None
        if args.synthetic:
            if not runtime.is_local:
                console.print("--synthetic is for local runs only")
                return 2
            _generate(contracts, args.root, args.synthetic, args, postgres)
        spark = get_spark(local=runtime.is_local)
        storage = storage_for(spark, runtime)
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

                if runtime.is_local and contract.source.type == "jdbc":
                    contract = _local_stand_in(contract)
                jdbc = _jdbc_connection(contract, runtime, postgres)
                result = run_dataset(spark, storage, runtime, contract, layers, jdbc, advance)
                progress.update(task, completed=len(layers), description=contract.name)
                report.datasets.append(result)
        report_path = args.report or report_location(runtime, started, args.dataset, layers)
        report.write(report_path)
        report.print_summary(Console())
        console.print(f"report: {report_path}")
        if runtime.is_local and report.succeeded and "silver" in layers:
            _print_governance_preview(spark, storage, contracts)
    return 0 if report.succeeded else 1


def _print_governance_preview(spark, storage, contracts) -> None:
    """A sample record as an analyst and as a PII reader see it through the masks."""
    from rich.table import Table

    from .governance import DOMAIN_GROUPS, analyst_vs_pii_reader

    for contract in contracts:
        if not contract.masked_columns or not storage.exists("silver", contract.name):
            continue
        comparison = analyst_vs_pii_reader(spark, storage.read("silver", contract.name), contract)
        if comparison is None:
            continue
        table = Table(
            title=f"{contract.name}: what each persona sees (masks and row filter, local proof)"
        )
        table.add_column("column")
        table.add_column(f"analyst ({DOMAIN_GROUPS.analysts})")
        table.add_column(f"PII reader ({DOMAIN_GROUPS.pii_readers})")
        for column in comparison.columns:
            table.add_row(
                column, str(comparison.analyst[column]), str(comparison.pii_reader[column])
            )
        table.add_row("rows visible", str(comparison.analyst_rows), str(comparison.pii_reader_rows))
        Console().print(table)


def _governance(contracts, args) -> int:
    """Write every environment's governance SQL, or run one environment's on Databricks."""
    from .governance import DOMAIN_GROUPS, gold_columns, governance_statements
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
        catalog = naming.catalog_name(domain.DOMAIN, environment)
        statements = [
            statement
            for contract in contracts
            for statement in governance_statements(
                contract,
                catalog,
                DOMAIN_GROUPS,
                *gold[contract.name],
                exists=None if local else spark.catalog.tableExists,
            )
        ]
        if local:
            args.output.mkdir(parents=True, exist_ok=True)
            target = args.output / f"{environment}.sql"
            target.write_text("\n\n".join(statements) + "\n")
            console.print(f"wrote {target} ({len(statements)} statements)")
        else:
            for statement in statements:
                spark.sql(statement.rstrip(";"))
            console.print(f"applied {len(statements)} governance statements to {catalog}")
    return 0


def _local_stand_in(contract):
    """Locally every JDBC source is the throw-away PostgreSQL, whatever engine the contract
    names (a SQL Server contract included): queries, quoting and driver follow PostgreSQL."""
    source = dataclasses.replace(contract.source, engine="postgresql")
    return dataclasses.replace(contract, source=source)


def _jdbc_connection(contract, runtime, postgres):
    from .sources.jdbc import JdbcConnection, connection_from_secrets

    if contract.source.type != "jdbc":
        return None
    if runtime.is_local:
        return JdbcConnection(postgres.jdbc_url(), postgres.user, postgres.password)
    # The SDK's runtime dbutils also works in wheel tasks on serverless (Spark Connect).
    from databricks.sdk.runtime import dbutils

    names = domain.environment_names(runtime.environment)
    return connection_from_secrets(dbutils, names["secret_scope"])


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    args.contracts = args.contracts or _default_contracts()
    if args.command == "add-dataset":
        from .add_dataset import GOLD_TRANSFORMS, add_dataset

        return add_dataset(
            args.contracts, args.answers, args.readme, args.gold_dir or GOLD_TRANSFORMS
        )
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
    if args.command == "docs":
        from .add_dataset import update_readme

        if not update_readme(args.contracts, args.readme):
            console.print(f"{args.readme} has no dataset list to update")
            return 2
        console.print(f"updated the dataset list in {args.readme} ({len(contracts)} datasets)")
        return 0
    if args.command == "verify":
        from .verify import verify

        return verify(args.environment, contracts, args.persona_table, Console(), args.only)
    if args.command == "generate":
        with ExitStack() as stack:
            postgres = _local_postgres(contracts, args.root, stack)
            _generate(contracts, args.root, args.rows, args, postgres)
        return 0
    return _run(contracts, args)


if __name__ == "__main__":
    sys.exit(main())


def entry() -> None:
    """Console entry point (`lakehouse`): Databricks' python_wheel_task calls it directly and
    ignores return values, so the exit status must be raised."""
    raise SystemExit(main())
