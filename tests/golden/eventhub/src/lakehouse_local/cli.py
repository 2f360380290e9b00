"""Command line of the local tooling: ``python -m lakehouse_local <command>`` (the Makefile's
``make run``, ``make report``, ``make add-dataset`` and ``make docs``).

generate      write synthetic source data for every contract
run           run the medallion pipeline locally for every contract (or one dataset)
report        an HTML page of the local run history: runs, rows, quarantine, freshness, masks
add-dataset   answer a few questions and get a new contract, gold transform and README entry
docs          rewrite the README's dataset list from the contracts
contract-changes  classify every contract change since a git revision; refuse a version
              that does not fit, or has no entry in contracts/CHANGELOG.md (the pull-request
              gate; --draft-changelog writes the missing entries' drafts)
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from contextlib import ExitStack
from pathlib import Path

from rich.console import Console

from lakehouse_domain import domain
from lakehouse_domain.cli import (
    add_run_options,
    recorded_run,
    run_datasets,
    selected_run,
    silver_rebuild,
    write_report,
)
from lakehouse_domain.contract import ContractError, load_contracts
from lakehouse_domain.report import report_location
from lakehouse_domain.runtime import Runtime

from . import run_history

DEFAULT_ROOT = Path("build/local")
DEFAULT_REPORT_PAGE = Path("build/report/index.html")
console = Console(stderr=True)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"python -m {__package__}",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--contracts",
        type=Path,
        default=Path("contracts"),
        help="folder with *.odcs.yaml contracts (default: ./contracts)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    generate = commands.add_parser("generate", help="write synthetic source data")
    _add_synthetic_options(generate)
    generate.add_argument("--root", type=Path, default=DEFAULT_ROOT)

    run = commands.add_parser("run", help="run the pipeline locally")
    add_run_options(run)
    run.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="local run folder")
    run.add_argument(
        "--synthetic",
        type=int,
        metavar="ROWS",
        help="generate ROWS synthetic records per dataset first",
    )
    _add_synthetic_options(run, with_rows=False)

    report = commands.add_parser("report", help="HTML page of the local run history")
    report.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="local run folder")
    report.add_argument(
        "--output", type=Path, default=DEFAULT_REPORT_PAGE, help="the page to write"
    )

    add = commands.add_parser("add-dataset", help="write a new contract from a few questions")
    add.add_argument("--answers", type=Path, help="YAML answers instead of prompts")
    _add_docs_options(add)
    add.add_argument(
        "--gold-dir",
        type=Path,
        help="where the starter gold transform is written (default: the engine's gold_transforms/)",
    )
    add.add_argument(
        "--tests-dir",
        type=Path,
        default=Path("tests"),
        help="where a JDBC dataset's test file is written (default: tests/)",
    )

    docs = commands.add_parser("docs", help="rewrite the README's dataset list from contracts/")
    _add_docs_options(docs)

    changes = commands.add_parser(
        "contract-changes", help="classify contract changes since a git revision (CI gate)"
    )
    changes.add_argument("--base", default="origin/main", help="git revision to compare with")
    changes.add_argument(
        "--summary", type=Path, help="also append the Markdown summary to this file"
    )
    changes.add_argument(
        "--draft-changelog",
        action="store_true",
        help="write the draft entry of each new version missing from contracts/CHANGELOG.md",
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
    from .postgres import LocalPostgres

    return stack.enter_context(LocalPostgres(root / "postgres"))


def _local_stand_in(contract):
    """Locally every JDBC source is the throw-away PostgreSQL, whatever engine the contract
    names (a SQL Server contract included): queries, quoting and driver follow PostgreSQL."""
    if contract.source.type != "jdbc":
        return contract
    source = dataclasses.replace(contract.source, engine="postgresql")
    return dataclasses.replace(contract, source=source)


def _jdbc_connection(contract, postgres):
    from lakehouse_domain.sources.jdbc import JdbcConnection

    if contract.source.type != "jdbc":
        return None
    return JdbcConnection(postgres.jdbc_url(), postgres.user, postgres.password)


def _run(contracts, args) -> int:
    from lakehouse_domain.spark_session import get_spark
    from lakehouse_domain.storage import storage_for

    selection = selected_run(contracts, args)
    if selection is None:
        return 2
    contracts, layers = selection
    try:
        rebuild = silver_rebuild(args, contracts)
    except ValueError as error:
        console.print(str(error))
        return 2
    runtime = Runtime("local", root=args.root)

    def append_history(rows: list[dict]) -> str:
        return run_history.append(args.root, rows)

    with ExitStack() as stack, recorded_run(runtime, contracts, layers, append_history) as run:
        postgres = _local_postgres(contracts, args.root, stack)
        if args.synthetic:
            _generate(contracts, args.root, args.synthetic, args, postgres)
        spark = get_spark(local=True)
        run.storage = storage_for(spark, runtime)
        run_datasets(
            spark,
            run.storage,
            runtime,
            [_local_stand_in(c) for c in contracts],
            layers,
            lambda c: _jdbc_connection(c, postgres),
            run.report,
            rebuild,
        )
        started = run.identity.started_at
        write_report(
            run.report, args.report or report_location(runtime, started, args.dataset, layers)
        )
    if run.report.succeeded and "silver" in layers:
        _print_governance_preview(spark, run.storage, contracts)
    return 0 if run.report.succeeded else 1


def _print_governance_preview(spark, storage, contracts) -> None:
    """A sample record as an analyst and as a PII reader see it through the masks."""
    from rich.table import Table

    from lakehouse_domain.changes import current_rows
    from lakehouse_domain.governance import DOMAIN_GROUPS, analyst_vs_pii_reader

    for contract in contracts:
        if not contract.masked_columns or not storage.exists("silver", contract.name):
            continue
        silver = current_rows(storage.read("silver", contract.name), contract)
        comparison = analyst_vs_pii_reader(spark, silver, contract)
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


def _contract_changes(args) -> int:
    """Print (and append to --summary) the review; non-zero when a version does not fit its
    changes or has no changelog entry."""
    from .contract_review import (
        CHANGELOG,
        changelog_summary,
        documents_at,
        documents_in,
        missing_entries,
        review,
        summary,
        with_drafts,
    )

    try:
        base = documents_at(Path.cwd(), args.base, str(args.contracts))
    except RuntimeError as error:
        console.print(f"cannot read the contracts at {args.base}: {error}")
        return 2
    reviews = review(base, documents_in(args.contracts))
    changelog = args.contracts / CHANGELOG
    logged = changelog.read_text() if changelog.exists() else ""
    missing = missing_entries(reviews, logged)
    if missing and args.draft_changelog:
        changelog.write_text(with_drafts(logged, missing))
        console.print(f"wrote the draft of {len(missing)} entries to {changelog}: complete them")
        missing = []
    text = summary(reviews, args.base) + changelog_summary(missing, str(changelog))
    print(text)
    if args.summary:
        with args.summary.open("a") as handle:
            handle.write(text)
    refused = [item.dataset for item in reviews if item.problem]
    if refused:
        console.print(f"contract version does not fit its changes: {', '.join(refused)}")
    if missing:
        names = ", ".join(f"{item.dataset} {item.new_version}" for item in missing)
        console.print(f"no changelog entry in {changelog} for: {names}")
    return 1 if refused or missing else 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "contract-changes":  # `make test` validates them; the gate compares
        return _contract_changes(args)
    if args.command == "add-dataset":
        from .add_dataset import GOLD_TRANSFORMS, add_dataset

        return add_dataset(
            args.contracts,
            args.answers,
            args.readme,
            args.gold_dir or GOLD_TRANSFORMS,
            tests_dir=args.tests_dir,
        )
    try:
        contracts = load_contracts(args.contracts)
    except ContractError as error:
        sys.stderr.write(f"Invalid contract(s):\n{error}\n")
        return 2
    if args.command == "docs":
        from .add_dataset import update_readme

        if not update_readme(args.contracts, args.readme):
            console.print(f"{args.readme} has no dataset list to update")
            return 2
        console.print(f"updated the dataset list in {args.readme} ({len(contracts)} datasets)")
        return 0
    if args.command == "report":
        from .report_page import write_report_page

        rows = run_history.read(args.root)
        history = run_history.path(args.root)
        page = write_report_page(rows, contracts, str(history), args.output)
        runs = len({row["run_id"] for row in rows})
        console.print(f"wrote {page} (runs: {runs}, from {history})")
        return 0
    if args.command == "generate":
        with ExitStack() as stack:
            postgres = _local_postgres(contracts, args.root, stack)
            _generate(contracts, args.root, args.rows, args, postgres)
        return 0
    return _run(contracts, args)
