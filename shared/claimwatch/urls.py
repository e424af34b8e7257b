"""What claimwatch accepts as a URL it stores, shows or calls: an absolute http(s) URL with a
host and no credentials.

One rule for an article's ``url`` (ingest; shown in alerts and on the story pages, so a
``javascript:`` link must never get in) and a subscription's target (deliver; called with our
signature, so ``user:password@`` would be a credential kept in the clear and shown back by
``GET /subscriptions``). Refused, not repaired: the sender can fix it and send it again.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048


def http_url_problem(url: str, max_length: int = MAX_URL_LENGTH) -> str | None:
    """Why ``url`` is not a plain absolute http(s) URL (a phrase after "URL"), or ``None``."""
    if len(url) > max_length:
        return f"longer than {max_length} characters"
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in url):
        return "contains whitespace or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return f"cannot be parsed ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return "scheme must be http or https"
    if not (parts.hostname or "").rstrip("."):
        return "has no host"
    if parts.username is not None or parts.password is not None:
        return "carries credentials (user:password@): they would be stored and shown in clear"
    return None


def without_credentials(url: str) -> str:
    """``url`` with any ``user:password@`` removed, for showing a URL stored before the rule."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc=parts.netloc.rsplit("@", 1)[1]).geturl()
