"""Migration to 0.3.0, both stages: the user's files follow the engine to src/lakehouse_domain/.

Up to 0.2.0 the engine's import package was named after the domain (``src/<domain>_lakehouse/``);
from 0.3.0 it is ``src/lakehouse_domain/`` in every domain. Copier's update sees one folder
removed and another added: from the old folder it deletes every file the old version rendered,
edited or not (so also the first gold transform, which the user owns), and it leaves there the
files it never rendered. So this script moves the user's files, and only those:

- ``before``: the gold transforms (``gold_transforms/*.py``, user-owned by ``_skip_if_exists``),
  so the update keeps them at the new path instead of writing a starter transform there;
- ``after``: whatever the update left in the old folder, i.e. files the old version did not
  render (the user's own), then removes the folder and its bytecode caches.

Template-owned modules are left to Copier, which removes them from the old folder and renders
their new version in the new one. A file already at the new path with other content is never
overwritten: for text, the new path gets both versions between conflict markers (listed at
the end of the update, refused by the pre-commit hooks); anything else stays where it was.
After the move it names the Python files that still import the old package. Runs in the
destination with the stage as its argument; moves nothing without the old folder, so it is
idempotent.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ANSWERS = Path(".copier-answers.yml")
NEW_PACKAGE = Path("src/lakehouse_domain")
GOLD_TRANSFORMS = "gold_transforms/*.py"


def old_package() -> Path:
    """The engine's folder as releases up to 0.2.0 named it (<domain>_lakehouse)."""
    domain = yaml.safe_load(ANSWERS.read_text())["domain_name"]
    return Path("src") / f"{domain}_lakehouse"


def conflict_text(kept: str, kept_path: Path, moved: str, moved_path: Path) -> str:
    def ending(text: str) -> str:
        return text if text.endswith("\n") or not text else text + "\n"

    return (
        f"<<<<<<< {kept_path} (already there)\n{ending(kept)}=======\n"
        f"{ending(moved)}>>>>>>> {moved_path} (moved here by the 0.3.0 update)\n"
    )


def move(source: Path, target: Path) -> str:
    """Move one file of the user's into the new package; what happened, if worth saying."""
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        source.rename(target)
        return f"moved {source} to {target}"
    if target.read_bytes() == source.read_bytes():
        source.unlink()
        return ""
    try:
        kept, moved = target.read_text(), source.read_text()
    except UnicodeDecodeError:
        return f"kept {source}: {target} exists with other content; merge them by hand"
    target.write_text(conflict_text(kept, target, moved, source))
    source.unlink()
    return f"{target} existed: both versions are in it between conflict markers; merge them"


def move_gold_transforms(old: Path) -> list[str]:
    """Move the transforms (not the folder's ``__init__.py``: the template's, like the engine)."""
    return [
        move(path, NEW_PACKAGE / path.relative_to(old))
        for path in sorted(old.glob(GOLD_TRANSFORMS))
        if path.name != "__init__.py"
    ]


def move_leftovers(old: Path) -> list[str]:
    """Move what the update left in the old folder, then remove the emptied folder."""
    files = [
        path
        for path in sorted(old.rglob("*"))
        if path.is_file() and "__pycache__" not in path.relative_to(old).parts
    ]
    messages = [move(path, NEW_PACKAGE / path.relative_to(old)) for path in files]
    for cache in old.rglob("__pycache__"):
        shutil.rmtree(cache)
    for folder in sorted((p for p in old.rglob("*") if p.is_dir()), reverse=True) + [old]:
        if not any(folder.iterdir()):
            folder.rmdir()
    if old.exists():
        messages.append(f"{old} still holds files that could not be moved; see above")
    return messages


def old_imports(old: Path) -> list[str]:
    """Python files still importing the old package by name (it no longer exists)."""
    statement = re.compile(rf"^\s*(from|import)\s+{re.escape(old.name)}\b", re.M)
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--", "*.py"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    names = sorted({name for name in listed.split("\0") if name and Path(name).is_file()})
    return [
        f"{name} imports {old.name}; the engine is imported as lakehouse_domain now"
        for name in names
        if statement.search(Path(name).read_text(errors="replace"))
    ]


def main(argv: list[str]) -> int:
    stage = argv[1] if len(argv) == 2 else ""
    if stage not in ("before", "after"):
        print(f"usage: {argv[0]} before|after", file=sys.stderr)
        return 2
    old = old_package()
    messages = []
    if old.is_dir():
        messages += move_gold_transforms(old) if stage == "before" else move_leftovers(old)
    if stage == "after":
        messages += old_imports(old)
    for message in filter(None, messages):
        print(f"migration 0.3.0: {message}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
