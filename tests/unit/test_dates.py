"""Dates are untrusted input: ingest refuses a ``published_at`` outside its window, and the
alert stage's date arithmetic cannot overflow whatever date a record carries (a far-future
date once crash-looped the alert stage with ``OverflowError``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from claimwatch.dates import LATEST, shift
from claimwatch.models import ClaimsExtracted, SourceKind
from claimwatch.settings import Settings
from claimwatch_alert.config import StoryParams
from claimwatch_alert.index import arrival_time, article_time, expired, place
from claimwatch_alert.stories import ArticleTerms, new_card
from claimwatch_ingest.files import RawArticle
from claimwatch_ingest.publisher import RejectedArticle, build_article

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WINDOW = Settings().date_window
STORY_WINDOW = timedelta(hours=72)
ANY_TIME = st.datetimes(timezones=st.just(UTC))
TERMS = ArticleTerms(entities={"marrow": 1.0}, keywords={"harbour": 1.0, "budget": 0.9})


def raw(published_at: datetime | None) -> RawArticle:
    return RawArticle(
        source="valley-times",
        body="The council met on Monday and approved the harbour budget.",
        content_type="text/plain",
        published_at=published_at,
    )


@pytest.mark.parametrize(
    "when",
    [
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
        datetime(1, 1, 1, tzinfo=UTC),
        datetime.now(UTC) + timedelta(days=3),
        datetime.now(UTC) - timedelta(days=40_000),
    ],
)
def test_ingest_refuses_a_date_outside_the_window_naming_the_field(when: datetime) -> None:
    with pytest.raises(RejectedArticle) as refused:
        build_article(raw(when), SourceKind.PUSH, 1_000_000, WINDOW)
    assert refused.value.reason == "invalid_field"
    assert refused.value.field == "published_at"
    assert when.isoformat() in refused.value.detail


@pytest.mark.parametrize(
    "when",
    [
        None,
        datetime.now(UTC),
        datetime.now(UTC) + timedelta(hours=40),  # a time-zone slip or an embargo
        datetime(2005, 6, 1, tzinfo=UTC),  # an archive being replayed
    ],
)
def test_ingest_accepts_dates_inside_the_window(when: datetime | None) -> None:
    article = build_article(raw(when), SourceKind.PUSH, 1_000_000, WINDOW)
    assert article.published_at == when


def test_the_window_is_configurable() -> None:
    narrow = Settings(published_at_max_age_days=30, published_at_max_ahead_h=1).date_window
    assert not narrow.contains(NOW - timedelta(days=31), NOW)
    assert not narrow.contains(NOW + timedelta(hours=2), NOW)
    assert narrow.contains(NOW - timedelta(days=29), NOW)


def test_shift_saturates_instead_of_overflowing() -> None:
    far = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert shift(far, timedelta(hours=144)) == LATEST
    assert shift(datetime(1, 1, 1, tzinfo=UTC), -timedelta(days=1)).year == 1
    assert shift(NOW, timedelta(hours=1)) == NOW + timedelta(hours=1)


def claims_at(published_at: datetime | None, ingested_at: datetime, n: int = 0) -> ClaimsExtracted:
    return ClaimsExtracted(
        article_id=f"a{n}",
        source=f"outlet-{n}",
        title="Harbour budget approved",
        published_at=published_at,
        ingested_at=ingested_at,
        entity_ids=["gpe:marrow"],
        keywords=["harbour", "budget"],
    )


@settings(max_examples=300, deadline=None)
@given(published=st.none() | ANY_TIME, ingested=ANY_TIME, card_time=ANY_TIME)
def test_story_placement_and_ageing_never_raise_whatever_the_dates(
    published: datetime | None, ingested: datetime, card_time: datetime
) -> None:
    """Any date a record can carry (years 1 to 9999) is placed and aged without an error."""
    card = new_card("old", TERMS, card_time, card_time)
    event = claims_at(published, ingested)
    at, arrived = article_time(event, WINDOW, NOW), arrival_time(event, WINDOW, NOW)
    placed = place(event, at, arrived, {card.id: card}, {}, StoryParams())
    expired(placed.card, arrived, STORY_WINDOW)
    expired(card, arrived, STORY_WINDOW)


def test_a_far_future_date_from_a_topic_neither_crashes_nor_ages_stories_out() -> None:
    """Any producer can write the claims topic: a date outside the window around the ingest
    time falls back to the ingest time, so one record cannot expire every story."""
    far = datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert article_time(claims_at(far, NOW), WINDOW, NOW) == NOW
    assert article_time(claims_at(None, far), WINDOW, NOW) == NOW + WINDOW.max_ahead
    recent = NOW - timedelta(hours=5)
    assert article_time(claims_at(recent, NOW), WINDOW, NOW) == recent
    card = new_card("old", TERMS, recent, recent)
    assert not expired(card, arrival_time(claims_at(far, NOW), WINDOW, NOW), STORY_WINDOW)
    assert not expired(card, arrival_time(claims_at(None, far), WINDOW, NOW), STORY_WINDOW)
