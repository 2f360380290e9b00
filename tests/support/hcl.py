"""Read rendered Terraform with python-hcl2: blocks by type, labels and values without quotes."""

from __future__ import annotations

import re
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


_META = {"source", "count", "for_each", "providers", "depends_on", "__is_block__", "__comments__"}


def _interface(directory: Path) -> tuple[dict[str, bool], set[str], set[str]]:
    """A module's variables (name -> has a default), outputs and locals."""
    variables: dict[str, bool] = {}
    outputs: set[str] = set()
    local_names: set[str] = set()
    for path in directory.glob("*.tf"):
        document = parse(path)
        for block in document.get("variable", []):
            variables.update({unquote(name): "default" in body for name, body in block.items()})
        for block in document.get("output", []):
            outputs.update(unquote(name) for name in block)
        for block in document.get("locals", []):
            local_names.update(name for name in block if name not in _META)
    return variables, outputs, local_names


def wiring_problems(root: Path) -> list[str]:
    """What `terraform validate` checks before any provider schema: every var./local. reference
    is declared, every module call passes known and all required variables, and every
    module.<name>.<output> exists."""
    problems = []
    for directory in sorted({path.parent for path in root.rglob("*.tf")}):
        variables, _, local_names = _interface(directory)
        text = "\n".join(path.read_text() for path in sorted(directory.glob("*.tf")))
        where = directory.relative_to(root)
        for name in sorted(set(re.findall(r"\bvar\.(\w+)", text)) - set(variables)):
            problems.append(f"{where}: undeclared var.{name}")
        for name in sorted(set(re.findall(r"\blocal\.(\w+)", text)) - local_names):
            problems.append(f"{where}: undeclared local.{name}")
        for name, call in (
            (unquote(name), body)
            for path in sorted(directory.glob("*.tf"))
            for block in parse(path).get("module", [])
            for name, body in block.items()
        ):
            inputs, outputs, _ = _interface((directory / unquote(call["source"])).resolve())
            passed = set(call) - _META
            problems += [
                f"{where}: module.{name}: unknown input {a}" for a in sorted(passed - set(inputs))
            ]
            required = {input_ for input_, has_default in inputs.items() if not has_default}
            problems += [
                f"{where}: module.{name}: missing input {a}" for a in sorted(required - passed)
            ]
            used = set(re.findall(rf"\bmodule\.{name}(?:\[\d+\])?\.(\w+)", text))
            problems += [
                f"{where}: module.{name}.{o} is not an output" for o in sorted(used - outputs)
            ]
    return problems
