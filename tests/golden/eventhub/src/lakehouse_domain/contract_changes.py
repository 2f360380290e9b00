"""What a change to a contract means for its consumers: additive or breaking, and which
version bump it needs.

One pure function, ``classify``, compares two ODCS documents (as loaded from YAML) and names
every change. Additive changes keep every existing reader and row valid (a new optional
column, a widened type, a relaxed ``required``, quality rules, masks, tags, descriptions);
breaking ones do not (a removed or renamed column, a narrowed or changed type, ``required``
added to an existing column, a new required column, a changed primary key or ordering
column, a changed silver layout (SCD type, or soft deletes turned off), a renamed or removed
dataset). Breaking needs a major version bump, additive a minor
one (ODCS ``version`` is semantic).

``datacontract breaking`` (datacontract-cli 1.2.8) was tried first: it reports ``required``
added to an existing column as INFO, not as a breaking change, so its verdict cannot gate
CI here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import dataset_rules
from .contract import ADDITIVE_LAYOUT_CHANGES, custom_properties, silver_layout

ADDITIVE = "additive"
BREAKING = "breaking"
# Integer and floating types by width: a reader of the narrower type reads the wider one.
_WIDENING = {
    "tinyint": 0,
    "smallint": 1,
    "int": 2,
    "integer": 2,
    "bigint": 3,
}
_FLOATS = {"float": 0, "real": 0, "double": 1}
_DECIMAL = re.compile(r"decimal\((\d+),\s*(\d+)\)")
_VERSION = re.compile(r"(\d+)\.(\d+)\.(\d+)")
# ODCS statuses after which a dataset may be removed.
RETIRING = ("deprecated", "retired")


@dataclass(frozen=True)
class Change:
    """One difference between two versions of a contract."""

    kind: str  # ADDITIVE or BREAKING
    where: str  # dataset, or dataset.column
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.where}: {self.detail}"


def _schema(document: dict) -> dict:
    return (document.get("schema") or [{}])[0]


def _properties(document: dict) -> dict[str, dict]:
    return {prop["name"]: prop for prop in _schema(document).get("properties") or []}


def _key(document: dict) -> list[str]:
    props = [p for p in _schema(document).get("properties") or [] if p.get("primaryKey")]
    return [p["name"] for p in sorted(props, key=lambda p: p.get("primaryKeyPosition", 0))]


def _type(prop: dict) -> str:
    return str(prop.get("physicalType") or prop.get("logicalType") or "").lower().replace(" ", "")


def type_change(old: str, new: str) -> str:
    """ADDITIVE when every value of ``old`` is a value of ``new`` (a widening), else BREAKING."""
    if old in _WIDENING and new in _WIDENING:
        return ADDITIVE if _WIDENING[new] >= _WIDENING[old] else BREAKING
    if old in _FLOATS and new in _FLOATS:
        return ADDITIVE if _FLOATS[new] >= _FLOATS[old] else BREAKING
    old_decimal, new_decimal = _DECIMAL.fullmatch(old), _DECIMAL.fullmatch(new)
    if old_decimal and new_decimal:
        (old_p, old_s), (new_p, new_s) = (
            map(int, old_decimal.groups()),
            map(int, new_decimal.groups()),
        )
        same_scale_wider = new_s == old_s and new_p >= old_p
        return ADDITIVE if same_scale_wider else BREAKING
    return BREAKING


def _column_changes(dataset: str, old: dict, new: dict) -> list[Change]:
    changes = []
    old_props, new_props = _properties(old), _properties(new)
    for name in old_props.keys() - new_props.keys():
        changes.append(Change(BREAKING, f"{dataset}.{name}", "column removed (or renamed)"))
    for name in sorted(new_props.keys() - old_props.keys()):
        if new_props[name].get("required"):
            detail = "new required column (existing rows have no value)"
            changes.append(Change(BREAKING, f"{dataset}.{name}", detail))
        else:
            changes.append(Change(ADDITIVE, f"{dataset}.{name}", "new optional column"))
    for name in [n for n in old_props if n in new_props]:
        changes += _property_changes(f"{dataset}.{name}", old_props[name], new_props[name])
    return changes


def _property_changes(where: str, old: dict, new: dict) -> list[Change]:
    changes = []
    old_type, new_type = _type(old), _type(new)
    if old_type != new_type:
        detail = f"type {old_type} -> {new_type}"
        changes.append(Change(type_change(old_type, new_type), where, detail))
    was_required, is_required = bool(old.get("required")), bool(new.get("required"))
    if is_required and not was_required:
        changes.append(Change(BREAKING, where, "required added (existing rows may be null)"))
    elif was_required and not is_required:
        changes.append(Change(ADDITIVE, where, "no longer required"))
    old_mask = custom_properties(old.get("customProperties")).get("maskingStrategy")
    new_mask = custom_properties(new.get("customProperties")).get("maskingStrategy")
    if old_mask != new_mask:
        changes.append(
            Change(ADDITIVE, where, f"mask {old_mask or 'none'} -> {new_mask or 'none'}")
        )
    for field in ("quality", "description", "tags", "classification", "examples"):
        if old.get(field) != new.get(field):
            changes.append(Change(ADDITIVE, where, f"{field} changed"))
    return changes


def classify(old: dict | None, new: dict | None) -> list[Change]:
    """Every change from ``old`` to ``new`` (either may be None: a dataset added or removed)."""
    if old is None and new is None:
        return []
    if old is None:
        return [Change(ADDITIVE, new["name"], "new dataset")]
    if new is None:
        return [Change(BREAKING, old["name"], "dataset removed")]
    dataset = old["name"]
    changes = []
    if new["name"] != dataset:
        changes.append(Change(BREAKING, dataset, f"dataset renamed to {new['name']}"))
    changes += _column_changes(dataset, old, new)
    if _key(old) != _key(new):
        detail = f"primary key {_key(old)} -> {_key(new)}"
        changes.append(Change(BREAKING, dataset, detail))
    old_custom, new_custom = (
        custom_properties(old.get("customProperties")),
        custom_properties(new.get("customProperties")),
    )
    if old_custom.get("orderingColumn") != new_custom.get("orderingColumn"):
        detail = (
            f"ordering column {old_custom.get('orderingColumn')} -> "
            f"{new_custom.get('orderingColumn')} (which version of a record wins)"
        )
        changes.append(Change(BREAKING, dataset, detail))
    layouts = _silver_layout(old_custom), _silver_layout(new_custom)
    if layouts[0] != layouts[1] and layouts not in ADDITIVE_LAYOUT_CHANGES:
        detail = f"silver layout {layouts[0]} -> {layouts[1]} (deletes or history changed)"
        changes.append(Change(BREAKING, dataset, detail))
    for name in sorted((old_custom.keys() | new_custom.keys()) - {"orderingColumn"}):
        if old_custom.get(name) != new_custom.get(name):
            changes.append(Change(ADDITIVE, dataset, f"{name} changed"))
    if _schema(old).get("quality") != _schema(new).get("quality"):
        changes.append(Change(ADDITIVE, dataset, "dataset quality rules changed"))
    for field in ("description", "tags", "slaProperties", "servers", "roles", "team", "status"):
        if old.get(field) != new.get(field):
            changes.append(Change(ADDITIVE, dataset, f"{field} changed"))
    return changes


def _silver_layout(custom: dict) -> str:
    deletes, history = custom.get("deletes") or {}, custom.get("history") or {}
    soft = bool(deletes.get("column")) and deletes.get("mode") == "soft"
    return silver_layout(dataset_rules.scd_type_number(history.get("scdType")), soft)


def _version(text: Any) -> tuple[int, int, int] | None:
    match = _VERSION.fullmatch(str(text or ""))
    return tuple(int(part) for part in match.groups()) if match else None


def version_problem(old: dict | None, new: dict | None, changes: list[Change]) -> str:
    """Why ``new``'s version does not fit its changes, or ``''``: breaking needs a major bump,
    additive a minor one; a new dataset may start at any version; a dataset is removed only
    after a change that marked it ``deprecated`` (or ``retired``), so consumers are warned."""
    if old is not None and new is None:
        if old.get("status") in RETIRING:
            return ""
        return (
            f"dataset removed while {old.get('status')}: first set its status to deprecated "
            "(a minor version bump), remove it in a later change"
        )
    if not changes or old is None:
        return ""
    before, after = _version(old.get("version")), _version(new.get("version"))
    if after is None:
        return f"version {new.get('version')!r} is not MAJOR.MINOR.PATCH"
    if before is None:
        return ""
    if any(change.kind == BREAKING for change in changes):
        if after[0] <= before[0]:
            return (
                f"breaking change needs a major version bump: {old.get('version')} -> at "
                f"least {before[0] + 1}.0.0, and a migration note"
            )
        return ""
    if after[:2] <= before[:2]:
        return (
            f"additive change needs a minor version bump: {old.get('version')} -> at least "
            f"{before[0]}.{before[1] + 1}.0"
        )
    return ""
