"""The starter gold transform of a dataset, proposed from its definition.

One pure function: ``add-dataset`` writes each new dataset's ``gold_transforms/<dataset>.py``
with it (the first dataset's was rendered by the template with it too). The proposal: daily
features per entity (the first non-key ``*_id`` column), counted, summed over the first
measure and the distinct values of up to three descriptive columns. PII and masked columns
never feed gold. Column names appear only in the constants at the top, so every line stays
short whatever the names (the generated repository lints with ruff). Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .dataset_rules import TEMPORAL_TYPES, normalize_columns, type_family

INGESTED_AT = "_ingested_at"
NUMERIC = ("decimal", "double", "int", "bigint")
ENTITY_TYPES = ("string", "int", "bigint")
MAX_DESCRIPTIVE = 3


def _features(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Which columns the starter transform uses: entity, event time, measure, descriptive."""
    columns, _ = normalize_columns(answers["columns"])
    keys = set(answers["primary_key"])
    ordering = answers["ordering_column"]
    sensitive = set(answers.get("masking_rules") or {}) | {
        c["name"] for c in columns if c.get("pii")
    }
    usable = [c for c in columns if c["name"] not in keys | sensitive]
    temporal = [c["name"] for c in usable if c["type"] in TEMPORAL_TYPES]
    event_time = ordering if ordering in temporal else (temporal[0] if temporal else INGESTED_AT)
    entity = next(
        (c["name"] for c in usable if c["name"].endswith("_id") and c["type"] in ENTITY_TYPES),
        None,
    )
    measure = next(
        (
            c["name"]
            for c in usable
            if type_family(c["type"]) in NUMERIC and c["name"] not in (ordering, entity)
        ),
        None,
    )
    descriptive = [c["name"] for c in usable if c["type"] == "string" and c["name"] != entity][
        :MAX_DESCRIPTIVE
    ]
    return {
        "entity": entity,
        "event_time": event_time,
        "measure": measure,
        "descriptive": descriptive,
    }


def gold_table_name(dataset: str) -> str:
    """The starter's gold table: named after the dataset, so datasets never collide."""
    return f"{dataset}_daily_features"


def _string_list(name: str, values: list[str]) -> list[str]:
    """A list constant, one item per line (ruff keeps the magic trailing comma)."""
    if not values:
        return [f"{name}: list[str] = []"]
    return [f"{name} = [", *[f'    "{value}",' for value in values], "]"]


def starter_transform(answers: Mapping[str, Any]) -> str:
    """The source of ``gold_transforms/<dataset>.py`` for a dataset's answers (the
    questionnaire's, or add-dataset's): ``TABLE``, ``KEYS`` and ``build(silver)``."""
    features = _features(answers)
    entity, measure = features["entity"], features["measure"]
    per = "entity (ENTITY) and day" if entity else "day"
    lines = [
        f'"""Gold transform of this dataset: one row per {per}.',
        "",
        "This file is yours: the template wrote it once and `copier update` never overwrites it.",
        "Change the features freely; keep TABLE, KEYS and build(). The engine merges the result",
        "into the gold table on KEYS, so re-running changes only rows whose values changed.",
        "Columns with PII or a mask never feed these features.",
        '"""',
        "",
        "from pyspark.sql import DataFrame",
        "from pyspark.sql import functions as F",
        "",
        f'TABLE = "{gold_table_name(answers["dataset_name"])}"',
        f'EVENT_TIME = "{features["event_time"]}"',
    ]
    if entity:
        lines.append(f'ENTITY = "{entity}"')
    if measure:
        lines.append(f'MEASURE = "{measure}"')
    lines += _string_list("DESCRIPTIVE", features["descriptive"])
    lines += [
        'KEYS = [ENTITY, "activity_date"]' if entity else 'KEYS = ["activity_date"]',
        "",
        "",
        "def build(silver: DataFrame) -> DataFrame:",
        '    """Daily features from the silver table."""',
        "    return (",
        '        silver.withColumn("activity_date", F.to_date(EVENT_TIME))',
        "        .groupBy(*KEYS)",
        "        .agg(",
        '            F.count("*").alias("record_count"),',
    ]
    if measure:
        lines += [
            '            F.sum(MEASURE).alias(f"total_{MEASURE}"),',
            '            F.max(MEASURE).alias(f"max_{MEASURE}"),',
        ]
    lines += [
        '            *[F.countDistinct(c).alias(f"distinct_{c}") for c in DESCRIPTIVE],',
        '            F.max(EVENT_TIME).alias("last_activity"),',
        "        )",
        "    )",
    ]
    return "\n".join(lines) + "\n"
