"""Quality rules from the contract, evaluated per record.

Each rule is a named boolean expression that is true when a record breaks it. Silver keeps
the records that break none; the others go to quarantine with the names of the rules they
broke. Dataset-level rules (key uniqueness) are enforced by deduplication, not per record.
"""

from __future__ import annotations

from dataclasses import dataclass

from pyspark.sql import Column
from pyspark.sql import functions as F

from .contract import Contract
from .dataset_rules import type_family
from .sql import spark_identifier, spark_type


@dataclass(frozen=True)
class Rule:
    name: str
    broken: Column


def typed(column: str, column_type: str) -> Column:
    """The text value cast to the contract type; NULL when it cannot be cast."""
    return F.expr(f"try_cast({spark_identifier(column)} AS {spark_type(column_type)})")


def record_rules(contract: Contract) -> list[Rule]:
    """Rules on the raw (text) columns of a bronze record."""
    rules = [Rule("parseable", F.col("_corrupt_record").isNotNull())]
    for column in contract.columns:
        text = F.col(column.name)
        present = text.isNotNull() & (F.trim(text) != "")
        if column.required or column.name in contract.primary_key:
            rules.append(Rule(f"{column.name}_not_null", ~present))
        if column.type != "string":
            rules.append(
                Rule(
                    f"{column.name}_is_{type_family(column.type)}",
                    present & typed(column.name, column.type).isNull(),
                )
            )
        if column.pattern:
            rules.append(Rule(f"{column.name}_pattern", present & ~text.rlike(column.pattern)))
        if column.valid_values:
            allowed = [F.lit(v) for v in column.valid_values]
            rules.append(Rule(f"{column.name}_valid_values", present & ~text.isin(*allowed)))
    return rules


def failed_rules(rules: list[Rule]) -> Column:
    """Array of the names of the rules a record breaks (empty when it passes)."""
    return F.filter(
        F.array(*[F.when(rule.broken, F.lit(rule.name)) for rule in rules]),
        lambda name: name.isNotNull(),
    )
