"""Extraction quality, side by side: the public peer suites and the team's own gold.

    .venv/bin/python bench/quality.py                   # or: make quality
    .venv/bin/python bench/quality.py --peers /path/to/peers --skip-gold

Runs every scorer of ``../shared/peers`` (``python3 <suite>/score.py .venv/bin/claimwatch``;
quantities, EQUATE contradictions, threats: their README says what each measures) and the
team's own gold (``tests/gold``: the dev and held-back parts scored by
``tests/unit/gold_scoring.py``, and the force-threat set of ``tests/gold/threats``), and
prints one JSON object with the figures of both, so neither is read without the other.
Each suite's own breakdown and misses go to stderr only with ``--verbose``; the suites' texts
never leave ``../shared/peers``. Figures and the command are recorded in
docs/extraction-quality.md ("Peer suites next to our gold").
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SUITES = ("quantities", "equate", "threats")


def _fraction(text: str) -> dict[str, Any]:
    num, den = (int(x) for x in text.split("/"))
    return {"hits": num, "total": den, "rate": round(num / den, 3) if den else None}


def parse_summary(suite: str, line: str) -> dict[str, Any]:
    """The figures of a scorer's last line ("quantities: 281/322 ... count=48/55 ...")."""
    if suite == "quantities":
        matched = re.search(r"(\d+/\d+) gold", line)
        if matched is None:
            raise ValueError(f"unreadable quantities summary: {line}")
        out: dict[str, Any] = {"matched": _fraction(matched[1])}
        for cat, frac in re.findall(r"(\w+)=(\d+/\d+)", line):
            out[cat] = _fraction(frac)
        lenient = re.search(r"lenient (\d+/\d+)", line)
        if lenient:
            out["lenient"] = _fraction(lenient[1])
        return out
    if suite == "equate":
        out = {}
        for rule in ("unit", "slot"):
            m = re.search(
                rf"{rule} rule P=(\d+)/(\d+) R=(\d+)/(\d+) coverage=(\d+/\d+) "
                rf"entailment-false-alarms=(\d+/\d+)",
                line,
            )
            if m is None:
                raise ValueError(f"unreadable equate summary: {line}")
            tp, pred, tp2, gold = (int(m[i]) for i in range(1, 5))
            out[f"{rule}_rule"] = {
                "precision": round(tp / pred, 3) if pred else None,
                "recall": round(tp2 / gold, 3) if gold else None,
                "predicted": pred,
                "hits": tp,
                "gold_contradictions": gold,
                "coverage": _fraction(m[5]),
                "entailment_false_alarms": _fraction(m[6]),
            }
        return out
    if suite == "threats":
        fields = {
            "force_recall": r"force-threat recall (\d+/\d+)",
            "none_flagged": r"no-threat sentences (\d+/\d+)",
            "nonforce_flagged": r"non-force threats flagged (\d+/\d+)",
        }
        out = {}
        for key, pattern in fields.items():
            m = re.search(pattern, line)
            if m is None:
                raise ValueError(f"unreadable threats summary: {line}")
            out[key] = _fraction(m[1])
        return out
    raise ValueError(suite)


def run_suite(peers: Path, suite: str, claimwatch: Path, verbose: bool) -> dict[str, Any]:
    """One peer scorer, as its README says to run it; the figures of its summary line."""
    t0 = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(peers / suite / "score.py"), str(claimwatch)],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=1800,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{suite}: scorer failed ({proc.returncode}): {proc.stderr[-2000:]}")
    if verbose:
        print(proc.stdout, file=sys.stderr)
    lines = [x for x in proc.stdout.splitlines() if x.startswith(f"{suite}:")]
    if not lines:
        raise SystemExit(f"{suite}: no summary line in the scorer's output")
    figures = parse_summary(suite, lines[-1])
    return {"summary": lines[-1], **figures, "seconds": round(time.perf_counter() - t0, 1)}


def own_gold() -> dict[str, Any]:
    """The team's gold: per part, precision/recall per claim type and slot agreement; and the
    force-threat set."""
    sys.path.insert(0, str(REPO / "tests" / "unit"))
    from gold_scoring import TYPES, run, threat_set

    from claimwatch.settings import Settings
    from claimwatch_extract.pipeline import load_nlp

    nlp = load_nlp(Settings().spacy_model)
    out: dict[str, Any] = {}
    for part in ("test", "dev"):
        score = run(nlp, part)
        out[part] = {
            t: {
                "gold": score.tp[t] + score.fn[t],
                "predicted": score.tp[t] + score.fp[t],
                "precision": round(score.precision(t), 3),
                "recall": round(score.recall(t), 3),
            }
            for t in TYPES
        }
        out[part]["slot_agreement"] = round(score.slot_agreement, 3)
    ts = threat_set(nlp)
    out["force_threat_set"] = {
        "pairs": ts.pairs,
        "recall": round(ts.recall, 3),
        "missed": ts.missed,
        "twins_flagged": len(ts.matched_twins),
    }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--peers", type=Path, default=REPO.parent / "shared" / "peers")
    ap.add_argument("--claimwatch", type=Path, default=REPO / ".venv" / "bin" / "claimwatch")
    ap.add_argument("--suites", default=",".join(SUITES), help="comma-separated")
    ap.add_argument("--skip-gold", action="store_true", help="peer suites only")
    ap.add_argument("--verbose", action="store_true", help="each scorer's report on stderr")
    args = ap.parse_args()
    suites = [s for s in args.suites.split(",") if s]
    missing = [s for s in suites if not (args.peers / s / "score.py").is_file()]
    if missing:
        print(f"error: no scorer for {missing} under {args.peers}", file=sys.stderr)
        raise SystemExit(2)
    if not args.claimwatch.exists():
        print(f"error: {args.claimwatch} not found (run make setup)", file=sys.stderr)
        raise SystemExit(2)
    result: dict[str, Any] = {
        "peers": {s: run_suite(args.peers, s, args.claimwatch, args.verbose) for s in suites}
    }
    if not args.skip_gold:
        result["own_gold"] = own_gold()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
