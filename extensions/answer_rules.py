"""Rules for the domain-level answers of the questionnaire (who, where, how much).

Same contract as ``dataset_rules``: each check returns a list of ``Problem`` naming the
question and the rule id; an empty list means valid. Standard library only.
"""

from __future__ import annotations

import re
from typing import Any

from .engine import dataset_rules, naming, problems

GROUP = dataset_rules.GROUP
DOMAIN_PATTERN, ENVIRONMENTS, SUFFIX_PATTERN = (
    naming.DOMAIN_PATTERN,
    naming.ENVIRONMENTS,
    naming.SUFFIX_PATTERN,
)
Problem, fullmatch, shown, unprintable = (
    problems.Problem,
    problems.fullmatch,
    problems.shown,
    problems.unprintable,
)

EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
# Azure tag values allow most characters; cost centres are codes, kept strict for reports.
COST_CENTER = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
MAX_TEXT_LENGTH = 256


def check_domain_name(value: Any) -> list[Problem]:
    """2-10 characters, a lowercase letter first: the domain is part of Azure names."""
    if fullmatch(DOMAIN_PATTERN, value):
        return []
    detail = (
        f"{shown(value)} must be 2-10 characters: a lowercase letter, then lowercase "
        "letters or digits (it becomes part of Azure resource names)"
    )
    return [Problem(("domain_name",), detail, "domain-format")]


def check_text(question: str, value: Any, max_length: int = MAX_TEXT_LENGTH) -> list[Problem]:
    """A non-empty line of printable text (it ends up in tags, comments, YAML and Markdown)."""
    if not isinstance(value, str) or not value.strip():
        return [Problem((question,), "must not be empty", "non-empty")]
    bad = unprintable(value)
    if bad or len(value) > max_length:
        detail = f"must be one line of at most {max_length} printable characters"
        return [Problem((question,), detail + (f" (found {bad})" if bad else ""), "text")]
    return []


def check_email(question: str, value: Any) -> list[Problem]:
    if fullmatch(EMAIL, value) and len(value) <= 254:
        return []
    return [Problem((question,), f"{shown(value)} is not an email address", "email")]


def check_cost_center(value: Any) -> list[Problem]:
    if fullmatch(COST_CENTER, value):
        return []
    detail = f"{shown(value)} must be 1-32 letters, digits, '-' or '_', starting alphanumeric"
    return [Problem(("cost_center",), detail, "cost-center-format")]


def check_environments(value: Any) -> list[Problem]:
    """At least one of dev, stg, prd; each once."""
    where = ("environments",)
    if not isinstance(value, list) or not value:
        return [Problem(where, "choose at least one environment", "non-empty")]
    unknown = [env for env in value if not isinstance(env, str) or env not in ENVIRONMENTS]
    if unknown:
        detail = f"unknown environment(s) {shown(unknown)}; allowed: {', '.join(ENVIRONMENTS)}"
        return [Problem(where, detail, "known-environment")]
    if len(set(value)) != len(value):
        return [Problem(where, "an environment is listed twice", "unique")]
    return []


def check_name_suffix(value: Any) -> list[Problem]:
    if fullmatch(SUFFIX_PATTERN, value):
        return []
    detail = f"{shown(value)} must be 4 lowercase letters or digits"
    return [Problem(("name_suffix",), detail, "suffix-format")]


def check_group(question: str, value: Any, *others: tuple[str, Any]) -> list[Problem]:
    """A safe group name, different from the groups of the other personas."""
    if not fullmatch(GROUP, value):
        detail = (
            f"{shown(value)} must be 1-128 letters, digits, spaces, '.', '_' or '-', "
            "starting alphanumeric"
        )
        return [Problem((question,), detail, "group-format")]
    for other_question, other_value in others:
        if value == other_value:
            detail = f"{value!r} is also {other_question}; each persona needs its own group"
            return [Problem((question,), detail, "distinct-groups")]
    return []


def whole_number(value: Any) -> int | None:
    """An int answer, or its decimal text (Copier records these questions as text)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if fullmatch(r"[0-9]{1,12}", value) else None


def check_int_range(question: str, value: Any, low: int, high: int) -> list[Problem]:
    """A whole number in [low, high]; text that is not a number is named, not cast."""
    number = whole_number(value)
    if number is not None and low <= number <= high:
        return []
    detail = f"{shown(value)} must be a whole number from {low} to {high}"
    return [Problem((question,), detail, "range")]
