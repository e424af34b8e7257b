"""The record on the internal ``alert-stories`` topic: an article's claims plus its story."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from claimwatch.models import ClaimsExtracted, Event


class StoryAssigned(Event):
    """Key is the story id, so every claim of one story meets on one worker."""

    schema_version: Literal[1] = 1
    story: str
    origin: str | None = Field(
        default=None, description="Outlet of the original, when this article is a copy."
    )
    claims: ClaimsExtracted
