"""The benchmark plots (matplotlib, no display): latency vs load, throughput per stage."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt


def draw(results: dict[str, Any], out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    return [
        _latency(results, out_dir / "bench-latency.png"),
        _throughput(results, out_dir / "bench-throughput.png"),
    ]


def _latency(results: dict[str, Any], path: Path) -> Path:
    steps = results["raw"]["pipeline"]["latency_steps"]
    rates = [s["offered_articles_per_s"] for s in steps]
    labels = [
        f"{round(100 * s['load_share'])}%\n{s['offered_articles_per_s']:.1f}/s" for s in steps
    ]
    fig, (ax, bx) = plt.subplots(1, 2, figsize=(11, 4.2))
    for key, style in (("p50", "o-"), ("p95", "s-"), ("p99", "^-")):
        ax.plot(rates, [s["latency_s"][key] for s in steps], style, label=key)
    ax.axhline(1.0, color="grey", linestyle="--", linewidth=1, label="target p99 at 50 %: 1 s")
    ax.set_xticks(rates, labels)
    ax.set_xlabel("offered load (share of measured capacity, articles/s)")
    ax.set_ylabel("ingest 202 -> webhook (s)")
    ax.set_title("End-to-end latency vs load")
    ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    ax.legend()
    bottoms = [0.0] * len(steps)
    for stage in ("extract_s", "alert_s", "deliver_s"):
        vals = [s["stage_median_s"][stage] or 0.0 for s in steps]
        bx.bar(labels, vals, bottom=bottoms, label=stage.removesuffix("_s"))
        bottoms = [b + v for b, v in zip(bottoms, vals, strict=True)]
    bx.set_ylabel("median seconds per stage")
    bx.set_title("Where the latency goes (median, by stage)")
    bx.legend()
    bx.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _throughput(results: dict[str, Any], path: Path) -> Path:
    raw = results["raw"]
    bars = [
        ("bare aiokafka\nproducer", raw["push"]["bare_producer_articles_per_s"], "limit"),
        ("push API\n(batch)", raw["push"]["push_batch_articles_per_s"], "ours"),
        ("push API\n(single)", raw["push"]["push_single_articles_per_s"], "ours"),
        ("bare spaCy\nnlp.pipe", raw["extract"]["bare_nlp_pipe_articles_per_s"], "limit"),
        ("extract_batch", raw["extract"]["extract_batch_articles_per_s"], "ours"),
        ("pipeline,\n1 extract worker", results["capacity_articles_per_s"]["1_worker"], "ours"),
        ("pipeline,\n2 extract workers", results["capacity_articles_per_s"]["2_workers"], "ours"),
    ]
    colours = {"limit": "#999999", "ours": "#1f77b4"}
    fig, ax = plt.subplots(figsize=(11, 4.2))
    names = [b[0] for b in bars]
    values = [b[1] for b in bars]
    ax.bar(names, values, color=[colours[b[2]] for b in bars])
    for i, v in enumerate(values):
        ax.text(i, v * 1.08, f"{v:,.1f}", ha="center", fontsize=9)
    ax.set_yscale("log")
    ax.set_ylabel("articles/s (log)")
    ax.set_title(
        "Throughput per stage (grey: the bare library limit in the same run; extract docs are "
        "3,500 chars, push/pipeline ~930)",
        fontsize=10,
    )
    ax.grid(True, axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def table(results: dict[str, Any]) -> str:
    """The Markdown results table that ``make bench`` writes into docs/benchmarks.md."""
    raw = results["raw"]
    t = results["targets"]

    def ok(key: str) -> str:
        return "met" if t[key]["met"] else "**not met**"

    lines = [
        f"Run of {results['when']} (`bench/results.json`), load average "
        f"{results['machine']['loadavg_start'][0]:.1f} at the start, "
        f"{results['machine']['loadavg_end'][0]:.1f} at the end.",
        "",
        "| figure | value | limit / target |",
        "| --- | --- | --- |",
        f"| `extract_ratio` (CPU time) | **{results['extract_ratio']}** "
        f"({raw['extract']['extract_batch_cpu_ms_per_article']} vs "
        f"{raw['extract']['bare_cpu_ms_per_article']} ms per article; from parts "
        f"{raw['extract']['ratio_from_parts_cpu']}; wall clock {raw['extract']['ratio']}, "
        f"{raw['extract']['extract_batch_articles_per_s']} vs "
        f"{raw['extract']['bare_nlp_pipe_articles_per_s']} articles/s) "
        f"| ≥ 0.85: {ok('extract_ratio')} |",
        f"| `ingest_ratio` (batch push) | **{results['ingest_ratio']}** "
        f"({raw['push']['push_batch_articles_per_s']} vs "
        f"{raw['push']['bare_producer_articles_per_s']} articles/s) "
        f"| ≥ 0.5: {ok('ingest_ratio')} |",
        f"| ingest ratio, single push | {raw['push']['ingest_ratio_single']} "
        f"({raw['push']['push_single_articles_per_s']} articles/s) | |",
    ]
    for share, row in results["e2e_latency"].items():
        target = f"p99 < 1 s: {ok('e2e_p99_at_50%')}" if share == "50%" else ""
        lines.append(
            f"| `e2e_latency` at {share} ({row['articles_per_s']} articles/s) "
            f"| p50 {row['p50']} s, p95 {row['p95']} s, p99 **{row['p99']} s** "
            f"({row['missing']} missing) | {target} |"
        )
    cap = results["capacity_articles_per_s"]
    lines += [
        f"| `capacity_articles_per_s`, 1 extract worker | **{cap['1_worker']}** | |",
        f"| `capacity_articles_per_s`, 2 extract workers | **{cap['2_workers']}** "
        f"(x{cap['2_workers'] / cap['1_worker']:.2f}) | 2 partitions, 2 cores |",
        *(
            f"| `peak_rss_mb` at 100 %, {name} | **{row['peak_mb']:.0f}** | "
            f"{row['target'].replace('<=', '≤')}: {'met' if row['met'] else '**not met**'} |"
            for name, row in t.get("peak_rss_mb", {}).items()
        ),
        f"| `claimwatch run` start to first alert | **{results['run_start_to_first_alert_s']} s** "
        f"(services ready after {raw['run']['ready_s']} s) | |",
    ]
    return "\n".join(lines)
