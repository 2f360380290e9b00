"""Rewrite tests/golden/ from the working tree: `make golden`, then review `git diff tests/golden`.

Each named answer set (tests/answers/*.yml) is rendered the way the tests render it (a
committed, tagged snapshot of the working tree) and written to tests/golden/<answer set>/.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from support.golden import GOLDEN_DIR, tree, write_tree  # noqa: E402
from support.render import answer_set, answer_set_names, render  # noqa: E402
from support.template_repo import snapshot_working_tree  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        template = snapshot_working_tree(Path(scratch) / "template")
        names = answer_set_names()
        for name in names:
            project = render(template, Path(scratch) / "renders" / name, answer_set(name))
            write_tree(tree(project), GOLDEN_DIR / name)
        for stale in sorted(set(p.name for p in GOLDEN_DIR.iterdir()) - set(names)):
            shutil.rmtree(GOLDEN_DIR / stale)
    print(f"Rewrote {GOLDEN_DIR.relative_to(Path.cwd())} for {', '.join(names)}.")
    print("Review the change with: git diff --stat tests/golden && git diff tests/golden")


if __name__ == "__main__":
    main()
