"""The alert stage's CPU per article over the pipeline bench's own articles, in-process.

Why: ``bench_pipeline.py`` showed the alert stage queueing at 75 % load once a run had sent a
few thousand articles. This replays that load through the alert stage's pure cores as the
worker runs them (``agent.py``): the story index over every open story's card
(``CardCache``, ``index.place``), then the story's state (``StateCache``), ``apply_article``
and the state and card encoded for their tables. The articles are ``bench_pipeline.py``'s
(``articles.py``, its seed), extracted once into ``--events`` (spaCy is the slow part and
does not depend on the alert code); arrivals are 50 ms apart.

    .venv/bin/python bench/bench_alert_stage.py --events /tmp/bench-events.jsonl

Prints one JSON object: CPU milliseconds per article of the index and of detection around
the Nth article (mean of the 50 before it), their totals, the stories and the largest ones,
and a digest of every placement and alert version (``fired_at`` is a fixed clock), which
must not change when only the cost changes.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from articles import articles

from claimwatch.models import Article, ClaimsExtracted
from claimwatch.settings import Settings
from claimwatch_alert.config import load_config
from claimwatch_alert.engine import apply_article
from claimwatch_alert.index import ArticleRef, arrival_time, article_time, place, publication_time
from claimwatch_alert.rules import load_rules
from claimwatch_alert.state import StateCache
from claimwatch_alert.stories import CardCache

T0 = datetime(2026, 12, 2, 6, 0, tzinfo=UTC)
SEED = 11  # bench_pipeline.py's default


def cached_events(path: Path, count: int) -> list[ClaimsExtracted]:
    if not path.exists():
        from claimwatch_extract.pipeline import extract_batch, load_nlp

        settings = Settings()
        batch = [
            Article(
                id=f"b{i:05d}",
                source=a["source"],
                ingested_at=T0 + timedelta(seconds=i / 20),
                text=a["text"],
                original_text=a["text"],
            )
            for i, a in enumerate(articles(count, SEED))
        ]
        events = [e for _, e in extract_batch(load_nlp(settings.spacy_model), batch)]
        path.write_text("".join(e.model_dump_json() + "\n" for e in events))
    lines = path.read_text().splitlines()[:count]
    return [ClaimsExtracted.model_validate_json(line) for line in lines]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--articles", type=int, default=3000)
    ap.add_argument("--events", type=Path, required=True, help="cache of extract's output")
    args = ap.parse_args()
    events = cached_events(args.events, args.articles)
    settings, rules, config = Settings(), load_rules(), load_config()
    now = T0 + timedelta(hours=1)
    cards, card_table = CardCache(), dict[bytes, bytes | None]()
    refs: dict[str, ArticleRef] = {}
    parsed, states = StateCache(), dict[bytes, bytes]()
    index_ms: list[float] = []
    detect_ms: list[float] = []
    digest = hashlib.sha256()
    for event in events:
        started = time.process_time()
        at = article_time(event, settings.date_window, now)
        arrived = arrival_time(event, settings.date_window, now)
        dated = publication_time(event, settings.date_window, now) is not None
        known = cards.read(card_table.items())
        placed = place(event, at, arrived, known, refs, config.stories, dated, cards.rarities())
        card_table[placed.story.encode()] = placed.card.model_dump_json().encode()
        refs[event.article_id] = placed.ref
        placed_at = time.process_time()
        key = placed.story.encode()
        state, judged = parsed.read(key, states.get(key), placed.story)
        state, sent = apply_article(state, event, rules, config, now, placed.origin, judged)
        states[key] = state.model_dump_json().encode()
        parsed.keep(key, states[key], state, judged=True)
        done = time.process_time()
        index_ms.append(1000 * (placed_at - started))
        detect_ms.append(1000 * (done - placed_at))
        digest.update(placed.story.encode())
        for alert in sent:
            digest.update(alert.model_dump_json().encode())

    def around(values: list[float], n: int) -> float:
        return round(sum(values[n - 50 : n]) / 50, 2)

    marks = [n for n in (250, 500, 1000, 2000, 3000, 4000) if n <= len(events)]
    sizes = sorted(
        (card.articles for card in cards.read(card_table.items()).values()), reverse=True
    )
    print(
        json.dumps(
            {
                "bench": "alert_stage",
                "articles": len(events),
                "stories": len(sizes),
                "largest_stories": sizes[:5],
                "index_cpu_ms_at": {str(n): around(index_ms, n) for n in marks},
                "detect_cpu_ms_at": {str(n): around(detect_ms, n) for n in marks},
                "index_cpu_s": round(sum(index_ms) / 1000, 2),
                "detect_cpu_s": round(sum(detect_ms) / 1000, 2),
                "digest": digest.hexdigest()[:16],
            }
        )
    )


if __name__ == "__main__":
    main()
