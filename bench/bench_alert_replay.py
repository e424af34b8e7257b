"""The alert stage's CPU time over the real-news replay, and its output for a before/after check.

Why: an optimisation of the alert stage must not change a single alert, and its gain must be
measured on a shared machine, where only CPU time (``time.process_time``) is comparable. The
extract stage's output for every real-news article is cached once (``--events``, JSON lines;
spaCy is the slow part and does not depend on the alert code), then every dataset is folded
through the alert stage's pure cores in-process, as the worker does per article: the story
index (``index.place``), then the state decoded from its stored bytes, ``apply_article`` and
the state encoded again. ``--clusters`` folds one story per gold cluster instead, in
publication order (as ``realnews_facts.py``). ``--out`` writes every alert version without
``fired_at`` (the clock), so two runs compare with ``cmp``.

    .venv/bin/python bench/bench_alert_replay.py --events /tmp/events.jsonl --out /tmp/a.jsonl
    ... change the alert code ...
    .venv/bin/python bench/bench_alert_replay.py --events /tmp/events.jsonl --out /tmp/b.jsonl
    cmp /tmp/a.jsonl /tmp/b.jsonl

Prints one JSON object: CPU seconds of the folds per round, alert versions and stories.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from claimwatch.models import ClaimsExtracted
from claimwatch.settings import Settings
from claimwatch_alert.config import load_config
from claimwatch_alert.engine import apply_article
from claimwatch_alert.index import ArticleRef, arrival_time, article_time, place, publication_time
from claimwatch_alert.rules import load_rules
from claimwatch_alert.state import StateCache, StoryState
from claimwatch_alert.stories import CardCache

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2030, 1, 1, tzinfo=UTC)
"""A fixed clock for ``fired_at`` and the index's date window (real-news dates are older)."""


def cached_events(realnews: Path, events: Path, docs: Path | None) -> list[dict[str, Any]]:
    """Rows ``{"path", "event"}`` for every real-news article, extracted once into ``events``."""
    if not events.exists():
        from extract_dump import parsed_docs, realnews_articles

        from claimwatch_extract.pipeline import extract_parsed

        settings = Settings()
        rows = realnews_articles(realnews, settings)
        parsed = parsed_docs([a.text for _, a in rows], docs, settings)
        with events.open("w", encoding="utf-8") as out:
            for (path, article), doc in zip(rows, parsed, strict=True):
                _, claims = extract_parsed(article, doc)
                out.write(json.dumps({"path": path, "event": claims.model_dump_json()}) + "\n")
    return [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]


def fold_index(events: list[ClaimsExtracted]) -> tuple[list[Any], int]:
    """One dataset as the worker folds it (``agent.py``): the index over the stored cards,
    then the story's state (parsed again only when its bytes changed), ``apply_article``,
    and the state and card encoded for their tables."""
    rules, config = load_rules(), load_config()
    settings = Settings()
    cards = CardCache()
    card_table: dict[bytes, bytes | None] = {}
    refs: dict[str, ArticleRef] = {}
    parsed = StateCache()
    states: dict[bytes, bytes] = {}
    out = []
    for event in events:
        at = article_time(event, settings.date_window, NOW)
        arrived = arrival_time(event, settings.date_window, NOW)
        dated = publication_time(event, settings.date_window, NOW) is not None
        known = cards.read(card_table.items())
        placed = place(event, at, arrived, known, refs, config.stories, dated, cards.rarities())
        card_table[placed.story.encode()] = placed.card.model_dump_json().encode()
        refs[event.article_id] = placed.ref
        key = placed.story.encode()
        state, judged = parsed.read(key, states.get(key), placed.story)
        state, sent = apply_article(state, event, rules, config, NOW, placed.origin, judged)
        states[key] = state.model_dump_json().encode()
        parsed.keep(key, states[key], state, judged=True)
        out.extend(sent)
    return out, len(card_table)


def fold_clusters(events: list[tuple[str, ClaimsExtracted]]) -> tuple[list[Any], int]:
    """One story per gold cluster, in publication order (``realnews_facts.py``)."""
    rules, config = load_rules(), load_config()
    by_cluster: dict[str, list[ClaimsExtracted]] = defaultdict(list)
    for cluster, event in events:
        by_cluster[cluster].append(event)
    out = []
    for cluster, members in sorted(by_cluster.items()):
        members.sort(key=lambda e: (e.published_at or e.ingested_at).isoformat())
        state = StoryState(story=cluster)
        for n, event in enumerate(members):
            state, sent = apply_article(state, event, rules, config, NOW, judged=n > 0)
            state.model_dump_json().encode()  # as the worker saves it
            out.extend(sent)
    return out, len(by_cluster)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--realnews", type=Path, default=ROOT.parent / "shared" / "realnews")
    parser.add_argument("--events", type=Path, required=True, help="cache of extract's output")
    parser.add_argument("--docs", type=Path, help="DocBin cache of the parsed articles")
    parser.add_argument("--clusters", action="store_true", help="one story per gold cluster")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--out", type=Path, help="alert versions, fired_at dropped")
    args = parser.parse_args()
    rows = cached_events(args.realnews, args.events, args.docs)
    by_dataset: dict[str, list[tuple[str, ClaimsExtracted]]] = defaultdict(list)
    for row in rows:
        dataset, cluster, _ = row["path"].split("/", 2)
        event = ClaimsExtracted.model_validate_json(row["event"])
        by_dataset[dataset].append((cluster, event))
    cpu: list[float] = []
    alerts: list[Any] = []
    stories = 0
    for _ in range(args.rounds):
        alerts, stories = [], 0
        started = time.process_time()
        for _dataset, events in sorted(by_dataset.items()):
            if args.clusters:
                sent, n = fold_clusters(events)
            else:
                sent, n = fold_index([e for _, e in events])
            alerts.extend(sent)
            stories += n
        cpu.append(round(time.process_time() - started, 3))
    if args.out is not None:
        with args.out.open("w", encoding="utf-8") as out:
            for alert in alerts:
                row = json.loads(alert.model_dump_json())
                row.pop("fired_at", None)
                out.write(json.dumps(row, sort_keys=True) + "\n")
    summary = {
        "bench": "alert_replay",
        "mode": "clusters" if args.clusters else "index",
        "articles": len(rows),
        "stories": stories,
        "alert_versions": len(alerts),
        "cpu_s": cpu,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
