"""Extract output over every real-news article, one JSON line each: the check that an
optimisation changed nothing.

Why: the extract stage's cost budget (bench_extract.py) is won by rewriting hot code, and a
rewrite must not move a single claim. Run this before and after a change and ``cmp`` the two
files; any difference is a behaviour change, not an optimisation. Time stamps that differ
run to run (``ingested_at``, ``extracted_at``) are dropped; everything else is kept as the
stage produces it (entities, claims, keywords).

spaCy's parse does not depend on our code, so ``--docs`` keeps the parsed docs in a DocBin
(parsed once, ~2 min on a shared core; later runs only post-process, ~20 s). Delete the file
after the model or the paragraph-break component changes. Without ``--docs`` every article is
parsed through ``extract_batch`` as the service does.

    .venv/bin/python bench/extract_dump.py --out /tmp/before.jsonl --docs /tmp/realnews.spacy
    ... change code ...
    .venv/bin/python bench/extract_dump.py --out /tmp/after.jsonl --docs /tmp/realnews.spacy
    cmp /tmp/before.jsonl /tmp/after.jsonl
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from spacy.tokens import Doc, DocBin

from claimwatch.models import Article
from claimwatch.settings import Settings
from claimwatch_app.reader import read_paths
from claimwatch_extract.pipeline import extract_batch, extract_parsed, load_nlp

ROOT = Path(__file__).resolve().parents[1]
VOLATILE = ("ingested_at", "extracted_at")


def realnews_articles(realnews: Path, settings: Settings) -> list[tuple[str, Article]]:
    """Every article file under the real-news folder (sorted), with its path relative to it."""
    files = sorted(p for p in realnews.glob("*/*/*") if p.is_file())
    return [
        (str(path.relative_to(realnews)), article)
        for path in files
        for article in read_paths([str(path)], settings)
    ]


def parsed_docs(texts: list[str], cache: Path | None, settings: Settings) -> list[Doc]:
    """spaCy docs of ``texts``, from the DocBin ``cache`` when it holds exactly these texts."""
    nlp = load_nlp(settings.spacy_model)
    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if [d.text for d in docs] == texts:
            return docs
    docs = list(nlp.pipe(texts, batch_size=settings.extract_batch_size))
    if cache is not None:
        DocBin(docs=docs).to_disk(cache)
    return docs


def stable(model: Any) -> dict[str, Any]:
    row: dict[str, Any] = json.loads(model.model_dump_json())
    for key in VOLATILE:
        row.pop(key, None)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--realnews", type=Path, default=ROOT.parent / "shared" / "realnews")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--docs", type=Path, help="DocBin cache of the parsed articles")
    args = parser.parse_args()
    settings = Settings()
    rows = realnews_articles(args.realnews, settings)
    articles = [a for _, a in rows]
    if args.docs is None:
        results = extract_batch(load_nlp(settings.spacy_model), articles)
        started = time.process_time()
    else:
        docs = parsed_docs([a.text for a in articles], args.docs, settings)
        started = time.process_time()
        results = [extract_parsed(a, d) for a, d in zip(articles, docs, strict=True)]
    post_cpu = time.process_time() - started
    with args.out.open("w", encoding="utf-8") as out:
        for (path, _), (entities, claims) in zip(rows, results, strict=True):
            line = {"path": path, "entities": stable(entities), "claims": stable(claims)}
            out.write(json.dumps(line, sort_keys=True) + "\n")
    summary = {
        "articles": len(rows),
        "claims": sum(len(c.claims) for _, c in results),
        "post_processing_cpu_s": round(post_cpu, 2) if args.docs is not None else None,
        "out": str(args.out),
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
