"""Scoring the alert stage against a corpus of stories with expectations.

A corpus is a folder of story folders; each holds article files (txt/md with front matter)
and ``expect.yaml`` (validated by ``Expectations``) listing the alerts that must fire and the
ones that must not. ``claimwatch eval`` replays every story together (so story grouping is
tested too), keeps the last version of each alert, attributes alerts to corpus stories by
the article ids behind them, and scores: a story passes when every expected alert fired and
nothing else did.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field
from rich.table import Table

from claimwatch.models import Alert, AlertKind
from claimwatch.yamlload import load_yaml_model

EXPECT_FILE = "expect.yaml"


class ExpectedAlert(BaseModel):
    """What an alert must (or must not) look like; unset fields match anything."""

    model_config = ConfigDict(extra="forbid")

    kind: AlertKind
    rule: str | None = None
    slot: str | None = Field(None, description="fnmatch pattern of the alert's slot.")
    actor: str | None = Field(None, description="Case-insensitive part of the claim's actor.")
    values: list[tuple[float | None, float | None]] | None = Field(
        None,
        description="Every side's (low, high), in value order; for a figure update, every "
        "timeline value in the order it appeared.",
    )
    independent_sources: int | None = None
    min_sources: int | None = None
    max_sources: int | None = None
    self_contradiction: bool | None = None
    why: str | None = None

    def matches(self, alert: Alert) -> bool:
        if alert.kind != self.kind or (self.rule and alert.rule != self.rule):
            return False
        if self.slot and not fnmatch.fnmatchcase(alert.slot or "", self.slot):
            return False
        actor = (alert.claim.actor or "") if alert.claim else ""
        if self.actor and self.actor.lower() not in actor.lower():
            return False
        if self.values is not None:
            shown = [s.value for s in alert.sides or []] + [t.value for t in alert.timeline or []]
            if [(v.low, v.high) for v in shown] != [tuple(v) for v in self.values]:
                return False
        n = alert.independent_sources
        if self.independent_sources is not None and n != self.independent_sources:
            return False
        if (self.min_sources is not None and n < self.min_sources) or (
            self.max_sources is not None and n > self.max_sources
        ):
            return False
        if self.self_contradiction is not None:
            flagged = "self-contradiction" in alert.explanation
            if flagged != self.self_contradiction:
                return False
        return True

    def describe(self) -> str:
        parts = [self.kind.value]
        for name in ("rule", "slot", "actor", "values", "independent_sources", "min_sources"):
            value = getattr(self, name)
            if value is not None:
                parts.append(f"{name}={value}")
        return " ".join(parts)


class Expectations(BaseModel):
    model_config = ConfigDict(extra="forbid")

    story: str
    about: str
    must_fire: list[ExpectedAlert] = Field(default_factory=list)
    must_not_fire: list[ExpectedAlert] = Field(default_factory=list)


@dataclass(frozen=True)
class CorpusStory:
    name: str
    folder: Path
    expectations: Expectations


@dataclass
class StoryScore:
    story: str
    expected: int
    fired: list[Alert] = field(default_factory=list)
    missed: list[ExpectedAlert] = field(default_factory=list)
    extra: list[Alert] = field(default_factory=list)
    forbidden: list[tuple[ExpectedAlert, Alert]] = field(default_factory=list)

    @property
    def hits(self) -> int:
        return self.expected - len(self.missed)

    @property
    def passed(self) -> bool:
        return not self.missed and not self.extra and not self.forbidden


def load_corpus(root: Path) -> list[CorpusStory]:
    folders = sorted(p for p in root.iterdir() if (p / EXPECT_FILE).is_file())
    if not folders:
        raise FileNotFoundError(f"{root}: no story folders with {EXPECT_FILE}")
    return [CorpusStory(f.name, f, load_yaml_model(f / EXPECT_FILE, Expectations)) for f in folders]


def article_stories(stories: Iterable[CorpusStory]) -> dict[str, str]:
    """Article id -> corpus story, computed the way ingest computes ids."""
    from claimwatch.models import SourceKind
    from claimwatch.settings import Settings
    from claimwatch_ingest.files import iter_article_paths, read_article_file
    from claimwatch_ingest.publisher import build_article

    max_bytes = Settings().ingest_max_bytes
    out: dict[str, str] = {}
    for story in stories:
        for path in iter_article_paths([story.folder]):
            out[build_article(read_article_file(path), SourceKind.FILE, max_bytes).id] = story.name
    return out


def latest_versions(alerts: Iterable[Alert]) -> list[Alert]:
    last: dict[str, Alert] = {}
    for alert in alerts:
        if alert.id not in last or alert.version > last[alert.id].version:
            last[alert.id] = alert
    return list(last.values())


def score(
    stories: list[CorpusStory], alerts: Iterable[Alert], owners: dict[str, str]
) -> list[StoryScore]:
    """One score per story; an alert whose articles span stories is extra in each."""
    scores = {s.name: StoryScore(s.name, len(s.expectations.must_fire)) for s in stories}
    for alert in latest_versions(alerts):
        for name in sorted({owners.get(a, "(unknown)") for a in alert.article_ids}):
            scores.setdefault(name, StoryScore(name, 0)).fired.append(alert)
    for story in stories:
        result = scores[story.name]
        matched: set[str] = set()
        for expected in story.expectations.must_fire:
            hit = next((a for a in result.fired if expected.matches(a)), None)
            if hit is None:
                result.missed.append(expected)
            else:
                matched.add(hit.id)
        result.extra = [a for a in result.fired if a.id not in matched]
        result.forbidden = [
            (e, a) for e in story.expectations.must_not_fire for a in result.fired if e.matches(a)
        ]
    return list(scores.values())


def render(scores: list[StoryScore]) -> Table:
    table = Table(title="claimwatch alert evaluation")
    for column in ("story", "must fire", "fired", "hit", "missed", "extra", "forbidden", "result"):
        left = column == "story"
        table.add_column(column, justify="left" if left else "right", no_wrap=left)
    for s in scores:
        table.add_row(
            s.story,
            str(s.expected),
            str(len(s.fired)),
            str(s.hits),
            str(len(s.missed)),
            str(len(s.extra)),
            str(len(s.forbidden)),
            "[green]pass[/green]" if s.passed else "[red]FAIL[/red]",
        )
    total = [
        sum(x)
        for x in zip(
            *[
                (s.expected, len(s.fired), s.hits, len(s.missed), len(s.extra), len(s.forbidden))
                for s in scores
            ],
            strict=True,
        )
    ]
    passed = sum(s.passed for s in scores)
    table.add_row("total", *map(str, total), f"{passed}/{len(scores)}", end_section=True)
    return table


def details(scores: list[StoryScore]) -> list[str]:
    lines = []
    for s in scores:
        for expected in s.missed:
            lines.append(f"{s.story}: MISSED {expected.describe()}")
        for alert in s.extra:
            lines.append(f"{s.story}: EXTRA {alert.kind.value} {alert.rule}: {alert.explanation}")
        for expected, alert in s.forbidden:
            lines.append(f"{s.story}: FORBIDDEN ({expected.why}): {alert.title}")
    return lines


def run_eval(
    corpus: Path, bootstrap: str | None = None, timeout_s: float = 600
) -> tuple[list[StoryScore], list[Alert]]:
    from claimwatch_app.replay import run_replay

    stories = load_corpus(corpus)
    alerts = run_replay(
        [s.folder for s in stories], bootstrap=bootstrap, timeout_s=timeout_s
    ).alerts
    return score(stories, alerts, article_stories(stories)), alerts


def run_eval_cmd(corpus: Path, bootstrap: str | None, timeout_s: float) -> int:
    """CLI adapter: 0 when every story passes, 1 otherwise, 2 for a bad corpus."""
    from rich.console import Console

    from claimwatch.yamlload import ConfigFileError

    console = Console(width=None if Console().is_terminal else 120)
    try:
        scores, _ = run_eval(corpus, bootstrap, timeout_s)
    except (FileNotFoundError, ConfigFileError) as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}")
        return 2
    console.print(render(scores))
    for line in details(scores):
        console.print(line, markup=False, highlight=False)
    return 0 if all(s.passed for s in scores) else 1
