"""Corpus scoring on hand-made alert lists: misses, extras, forbidden alerts, versions."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from claimwatch.models import OPT_IN_KINDS, Alert, AlertClaim, AlertSide, Interval
from claimwatch_app.evaluation import (
    CorpusStory,
    Expectations,
    details,
    load_corpus,
    render,
    score,
)

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
NOW = datetime(2026, 11, 20, tzinfo=UTC)


def contradiction(
    aid: str,
    version: int,
    values: list[tuple[float, float]],
    articles: list[str],
    n: int = 2,
    slot: str = "quantity:country:commit",
) -> Alert:
    return Alert(
        id=aid,
        version=version,
        kind="contradiction",
        rule="contradiction",
        severity="high",
        title="t",
        sources=["a", "b"],
        story="st",
        slot=slot,
        independent_sources=n,
        explanation="On x: a: 1; b: 2",
        article_ids=articles,
        ingested_at=NOW,
        sides=[
            AlertSide(value=Interval(low=lo, high=hi, unit="country"), text="x", sources=["a"])
            for lo, hi in values
        ],
    )


def key_claim(aid: str, articles: list[str], actor: str = "Sorin Tevak") -> Alert:
    return Alert(
        id=aid,
        version=1,
        kind="key_claim",
        rule="threat-of-force-foreign-military",
        severity="critical",
        title="t",
        sources=["a"],
        story="st",
        independent_sources=1,
        explanation="e",
        article_ids=articles,
        ingested_at=NOW,
        claim=AlertClaim(type="threat", actor=actor, text="x", sources=["a"]),
    )


def story(name: str, must: list[dict], must_not: list[dict] | None = None) -> CorpusStory:
    exp = Expectations.model_validate(
        {"story": name, "about": "", "must_fire": must, "must_not_fire": must_not or []}
    )
    return CorpusStory(name, Path(name), exp)


STORIES = [
    story(
        "coalition",
        [
            {"kind": "key_claim", "rule": "threat-of-force-foreign-military", "actor": "tevak"},
            {
                "kind": "contradiction",
                "slot": "quantity:country:*",
                "values": [[24, 24], [26, 26]],
                "independent_sources": 3,
            },
        ],
    ),
    story("flood", [], [{"kind": "contradiction", "why": "vague figures agree"}]),
]
OWNERS = {"c1": "coalition", "c2": "coalition", "c3": "coalition", "f1": "flood"}


def test_all_expected_and_nothing_else_passes_using_the_last_version() -> None:
    alerts = [
        key_claim("k", ["c1"]),
        contradiction("x", 1, [(24, 24), (26, 26)], ["c1", "c2"], n=2),
        contradiction("x", 2, [(24, 24), (26, 26)], ["c1", "c2", "c3"], n=3),
    ]
    scores = {s.story: s for s in score(STORIES, alerts, OWNERS)}
    assert scores["coalition"].passed and scores["coalition"].hits == 2
    assert scores["flood"].passed and scores["flood"].fired == []


def test_misses_extras_and_forbidden_alerts_fail() -> None:
    alerts = [
        contradiction("x", 1, [(24, 24), (26, 26)], ["c1", "c2"], n=2),  # wrong source count
        contradiction("y", 1, [(10, 11), (14, 14)], ["f1"]),
    ]
    scores = {s.story: s for s in score(STORIES, alerts, OWNERS)}
    coalition, flood = scores["coalition"], scores["flood"]
    assert not coalition.passed and len(coalition.missed) == 2 and len(coalition.extra) == 1
    assert not flood.passed and len(flood.extra) == 1 and len(flood.forbidden) == 1
    lines = details(list(scores.values()))
    assert any(line.startswith("coalition: MISSED key_claim") for line in lines)
    assert any(line.startswith("flood: FORBIDDEN (vague figures agree)") for line in lines)
    assert render(list(scores.values())).row_count == 3


def test_alert_spanning_two_stories_is_extra_in_both() -> None:
    scores = {s.story: s for s in score(STORIES, [key_claim("k", ["c1", "f1"])], OWNERS)}
    assert scores["coalition"].hits == 1 and scores["flood"].extra


def test_shipped_corpus_is_valid_and_large_enough() -> None:
    stories = load_corpus(CORPUS)
    assert len(stories) >= 8
    for s in stories:
        articles = [p for p in s.folder.iterdir() if p.suffix in (".md", ".txt")]
        outlets = {p.read_text().split("source:", 1)[1].split()[0] for p in articles}
        assert len(outlets) >= 3, s.name
    # stories where nothing pages (a figure update is opt-in and does not page)
    quiet = [s for s in stories if all(e.kind in OPT_IN_KINDS for e in s.expectations.must_fire)]
    assert len(quiet) >= 2
    assert any(e.self_contradiction for s in stories for e in s.expectations.must_fire)
