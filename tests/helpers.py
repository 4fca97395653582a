"""Helpers shared by the test modules. Factories live in tests/factories.py."""

import html as htmllib
import re

# Tags inside a line of text: dropped without a space, so "<strong>12</strong>,50" reads "12,50".
INLINE_TAGS = ("strong", "span", "time", "a", "em", "data", "code", "abbr")
_INLINE = re.compile(rf"</?(?:{'|'.join(INLINE_TAGS)})\b[^>]*>")
_TAG = re.compile(r"<[^>]+>")


def text(html: str) -> str:
    """What a reader sees: inline tags dropped, other tags as spaces, entities unescaped, whitespace collapsed."""
    return " ".join(htmllib.unescape(_TAG.sub(" ", _INLINE.sub("", html))).split())
