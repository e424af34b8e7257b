"""Figure alerts on real news with the gold's story grouping: fact identity measured alone.

    .venv/bin/python bench/realnews_facts.py --work .claimwatch/realnews-facts
    .venv/bin/python bench/realnews_eval.py --score-only --work .claimwatch/realnews-facts

``realnews_eval.py`` scores the whole pipeline, so a fact two outlets disagree on is missed
when story grouping put their articles in two stories. This script runs extraction and the
alert engine in-process (no broker), one story per gold cluster folder, in publication
order, and writes the same ``<dataset>.alerts.jsonl`` / ``.stories.jsonl`` files a replay
writes, so ``realnews_eval.py --score-only`` scores them with the same rules. The difference
between the two runs is what grouping costs; what is left is fact identity and the
update/contradiction rule.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path

from claimwatch.settings import Settings
from claimwatch_alert.config import load_config
from claimwatch_alert.engine import apply_article
from claimwatch_alert.rules import load_rules
from claimwatch_alert.state import StoryState
from claimwatch_app.reader import read_paths
from claimwatch_extract.pipeline import extract_batch, load_nlp

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ("basil", "ecbplus", "giveme5w1h_news_cluster")


def run_dataset(folder: Path, settings: Settings) -> tuple[list[str], list[str]]:
    """Alert lines and story lines for one dataset folder (one story per cluster folder)."""
    nlp = load_nlp(settings.spacy_model)
    rules, config = load_rules(), load_config()
    alerts: list[str] = []
    stories: list[str] = []
    for cluster in sorted(p for p in folder.iterdir() if p.is_dir()):
        files = sorted(p for p in cluster.iterdir() if p.is_file())
        articles = [a for f in files for a in read_paths([str(f)], settings)]
        for path, article in zip(files, articles, strict=True):
            row = {"path": str(path), "article_id": article.id, "story": cluster.name}
            stories.append(json.dumps(row))
        state = StoryState(story=cluster.name)
        events = [event for _, event in extract_batch(nlp, articles, settings.extract_batch_size)]
        events.sort(key=lambda e: (e.published_at or e.ingested_at).isoformat())
        for event in events:
            state, sent = apply_article(state, event, rules, config, datetime.now(UTC))
            alerts.extend(a.model_dump_json() for a in sent)
    return alerts, stories


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--realnews", type=Path, default=ROOT.parent / "shared" / "realnews")
    parser.add_argument("--work", type=Path, default=ROOT / ".claimwatch" / "realnews-facts")
    parser.add_argument("--datasets", default=",".join(DATASETS))
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    settings = Settings()
    for name in args.datasets.split(","):
        alerts, stories = run_dataset(args.realnews / name, settings)
        (args.work / f"{name}.alerts.jsonl").write_text("".join(f"{a}\n" for a in alerts))
        (args.work / f"{name}.stories.jsonl").write_text("".join(f"{s}\n" for s in stories))
        print(
            json.dumps({"dataset": name, "alert_versions": len(alerts), "articles": len(stories)})
        )


if __name__ == "__main__":
    main()
