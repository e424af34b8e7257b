"""Where the time goes: cProfile of the two hot paths, in-process, on the bench articles.

- ``ingest``: what the push API does per article besides HTTP (``ArticlePublisher.build`` =
  validate + normalise + id, then duplicate ``match`` + ``add``) and the JSON encoding.
- ``extract``: ``extract_batch`` (spaCy ``nlp.pipe`` plus entities and claim rules).

Prints one JSON object: per path, seconds per article and the share of time by package
(own time of each function, grouped by its top-level module), plus the top functions.

    .venv/bin/python bench/bench_profile.py
"""

from __future__ import annotations

import cProfile
import json
import pstats
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from articles import articles

from claimwatch.kafka import encode
from claimwatch.models import Article, SourceKind
from claimwatch.settings import Settings
from claimwatch_extract.pipeline import extract_batch, load_nlp
from claimwatch_ingest.dedup import DuplicateIndex
from claimwatch_ingest.files import RawArticle
from claimwatch_ingest.publisher import ArticlePublisher


def _package(filename: str) -> str:
    path = Path(filename)
    parts = path.parts
    for anchor in ("site-packages", "services", "shared"):
        if anchor in parts:
            rest = parts[parts.index(anchor) + 1 :]
            if anchor == "services" and len(rest) > 1:
                return rest[1]
            return rest[0].split(".")[0] if rest else anchor
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins"
    return "python-stdlib" if "python3" in filename else path.stem


def profile(fn: Callable[[], Any], n: int) -> dict[str, Any]:
    prof = cProfile.Profile()
    started = time.perf_counter()
    prof.runcall(fn)
    elapsed = time.perf_counter() - started
    stats = pstats.Stats(prof)
    by_pkg: dict[str, float] = defaultdict(float)
    rows = []
    for (filename, line, func), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        by_pkg[_package(filename)] += tottime
        rows.append((tottime, f"{Path(filename).name}:{line}:{func}"))
    total = sum(by_pkg.values()) or 1.0
    rows.sort(reverse=True)
    return {
        "ms_per_article_profiled": round(1000 * elapsed / n, 2),
        "share_by_package": {
            k: round(v / total, 3)
            for k, v in sorted(by_pkg.items(), key=lambda kv: -kv[1])
            if v / total >= 0.01
        },
        "top_functions": [{"function": f, "share": round(t / total, 3)} for t, f in rows[:8]],
    }


def main() -> None:
    settings = Settings()
    items = articles(400, seed=3)
    publisher = ArticlePublisher(None, settings)  # type: ignore[arg-type]
    index = DuplicateIndex(settings.near_duplicate_threshold)

    def ingest() -> None:
        for n, item in enumerate(items):
            raw = RawArticle(source=item["source"], body=item["text"])
            article = publisher.build(raw, SourceKind.PUSH)
            index.match(article.text)
            index.add(str(n), article.text)
            encode(article)

    nlp = load_nlp(settings.spacy_model)
    docs = [
        Article(id=str(i), source=a["source"], text=a["text"], original_text=a["text"])
        for i, a in enumerate(items[:80])
    ]
    extract_batch(nlp, docs[:4], settings.extract_batch_size)  # warm-up

    def extract() -> None:
        extract_batch(nlp, docs, settings.extract_batch_size)

    print(
        json.dumps(
            {
                "bench": "profile",
                "ingest": profile(ingest, len(items)),
                "extract": profile(extract, len(docs)),
            }
        )
    )


if __name__ == "__main__":
    main()
