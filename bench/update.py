"""Benchmark: `copier update` between the two newest recorded versions vs `copier copy`.

Both run in this process on the same tagged clone of the repository (versions.yml), with the
default answers: copy renders the newer version into an empty folder; update takes a project
rendered at the older version (committed) to the newer one, which renders both versions and
merges. Median of several runs. Goal: update <= 2x copy.

Run: make bench   (writes the results table into docs/benchmarks.md)
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from copier import run_copy, run_update
from results import write_result

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support.template_repo import git, recorded_versions, release_history  # noqa: E402

RUNS = 5
GOAL = 2.0


def copy(template: Path, destination: Path, version: str) -> None:
    run_copy(
        str(template), str(destination), vcs_ref=version, defaults=True, unsafe=True, quiet=True
    )


def committed_copy(template: Path, destination: Path, version: str) -> Path:
    copy(template, destination, version)
    git(destination, "init", "--quiet")
    git(destination, "add", "--all")
    git(destination, "commit", "--quiet", "--message", "render")
    return destination


def main() -> None:
    older, newer = [release["version"] for release in recorded_versions()[-2:]]
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        settings = scratch / "copier-settings.yml"
        settings.write_text("defaults: {}\ntrust: []\n")
        os.environ["COPIER_SETTINGS_PATH"] = str(settings)
        for role in ("AUTHOR", "COMMITTER"):
            os.environ[f"GIT_{role}_NAME"] = "bench"
            os.environ[f"GIT_{role}_EMAIL"] = "bench@example.com"
        template = release_history(scratch / "template")
        copies, updates = [], []
        for run in range(RUNS):
            started = time.perf_counter()
            copy(template, scratch / f"copy-{run}", newer)
            copies.append(time.perf_counter() - started)
            project = committed_copy(template, scratch / f"update-{run}", older)
            started = time.perf_counter()
            run_update(
                str(project), vcs_ref=newer, defaults=True, overwrite=True, unsafe=True, quiet=True
            )
            updates.append(time.perf_counter() - started)
            if git(project, "status", "--porcelain", "--untracked-files=no").count("UU"):
                raise SystemExit("the benchmark update left conflicts")
    copy_s, update_s = statistics.median(copies), statistics.median(updates)
    table = write_result(
        "update-benchmark",
        [
            f"Measured {time.strftime('%Y-%m-%d')} on {platform.machine()}, "
            f"{os.cpu_count()} cores, Python {platform.python_version()}, median of {RUNS} runs, "
            f"update {older} -> {newer} vs copy of {newer}.",
            "",
            "| Operation | Median (s) |",
            "|---|---|",
            f"| `copier copy` | {copy_s:.2f} |",
            f"| `copier update` | {update_s:.2f} |",
            f"| **ratio** (goal <= {GOAL}) | **{update_s / copy_s:.2f}** |",
        ],
    )
    print(table)


if __name__ == "__main__":
    main()
