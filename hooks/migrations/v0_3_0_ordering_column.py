"""After-stage migration to 0.3.0: every contract declares its ordering column.

0.3.0 makes the column that orders versions of a record explicit (``orderingColumn``, a
required timestamp, date, int or bigint) instead of guessing it in the engine. Contracts are
the user's files, so the update does not rewrite them; this adds the property to each
contract that lacks it, with the column the engine used before (the JDBC incremental column,
else the first timestamp, else the first date column), says what it chose, and leaves the
rest of the file as it is. Runs in the destination.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

CONTRACTS = Path("contracts")
CUSTOM_PROPERTIES = re.compile(r"^customProperties:[ \t]*\n(?P<indent>[ \t]*)- ", re.M)


def previous_ordering(document: dict) -> str | None:
    """The column the engine before 0.3.0 ordered records by."""
    custom = {p["property"]: p["value"] for p in document.get("customProperties") or []}
    source = custom.get("source") or {}
    if source.get("type") == "jdbc" and source.get("incrementalColumn"):
        return source["incrementalColumn"]
    properties = document["schema"][0].get("properties") or []
    for wanted in ("TIMESTAMP", "DATE"):
        for prop in properties:
            if str(prop.get("physicalType", "")).upper() == wanted:
                return prop["name"]
    return None


def add_ordering(path: Path) -> str:
    text = path.read_text()
    document = yaml.safe_load(text)
    custom = [p["property"] for p in document.get("customProperties") or []]
    if "orderingColumn" in custom:
        return ""
    column = previous_ordering(document)
    match = CUSTOM_PROPERTIES.search(text)
    if column is None or match is None:
        return (
            f"{path}: no ordering column could be chosen; add customProperties "
            "orderingColumn (a required timestamp, date, int or bigint column)"
        )
    indent = match["indent"]
    item = f"{indent}- property: orderingColumn\n{indent}  value: {column}\n"
    start = match.start("indent")
    path.write_text(text[:start] + item + text[start:])
    return f"{path}: orderingColumn set to {column} (the column the engine used so far)"


def main() -> int:
    for path in sorted(CONTRACTS.glob("*.odcs.yaml")):
        message = add_ordering(path)
        if message:
            print(f"migration 0.3.0: {message}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
