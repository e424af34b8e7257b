"""Find text in the repository that repeats the evaluation texts of ``../shared``.

The real articles (``../shared/realnews``) and the peer suites (``../shared/peers``) belong to
their publishers and authors: they are read for evaluation only and never copied into the
repository, its tests, lexicons or docs. An example written "in the style of" a sentence can
come out too close to it; this lists every run of ``--words`` words (default 7) that a
tracked text file shares with them, so it can be reworded. Short common news phrasing ("at
least 40 people were killed and") can match by chance: read each hit.

    .venv/bin/python bench/overlap_check.py [--shared ../shared] [--words 7]

Prints one JSON object: the files with shared runs and the runs; exit 1 when there are any.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = {".md", ".py", ".yaml", ".yml", ".txt", ".html", ".json", ".jsonl", ".toml"}
DATASET_DOCS = {"README.md", "SOURCES.md"}  # the datasets' own descriptions, not their texts
WORD = re.compile(r"[a-z0-9']+")


def words(text: str) -> list[str]:
    return WORD.findall(text.lower())


def runs(tokens: list[str], n: int) -> set[str]:
    return {" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def evaluation_runs(shared: Path, n: int) -> set[str]:
    found: set[str] = set()
    sources = [*(shared / "realnews").rglob("*"), *(shared / "peers").rglob("cases.jsonl")]
    for path in sources:
        if path.is_file() and path.suffix != ".json" and path.name not in DATASET_DOCS:
            found |= runs(words(path.read_text(encoding="utf-8", errors="replace")), n)
    return found


def tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.splitlines()
    return [ROOT / p for p in listed if Path(p).suffix in TEXT_SUFFIXES]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--words", type=int, default=7)
    args = ap.parse_args()
    if not (args.shared / "realnews").is_dir():
        sys.exit(f"overlap_check: no realnews folder under {args.shared} (--shared)")
    theirs = evaluation_runs(args.shared, args.words)
    hits: dict[str, list[str]] = {}
    for path in tracked_files():
        ours = words(path.read_text(encoding="utf-8", errors="replace"))
        shared_runs = sorted(runs(ours, args.words) & theirs)
        if shared_runs:
            hits[str(path.relative_to(ROOT))] = shared_runs
    print(json.dumps({"words": args.words, "files": len(hits), "runs": hits}, indent=1))
    sys.exit(1 if hits else 0)


if __name__ == "__main__":
    main()
