"""`make report`: the page from the run history, checked as text and in headless Chromium."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from lakehouse_domain.contract import load_contracts
from lakehouse_domain.naming import LAYERS
from lakehouse_domain.report import DatasetReport, RunReport
from lakehouse_domain.run_history import RunIdentity, history_rows
from lakehouse_domain.runtime import Runtime
from lakehouse_local import run_history
from lakehouse_local.cli import main
from lakehouse_local.report_page import render

from .conftest import CONTRACTS

CHARTS = ("runs", "rows", "quarantine", "freshness")
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (apt-get install chromium): the page is not "
    "checked in a browser",
)
WINDOW = (1280, 2600)


def dataset_report(name: str, quarantined: int, error: str | None = None) -> DatasetReport:
    report = DatasetReport(name, "files")
    report.bronze.rows_read = report.bronze.rows_written = 100
    report.silver.rows_read = 100
    report.silver.upserts = report.silver.inserted = report.silver.table_growth = 95 - quarantined
    report.silver.superseded_duplicates = 5
    report.silver.quarantined = quarantined
    report.silver.rules = {"amount_not_null": quarantined, "email_pattern": 1}
    report.gold.rows_built = report.gold.inserted = 20
    if error:
        report.error, report.failed_layer = error, "gold"
    return report


def history(root: Path) -> list[dict]:
    """Three runs an hour apart in the local run history, the last one failed in gold."""
    runtime = Runtime("local", root=root)
    start = datetime(2026, 5, 1, 8, tzinfo=UTC)
    for hour, (quarantined, error) in enumerate([(3, None), (0, None), (2, "gold: boom")]):
        run = RunIdentity.new(runtime, start + timedelta(hours=hour))
        report = RunReport("local", "local", [dataset_report("orders", quarantined, error)])
        lag = {"orders": (600.0 * (hour + 1), 24 * 3600.0)}
        run_history.append(root, history_rows(run, report, LAYERS, lag))
    return run_history.read(root)


@pytest.fixture
def page(tmp_path) -> Path:
    rows = history(tmp_path / "local")
    output = tmp_path / "report" / "index.html"
    output.parent.mkdir()
    output.write_text(render(rows, load_contracts(CONTRACTS), "build/local/ops/pipeline_runs"))
    return output


def test_the_page_holds_every_chart_and_fetches_nothing(page):
    text = page.read_text()
    for chart in CHARTS:
        assert f'id="chart-{chart}"' in text
    assert text.count("Plotly.newPlot") == len(CHARTS)
    assert not re.search(r"<script[^>]+src=", text), "plotly.js must be embedded, not fetched"
    assert not re.search(r"<link[^>]+href=", text)
    assert "Latest run: failed" in text and "gold: boom" in text
    assert "Masks per column" in text


def test_without_runs_the_page_says_how_to_get_some(tmp_path):
    contracts = tmp_path / "contracts"
    shutil.copytree(CONTRACTS, contracts)
    output = tmp_path / "index.html"
    code = main(
        ["--contracts", str(contracts), "report", "--root", str(tmp_path), "--output", str(output)]
    )
    assert code == 0
    text = output.read_text()
    assert 'id="no-runs"' in text and "make run" in text
    assert "Plotly.newPlot" not in text


def chromium(page: Path, tmp_path: Path, *arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={tmp_path / 'chromium-profile'}",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=10000",
            f"--window-size={WINDOW[0]},{WINDOW[1]}",
            *arguments,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def console_messages(stderr: str) -> list[str]:
    """What the page wrote to its console (errors and uncaught exceptions included)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@needs_chromium
def test_the_console_check_sees_a_page_error(tmp_path):
    broken = tmp_path / "broken.html"
    broken.write_text("<!DOCTYPE html><html><body><script>throw new Error('kaput')</script>")
    result = chromium(broken, tmp_path, "--dump-dom")
    assert any("kaput" in line for line in console_messages(result.stderr))


@needs_chromium
def test_the_page_draws_its_charts_without_console_errors(page, tmp_path):
    result = chromium(page, tmp_path, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert console_messages(result.stderr) == []
    dom = result.stdout
    for chart in CHARTS:
        # plotly.js draws each chart into svg.main-svg inside its div once it has run.
        drawn = rf'<div id="chart-{chart}"[^>]*js-plotly-plot.*?class="main-svg"'
        assert re.search(drawn, dom, re.S), f"chart {chart} was not drawn"
    assert "Rows written per layer" in dom and "Quarantined records by rule" in dom


def png_pixels(data: bytes) -> tuple[int, int, bytes]:
    """(width, height, decompressed scanlines) of a PNG file."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    chunks, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        if kind == b"IDAT":
            chunks.append(data[offset + 8 : offset + 8 + length])
        offset += length + 12
    return width, height, zlib.decompress(b"".join(chunks))


@needs_chromium
def test_a_screenshot_of_the_page_is_not_blank(page, tmp_path):
    shot = tmp_path / "report.png"
    result = chromium(page, tmp_path, f"--screenshot={shot}")
    assert result.returncode == 0, result.stderr[-2000:]
    width, height, pixels = png_pixels(shot.read_bytes())
    assert (width, height) == WINDOW
    # A blank page compresses to a handful of byte values; charts, text and colours do not.
    assert len(set(pixels)) > 64
    assert len(zlib.compress(pixels)) > 20_000
