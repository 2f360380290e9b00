"""Gold: the domain's own tables, built by user-owned transforms from silver.

A transform is a module ``gold_transforms/<dataset>.py`` with ``TABLE`` (gold table name),
``KEYS`` (its primary key) and ``build(silver) -> DataFrame``. The result is merged into gold
on ``KEYS``: changed rows update, rows whose key no longer comes out are deleted, unchanged
rows are not touched, so re-runs are idempotent.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType

from .changes import current_rows
from .contract import Contract
from .storage import MergeCounts, Storage


@dataclass(frozen=True)
class GoldTransform:
    table: str
    keys: list[str]
    module: ModuleType


def transform_for(contract: Contract) -> GoldTransform | None:
    """The dataset's gold transform, or None when the dataset has none (yet)."""
    name = f"{__package__}.gold_transforms.{contract.name}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as error:
        if error.name == name:
            return None
        raise
    for attribute in ("TABLE", "KEYS", "build"):
        if not hasattr(module, attribute):
            raise AttributeError(f"{module.__file__}: gold transform needs {attribute}")
    return GoldTransform(module.TABLE, list(module.KEYS), module)


def build_gold(contract: Contract, storage: Storage) -> tuple[str, MergeCounts] | None:
    transform = transform_for(contract)
    if transform is None:
        return None
    # Current rows only: no soft-deleted keys, no closed SCD2 versions.
    result = transform.module.build(current_rows(storage.read("silver", contract.name), contract))
    # Gold is rebuilt whole from silver: keys that no longer come out of it are deleted.
    merged = storage.merge("gold", transform.table, result, transform.keys, delete_missing=True)
    return transform.table, merged
