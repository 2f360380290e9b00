"""Free text lands harmlessly in Markdown, TOML and Python, whatever characters it holds."""

import tomllib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extensions.engine import escaping

# One line of printable text: what answer_rules.check_text lets through.
ONE_LINE = st.text(
    alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), min_size=1
)
HOSTILE = [
    "quote \" and ' and `",
    "back\\slash \\n \\u0041",
    "<!-- hides the rest of the page",
    "<script>alert(1)</script>",
    "- not a list item",
    "1. not an ordered item",
    "| breaks | a | table |",
    "[a link](https://example.com)",
    "emoji 😀 outside the BMP 𝄞",
    "${interpolation} {{ jinja }} %s",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_opens_no_markup(text):
    escaped = escaping.markdown_text(text)
    assert "<" not in escaped and ">" not in escaped
    for char in "`|[]*_":
        assert escaped.count(char) == escaped.count("\\" + char)
    assert not escaped.startswith(("- ", "1. "))


@given(ONE_LINE)
def test_toml_string_round_trips(text):
    assert tomllib.loads(f"value = {escaping.toml_string(text)}")["value"] == text


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_round_trips_in_toml(text):
    assert tomllib.loads(f"v = {escaping.toml_string(text)}")["v"] == text


def test_markdown_code_keeps_identifiers_readable():
    assert escaping.markdown_code("card_transactions") == "`card_transactions`"
    assert escaping.markdown_code("a`b") == "`a'b`"
