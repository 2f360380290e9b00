"""The one shape of a rule violation, and the one way answers are matched against patterns.

Every rule returns a list of ``Problem``: where (a path of keys and indexes), what is wrong
and the rule id. Callers format the path their own way: ``add-dataset`` as its question's
``columns[2].type``, a contract as ``schema[0].properties[2].physicalType``. Standard library
only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Problem:
    path: Path
    detail: str
    rule: str

    @property
    def where(self) -> str:
        """The path in the questionnaire's words: ``masking_rules.email``, ``columns[2].type``."""
        text = ""
        for part in self.path:
            text += f"[{part}]" if isinstance(part, int) else f".{part}"
        return text.lstrip(".") or "(answers)"

    def __str__(self) -> str:
        return f"{self.where}: {self.detail} [rule: {self.rule}]"


def fullmatch(pattern: str | re.Pattern, value: Any) -> bool:
    """True when ``value`` is a string matched by ``pattern`` as a whole.

    ``re.match(r"^...$")`` accepts a trailing newline (``$`` matches before it); every
    answer rule goes through here instead.
    """
    return isinstance(value, str) and re.fullmatch(pattern, value) is not None


def unprintable(value: str) -> str:
    """A description of the first character that does not belong in one line of text
    (line and paragraph separators, control and format characters), or ``''``."""
    for position, char in enumerate(value):
        if not char.isprintable():
            return f"U+{ord(char):04X} at position {position + 1}"
    return ""


def shown(value: Any, limit: int = 60) -> str:
    """``repr`` of an answer, shortened so one problem stays one line."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
