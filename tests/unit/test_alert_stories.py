"""Story grouping: one event's reports share a story, different events never do.

The articles below are written for this test (invented places and people) in the style of
wire reports; each goes through the real extractor, then the index places it, in arrival
order, exactly as the alert stage does.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from claimwatch.models import Article, ClaimsExtracted
from claimwatch.settings import Settings
from claimwatch_alert.config import StoryParams, load_config
from claimwatch_alert.index import (
    ArticleRef,
    arrival_time,
    article_time,
    expired,
    place,
    publication_time,
)
from claimwatch_alert.retention import close_expired
from claimwatch_alert.stories import (
    ArticleTerms,
    CardCache,
    StoryCard,
    add_article,
    article_terms,
    bar,
    choose_story,
    entity_key,
    new_card,
)
from claimwatch_extract.pipeline import extract_batch

PARAMS = load_config().stories
DATES = Settings().date_window
ARRIVAL = datetime(2024, 3, 20, 9, 0, tzinfo=UTC)
WINDOW = timedelta(hours=72)

# (key, outlet, published, headline, body) in arrival order
STREAM = [
    (
        "crash",
        "riverside-herald",
        "2024-03-05T08:10:00+00:00",
        "Tram derails in Korvath, injuring 14",
        "A tram carrying morning commuters derailed on Tuesday near Korvath's central "
        "station, injuring 14 people, the city's transport operator Korvath Metro said. "
        "Firefighters freed two passengers trapped in the front carriage. Mayor Ilse Brandt "
        "said the line would stay closed while investigators examine the track.",
    ),
    (
        "council",
        "riverside-herald",
        "2024-03-05T15:00:00+00:00",
        "Korvath council approves new budget",
        "The Korvath city council approved the annual budget on Tuesday after a long debate. "
        "Mayor Ilse Brandt said the plan raises spending on schools and parks. Opposition "
        "councillors voted against the tax increase.",
    ),
    (
        "crash_again",
        "northern-wire",
        "2024-03-05T11:40:00+00:00",
        "Fourteen hurt as commuter tram leaves the rails in Korvath",
        "Fourteen people were injured when a commuter tram derailed close to the central "
        "station in Korvath on Tuesday morning. Korvath Metro said the front carriage left "
        "the track on a curve; two passengers had to be freed by firefighters. Mayor Ilse "
        "Brandt visited the scene.",
    ),
    (
        "other_crash",
        "southern-post",
        "2024-03-09T10:00:00+00:00",
        "Tram derails in Lismora, six injured",
        "A tram derailed on Saturday in the port city of Lismora, injuring six passengers, "
        "the regional operator Lismora Transit said. Police closed the harbour road while "
        "engineers lifted the carriage back onto the rails.",
    ),
    (
        "follow_up",
        "coastal-times",
        "2024-03-15T09:00:00+00:00",
        "Investigators blame worn rail for Korvath tram derailment",
        "A worn section of rail caused the tram derailment near Korvath's central station "
        "that injured 14 people last week, investigators said on Friday. Korvath Metro said "
        "it would replace the track on the curve. Mayor Ilse Brandt called for checks across "
        "the network.",
    ),
]


@pytest.fixture(scope="module")
def story_of(nlp: Any) -> dict[str, str]:
    """Every article of STREAM placed in arrival order: key -> story id."""
    articles = [
        Article(
            id=key,
            source=outlet,
            title=headline,
            published_at=datetime.fromisoformat(published),
            ingested_at=ARRIVAL + timedelta(seconds=i),
            text=f"{headline}\n\n{body}",
            original_text=body,
        )
        for i, (key, outlet, published, headline, body) in enumerate(STREAM)
    ]
    cards: dict[str, StoryCard] = {}
    placed: dict[str, str] = {}
    for article, (_, claims) in zip(articles, extract_batch(nlp, articles), strict=True):
        at = article_time(claims, DATES, ARRIVAL)
        placement = place(claims, at, arrival_time(claims, DATES, ARRIVAL), cards, {}, PARAMS)
        cards[placement.story] = placement.card
        placed[article.id] = placement.story
    return placed


def test_one_event_from_two_outlets_shares_a_story(story_of: dict[str, str]) -> None:
    assert story_of["crash_again"] == story_of["crash"]


def test_a_follow_up_ten_days_later_joins_when_it_is_plainly_the_same_event(
    story_of: dict[str, str],
) -> None:
    assert story_of["follow_up"] == story_of["crash"]


def test_the_same_kind_of_accident_elsewhere_days_later_is_another_story(
    story_of: dict[str, str],
) -> None:
    assert story_of["other_crash"] != story_of["crash"]


def test_another_event_in_the_same_city_on_the_same_day_is_another_story(
    story_of: dict[str, str],
) -> None:
    """Same place, same mayor, same day, same outlet: no shared event words, no shared story."""
    assert story_of["council"] not in (story_of["crash"], story_of["other_crash"])


def test_keywords_say_what_happened(nlp: Any) -> None:
    """Lemmas of content words, most frequent first; names are left to the entities."""
    from claimwatch_extract.keywords import salient_terms

    doc = nlp(
        "Floods cut the coastal road near Tessaly. The flood also cut power to two villages, "
        "and rescuers evacuated families as the river flooded fields, Governor Anna Vosk said."
    )
    terms = salient_terms(doc)
    assert terms[:2] == ["flood", "cut"]
    assert {"evacuate", "river", "village"} <= set(terms)
    assert not {"tessaly", "anna", "vosk", "the", "as"} & set(terms)


# --------------------------------------------------------------------------- pure rules

TERMS = ArticleTerms(entities={"korvath": 1.0, "korvath-metro": 0.9}, keywords={"derail": 1.0})
DAY0 = datetime(2024, 3, 5, tzinfo=UTC)


def test_the_bar_rises_with_the_date_gap_and_ends_at_the_maximum() -> None:
    params = StoryParams(min_score=0.2, grace_days=2, penalty_per_day=0.05, max_gap_days=10)
    assert bar(0, params) == bar(2, params) == 0.2
    assert bar(6, params) == pytest.approx(0.4)
    assert bar(10.5, params) is None


def test_identical_terms_past_the_maximum_gap_open_a_new_story() -> None:
    card = new_card("a", TERMS, DAY0, DAY0)
    near = DAY0 + timedelta(days=PARAMS.max_gap_days - 1)
    far = DAY0 + timedelta(days=PARAMS.max_gap_days + 1)
    assert choose_story([card], TERMS, near, PARAMS) == card
    assert choose_story([card], TERMS, far, PARAMS) is None


def test_an_archive_replayed_out_of_order_closes_no_story_that_is_still_receiving() -> None:
    """Stories close on the arrival clock: an article dated years earlier does not close the
    stories of later dates that arrived a minute before it."""
    recent = new_card("recent", TERMS, datetime(2019, 6, 1, tzinfo=UTC), ARRIVAL)
    old_dated = ClaimsExtracted(
        article_id="old",
        source="archive",
        published_at=datetime(2013, 6, 1, tzinfo=UTC),
        ingested_at=ARRIVAL + timedelta(minutes=1),
    )
    arrived = arrival_time(old_dated, DATES, ARRIVAL + timedelta(minutes=1))
    cards: dict[bytes, bytes | None] = {b"recent": recent.model_dump_json().encode()}
    assert close_expired(cards, {}, {"recent": recent}, arrived, WINDOW) == []
    idle = ARRIVAL + 2 * WINDOW + timedelta(minutes=1)
    assert expired(recent, idle, WINDOW)
    assert close_expired(cards, {}, {"recent": recent}, idle, WINDOW) == ["recent"]


def test_a_copy_joins_its_original_whatever_its_terms() -> None:
    original = new_card("orig", TERMS, DAY0, DAY0)
    ref = ArticleRef(story=original.id, source="wire", origin="wire", at=DAY0)
    copy = ClaimsExtracted(
        article_id="copy",
        source="reprint",
        duplicate_of="orig",
        ingested_at=DAY0,
        entity_ids=["gpe:elsewhere"],
    )
    placed = place(copy, DAY0, DAY0, {original.id: original}, {"orig": ref}, PARAMS)
    assert placed.story == original.id and placed.origin == "wire"


def test_cards_written_before_keywords_still_load() -> None:
    """A changelog written by the previous version (entity counts and titles) is recovered."""
    old = {
        "id": "st-1",
        "entity_counts": {"gpe:korvath": 2, "org:korvath-metro": 1},
        "titles": ["Tram derails"],
        "first_at": DAY0.isoformat(),
        "last_at": DAY0.isoformat(),
        "articles": 2,
    }
    card = StoryCard.model_validate(old)
    assert card.entities == {"korvath": 2.0, "korvath-metro": 1.0}
    assert card.touched_at is None and not expired(card, DAY0 + WINDOW, WINDOW)


def test_the_card_cache_parses_a_card_again_only_when_its_bytes_change() -> None:
    cache = CardCache()
    one = new_card("a", TERMS, DAY0, DAY0)
    two = new_card("b", TERMS, DAY0, DAY0)
    table = {one.id.encode(): one.model_dump_json().encode(), b"gone": None}
    first = cache.read(table.items())
    assert cache.read(table.items())[one.id] is first[one.id]
    grown = one.model_copy(update={"articles": 2})
    table[one.id.encode()] = grown.model_dump_json().encode()
    table[two.id.encode()] = two.model_dump_json().encode()
    again = cache.read(table.items())
    assert again[one.id] == grown and again[two.id] == two and "gone" not in again


def test_an_undated_report_of_an_archived_story_joins_it_on_the_arrival_clock() -> None:
    """An archive replayed today: the story's reports are dated years ago and arrived a
    minute ago. A report without a date arrives now; its arrival says nothing about its
    publication, so it is compared with the story's arrivals, and it joins on its terms."""
    story = new_card("dated", TERMS, DAY0, ARRIVAL)
    undated = ClaimsExtracted(
        article_id="undated",
        source="blog",
        ingested_at=ARRIVAL + timedelta(minutes=1),
        entity_ids=["gpe:korvath", "org:korvath-metro"],
        keywords=["derail"],
    )
    now = ARRIVAL + timedelta(minutes=1)
    at, arrived = article_time(undated, DATES, now), arrival_time(undated, DATES, now)
    assert publication_time(undated, DATES, now) is None and at == arrived
    placed = place(undated, at, arrived, {story.id: story}, {}, PARAMS, dated=False)
    assert placed.story == story.id
    # its arrival is no publication date: the story keeps its dates
    assert (placed.card.first_at, placed.card.last_at) == (DAY0, DAY0)
    assert placed.card.touched_at == arrived and placed.card.dated


