"""Hostile text for property-based tests of everything that reaches SQL.

``hostile_text()`` mixes arbitrary Unicode with the pieces that break SQL text: both quote
kinds, backslashes (a trailing one escapes a closing quote in Spark), backticks and
brackets, comment markers, semicolons, control and line-separator characters, non-BMP
characters and reserved words of the SQL dialects the engine writes.

Runs are seeded and bounded: the ``hostile`` profile (default) is derandomized and small
enough for ``make test``; ``HYPOTHESIS_PROFILE=fuzz`` runs many more examples.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile(
    "hostile",
    max_examples=30,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz",
    max_examples=2000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "hostile"))

FRAGMENTS = (
    "'",
    '"',
    "\\",
    "\\'",
    "''",
    "`",
    "``",
    "[",
    "]",
    "--",
    "/*",
    "*/",
    ";",
    "$1",
    "%",
    "_",
    "\n",
    "\r",
    "\t",
    "\x00",
    "\x1b",
    "\u0085",
    "\u2028",
    "\u2029",
    "\u202e",
    "\ufeff",
    "\U0001f600",
    "\\u0027",
    ")) OR true --",
    "') OR 1=1; DROP TABLE t; --",
    "order",
    "index",
    "key",
    "user",
    "select",
    "localtimestamp",
    "NULL",
)


def hostile_text(min_size: int = 1, max_size: int = 6) -> st.SearchStrategy[str]:
    """Text built from hostile fragments and arbitrary characters."""
    piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=4))
    return st.lists(piece, min_size=min_size, max_size=max_size).map("".join).filter(bool)


def without_nul(strategy: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """For databases that cannot store NUL in text (PostgreSQL, SQL Server)."""
    return strategy.map(lambda text: text.replace("\x00", "")).filter(bool)
