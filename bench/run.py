"""``make bench``: run every benchmark, write bench/results.json and the plots in docs/img/.

Each bench script runs as its own process (one at a time: they measure the same 2 cores) and
prints one JSON object; this runner keeps each one's output under its name, lifts the headline
figures to the top level, records the machine and its load, and draws the plots.

    .venv/bin/python bench/run.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results.json"


def run(script: str, *args: str, timeout_s: float) -> dict[str, Any]:
    started = time.monotonic()
    print(f"bench: {script} {' '.join(args)}", file=sys.stderr, flush=True)
    proc = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout_s,
        cwd=ROOT,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{script} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    out = proc.stdout.strip()
    data = json.loads(out[out.index("{") :])
    data["elapsed_s"] = round(time.monotonic() - started, 1)
    print(f"bench: {script} done in {data['elapsed_s']} s", file=sys.stderr, flush=True)
    return data


def machine() -> dict[str, Any]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "loadavg_start": os.getloadavg(),
    }


# Peak RSS targets per service at the pipeline bench's 100 % step (docs/benchmarks.md, "Memory")
RSS_TARGETS_MB = {"extract": 300, "ingest": 200, "alert": 150, "deliver": 100, "broker": 250}


def rss_targets(peak: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Each service's peak against its target (``extract-1`` is an ``extract``)."""
    out: dict[str, dict[str, Any]] = {}
    for name, mb in peak.items():
        target = RSS_TARGETS_MB.get(name.split("-")[0])
        if target is not None:
            out[name] = {"peak_mb": mb, "target": f"<= {target} MB", "met": mb <= target}
    return out


DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:table (make bench writes this) -->", "<!-- /bench:table -->"


def write_table(markdown: str) -> None:
    """Replace the table between the markers in docs/benchmarks.md (the prose stays)."""
    text = DOC.read_text(encoding="utf-8")
    if BEGIN not in text or END not in text:
        print(f"bench: no table markers in {DOC.name}; table not written", file=sys.stderr)
        return
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    DOC.write_text(f"{head}{BEGIN}\n{markdown}\n{END}{tail}", encoding="utf-8")
    print(f"bench: wrote the table in {DOC.relative_to(ROOT)}", file=sys.stderr)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="shorter runs (a smoke test)")
    args = ap.parse_args()
    quick = args.quick
    results: dict[str, Any] = {"when": datetime.now(UTC).isoformat(timespec="seconds")}
    results["machine"] = machine()
    raw: dict[str, Any] = {}
    raw["run"] = run("bench_run.py", timeout_s=300)
    raw["extract"] = run(
        "bench_extract.py", *(["--rounds", "2", "--docs", "16"] if quick else []), timeout_s=900
    )
    raw["ingest_core"] = run("bench_ingest.py", timeout_s=300)
    raw["push"] = run("bench_push.py", "--articles", "300" if quick else "2000", timeout_s=600)
    raw["profile"] = run("bench_profile.py", timeout_s=300)
    raw["pipeline"] = run(
        "bench_pipeline.py",
        *(["--capacity-s", "12", "--step-s", "8"] if quick else []),
        timeout_s=1500,
    )
    raw["web"] = run(
        "bench_web.py",
        "--lag",
        *(["--requests", "20", "--capacity-s", "12", "--step-s", "20"] if quick else []),
        timeout_s=1500,
    )
    pipe = raw["pipeline"]
    steps = pipe["latency_steps"]
    results.update(
        {
            "extract_ratio": raw["extract"]["ratio_cpu"],  # CPU time: bench_extract.py says why
            "extract_ratio_wall_clock": raw["extract"]["ratio"],
            "ingest_ratio": raw["push"]["ingest_ratio"],
            "e2e_latency": {
                f"{round(100 * s['load_share'])}%": {
                    "articles_per_s": s["offered_articles_per_s"],
                    **{k: s["latency_s"][k] for k in ("p50", "p95", "p99")},
                    "missing": s["missing"],
                }
                for s in steps
            },
            "capacity_articles_per_s": {
                "1_worker": pipe["capacity_1_worker"]["articles_per_s"],
                "2_workers": pipe["capacity_2_workers"]["articles_per_s"],
            },
            "peak_rss_mb": next(s["peak_rss_mb"] for s in steps if s["load_share"] == 1.0),
            "run_start_to_first_alert_s": raw["run"]["first_alert_s"],
            "web": {
                "story_page_p95_s": {
                    db: figures["story"]["p95"] for db, figures in raw["web"]["render"].items()
                },
                "read_model_lag_behind_alert_p95_s_at_50%": raw["web"][
                    "lag_behind_alerts_at_50pct"
                ]["read_model_lag_behind_alert_s"]["p95"],
            },
            "targets": {
                "extract_ratio": {"target": ">= 0.85", "met": raw["extract"]["ratio_cpu"] >= 0.85},
                "ingest_ratio": {"target": ">= 0.5", "met": raw["push"]["ingest_ratio"] >= 0.5},
                "peak_rss_mb": rss_targets(
                    next(s["peak_rss_mb"] for s in steps if s["load_share"] == 1.0)
                ),
                "e2e_p99_at_50%": {
                    "target": "< 1 s",
                    "met": next(
                        (s["latency_s"]["p99"] or 1e9) < 1.0
                        for s in steps
                        if s["load_share"] == 0.5
                    ),
                },
            },
        }
    )
    results["machine"]["loadavg_end"] = os.getloadavg()
    results["quick"] = quick
    results["raw"] = raw
    RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"bench: wrote {RESULTS.relative_to(ROOT)}", file=sys.stderr)
    from plots import draw, table

    for path in draw(results, ROOT / "docs" / "img"):
        print(f"bench: wrote {path.relative_to(ROOT)}", file=sys.stderr)
    write_table(table(results))
    summary = {k: v for k, v in results.items() if k not in ("raw",)}
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
