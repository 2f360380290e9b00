"""The run report: what each layer read and wrote, rule outcomes, durations, conservation."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from .runtime import Runtime

LOCAL_REPORT = Path("build/run_report.json")
# Beside the stream checkpoints; dataset names never start with "_", so no dataset owns it.
REPORTS_FOLDER = "_run_reports"


def report_location(runtime: Runtime, started: datetime, dataset: str | None, layers) -> Path:
    """Where a run writes its report unless told otherwise.

    Locally ``build/run_report.json``. On Databricks an absolute path in the environment's
    checkpoints volume, one file per run: a job task's working directory is not guaranteed
    on serverless, and Unity Catalog volumes take plain Python file writes.
    """
    if runtime.is_local:
        return LOCAL_REPORT
    stamp = started.strftime("%Y%m%dT%H%M%S%fZ")
    name = f"{stamp}-{'+'.join(layers)}.json"
    return runtime.checkpoints(REPORTS_FOLDER) / (dataset or "all") / name


@dataclass
class BronzeReport:
    """``data_loss`` says what the source lost before it was read (expired events); the
    run then fails even though every layer ran. ``last_batch`` is the newest bronze batch
    number after the run; ``watermark`` the newest incremental-column value in bronze (JDBC
    sources; None for the others)."""

    rows_read: int = 0
    rows_written: int = 0
    rescued: int = 0
    corrupt: int = 0
    batches: int = 0
    data_loss: str | None = None
    last_batch: int | None = None
    watermark: str | None = None
    seconds: float = 0.0


@dataclass
class SilverReport:
    """``quarantined`` is what the quarantine table gained; ``already_quarantined`` counts
    failing records an earlier run had quarantined (a replayed batch). ``table_growth`` is
    what the silver table gained, counted on the table: it must equal ``inserted`` less
    ``deleted`` (rows removed by hard deletes, or by a recomputed SCD type 2 history).
    ``history_recomputed`` counts the runs whose history was laid out again from bronze
    for a late change (SCD type 2).
    ``last_batch`` is the newest bronze batch merged into silver (None before the first)."""

    rows_read: int = 0
    upserts: int = 0
    inserted: int = 0
    updated: int = 0
    deleted: int = 0
    not_applied_older: int = 0
    history_recomputed: int = 0
    superseded_duplicates: int = 0
    quarantined: int = 0
    already_quarantined: int = 0
    table_growth: int = 0
    rules: dict[str, int] = field(default_factory=dict)
    last_batch: int | None = None
    seconds: float = 0.0

    @property
    def accounted(self) -> int:
        """Records read, as silver accounted for them: each in exactly one place."""
        return (
            self.upserts + self.superseded_duplicates + self.quarantined + self.already_quarantined
        )


@dataclass
class GoldReport:
    table: str | None = None
    rows_built: int = 0
    inserted: int = 0
    updated: int = 0
    seconds: float = 0.0


@dataclass
class DatasetReport:
    dataset: str
    source: str
    bronze: BronzeReport = field(default_factory=BronzeReport)
    silver: SilverReport = field(default_factory=SilverReport)
    gold: GoldReport = field(default_factory=GoldReport)
    error: str | None = None
    failed_layer: str | None = None

    @property
    def conserved(self) -> bool:
        """Every bronze record read by silver is accounted for exactly once, and the tables
        gained what the accounting says: silver its inserted rows, quarantine no more rows
        than records failed."""
        s = self.silver
        return (
            s.rows_read == s.accounted
            and s.table_growth == s.inserted - s.deleted
            and s.already_quarantined >= 0
        )

    def as_dict(self) -> dict:
        data = asdict(self)
        data["silver"]["rules"] = [
            {"rule": name, "failed": failed, "passed": failed == 0}
            for name, failed in sorted(self.silver.rules.items())
        ]
        data["conservation"] = {
            "holds": self.conserved,
            "silver_rows_read": self.silver.rows_read,
            "records_accounted": self.silver.accounted,
            "silver_table_growth": self.silver.table_growth,
            "silver_inserted": self.silver.inserted,
            "silver_deleted": self.silver.deleted,
        }
        return data


@dataclass
class RunReport:
    target: str
    environment: str
    datasets: list[DatasetReport] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return all(
            d.error is None and d.conserved and d.bronze.data_loss is None for d in self.datasets
        )

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        document = {
            "target": self.target,
            "environment": self.environment,
            "succeeded": self.succeeded,
            "datasets": [d.as_dict() for d in self.datasets],
        }
        path.write_text(json.dumps(document, indent=2, sort_keys=False) + "\n")

    def print_summary(self, console: Console) -> None:
        table = Table(title="Pipeline run", show_lines=False)
        for heading in (
            "dataset",
            "bronze",
            "upserts",
            "dupes",
            "quarantine",
            "gold",
            "conserved",
            "s",
        ):
            table.add_column(heading, justify="right" if heading != "dataset" else "left")
        for d in self.datasets:
            seconds = d.bronze.seconds + d.silver.seconds + d.gold.seconds
            table.add_row(
                d.dataset,
                str(d.bronze.rows_written),
                str(d.silver.upserts),
                str(d.silver.superseded_duplicates),
                str(d.silver.quarantined),
                str(d.gold.rows_built),
                "yes" if d.conserved else "NO",
                f"{seconds:.1f}",
            )
        console.print(table)
        for d in self.datasets:
            if d.error:
                console.print(f"[bold red]{d.dataset} failed:[/] {d.error}")
            if d.bronze.data_loss:
                console.print(f"[bold red]{d.dataset} lost data:[/] {d.bronze.data_loss}")
