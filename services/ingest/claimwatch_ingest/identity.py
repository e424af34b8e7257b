"""Stable article ids: the same source and normalised text always get the same id."""

from __future__ import annotations

import hashlib


def article_id(source: str, text: str) -> str:
    digest = hashlib.sha256(f"{source}\x00{text}".encode()).hexdigest()
    return digest[:24]
