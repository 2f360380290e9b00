"""The contract against the silver table it will write: what a run may evolve, what it refuses.

A silver table records the contract it was written under as table properties (the version,
the primary key, the ordering column and the silver layout; ``lakehouse.*`` keys, set after
every silver write on both adapters). Before a run writes anything, the contract is compared
with that table:

- additive differences go on: a new optional column is added by schema evolution, a widened
  type (``int`` -> ``bigint``, ``float`` -> ``double``, ``decimal(p,s)`` -> ``decimal(p',s)``)
  is widened on the table before the merge (``widen_types``);
- breaking ones stop the run before it writes, naming each change (``BreakingChange``): a
  column the table has and the contract lost (removed or renamed), a narrowed or changed type,
  a new required column, a changed primary key or ordering column, a changed silver layout
  (SCD type, or soft deletes turned off: ``contract.silver_layout``), an older major version.
  The way through is the recipe of README "Changing a contract": bump the contract's major
  version and rebuild silver from bronze (``--rebuild-silver``), after which table and contract
  agree again.

The CI gate (``contract_changes``) compares two contracts; this compares a contract with the
data, so a breaking change that reached a branch without the gate is still refused.
"""

from __future__ import annotations

from .contract import ADDITIVE_LAYOUT_CHANGES, Contract
from .contract_changes import ADDITIVE, type_change
from .problems import Problem
from .storage import Storage, TableState, spark_type_text

CONTRACT_VERSION = "lakehouse.contract_version"
PRIMARY_KEY = "lakehouse.primary_key"
ORDERING_COLUMN = "lakehouse.ordering_column"
SILVER_LAYOUT = "lakehouse.silver_layout"
LAYER = "silver"
RULE = "breaking-change"


class BreakingChange(RuntimeError):
    """The contract breaks its existing silver table; the message says what and what to do."""


def _major(version: str | None) -> int | None:
    head = (version or "").split(".")[0]
    return int(head) if head.isdigit() else None


def recorded_properties(contract: Contract) -> dict[str, str]:
    """The table properties that record which contract wrote a silver table."""
    return {
        CONTRACT_VERSION: contract.version,
        PRIMARY_KEY: ",".join(contract.primary_key),
        ORDERING_COLUMN: contract.ordering_column,
        SILVER_LAYOUT: contract.changes.silver_layout,
    }


def breaking_changes(contract: Contract, table: TableState) -> list[Problem]:
    """Every difference between ``contract`` and its existing table that a run cannot apply
    by evolving the table. Lineage columns (``_``-prefixed) belong to the engine."""
    problems = []
    contract_types = {column.name: spark_type_text(column.type) for column in contract.columns}
    for name in table.columns:
        if not name.startswith("_") and name not in contract_types:
            detail = "column removed or renamed (the table still holds it)"
            problems.append(Problem((contract.name, name), detail, RULE))
    for column in contract.columns:
        stored = table.columns.get(column.name)
        if stored is None:
            if column.required:
                detail = "new required column (the table's rows have no value)"
                problems.append(Problem((contract.name, column.name), detail, RULE))
            continue
        wanted, stored = contract_types[column.name], spark_type_text(stored)
        if stored != wanted and type_change(stored, wanted) != ADDITIVE:
            detail = f"type {stored} in the table -> {wanted} (not a widening)"
            problems.append(Problem((contract.name, column.name), detail, RULE))
    recorded = table.properties
    for key, label in ((PRIMARY_KEY, "primary key"), (ORDERING_COLUMN, "ordering column")):
        wanted = recorded_properties(contract)[key]
        if key in recorded and recorded[key] != wanted:
            detail = f"{label} {recorded[key]} in the table -> {wanted}"
            problems.append(Problem((contract.name,), detail, RULE))
    layout = contract.changes.silver_layout
    if layout != recorded.get(SILVER_LAYOUT, layout) and (
        (recorded[SILVER_LAYOUT], layout) not in ADDITIVE_LAYOUT_CHANGES
    ):
        detail = (
            f"silver layout {recorded[SILVER_LAYOUT]} in the table -> {layout} "
            "(deletes or history changed: the rows are laid out anew)"
        )
        problems.append(Problem((contract.name,), detail, RULE))
    written, current = _major(recorded.get(CONTRACT_VERSION)), _major(contract.version)
    if written is not None and current is not None and current < written:
        detail = (
            f"contract version {contract.version} is older than {recorded[CONTRACT_VERSION]}, "
            "which wrote the table"
        )
        problems.append(Problem((contract.name,), detail, RULE))
    return problems


def widened_columns(contract: Contract, table: TableState) -> dict[str, str]:
    """The table's columns whose contract type is a widening of the stored one."""
    widened = {}
    for column in contract.columns:
        stored = table.columns.get(column.name)
        if stored is None:
            continue
        stored, wanted = spark_type_text(stored), spark_type_text(column.type)
        if stored != wanted and type_change(stored, wanted) == ADDITIVE:
            widened[column.name] = column.type
    return widened


def refusal(contract: Contract, table: TableState, problems: list[Problem]) -> str:
    """The message of a refused run: the changes, then the recipe."""
    written = table.properties.get(CONTRACT_VERSION)
    lines = [
        f"the contract of {contract.name} (version {contract.version}) breaks its existing "
        f"silver table (written by version {written or 'unknown'}); nothing was written:"
    ]
    lines += [f"  {problem}" for problem in problems]
    written_major, current_major = _major(written), _major(contract.version)
    if written_major is None or current_major is None or current_major <= written_major:
        next_major = max(written_major or 0, current_major or 0) + 1
        lines.append(
            f"  To make this change: bump the contract's major version (-> {next_major}.0.0) "
            "and add its entry to contracts/CHANGELOG.md (make contract-changes DRAFT=1);"
        )
    lines += [
        "  Rebuild silver from bronze under the new contract: make rebuild-silver "
        f"DATASET={contract.name} [RENAMED=<old>=<new>] (Databricks: lakehouse run --environment "
        f"<env> --dataset {contract.name} --layers silver,gold --rebuild-silver "
        "[--renamed <old>=<new>]).",
        "  See README: Changing a contract.",
    ]
    return "\n".join(lines)


def check(storage: Storage, contract: Contract) -> None:
    """Raise ``BreakingChange`` when the contract breaks its existing silver table."""
    table = storage.table_state(LAYER, contract.name)
    if table is None:
        return
    problems = breaking_changes(contract, table)
    if problems:
        raise BreakingChange(refusal(contract, table, problems))


def widen_types(storage: Storage, contract: Contract) -> dict[str, str]:
    """Widen the silver table's columns the contract widened (before the merge, which
    would otherwise cast the new values down to the stored type); returns them."""
    table = storage.table_state(LAYER, contract.name)
    widened = {} if table is None else widened_columns(contract, table)
    if widened:
        storage.widen(LAYER, contract.name, widened)
    return widened


def record(storage: Storage, contract: Contract) -> None:
    """Record the contract on the silver table (only when it changed: each set is a commit)."""
    table = storage.table_state(LAYER, contract.name)
    if table is None:
        return
    wanted = recorded_properties(contract)
    if any(table.properties.get(key) != value for key, value in wanted.items()):
        storage.set_properties(LAYER, contract.name, wanted)
