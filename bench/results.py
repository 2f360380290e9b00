"""Write a benchmark's latest result between its markers in docs/benchmarks.md."""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


def write_result(name: str, lines: list[str]) -> str:
    """Replace the text between ``<!-- name:start -->`` and ``<!-- name:end -->``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    table = "\n".join([start, *lines, end])
    text = RESULTS.read_text()
    before, rest = text.split(start, 1)
    RESULTS.write_text(before + table + rest.split(end, 1)[1])
    return table
