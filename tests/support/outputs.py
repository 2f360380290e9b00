"""What every rendered repository must be, whatever the answers: every file parses in its
language, no template syntax is left, Terraform conforms to the provider schemas."""

from __future__ import annotations

import json
import re
import subprocess
import tomllib
from pathlib import Path

import hcl2
import yaml

from support.terraform_schema import check_tree, latest, load_schemas

JINJA_LEFTOVER = re.compile(r"(?<!\$)\{\{|\{%|\{#")


def _parse_python(path: Path) -> None:
    compile(path.read_text(), str(path), "exec")


def _parse_yaml(path: Path) -> None:
    yaml.safe_load(path.read_text())


def _parse_toml(path: Path) -> None:
    tomllib.loads(path.read_text())


def _parse_json(path: Path) -> None:
    json.loads(path.read_text())


def _parse_hcl(path: Path) -> None:
    hcl2.loads(path.read_text())


def _parse_shell(path: Path) -> None:
    subprocess.run(["bash", "-n", str(path)], check=True, capture_output=True)


PARSERS = {
    ".py": _parse_python,
    ".yml": _parse_yaml,
    ".yaml": _parse_yaml,
    ".toml": _parse_toml,
    ".json": _parse_json,
    ".tf": _parse_hcl,
    ".tfvars": _parse_hcl,
    ".hcl": _parse_hcl,
    ".sh": _parse_shell,
}


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def output_problems(project: Path, schemas: dict | None = None, answers=None) -> list[str]:
    """Every file that does not parse, keeps template syntax, or breaks a provider schema.

    Template syntax an answer itself holds (a description with "{%", say) is the user's text,
    not a leftover."""
    given = _strings(answers)
    allowed = {mark for mark in ("{{", "{%", "{#") if any(mark in text for text in given)}
    problems = []
    for path in sorted(p for p in project.rglob("*") if p.is_file() and ".git" not in p.parts):
        name = str(path.relative_to(project))
        if path.suffix == ".png":  # the only binary files a render holds (documentation)
            if not path.read_bytes().startswith(PNG_SIGNATURE):
                problems.append(f"{name}: not a PNG image")
            continue
        try:
            text = path.read_text()
        except UnicodeDecodeError:
            problems.append(f"{name}: not UTF-8 text")
            continue
        if set(JINJA_LEFTOVER.findall(text)) - allowed:
            problems.append(f"{name}: unrendered template syntax")
        parse = PARSERS.get(path.suffix)
        if parse is None:
            continue
        try:
            parse(path)
        except Exception as error:  # each parser raises its own error types
            problems.append(f"{name}: does not parse: {type(error).__name__}: {error}"[:300])
    problems += check_tree(project / "infra", schemas or latest(load_schemas()))
    return problems
