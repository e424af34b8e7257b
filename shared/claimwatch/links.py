"""Addresses of the story pages, so alerts can link to them.

The web service serves these paths and the delivery stage puts them in webhook bodies and Slack
messages; both build them here so a link never points at a page that does not exist.
"""

from __future__ import annotations

from urllib.parse import quote

STORY_PATH = "/stories/{story_id}"
ARTICLE_PATH = "/articles/{article_id}"


def story_path(story_id: str) -> str:
    return STORY_PATH.format(story_id=quote(story_id, safe=""))


def article_path(article_id: str) -> str:
    return ARTICLE_PATH.format(article_id=quote(article_id, safe=""))


def story_url(base_url: str, story_id: str) -> str:
    """``base_url`` (with or without a trailing slash, maybe with a path prefix) + the page."""
    return base_url.rstrip("/") + story_path(story_id)
