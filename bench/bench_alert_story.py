"""The alert stage's cost per article as one story grows (its pure core, no Kafka).

The alert stage judges a story from its stored claims (so a restart or a late original
gives the same answer): for every article it gains, the facts and speakers that article
touches. A long story's articles are still dearer than a short one's (a fact's every report
is weighed again); this measures by how much. One fictional story of ``--articles``
reports from nine outlets, each stating the same casualty, damage and aid figures (values
varying between outlets) three times, is extracted once, then folded in article by article
with ``apply_article``; the time of each fold, the state's encoding included, is recorded
(wall clock and CPU time). Each article is judged for what it touches, as the worker does;
``--whole`` judges the whole story every time (the answer must be the same:
``alerts_sha256``).

    .venv/bin/python bench/bench_alert_story.py [--articles 150] [--whole]

Prints one JSON object: milliseconds per article at several story sizes, the digest of the
alerts sent, and the state size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from datetime import UTC, datetime, timedelta

from claimwatch.models import Article
from claimwatch.settings import Settings
from claimwatch_alert.config import load_config
from claimwatch_alert.engine import apply_article
from claimwatch_alert.rules import load_rules
from claimwatch_alert.state import StoryState
from claimwatch_extract.pipeline import extract_batch, load_nlp

T0 = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
PARAGRAPH = (
    "Floods in the Marrow valley killed {killed} people and injured {hurt} others, officials "
    "said on Monday. Rescuers evacuated {moved} residents and {homes} homes were damaged. "
    "The regional governor said 12 villages were cut off and 1,200 soldiers were deployed. "
    "Aid agencies said 40,000 people needed shelter. "
)


def story(n: int) -> list[Article]:
    out = []
    for i in range(n):
        figures = {"killed": 10 + i % 4, "hurt": 30 + i % 5, "moved": 200 + i, "homes": 50 + i % 3}
        text = "Floods in the Marrow valley\n\n" + PARAGRAPH.format(**figures) * 3
        at = T0 + timedelta(minutes=5 * i)
        out.append(
            Article(
                id=f"a{i:04d}",
                source=f"outlet-{i % 9}",
                title="Floods in the Marrow valley",
                published_at=at,
                ingested_at=at,
                text=text,
                original_text=text,
            )
        )
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--articles", type=int, default=150)
    ap.add_argument("--whole", action="store_true", help="judge the whole story every time")
    args = ap.parse_args()
    nlp = load_nlp(Settings().spacy_model)
    events = [event for _, event in extract_batch(nlp, story(args.articles))]
    rules, config = load_rules(), load_config()
    state = StoryState(story="st-bench")
    ms: list[float] = []
    cpu_ms: list[float] = []
    encoded = b""
    sent = hashlib.sha256()
    for n, event in enumerate(events):
        started, cpu = time.perf_counter(), time.process_time()
        state, alerts = apply_article(
            state, event, rules, config, T0, judged=n > 0 and not args.whole
        )
        encoded = state.model_dump_json().encode()
        ms.append(1000 * (time.perf_counter() - started))
        cpu_ms.append(1000 * (time.process_time() - cpu))
        for alert in alerts:
            sent.update(alert.model_dump_json().encode())
    sizes = [s for s in (10, 25, 50, 100, 150, 200, 300) if s <= len(ms)]
    print(
        json.dumps(
            {
                "bench": "alert_story",
                "articles": len(ms),
                "claims_per_article": round(sum(len(e.claims) for e in events) / len(events), 1),
                "ms_per_article_at": {
                    str(s): round(sum(ms[s - 5 : s]) / 5, 1) for s in sizes
                },  # mean of the 5 articles up to that size
                "cpu_ms_per_article_at": {
                    str(s): round(sum(cpu_ms[s - 5 : s]) / 5, 1) for s in sizes
                },
                "cpu_s": round(sum(cpu_ms) / 1000, 2),
                "judging": "whole" if args.whole else "what each article touches",
                "alerts_sha256": sent.hexdigest()[:16],
                "state_bytes": len(encoded),
            }
        )
    )


if __name__ == "__main__":
    main()
