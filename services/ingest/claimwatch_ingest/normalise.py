"""Text normalisation: a pure function from what was received to what extraction reads."""

from __future__ import annotations

import html
import re
import unicodedata

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'", "‚": "'"})
_TAGS = re.compile(r"<(script|style)[^>]*>.*?</\1>|<[^>]+>", re.S | re.I)
_BLOCK_TAGS = re.compile(r"</?(p|div|br|h[1-6]|li|blockquote|article|section)[^>]*>", re.I)


def html_to_text(raw: str) -> str:
    text = _BLOCK_TAGS.sub("\n\n", raw)
    text = _TAGS.sub("", text)
    return html.unescape(text)


def normalise(raw: str, content_type: str = "text/plain") -> str:
    text = html_to_text(raw) if "html" in content_type else raw
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    paragraphs = [re.sub(r"\s+", " ", p).strip() for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)
