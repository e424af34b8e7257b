"""The web read model on a real SQLite file: migrations, idempotent writes, and what the
story, stories and article queries make of a small written story."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, func, select, text
from web_records import (
    MISSING,
    STORY,
    T0,
    article,
    claims,
    contradiction,
    figure_update,
    full_story,
    missing_claim,
    placed,
)

from claimwatch.models import FactTime
from claimwatch_web import queries
from claimwatch_web.database import alembic_config, make_engine, migrate
from claimwatch_web.schema import ALERTS, ARTICLES, CLAIMS, PLACEMENTS, Base
from claimwatch_web.store import ReadModelWriter


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'web.sqlite3'}")
    migrate(engine)
    return engine


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table)) or 0)


def test_migrations_build_exactly_the_declared_schema_and_rerun_as_no_ops(engine: Engine) -> None:
    migrate(engine)  # again: nothing to do
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_an_older_database_is_upgraded_with_its_rows_kept(tmp_path: Path) -> None:
    old = make_engine(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    config = alembic_config()
    with old.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    with old.begin() as conn:
        body = contradiction().model_dump_json()
        conn.execute(
            text(
                "INSERT INTO alerts (id, version, kind, rule, severity, title, story, "
                "independent_sources, explanation, fired_at, body) VALUES ('ct-1', 1, "
                "'contradiction', 'r', 'high', 't', :story, 2, 'e', :at, :body)"
            ),
            {"story": STORY, "at": T0, "body": body},
        )
    migrate(old)
    with old.connect() as conn:
        assert conn.execute(select(ALERTS.c.id, ALERTS.c.read_at)).all() == [("ct-1", None)]
        assert queries.story_page(conn, STORY) is not None


def test_a_replayed_stream_changes_nothing(engine: Engine) -> None:
    writer = ReadModelWriter(engine)
    touched = writer.apply(full_story(), {("t.articles", 0): 3})  # type: ignore[arg-type]
    assert touched == {STORY}
    counts = [_count(engine, t) for t in (ARTICLES, CLAIMS, PLACEMENTS, ALERTS)]
    assert counts == [3, 5, 3, 1]
    writer.apply(full_story(), {("t.articles", 0): 6})  # type: ignore[arg-type]
    assert [_count(engine, t) for t in (ARTICLES, CLAIMS, PLACEMENTS, ALERTS)] == counts
    assert writer.offsets() == {("t.articles", 0): 6}


def test_a_newer_extraction_replaces_the_claims_and_an_older_one_is_ignored(
    engine: Engine,
) -> None:
    writer = ReadModelWriter(engine)
    writer.apply([claims("a1", missing_claim("a1", 40, None))], {})
    newer = claims("a1", missing_claim("a1", 41, None), at=T0 + timedelta(hours=1))
    writer.apply([newer], {})
    older = claims("a1", missing_claim("a1", 39, None), at=T0)
    writer.apply([older], {})
    with engine.connect() as conn:
        assert list(conn.scalars(select(CLAIMS.c.value_low))) == [41]


def test_the_newest_placement_wins_whatever_order_it_arrives_in(engine: Engine) -> None:
    writer = ReadModelWriter(engine)
    writer.apply([placed("a1", "st-new", minutes=9), placed("a1", "st-old", minutes=3)], {})
    with engine.connect() as conn:
        assert conn.scalar(select(PLACEMENTS.c.story)) == "st-new"


def test_story_page_groups_reports_facts_claims_and_alert_versions(engine: Engine) -> None:
    writer = ReadModelWriter(engine)
    writer.apply(full_story(), {})  # type: ignore[arg-type]
    writer.apply([contradiction(version=2, independent_sources=3)], {})
    with engine.connect() as conn:
        page = queries.story_page(conn, STORY)
    assert page is not None
    assert [r.source for r in page.reports] == ["north-post", "harbour-news", "wire-copy"]
    copy = page.reports[2]
    assert (copy.copy_of, copy.copy_of_source) == ("a2", "harbour-news")
    assert page.outlets == ["harbour-news", "north-post", "wire-copy"]
    assert page.entities == ["Orvik"]
    (fact,) = page.facts
    assert fact.label == "people missing after the ferry sinking"  # extract's own words
    assert fact.disputed and fact.moving
    assert fact.distinct == ["≥ 40 person", "52 person"]
    assert fact.chart is not None and len(fact.chart.points) == 2  # the copy is not plotted
    marked = ["".join(s.text for s in v.segments if s.marked) for v in fact.values]
    assert marked == ["at least 40", "52", "52"]
    (threat,) = page.key_claims
    assert (threat.actor, threat.target_class, threat.targets) == (
        "Governor Lind",
        "criminals",
        ["smugglers"],
    )
    assert [e.is_copy for e in threat.evidence] == [False, True]
    (alert,) = page.contradictions
    assert [v.version for v in alert.versions] == [2, 1]
    sides = alert.latest.sides
    assert [s.shown for s in sides] == ["≥ 40 person", "52 person"]
    assert ["".join(x.text for x in s.segments if x.marked) for s in sides] == [
        "at least 40",
        "52",
    ]


def test_an_earlier_or_background_value_is_shown_aside_not_as_a_move(engine: Engine) -> None:
    writer = ReadModelWriter(engine)
    earlier = MISSING.model_copy(update={"time": FactTime.EARLIER})
    writer.apply(
        [
            article("a1", 0),
            article("a2", 2),
            placed("a1"),
            placed("a2"),
            claims("a1", missing_claim("a1", 40, None)),
            claims("a2", missing_claim("a2", 52, 52, fact=earlier)),
        ],
        {},
    )
    with engine.connect() as conn:
        page = queries.story_page(conn, STORY)
    assert page is not None
    (fact,) = page.facts
    assert [v.aside for v in fact.values] == [None, "earlier"]
    assert fact.distinct == ["≥ 40 person"] and not fact.moving and fact.chart is None


def test_a_figure_update_alert_with_the_grown_contract_is_shown(engine: Engine) -> None:
    writer = ReadModelWriter(engine)
    writer.apply([*full_story(), figure_update()], {})  # type: ignore[list-item]
    with engine.connect() as conn:
        page = queries.story_page(conn, STORY)
    assert page is not None
    (update,) = page.figure_updates
    assert update.label == "people missing after the ferry sinking"
    assert [step.shown for step in update.latest.timeline] == ["≥ 40 person", "52 person"]
    assert page.facts[0].label == "people missing after the ferry sinking"  # named by the alert


def test_stories_list_filters_by_alert_kind_and_entity(engine: Engine) -> None:
    writer = ReadModelWriter(engine)
    writer.apply(full_story(), {})  # type: ignore[arg-type]
    writer.apply([article("b1", 5, source="other-outlet"), placed("b1", "st-other")], {})
    with engine.connect() as conn:
        everything = queries.list_stories(conn)
        disputed = queries.list_stories(conn, kind="contradiction")
        orvik = queries.list_stories(conn, q="ORV")
        nothing = queries.list_stories(conn, q="100%_")
    assert [s.id for s in everything.items] == ["st-other", STORY]  # newest first
    ferry = everything.items[1]
    assert (ferry.outlets, ferry.articles, ferry.badges) == (3, 3, {"contradiction": 1})
    assert ferry.title == "Ferry sinks near Orvik (a1)"
    assert [s.id for s in disputed.items] == [STORY]
    assert [s.id for s in orvik.items] == [STORY]
    assert nothing.items == []
    assert everything.kinds == ["contradiction"]


def test_article_page_marks_each_claim_and_its_number(engine: Engine) -> None:
    writer = ReadModelWriter(engine)
    writer.apply(full_story(), {})  # type: ignore[arg-type]
    with engine.connect() as conn:
        page = queries.article_page(conn, "a2")
        assert queries.article_page(conn, "nope") is None
    assert page is not None
    assert page.story == STORY
    assert [c.type for c in page.claims] == ["quantity", "threat"]
    assert "".join(s.text for s in page.segments) == article("a2", 0).text
    numbers = [s.text for s in page.segments if s.number]
    assert numbers == ["52"]
    starts = [s.starts for s in page.segments if s.starts]
    assert starts == [(1,), (2,)]
    assert page.type_counts == {"quantity": 1, "threat": 1}
