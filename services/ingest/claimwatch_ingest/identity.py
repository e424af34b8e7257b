"""Stable article ids: the same source and normalised text always get the same id.

Hashing the *normalised* text (not the bytes received) means a re-poll, a client retry or a
re-saved file with other line wrapping or quote style is recognised as the same article. The
source is part of the id because the same wire text under two outlets is two articles (the
second one produced with ``duplicate_of`` pointing at the first).
"""

from __future__ import annotations

import hashlib


def article_id(source: str, text: str) -> str:
    """24 hex characters (96 bits) of SHA-256 over source and text: collision-free in practice."""
    digest = hashlib.sha256(f"{source}\x00{text}".encode()).hexdigest()
    return digest[:24]
