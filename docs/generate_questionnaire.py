"""Write docs/questionnaire.md from copier.yml, so the reference never drifts from the questions.

Run: .venv/bin/python docs/generate_questionnaire.py   (tests/test_docs.py fails when stale)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extensions.engine import dataset_rules  # noqa: E402  (the repository root is needed first)

COPIER_YML = ROOT / "copier.yml"
OUTPUT = ROOT / "docs" / "questionnaire.md"
BANNER = re.compile(r"^# -{20,}\n# (?P<title>.+)\n# -{20,}$", re.M)


def sections(text: str) -> list[tuple[str, list[str]]]:
    """(banner title, question names) in file order."""
    result = []
    banners = list(BANNER.finditer(text))
    for index, banner in enumerate(banners):
        end = banners[index + 1].start() if index + 1 < len(banners) else text.find("\n# ====")
        body = text[banner.end() : end]
        names = re.findall(r"^([a-z][a-z0-9_]*):", body, flags=re.M)
        result.append((banner["title"].strip(), names))
    return result


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        value = str(value).lower() if isinstance(value, bool) else str(value)
    elif not isinstance(value, str):
        value = yaml.safe_dump(value, default_flow_style=True, width=10_000).strip()
    return value.replace("|", "\\|").replace("\n", " ")


def default_cell(value) -> str:
    """Short defaults as written; long computed ones by what they are."""
    if isinstance(value, str) and "{{" in value and len(value) > 80:
        return "computed from earlier answers (see `copier.yml`)"
    return f"`{cell(value)}`"


def column_syntax() -> list[str]:
    """The `columns` answer: its one-line form and every type, PII kind and strategy."""
    kinds = ", ".join(f"`{k}` ({t})" for k, t in dataset_rules.PII_KIND_TYPES.items())
    strategies = ", ".join(
        f"`{s}` ({' or '.join(fits) if fits else 'any type'})"
        for s, fits in dataset_rules.STRATEGY_TYPES.items()
    )
    defaults = ", ".join(f"`{k}` -> `{s}`" for k, s in dataset_rules.DEFAULT_STRATEGY.items())
    return [
        "## Columns",
        "",
        "One line per column, as a YAML list:",
        "`- name <type> [required] [pii:<kind>] [-- description]`.",
        "",
        "```yaml",
        "- order_id string required -- Order number",
        "- ordered_at timestamp required",
        "- email string pii:email",
        "- total decimal(12,2) required",
        "```",
        "",
        "A mapping `name: <type> [required] ...` and the recorded form, a list of",
        "`{name, type, required, description, pii}` mappings, are accepted too (quote a line whose",
        "description holds `: `).",
        "",
        f"- Types: {', '.join(f'`{t}`' for t in dataset_rules.SIMPLE_TYPES)}, "
        "`decimal(p,s)` (1 <= p <= 38, s <= p).",
        f"- PII kinds (and the type they need): {kinds}.",
        f"- Masking strategies (and the types they fit): {strategies}.",
        f"- Proposed mask per PII kind: {defaults}.",
        "- `primary_key`: required columns, not PII, not `double` or `boolean`; proposed:",
        "  the first required id-like column (`id`, `*_id`, `*_key`, `*_code`, `*_number`),",
        "  else the first required one.",
        "- `ordering_column`: the column that says which version of a record is newest:",
        f"  a required {', '.join(dataset_rules.ORDERING_TYPES)} column outside the key and",
        "  not PII; proposed: the first such timestamp, else date. Without one there is no",
        "  default.",
        "",
    ]


def rules_of(validator: str | None) -> str:
    if not validator:
        return ""
    return ", ".join(f"`{name}`" for name in re.findall(r"\|\s*(validate_[a-z_]+)", validator))


def render() -> str:
    text = COPIER_YML.read_text()
    config = yaml.safe_load(text)
    lines = [
        "# Questionnaire reference",
        "",
        "Generated from `copier.yml` by `docs/generate_questionnaire.py`; do not edit by hand.",
        "Answers can be given interactively, with `--data name=value` or in a `--data-file`.",
        "Validators are pure functions in `extensions/` (`answer_rules.py`, `dataset_rules.py`,",
        "`naming.py`); a rejected answer names the question and the rule id.",
        "",
    ]
    for title, names in sections(text):
        lines += [
            f"## {title}",
            "",
            "| Question | Type | Default | Asked when | Help | Checked by |",
        ]
        lines.append("|---|---|---|---|---|---|")
        for name in names:
            question = config[name]
            kind = question["type"] + (" (multiselect)" if question.get("multiselect") else "")
            when = question.get("when", "always")
            when = "never (recorded)" if question.get("ask") is False else when
            choices = question.get("choices")
            help_text = question["help"]
            if choices:
                values = list(choices.values()) if isinstance(choices, dict) else choices
                help_text += f"; choices: {', '.join(f'`{v}`' for v in values)}."
            lines.append(
                f"| `{name}` | {kind} | {default_cell(question.get('default'))} | {cell(when)} "
                f"| {cell(help_text)} | {rules_of(question.get('validator'))} |"
            )
        lines.append("")
    computed = [
        name for name, q in config.items() if isinstance(q, dict) and q.get("when") is False
    ]
    lines += ["## Computed values", "", "Never asked and never recorded.", "", "| Name | Value |"]
    lines.append("|---|---|")
    lines += [f"| `{name}` | `{cell(config[name]['default'])}` |" for name in computed]
    lines += ["", *column_syntax()]
    return "\n".join(lines).rstrip("\n") + "\n"


if __name__ == "__main__":
    OUTPUT.write_text(render())
    sys.stdout.write(f"wrote {OUTPUT.relative_to(ROOT)}\n")
