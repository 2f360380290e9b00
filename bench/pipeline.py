"""Benchmark: the local medallion pipeline against a bare Spark read -> Delta write.

For 100k, 1M and 5M rows of the default domain's CSV data (same files for both), in the same
run: the pipeline's wall time (bronze, silver with quality checks, dedupe and MERGE, gold),
a bare Spark CSV read written to one Delta table, their ratio, the pipeline's scaling
exponent (slope of log time over log rows) and the peak resident memory of the largest
process (the Spark JVM or Python). Each measurement runs in its own process.

Run: make bench   (writes the results table into docs/benchmarks.md)
Sizes can be overridden: bench/pipeline.py 100000 1000000
"""

from __future__ import annotations

import json
import math
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from results import write_result

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support.generated_venv import generated_repo_venv  # noqa: E402
from support.render import render  # noqa: E402
from support.template_repo import snapshot_working_tree  # noqa: E402

SIZES = (100_000, 1_000_000, 5_000_000)
WORKER = ROOT / "bench" / "pipeline_worker.py"


def measure(python: Path, project: Path, *args: str) -> tuple[dict, float]:
    """Run one worker step; return its JSON result and the peak RSS (MiB) of its processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    env = {
        **os.environ,
        "PYTHONPATH": "src",
        "LOCAL_SPARK_DRIVER_MEMORY": "12g",
        "LOCAL_SPARK_MAX_RESULT_SIZE": "0",
    }
    result = subprocess.run(
        [str(python), str(WORKER), *args],
        cwd=project,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    peak = max(before, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    return json.loads(result.stdout.strip().splitlines()[-1]), peak


def main(sizes: tuple[int, ...]) -> None:
    scratch = ROOT / "build" / "bench-pipeline"
    shutil.rmtree(scratch, ignore_errors=True)
    template = snapshot_working_tree(scratch / "template", "0.0.0")
    project = render(template, scratch / "domain")
    python = generated_repo_venv(project) / "bin" / "python"
    rows_out = []
    for rows in sizes:
        data = scratch / f"run-{rows}"
        landing = data / "local" / "landing" / "card_transactions"
        measure(python, project, "prepare", str(rows), str(landing))
        bare, bare_peak = measure(python, project, "bare", str(landing), str(data / "bare"))
        run, run_peak = measure(python, project, "pipeline", str(data / "local"))
        rows_out.append((rows, run["seconds"], bare["seconds"], max(bare_peak, run_peak)))
        shutil.rmtree(data)
    exponent = (
        math.log(rows_out[-1][1] / rows_out[0][1]) / math.log(rows_out[-1][0] / rows_out[0][0])
        if len(rows_out) > 1
        else float("nan")
    )
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, Spark local[*], one run per size.",
        "",
        "| Rows | Pipeline (s) | Bare read -> write (s) | Ratio (goal <= 2.0) | Peak RSS (MiB) |",
        "|---|---|---|---|---|",
        *[
            f"| {rows:,} | {run:.1f} | {bare:.1f} | {run / bare:.2f} | {peak:,.0f} |"
            for rows, run, bare, peak in rows_out
        ],
        "",
        f"Scaling exponent of the pipeline ({rows_out[0][0]:,} -> {rows_out[-1][0]:,} rows): "
        f"**{exponent:.2f}** (goal <= 1.1).",
    ]
    table = write_result("pipeline-benchmark", lines)
    print(table)


if __name__ == "__main__":
    main(tuple(int(size) for size in sys.argv[1:]) or SIZES)
