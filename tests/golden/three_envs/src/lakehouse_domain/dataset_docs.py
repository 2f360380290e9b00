"""The "Datasets" section of the generated README, written from the contracts.

``add-dataset`` and ``make docs`` rewrite it from every ``contracts/*.odcs.yaml``, between
two markers, so the README always lists every dataset. Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .escaping import markdown_code, markdown_sentence, markdown_text

BEGIN = "<!-- datasets:begin (written from contracts/ by add-dataset and `make docs`) -->"
END = "<!-- datasets:end -->"


def _custom(items: list | None) -> dict[str, Any]:
    return {item["property"]: item["value"] for item in items or []}


def _source_text(source: Mapping[str, Any]) -> str:
    kind = source.get("type", "?")
    if kind == "files":
        return f"**files** ({markdown_text(source.get('format'))} files in the landing volume)"
    if kind == "eventhub":
        return (
            f"**eventhub** (event hub {markdown_code(source.get('eventHub'))}, "
            f"{source.get('partitions')} partitions, {source.get('retentionDays')} days retention)"
        )
    return (
        f"**jdbc** ({markdown_text(source.get('engine'))} table "
        f"{markdown_code(source.get('table'))}, incremental on "
        f"{markdown_code(source.get('incrementalColumn'))})"
    )


def _code_list(names: Iterable[str]) -> str:
    return ", ".join(markdown_code(name) for name in names)


def dataset_markdown(document: Mapping[str, Any]) -> str:
    """One dataset: purpose, source, key, ordering and a row per column."""
    table = document["schema"][0]
    custom = _custom(document.get("customProperties"))
    properties = table.get("properties") or []
    keys = sorted(
        (p for p in properties if p.get("primaryKey")), key=lambda p: p.get("primaryKeyPosition", 0)
    )
    purpose = (document.get("description") or {}).get("purpose", "")
    lines = [
        f"### {markdown_code(table['name'])}",
        "",
        f"{markdown_sentence(purpose)} Source: {_source_text(custom.get('source') or {})}. "
        f"Primary key: {_code_list(p['name'] for p in keys)}. "
        f"Newest version by {markdown_code(custom.get('orderingColumn'))}.",
        "",
        "| Column | Type | Required | PII | Mask for non-PII readers | Description |",
        "|---|---|---|---|---|---|",
    ]
    for prop in properties:
        pii = [tag.split(":", 1)[1] for tag in prop.get("tags") or [] if tag.startswith("pii:")]
        mask = _custom(prop.get("customProperties")).get("maskingStrategy", "")
        lines.append(
            f"| {markdown_code(prop['name'])} | {markdown_code(prop['physicalType'].lower())} "
            f"| {'yes' if prop.get('required') else 'no'} | {markdown_text(', '.join(pii))} "
            f"| {markdown_text(mask)} | {markdown_text(prop.get('description', ''))} |"
        )
    return "\n".join(lines)


def datasets_markdown(documents: Iterable[Mapping[str, Any]]) -> str:
    """The marked block with every dataset, sorted by name."""
    ordered = sorted(documents, key=lambda d: d["schema"][0]["name"])
    body = "\n\n".join(dataset_markdown(document) for document in ordered)
    return f"{BEGIN}\n\n{body}\n\n{END}"


def replace_block(text: str, block: str) -> str:
    """``text`` with its marked datasets block replaced by ``block``."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"the README has no {BEGIN!r} ... {END!r} block to update")
    return text[:start] + block + text[end + len(END) :]
