"""Rules for the domain-level answers of the questionnaire (who, where, how much).

Same contract as ``dataset_rules``: each check returns a list of problems naming the question
and the rule id; an empty list means valid. Standard library only.
"""

from __future__ import annotations

import re
from typing import Any

from .dataset_rules import GROUP

DOMAIN = re.compile(r"^[a-z][a-z0-9]{1,9}$")
EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
# Azure tag values allow most characters; cost centres are codes, kept strict for reports.
COST_CENTER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")
SUFFIX = re.compile(r"^[a-z0-9]{4}$")
ENVIRONMENTS = ("dev", "stg", "prd")


def _problem(question: str, detail: str, rule: str) -> str:
    return f"{question}: {detail} [rule: {rule}]"


def check_domain_name(value: Any) -> list[str]:
    """2-10 characters, a lowercase letter first: the domain is part of Azure names."""
    if isinstance(value, str) and DOMAIN.match(value):
        return []
    return [
        _problem(
            "domain_name",
            f"{value!r} must be 2-10 characters: a lowercase letter, then lowercase "
            "letters or digits (it becomes part of Azure resource names)",
            "domain-format",
        )
    ]


def check_text(question: str, value: Any, max_length: int = 256) -> list[str]:
    """A non-empty single-line text (it ends up in tags, comments and YAML)."""
    if not isinstance(value, str) or not value.strip():
        return [_problem(question, "must not be empty", "non-empty")]
    if "\n" in value or len(value) > max_length:
        return [_problem(question, f"must be one line of at most {max_length} characters", "text")]
    return []


def check_email(question: str, value: Any) -> list[str]:
    if isinstance(value, str) and len(value) <= 254 and EMAIL.match(value):
        return []
    return [_problem(question, f"{value!r} is not an email address", "email")]


def check_cost_center(value: Any) -> list[str]:
    if isinstance(value, str) and COST_CENTER.match(value):
        return []
    return [
        _problem(
            "cost_center",
            f"{value!r} must be 1-32 letters, digits, '-' or '_', starting alphanumeric",
            "cost-center-format",
        )
    ]


def check_environments(value: Any) -> list[str]:
    """At least one of dev, stg, prd; each once."""
    if not isinstance(value, list) or not value:
        return [_problem("environments", "choose at least one environment", "non-empty")]
    unknown = [env for env in value if env not in ENVIRONMENTS]
    if unknown:
        return [
            _problem(
                "environments",
                f"unknown environment(s) {unknown}; allowed: {', '.join(ENVIRONMENTS)}",
                "known-environment",
            )
        ]
    if len(set(value)) != len(value):
        return [_problem("environments", "an environment is listed twice", "unique")]
    return []


def check_name_suffix(value: Any) -> list[str]:
    if isinstance(value, str) and SUFFIX.match(value):
        return []
    return [
        _problem("name_suffix", f"{value!r} must be 4 lowercase letters or digits", "suffix-format")
    ]


def check_group(question: str, value: Any, *others: tuple[str, Any]) -> list[str]:
    """A safe group name, different from the groups of the other personas."""
    if not isinstance(value, str) or not GROUP.match(value):
        return [
            _problem(
                question,
                f"{value!r} must be 1-128 letters, digits, spaces, '.', '_' or '-', "
                "starting alphanumeric",
                "group-format",
            )
        ]
    for other_question, other_value in others:
        if value == other_value:
            return [
                _problem(
                    question,
                    f"{value!r} is also {other_question}; each persona needs its own group",
                    "distinct-groups",
                )
            ]
    return []


def check_int_range(question: str, value: Any, low: int, high: int) -> list[str]:
    if isinstance(value, int) and not isinstance(value, bool) and low <= value <= high:
        return []
    return [_problem(question, f"{value!r} must be a whole number from {low} to {high}", "range")]
