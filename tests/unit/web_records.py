"""Records for the web read-model unit tests: a small story written for them (two outlets
disagree on a toll that also rises; a syndicated copy; a threat), built with the shared models."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from claimwatch.models import (
    Article,
    ArticleProcessed,
    Claim,
    ClaimsExtracted,
    ClaimType,
    DuplicateKind,
    EntitiesExtracted,
    Entity,
    Fact,
    Interval,
)
from claimwatch_web.records import AlertRecord

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
STORY = "st-ferry"
TEXTS = {
    "a1": "Rescuers said at least 40 people were missing after the ferry sank near Orvik.",
    "a2": "Officials said 52 people were missing. The governor warned smugglers would be shot.",
    "a3": "Officials said 52 people were missing. The governor warned smugglers would be shot.",
}
SOURCES = {"a1": "north-post", "a2": "harbour-news", "a3": "wire-copy"}


def article(aid: str, hours: int, **extra: object) -> Article:
    values: dict[str, object] = {
        "id": aid,
        "source": SOURCES.get(aid, "other-outlet"),
        "title": f"Ferry sinks near Orvik ({aid})",
        "url": f"https://{SOURCES.get(aid, 'other')}.example/{aid}",
        "published_at": T0 + timedelta(hours=hours),
        "ingested_at": T0 + timedelta(hours=hours, minutes=1),
        "text": TEXTS.get(aid, "Nothing to see."),
        "original_text": TEXTS.get(aid, "Nothing to see."),
    }
    values.update(extra)
    return Article(**values)  # type: ignore[arg-type]


MISSING = Fact(
    key="quantity:person:missing",
    description="people missing after the ferry sinking",
    question="how many people are missing after the ferry sinking",
    counted="person",
)


def missing_claim(aid: str, low: float, high: float | None, fact: Fact | None = MISSING) -> Claim:
    text = TEXTS[aid]
    sentence = text if aid == "a1" else text.split(". ")[0] + "."
    return Claim(
        id=f"{aid}:0",
        type=ClaimType.QUANTITY,
        text=sentence,
        start=0,
        end=len(sentence),
        confidence=0.9,
        value=Interval(low=low, high=high, unit="person"),
        slot="quantity:person:missing",
        fact=fact,
    )


def threat_claim(aid: str) -> Claim:
    text = TEXTS[aid]
    start = text.index("The governor")
    return Claim(
        id=f"{aid}:1",
        type=ClaimType.THREAT,
        text=text[start:],
        start=start,
        end=len(text),
        confidence=0.8,
        actor="Governor Lind",
        actor_class="state_official",
        target="smugglers",
        target_class="criminals",
    )


def claims(aid: str, *items: Claim, at: datetime | None = None) -> ClaimsExtracted:
    return ClaimsExtracted(
        article_id=aid,
        source=SOURCES[aid],
        ingested_at=T0,
        claims=list(items),
        extracted_at=at or T0 + timedelta(minutes=5),
    )


def entities(aid: str) -> EntitiesExtracted:
    return EntitiesExtracted(
        article_id=aid,
        source=SOURCES[aid],
        entities=[Entity(id="gpe:orvik", name="Orvik", type="GPE")],
    )


def placed(aid: str, story: str = STORY, minutes: int = 6) -> ArticleProcessed:
    return ArticleProcessed(
        article_id=aid, story=story, processed_at=T0 + timedelta(minutes=minutes)
    )


def contradiction(version: int = 1, **extra: object) -> AlertRecord:
    values: dict[str, object] = {
        "id": "ct-1",
        "version": version,
        "kind": "contradiction",
        "rule": "contradiction",
        "severity": "high",
        "title": "Outlets disagree on people missing",
        "story": STORY,
        "slot": "quantity:person:missing",
        "sources": ["harbour-news", "north-post"],
        "sides": [
            {"value": {"low": 40, "high": None, "unit": "person"}, "text": TEXTS["a1"],
             "sources": ["north-post"]},
            {"value": {"low": 52, "high": 52, "unit": "person"},
             "text": "Officials said 52 people were missing.", "sources": ["harbour-news"]},
        ],
        "independent_sources": 2,
        "explanation": "north-post says at least 40, harbour-news says 52",
        "fired_at": (T0 + timedelta(minutes=7)).isoformat(),
    }  # fmt: skip
    values.update(extra)
    return AlertRecord.model_validate(values)


def figure_update(**extra: object) -> AlertRecord:
    """The grown contract (design.md): kind figure_update, a timeline and a fact."""
    values: dict[str, object] = {
        "id": "fu-1",
        "version": 1,
        "kind": "figure_update",
        "rule": "figure-update",
        "severity": "info",
        "title": "People missing after the ferry sinking: 40 -> 52",
        "fact": "people missing after the ferry sinking",
        "story": STORY,
        "slot": "quantity:person:missing",
        "timeline": [
            {"value": {"low": 40, "high": None, "unit": "person"}, "sources": ["north-post"],
             "published_at": T0.isoformat(), "text": TEXTS["a1"]},
            {"value": {"low": 52, "high": 52, "unit": "person"}, "sources": ["harbour-news"],
             "published_at": (T0 + timedelta(hours=2)).isoformat(),
             "text": "Officials said 52 people were missing."},
        ],
        "independent_sources": 2,
        "explanation": "the figure rose",
        "fired_at": (T0 + timedelta(minutes=8)).isoformat(),
        "a_field_from_the_future": {"anything": True},
    }  # fmt: skip
    values.update(extra)
    return AlertRecord.model_validate(values)


def full_story() -> list[object]:
    """Every record of the story, in an order a rebuild could read them (claims first)."""
    return [
        claims("a2", missing_claim("a2", 52, 52), threat_claim("a2")),
        placed("a1"),
        claims("a1", missing_claim("a1", 40, None)),
        article("a1", 0),
        article("a2", 2),
        article("a3", 3, duplicate_of="a2", duplicate_kind=DuplicateKind.EXACT),
        claims("a3", missing_claim("a3", 52, 52), threat_claim("a3")),
        entities("a1"),
        placed("a2"),
        placed("a3"),
        contradiction(),
    ]
