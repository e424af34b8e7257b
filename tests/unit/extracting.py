"""Extract one written sentence or passage with the real pipeline: the helpers the extraction
tests share."""

from __future__ import annotations

from typing import Any

from claimwatch.models import Article, Claim
from claimwatch_extract.pipeline import extract_batch


def claims(nlp: Any, text: str) -> list[Claim]:
    """Every claim of ``text``; each one's evidence span must point into the text."""
    art = Article(id="t", source="s", text=text, original_text=text)
    ((_, out),) = extract_batch(nlp, [art])
    for c in out.claims:
        assert text[c.start : c.end] == c.text
    return out.claims


def values(nlp: Any, text: str) -> set[tuple[float | None, float | None, str]]:
    """The (low, high, unit) of every claim with a value."""
    return {(c.value.low, c.value.high, c.value.unit) for c in claims(nlp, text) if c.value}
