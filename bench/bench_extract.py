"""Extract throughput: ``extract_batch`` vs bare ``nlp.pipe`` over the same documents.

Input: the project's own gold passages (tests/gold/), concatenated into article-sized documents
(~3,500 characters, like a wire story). Both are measured in the same process, alternating
rounds after a warm-up, best round of each kept, so machine noise hits both alike. Prints one
JSON object; the target is ratio >= 0.85 (extract keeps up with spaCy).

    .venv/bin/python bench/bench_extract.py [--rounds 3] [--docs 40]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import yaml

from claimwatch.models import Article
from claimwatch.settings import Settings
from claimwatch_extract.pipeline import extract_batch, load_nlp

GOLD = Path(__file__).resolve().parents[1] / "tests" / "gold"
ARTICLE_CHARS = 3500


def documents(n: int) -> list[str]:
    passages = [
        p["text"] for f in sorted(GOLD.rglob("*.yaml")) for p in yaml.safe_load(f.read_text())
    ]
    docs: list[str] = []
    i = 0
    while len(docs) < n:
        parts: list[str] = []
        while sum(len(x) + 2 for x in parts) < ARTICLE_CHARS:
            parts.append(passages[i % len(passages)])
            i += 1
        docs.append("\n\n".join(parts))
    return docs


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--docs", type=int, default=40)
    args = ap.parse_args()
    settings = Settings()
    nlp = load_nlp(settings.spacy_model)
    texts = documents(args.docs)
    articles = [
        Article(id=str(i), source="bench", text=t, original_text=t) for i, t in enumerate(texts)
    ]
    chars = sum(len(t) for t in texts)
    batch = settings.extract_batch_size
    extract_batch(nlp, articles[:4], batch)  # warm-up (lexicons, gazetteer, model caches)
    bare, ours = [], []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        for _doc in nlp.pipe(texts, batch_size=batch):
            pass
        bare.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        results = extract_batch(nlp, articles, batch)
        ours.append(time.perf_counter() - t0)
    claims = sum(len(c.claims) for _, c in results)
    bare_aps = len(texts) / min(bare)
    ours_aps = len(texts) / min(ours)
    print(
        json.dumps(
            {
                "model": settings.spacy_model,
                "docs": len(texts),
                "chars": chars,
                "batch_size": batch,
                "claims": claims,
                "bare_nlp_pipe_articles_per_s": round(bare_aps, 2),
                "bare_nlp_pipe_chars_per_s": round(chars / min(bare)),
                "extract_batch_articles_per_s": round(ours_aps, 2),
                "extract_batch_chars_per_s": round(chars / min(ours)),
                "ratio": round(ours_aps / bare_aps, 3),
                "target_ratio": 0.85,
            }
        )
    )


if __name__ == "__main__":
    main()
