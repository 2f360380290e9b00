"""Free text written into other languages: Markdown and TOML string literals.

Descriptions are validated as one line of printable text; these functions make that text
harmless where it lands, whatever characters it holds (quotes, backslashes, HTML,
characters outside the Basic Multilingual Plane). Standard library only.
"""

from __future__ import annotations

import html
import re

# Characters with a meaning inline in CommonMark (emphasis, code, links, tables, escapes).
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]|#~])")
# Text that would open a list at the start of a line: "- x", "+ x", "1. x", "1) x".
_MARKDOWN_LIST_START = re.compile(r"^(\s*\d*)([-+.)])")


def markdown_text(value: object) -> str:
    """``value`` as literal Markdown text: HTML is escaped (no comment or tag can hide the
    page) and inline markup characters are backslash-escaped; safe in table cells too."""
    text = html.escape(str(value), quote=False)
    text = _MARKDOWN_INLINE.sub(r"\\\1", text)
    return _MARKDOWN_LIST_START.sub(r"\1\\\2", text)


def markdown_code(value: object) -> str:
    """``value`` as an inline code span (identifiers, types): backslashes are literal inside
    code spans, so only a backtick, which would end the span, is replaced."""
    return "`" + str(value).replace("`", "'") + "`"


def markdown_sentence(value: object) -> str:
    """Free text as one Markdown sentence: escaped, ending with a full stop."""
    text = markdown_text(str(value).strip())
    return text if not text or text.endswith((".", "!", "?")) else text + "."


def toml_string(value: object) -> str:
    """A TOML basic string; characters outside the BMP are written as themselves (JSON's
    surrogate-pair escapes are invalid TOML)."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    text = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\u{ord(m[0]):04x}", text)
    return f'"{text}"'
