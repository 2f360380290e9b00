"""The run report: what each layer read and wrote, rule outcomes, durations, conservation."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rich.console import Console
from rich.table import Table


@dataclass
class BronzeReport:
    rows_read: int = 0
    rows_written: int = 0
    rescued: int = 0
    corrupt: int = 0
    batches: int = 0
    seconds: float = 0.0


@dataclass
class SilverReport:
    rows_read: int = 0
    upserts: int = 0
    inserted: int = 0
    updated: int = 0
    not_applied_older: int = 0
    superseded_duplicates: int = 0
    quarantined: int = 0
    rules: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


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

    @property
    def conserved(self) -> bool:
        """Every bronze record read by silver is accounted for exactly once."""
        s = self.silver
        return s.rows_read == s.upserts + s.superseded_duplicates + s.quarantined

    def as_dict(self) -> dict:
        data = asdict(self)
        data["silver"]["rules"] = [
            {"rule": name, "failed": failed, "passed": failed == 0}
            for name, failed in sorted(self.silver.rules.items())
        ]
        data["conservation"] = {
            "holds": self.conserved,
            "silver_rows_read": self.silver.rows_read,
            "upserts_plus_superseded_plus_quarantined": self.silver.upserts
            + self.silver.superseded_duplicates
            + self.silver.quarantined,
        }
        return data


@dataclass
class RunReport:
    target: str
    environment: str
    datasets: list[DatasetReport] = field(default_factory=list)

    @property
    def succeeded(self) -> bool:
        return all(d.error is None and d.conserved for d in self.datasets)

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
