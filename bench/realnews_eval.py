"""Real news, scored: replay every dataset of ``../shared/realnews`` and match against the gold.

    .venv/bin/python bench/realnews_eval.py                      # or: make realnews
    .venv/bin/python bench/realnews_eval.py --datasets giveme5w1h_news_cluster
    .venv/bin/python bench/realnews_eval.py --score-only         # re-score the last replays

For each dataset folder (one replay per dataset, as a user would run it):
``claimwatch replay <folder> --out <work>/<dataset>.alerts.jsonl --stories
<work>/<dataset>.stories.jsonl``. Then it scores, with the rules in ``realnews_score.py``
(also in docs/extraction-quality.md, "Real news"):

- story grouping: B-cubed precision / recall / F1 on the event-level clusters of
  ``clusters.json`` (topic-level ones apart);
- contradictions and figure updates: precision and recall against the gold facts of
  ``bench/gold/realnews/*.yaml`` (format: a fact with its unit, kind and values by outlet);
- key claims: precision and recall against the gold threats (actor fuzzy match + cluster;
  ``key_claim_recall_with_target`` also wants the target);
- alerts per reviewed cluster, unmatched alerts per five reviewed clusters.

Output: a table and the unmatched alerts (id, cluster, title, values and outlets; never
article text) on stderr, the summary as one JSON object on stdout, and everything (with the
unmatched, unreviewed and missed lists) in ``--json`` (default
``.claimwatch/realnews/results.json``, outside version control: it names real outlets'
figures, which stay out of the repo).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from claimwatch.yamlload import ConfigFileError, load_yaml_model
from claimwatch_extract.lexicon import load_lexicon

sys.path.insert(0, str(Path(__file__).resolve().parent))

from realnews_score import (
    GoldCluster,
    GoldFile,
    grouping_scores,
    in_claimwatch_unit,
    score_alerts,
    unknown_keys,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REALNEWS = ROOT.parent / "shared" / "realnews"
DEFAULT_GOLD = ROOT / "bench" / "gold" / "realnews"
DEFAULT_WORK = ROOT / ".claimwatch" / "realnews"
err = Console(stderr=True, soft_wrap=True, width=None if Console(stderr=True).is_terminal else 130)


def say(message: str) -> None:
    """A progress or review line on stderr, printed as is (names contain brackets)."""
    err.print(message, markup=False, highlight=False)


class EvalError(Exception):
    """Something the user must fix before the evaluation can run; the message says what."""


def datasets_in(realnews: Path, wanted: list[str] | None) -> list[Path]:
    if not (realnews / "clusters.json").is_file():
        raise EvalError(
            f"{realnews}: no clusters.json here; pass --realnews PATH to the realnews folder "
            "(default: ../shared/realnews next to the repository)"
        )
    found = sorted(p for p in realnews.iterdir() if p.is_dir() and not p.name.startswith("."))
    if wanted:
        unknown = sorted(set(wanted) - {p.name for p in found})
        if unknown:
            raise EvalError(
                f"no dataset folder {', '.join(unknown)} in {realnews} "
                f"(there are: {', '.join(p.name for p in found)})"
            )
        found = [p for p in found if p.name in wanted]
    return found


def replay(dataset: Path, work: Path, timeout_s: float, index: int, total: int) -> dict[str, Any]:
    """One ``claimwatch replay`` over a dataset folder; its progress goes to our stderr."""
    articles = sum(1 for p in dataset.rglob("*") if p.is_file() and not p.name.startswith("."))
    say(f"realnews: [{index}/{total}] replaying {dataset.name} ({articles} files)")
    started = time.monotonic()
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "claimwatch_app",
            "replay",
            str(dataset),
            "--out",
            str(work / f"{dataset.name}.alerts.jsonl"),
            "--stories",
            str(work / f"{dataset.name}.stories.jsonl"),
            "--timeout",
            str(timeout_s),
        ],
        cwd=ROOT,
        timeout=timeout_s + 120,
        check=False,
    )
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        raise EvalError(f"replay of {dataset} failed with exit code {proc.returncode}")
    say(
        f"realnews: [{index}/{total}] {dataset.name} done in {elapsed:.0f} s "
        f"({articles / elapsed:.1f} articles/s)"
    )
    return {"files": articles, "seconds": round(elapsed, 1)}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        raise EvalError(f"{path}: missing; run without --score-only to replay first")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def gold_key(cluster_id: str) -> str:
    """The key a gold file uses for a cluster: its dataset and a hash of its id.

    Why a hash: the cluster ids of clusters.json are made from the articles' headlines, which
    belong to their publishers and stay out of the repository."""
    dataset = cluster_id.split("/", 1)[0]
    return f"{dataset}/{hashlib.sha1(cluster_id.encode('utf-8')).hexdigest()[:12]}"


def load_gold(folder: Path, known_clusters: set[str]) -> dict[str, GoldCluster]:
    """Every gold file's clusters by cluster id; a malformed file stops with its name and the
    problem."""
    cluster_of_key = {gold_key(c): c for c in known_clusters}
    units = claimwatch_units()
    gold: dict[str, GoldCluster] = {}
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        try:
            parsed = load_yaml_model(path, GoldFile)
        except ConfigFileError as exc:
            raise EvalError(f"not in the agreed gold format:\n{exc}") from exc
        for key in unknown_keys(parsed):
            say(f"realnews: warning: {path.name}: unknown key {key}")
        for key, entry in parsed.clusters.items():
            cluster = cluster_of_key.get(key, key if key in known_clusters else None)
            if cluster is None:
                say(f"realnews: warning: {path.name}: {key} is not in clusters.json")
                continue
            facts = [in_claimwatch_unit(f, units) for f in entry.facts]
            gold[cluster] = entry.model_copy(update={"facts": facts})
    return gold


def claimwatch_units() -> dict[str, tuple[str, float]]:
    """Stated unit -> claimwatch's unit and factor, from the extraction lexicon (units with
    an offset, degrees Fahrenheit, are left out: the gold states none)."""
    units = load_lexicon().measurements.units
    return {k: (u.unit, u.factor) for k, u in units.items() if u.offset == 0}


def relative(path: str, realnews: Path) -> str:
    try:
        return Path(path).resolve().relative_to(realnews.resolve()).as_posix()
    except ValueError:
        return path


def evaluate(realnews: Path, datasets: list[Path], work: Path, gold_dir: Path) -> dict[str, Any]:
    """Score the replay outputs in ``work`` for these datasets (pure apart from reading)."""
    clusters = json.loads((realnews / "clusters.json").read_text(encoding="utf-8"))
    names = {d.name for d in datasets}
    cluster_of = {p: c for p, c in clusters["files"].items() if p.split("/", 1)[0] in names}
    topic_level = {c for c, info in clusters["clusters"].items() if info.get("topic_level")}
    story_of: dict[str, str | None] = {}
    paths_of: dict[str, list[str]] = defaultdict(list)
    alerts: list[dict[str, Any]] = []
    for dataset in datasets:
        for row in read_jsonl(work / f"{dataset.name}.stories.jsonl"):
            path = relative(row["path"], realnews)
            story_of[path] = row["story"]
            paths_of[row["article_id"]].append(path)
        alerts.extend(read_jsonl(work / f"{dataset.name}.alerts.jsonl"))
    gold = {
        c: g
        for c, g in load_gold(gold_dir, set(clusters["clusters"])).items()
        if c.split("/", 1)[0] in names
    }
    scores = score_alerts(alerts, paths_of, story_of, cluster_of, gold)
    return {
        "datasets": sorted(names),
        "articles": len(story_of),
        "alert_versions": len(alerts),
        "grouping": grouping_scores(story_of, cluster_of, topic_level),
        "alerts": scores.as_dict(),
    }


def summary(report: dict[str, Any]) -> dict[str, Any]:
    """The headline figures (no lists): what goes to stdout and into the docs."""
    a = report["alerts"]
    return {
        "datasets": report["datasets"],
        "articles": report["articles"],
        "grouping": report["grouping"],
        **{k: a[k] for k in ("contradiction", "figure_update", "key_claim")},
        "key_claim_recall_with_target": a["key_claim_recall_with_target"],
        "reviewed_clusters": a["reviewed_clusters"],
        "alerts_per_cluster": a["alerts_per_cluster"],
        "unmatched": a["unmatched"],
        "unmatched_per_five_clusters": a["unmatched_per_five_clusters"],
        "unreviewed_alerts": a["unreviewed_alerts"],
        "replays": report.get("replays", {}),
    }


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def render(report: dict[str, Any]) -> None:
    g = report["grouping"]
    table = Table(title="story grouping (B-cubed)")
    for col in ("articles", "clusters", "stories", "precision", "recall", "F1"):
        table.add_column(col, justify="right")
    table.add_column("scope")
    rows = [("event-level", g["event_level"]), ("topic-level", g["topic_level"])]
    rows += [(f"  {d}", s) for d, s in g["per_dataset"].items()]
    for name, s in rows:
        table.add_row(
            str(s["articles"]),
            str(s["clusters"]),
            str(s["stories"]),
            _f(s["precision"]),
            _f(s["recall"]),
            _f(s["f1"]),
            name,
        )
    err.print(table)
    a = report["alerts"]
    table = Table(title=f"alerts vs gold ({a['reviewed_clusters']} reviewed clusters)")
    table.add_column("kind")
    for col in ("alerts", "matched", "other kind", "precision", "gold", "found", "recall"):
        table.add_column(col, justify="right")
    table.add_column("per cluster", justify="right")
    for kind in ("contradiction", "figure_update", "key_claim"):
        t = a[kind]
        table.add_row(
            kind,
            str(t["alerts"]),
            str(t["matched"]),
            str(t["other_kind"]),
            _f(t["precision"]),
            str(t["gold"]),
            str(t["found"]),
            _f(t["recall"]),
            _f(a["alerts_per_cluster"].get(kind, 0.0 if a["reviewed_clusters"] else None)),
        )
    err.print(table)
    say(f"key-claim recall with the gold target named too: {_f(a['key_claim_recall_with_target'])}")
    say(
        f"unmatched alerts: {a['unmatched']} "
        f"({_f(a['unmatched_per_five_clusters'])} per five reviewed clusters); "
        f"alerts in unreviewed clusters: {a['unreviewed_alerts']}"
    )
    for row in a["unmatched_alerts"]:
        say(f"  UNMATCHED {row['kind']} {row['id']} [{row['cluster']}] {row['title']}")
        for value in row.get("values", []):
            say(f"      {value['value']:<24} {', '.join(value['sources'])}")
        if row["kind"] == "key_claim":
            say(f"      actor={row.get('actor')} target={row.get('target')}")
    for miss in a["missed_gold"]:
        say(f"  MISSED {json.dumps(miss)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--realnews", type=Path, default=DEFAULT_REALNEWS)
    parser.add_argument("--datasets", help="comma-separated dataset folders (default: all)")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK, help="replay outputs")
    parser.add_argument("--json", type=Path, default=None, help="full report (default in --work)")
    parser.add_argument("--score-only", action="store_true", help="score the last replays")
    parser.add_argument("--timeout", type=float, default=3600.0, help="per replay, seconds")
    args = parser.parse_args(argv)
    try:
        datasets = datasets_in(args.realnews, args.datasets.split(",") if args.datasets else None)
        args.work.mkdir(parents=True, exist_ok=True)
        replays = {}
        if not args.score_only:
            for i, dataset in enumerate(datasets, 1):
                replays[dataset.name] = replay(dataset, args.work, args.timeout, i, len(datasets))
        report = evaluate(args.realnews, datasets, args.work, args.gold)
    except EvalError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)
        return 2
    report["replays"] = replays
    report["at"] = datetime.now(UTC).isoformat(timespec="seconds")
    out = args.json or args.work / "results.json"
    out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    render(report)
    say(f"realnews: full report in {out}")
    print(json.dumps(summary(report), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
