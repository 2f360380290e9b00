"""Offline conformance check of Terraform files against the pinned providers' argument schemas.

`terraform validate` needs provider binaries from the registry, which the test machines cannot
reach. tools/extract_provider_schemas.py records each provider's arguments and nested blocks in
tests/fixtures/provider_schemas.json; this module parses `.tf` files with python-hcl2 and reports
unknown resource and data source types, unknown arguments and blocks at any depth, and missing
required arguments. The schemas cannot tell an object-typed attribute from a nested block, so
both `x { ... }` and `x = { ... }` are accepted wherever either could be valid.

The fixture holds several releases per provider (the newest of each major a constraint may
admit). `required_providers` reads a tree's version constraints, `admitted_versions` picks the
fixture releases a constraint admits, and `select_versions` gives one schema set per
combination, so a tree is checked against every major its constraints let `terraform init`
resolve to.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path

import hcl2
from hcl2.const import IS_BLOCK

from support.paths import ROOT

SCHEMAS_FILE = ROOT / "tests" / "fixtures" / "provider_schemas.json"

# Terraform's own arguments, valid on every resource and data source but only at the top level:
# nested blocks of some resources have real arguments named `count`, `provider` or `depends_on`.
META_ARGUMENTS = frozenset(
    {"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"}
)
SECTIONS = {
    "resource": ("resources", "resource type", ""),
    "data": ("data_sources", "data source", "data."),
}
_PARSE_OPTIONS = hcl2.SerializationOptions(with_comments=False)


_CONSTRAINT = re.compile(r"^\s*(>=|<=|!=|~>|=|>|<)?\s*(\d+(?:\.\d+){0,2})\s*$")


def load_schemas(path: Path = SCHEMAS_FILE) -> dict:
    """provider -> release -> {provider, resources, data_sources}."""
    return json.loads(path.read_text())


def latest(schemas: dict) -> dict:
    """One schema set: the newest recorded release of each provider, with its `version`."""
    return {
        provider: {"version": newest, **releases[newest]}
        for provider, releases in schemas.items()
        for newest in [max(releases, key=_version)]
    }


def select_versions(schemas: dict, chosen: dict[str, list[str]]) -> Iterator[dict]:
    """One schema set per combination of the chosen releases (providers not chosen: newest)."""
    base = latest(schemas)
    names = sorted(chosen)
    for releases in itertools.product(*(chosen[name] for name in names)):
        selected = dict(base)
        for name, release in zip(names, releases, strict=True):
            selected[name] = {"version": release, **schemas[name][release]}
        yield selected


def required_providers(root: Path) -> dict[str, str]:
    """provider -> version constraint, from every `required_providers` under root.

    Modules of one tree must agree: a root resolves one release per provider for all of them.
    """
    found: dict[str, set[str]] = {}
    for tf_file in sorted(root.rglob("*.tf")):
        document = hcl2.loads(tf_file.read_text(), serialization_options=_PARSE_OPTIONS)
        for terraform in document.get("terraform", []):
            for requirements in terraform.get("required_providers", []):
                for name, spec in requirements.items():
                    if name == IS_BLOCK or not isinstance(spec, dict) or "version" not in spec:
                        continue
                    found.setdefault(_unquote(name), set()).add(_unquote(spec["version"]))
    disagreeing = {name: sorted(c) for name, c in found.items() if len(c) > 1}
    if disagreeing:
        raise ValueError(f"modules disagree on provider versions: {disagreeing}")
    return {name: constraints.pop() for name, constraints in found.items()}


def admits(constraint: str, version: str) -> bool:
    """Whether a Terraform version constraint (">= 5.10, < 6.0", "~> 1.2") admits a release."""
    have = _version(version)
    for part in constraint.split(","):
        match = _CONSTRAINT.match(part)
        if not match:
            raise ValueError(f"unsupported version constraint {constraint!r}")
        operator, wanted = match.group(1) or "=", match.group(2)
        want = _version(wanted)
        if operator == "~>":
            # ~> 1.2 allows 1.x from 1.2; ~> 1.2.3 allows 1.2.x from 1.2.3.
            segments = wanted.count(".") + 1
            prefix = want[: max(segments - 1, 1)]
            ok = have >= want and have[: len(prefix)] == prefix
        else:
            ok = {
                "=": have == want,
                "!=": have != want,
                ">": have > want,
                ">=": have >= want,
                "<": have < want,
                "<=": have <= want,
            }[operator]
        if not ok:
            return False
    return True


def admitted_majors(constraint: str, highest: int = 10) -> set[int]:
    """Major versions (below `highest`) with at least one release the constraint admits."""
    return {
        major
        for major in range(highest)
        if any(
            admits(constraint, f"{major}.{minor}.{patch}")
            for minor in range(1000)
            for patch in (0, 99)
        )
    }


def lower_bound(constraint: str) -> str | None:
    """The release a constraint starts from (">=", "~>" or "="), or None when it has none."""
    for part in constraint.split(","):
        match = _CONSTRAINT.match(part)
        if match and (match.group(1) or "=") in {">=", "~>", "="}:
            return match.group(2)
    return None


def admitted_versions(releases: dict, constraint: str) -> list[str]:
    """The recorded releases of one provider that a constraint admits, oldest first."""
    return sorted((v for v in releases if admits(constraint, v)), key=_version)


def _version(text: str) -> tuple[int, int, int]:
    parts = [int(part) for part in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))  # type: ignore[return-value]


def check_module(directory: Path, schemas: dict) -> list[str]:
    """Problems in the `*.tf` files directly inside `directory`, each prefixed by its file name."""
    return [
        problem
        for tf_file in sorted(directory.glob("*.tf"))
        for problem in _check_file(tf_file, tf_file.name, schemas)
    ]


def check_tree(root: Path, schemas: dict) -> list[str]:
    """Problems in every `*.tf` file under `root`, each prefixed by its path relative to `root`."""
    return [
        problem
        for tf_file in sorted(root.rglob("*.tf"))
        # `.terraform/` and similar hidden directories hold downloaded third-party modules.
        if not any(part.startswith(".") for part in tf_file.relative_to(root).parts)
        for problem in _check_file(tf_file, str(tf_file.relative_to(root)), schemas)
    ]


def _check_file(path: Path, label: str, schemas: dict) -> list[str]:
    try:
        document = hcl2.loads(path.read_text(), serialization_options=_PARSE_OPTIONS)
    # python-hcl2 raises lark's exceptions, and plain ones from its transformer, on invalid input.
    except Exception as error:
        return [f"{label}: cannot parse: {error}"]
    problems = []
    for block in document.get("provider", []):
        for quoted_name, body in block.items():
            name = _unquote(quoted_name)
            where = f"{label}: provider.{name}"
            if name not in schemas:
                problems.append(f"{where}: unknown provider '{name}'")
                continue
            problems += _check_body(body, schemas[name]["provider"], where, "", frozenset())
    for keyword, (section, noun, prefix) in SECTIONS.items():
        for block in document.get(keyword, []):
            for quoted_type, named_bodies in block.items():
                type_name = _unquote(quoted_type)
                provider = type_name.split("_", 1)[0]
                for quoted_name, body in named_bodies.items():
                    where = f"{label}: {prefix}{type_name}.{_unquote(quoted_name)}"
                    if provider not in schemas:
                        problems.append(f"{where}: unknown provider '{provider}'")
                    elif type_name not in schemas[provider][section]:
                        problems.append(f"{where}: unknown {noun} '{type_name}'")
                    else:
                        schema = schemas[provider][section][type_name]
                        problems += _check_body(body, schema, where, "", META_ARGUMENTS)
    return problems


def _check_body(body: dict, schema: dict, where: str, path: str, meta: frozenset) -> list[str]:
    def problem(text: str) -> str:
        return f"{where}: {path}: {text}" if path else f"{where}: {text}"

    problems, present = [], set()
    for key, value in body.items():
        if key == IS_BLOCK or key in meta:
            continue
        if key == "dynamic":
            # `dynamic "x" { for_each = ..., content { ... } }` generates `x` blocks.
            occurrences = [
                (_unquote(label), dynamic.get("content", []), True)
                for block in value
                for label, dynamic in block.items()
            ]
        else:
            occurrences = [(_unquote(key), value, _is_block(value))]
        for name, content, is_block in occurrences:
            present.add(name)
            spec = schema.get(name)
            if spec is None:
                problems.append(problem(f"unknown {'block' if is_block else 'argument'} '{name}'"))
            elif spec["block"] is None:
                if is_block:
                    problems.append(problem(f"'{name}' is an argument, not a block"))
            else:
                nested_path = f"{path}.{name}" if path else name
                for nested in _bodies(content):
                    problems += _check_body(nested, spec["block"], where, nested_path, frozenset())
    problems += [
        problem(f"missing required argument '{name}'")
        for name, spec in schema.items()
        if spec["required"] and name not in present
    ]
    return problems


def _is_block(value: object) -> bool:
    return isinstance(value, list) and any(
        isinstance(item, dict) and item.get(IS_BLOCK) for item in value
    )


def _bodies(value: object) -> list[dict]:
    """Bodies of blocks, or object literals given with `x = {...}` or `x = [{...}]` syntax.

    Any other value is an expression (a variable, a `for` expression) that cannot be checked.
    """
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


def _unquote(label: str) -> str:
    """python-hcl2 keeps the double quotes of block labels and quoted object keys."""
    return label[1:-1] if len(label) >= 2 and label[0] == label[-1] == '"' else label
