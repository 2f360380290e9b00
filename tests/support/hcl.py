"""Read rendered Terraform with python-hcl2: blocks by type, labels and values without quotes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import hcl2


def parse(path: Path) -> dict:
    with path.open() as handle:
        return hcl2.load(handle)


def unquote(value):
    """python-hcl2 keeps the quotes of strings and labels, and wraps expressions in ${...}."""
    if not isinstance(value, str):
        return value
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if value.startswith("${") and value.endswith("}"):
        return value[2:-1]
    return value


def blocks(infra: Path, keyword: str, kind: str) -> Iterator[tuple[Path, str, dict]]:
    """(file, name, body) of every `keyword "kind" "name"` block (resource or data) under infra."""
    for path in sorted(infra.rglob("*.tf")):
        for block in parse(path).get(keyword, []):
            for found, named in block.items():
                if unquote(found) == kind:
                    for name, body in named.items():
                        yield path, unquote(name), body


def resources(infra: Path, kind: str) -> Iterator[tuple[Path, str, dict]]:
    return blocks(infra, "resource", kind)


def modules(path: Path) -> dict[str, dict]:
    """The module calls of one file, by name."""
    return {
        unquote(name): body
        for block in parse(path).get("module", [])
        for name, body in block.items()
    }


def locals_of(path: Path) -> dict:
    """Every local value defined in one file."""
    merged: dict = {}
    for block in parse(path).get("locals", []):
        merged.update(block)
    return merged
