"""The alert stage's cost per article as one story grows (its pure core, no Kafka).

The alert stage re-judges a story from its stored claims for every article it gains (so a
restart or a late original gives the same answer). That makes a long story's articles
dearer than a short one's; this measures by how much. One fictional story of ``--articles``
reports from nine outlets, each stating the same casualty, damage and aid figures (values
varying between outlets) three times, is extracted once, then folded in article by article
with ``apply_article``; the time of each fold, the state's encoding included, is recorded.

    .venv/bin/python bench/bench_alert_story.py [--articles 150]

Prints one JSON object: milliseconds per article at several story sizes, and the state size.
"""

from __future__ import annotations

import argparse
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
    args = ap.parse_args()
    nlp = load_nlp(Settings().spacy_model)
    events = [event for _, event in extract_batch(nlp, story(args.articles))]
    rules, config = load_rules(), load_config()
    state = StoryState(story="st-bench")
    ms: list[float] = []
    encoded = b""
    for event in events:
        started = time.perf_counter()
        state, _ = apply_article(state, event, rules, config, T0)
        encoded = state.model_dump_json().encode()
        ms.append(1000 * (time.perf_counter() - started))
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
                "state_bytes": len(encoded),
            }
        )
    )


if __name__ == "__main__":
    main()