def test_an_undated_report_does_not_join_a_story_whose_reports_stopped_arriving() -> None:
    story = new_card("dated", TERMS, DAY0, ARRIVAL)
    late = ARRIVAL + timedelta(days=PARAMS.max_gap_days + 1)
    assert choose_story([story], TERMS, late, PARAMS, undated_arrival=late) is None
    assert choose_story([story], TERMS, ARRIVAL, PARAMS, undated_arrival=ARRIVAL) == story


def test_a_dated_report_is_still_compared_on_publication_dates() -> None:
    """A dated report arriving with the archive is not pulled in by the arrival clock."""
    story = new_card("dated", TERMS, DAY0, ARRIVAL)
    years_later = DAY0 + timedelta(days=4 * 365)
    assert choose_story([story], TERMS, years_later, PARAMS) is None


def test_the_first_dated_report_gives_a_story_of_undated_ones_its_dates() -> None:
    story = new_card("undated", TERMS, ARRIVAL, ARRIVAL, dated=False)
    assert not story.dated
    joined = add_article(story, TERMS, DAY0 + timedelta(days=14), ARRIVAL, PARAMS)
    assert joined.dated and joined.first_at == joined.last_at == DAY0 + timedelta(days=14)
    assert StoryCard.model_validate_json(story.model_dump_json()) == story


def test_one_person_named_in_several_forms_is_one_entity() -> None:
    forms = ["person:ilse-brandt", "person:ilse-m-brandt", "person:brandt", "person:ilse-brandt-jr"]
    assert {entity_key(f) for f in forms} == {"brandt"}
    assert entity_key("gpe:korvath") == entity_key("fac:korvath") == "korvath"
    terms = article_terms(["person:ilse-m-brandt", "gpe:korvath"], ["derail"], PARAMS)
    story = new_card("a", article_terms(["person:brandt"], ["derail"], PARAMS), DAY0, DAY0)
    other = new_card("b", article_terms(["person:ilse-vahl"], ["derail"], PARAMS), DAY0, DAY0)
    assert choose_story([other, story], terms, DAY0, PARAMS) == story
