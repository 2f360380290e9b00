"""One measurement of bench/pipeline.py, run inside a rendered domain with its venv.

  pipeline_worker.py prepare <rows> <landing>   write <rows> CSV records into <landing>
  pipeline_worker.py bare <landing> <out>       Spark read of the CSVs -> one Delta table
  pipeline_worker.py pipeline <root>            the domain's full local run (bronze..gold)

Prints the measured seconds of the timed part as JSON on the last line.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path

SEED_ROWS = 20_000  # generated with Faker once, then copied with new keys (Faker is slow)
ROWS_PER_FILE = 250_000


def prepare(rows: int, landing: Path) -> None:
    from lakehouse_domain.contract import load_contracts
    from lakehouse_local.synthetic import SyntheticSpec, generate_records

    contract = load_contracts("contracts")[0]
    seed = generate_records(contract, SyntheticSpec(rows=SEED_ROWS, duplicate_share=0), "pt_BR")
    key = contract.primary_key[0]
    landing.mkdir(parents=True, exist_ok=True)
    written, part = 0, 0
    while written < rows:
        path = landing / f"part-{part:04d}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=contract.column_names)
            writer.writeheader()
            for index in range(min(ROWS_PER_FILE, rows - written)):
                record = dict(seed[(written + index) % len(seed)])
                if record[key] is not None:
                    record[key] = f"{record[key][:24]}{written + index:012d}"
                writer.writerow(record)
        written += min(ROWS_PER_FILE, rows - written)
        part += 1


def bare(landing: Path, out: Path) -> float:
    from deltalake import write_deltalake

    from lakehouse_domain.spark_session import get_spark

    spark = get_spark(local=True)
    started = time.perf_counter()
    frame = spark.read.option("header", True).csv(str(landing))
    write_deltalake(str(out), frame.toArrow(), mode="append")
    seconds = time.perf_counter() - started
    spark.stop()
    return seconds


def pipeline(root: Path) -> float:
    from lakehouse_local.cli import main

    started = time.perf_counter()
    code = main(["run", "--root", str(root), "--report", str(root / "report.json")])
    seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"pipeline failed: see {root / 'report.json'}")
    return seconds


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "prepare":
        prepare(int(args[0]), Path(args[1]))
        result = {}
    elif command == "bare":
        result = {"seconds": bare(Path(args[0]), Path(args[1]))}
    else:
        result = {"seconds": pipeline(Path(args[0]))}
    print(json.dumps(result))
