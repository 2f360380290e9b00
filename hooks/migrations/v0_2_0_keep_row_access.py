"""Before-stage migration to 0.2.0: existing domains keep their row access.

0.2.0 added an optional row filter whose default, for datasets with a ``merchant_country``
column, limits analysts to one country. A domain rendered before 0.2.0 never chose that, so
this records ``row_filter_column: ''`` (no filter) when the answer is missing; Copier then
reloads the answers and the update keeps every row visible. Runs in the destination.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ANSWERS = Path(".copier-answers.yml")


def main() -> int:
    text = ANSWERS.read_text()
    answers = yaml.safe_load(text) or {}
    if "row_filter_column" in answers:
        return 0
    header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
    answers["row_filter_column"] = ""
    ANSWERS.write_text(header + yaml.safe_dump(answers, sort_keys=True, allow_unicode=True))
    print("migration 0.2.0: no row filter recorded for this existing domain", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
