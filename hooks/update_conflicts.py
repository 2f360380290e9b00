"""After every `copier update`: say which files the three-way merge could not settle.

Copier merges template changes into files the user edited and, where both touched the same
lines, leaves inline conflict markers and marks the file unmerged in git, without saying so
at the end of the run. This prints the list, so nobody commits an unresolved update (the
rendered pre-commit hooks and CI refuse markers too). Runs in the destination; exit status 0
either way, so automated update pull requests still open and show the conflicts.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

MARKER = re.compile(rb"^(<<<<<<< |>>>>>>> )", re.M)


def git_lines(*args: str) -> list[str]:
    result = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    return [line for line in result.stdout.splitlines() if line]


def conflicted_files() -> list[str]:
    """Unmerged paths, changed files holding conflict markers, and rejected-hunk files."""
    unmerged = set(git_lines("diff", "--name-only", "--diff-filter=U"))
    changed = set(git_lines("diff", "--name-only")) | set(
        git_lines("ls-files", "--others", "--exclude-standard")
    )
    marked = {
        name for name in changed if Path(name).is_file() and MARKER.search(Path(name).read_bytes())
    }
    rejected = {name for name in changed if name.endswith(".rej")}
    return sorted(unmerged | marked | rejected)


def main() -> int:
    files = conflicted_files()
    if not files:
        print("copier update: no conflicts; review `git diff` and commit.", file=sys.stderr)
        return 0
    print(
        f"copier update left {len(files)} file(s) with conflicts to resolve before committing:",
        file=sys.stderr,
    )
    for name in files:
        print(f"  {name}", file=sys.stderr)
    print(
        "Edit each file (keep what you want between the <<<<<<< / >>>>>>> markers, or merge the "
        ".rej hunks by hand and delete the .rej file), then `git add` and commit.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
