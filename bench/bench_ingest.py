"""Ingest figures: near-duplicate similarities on our examples, and pure-core throughput.

Prints one JSON object. No broker: produce latency is measured by the service itself
(claimwatch_ingest_produce_seconds). Run: .venv/bin/python bench/bench_ingest.py
"""

from __future__ import annotations

import json
import time
from itertools import combinations
from pathlib import Path

from claimwatch_ingest.dedup import DuplicateIndex, jaccard, minhash, shingles
from claimwatch_ingest.files import iter_article_paths, read_article_file
from claimwatch_ingest.normalise import normalise

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "ingest" / "syndication"


def main() -> None:
    raws = [read_article_file(p) for p in iter_article_paths([FIXTURES])]
    texts = {r.source: normalise(r.body, r.content_type) for r in raws}
    pairs = []
    for a, b in combinations(sorted(texts), 2):
        row: dict[str, object] = {"a": a, "b": b}
        for k in (3, 5, 7):
            row[f"jaccard_w{k}"] = round(jaccard(shingles(texts[a], k), shingles(texts[b], k)), 3)
        row["minhash_w5"] = round(float(minhash(texts[a]).jaccard(minhash(texts[b]))), 3)
        pairs.append(row)

    rounds = 200
    started = time.perf_counter()
    for _ in range(rounds):
        for r in raws:
            normalise(r.body, r.content_type)
    normalise_per_s = rounds * len(raws) / (time.perf_counter() - started)

    corpus = [f"{t}\n\nVariant {i}." for i in range(250) for t in texts.values()]
    index = DuplicateIndex(0.6)
    started = time.perf_counter()
    for i, text in enumerate(corpus):
        match = index.match(text)
        index.add(str(i), text, match.original_id if match else None)
    dedup_per_s = len(corpus) / (time.perf_counter() - started)

    started = time.perf_counter()
    rebuilt = DuplicateIndex(0.6)
    for i, text in enumerate(corpus):
        rebuilt.add(str(i), text)
    rebuild_ms = 1000 * (time.perf_counter() - started) / len(corpus)

    print(
        json.dumps(
            {
                "bench": "ingest",
                "articles": len(raws),
                "normalise_articles_per_s": round(normalise_per_s),
                "dedup_match_and_add_per_s": round(dedup_per_s),
                "index_rebuild_ms_per_article": round(rebuild_ms, 3),
                "similarities": pairs,
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
