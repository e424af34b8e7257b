"""Two real-news runs' alert and story files compared, the replay's own clock dropped.

Why: an optimisation of the alert stage must not change a single alert. A replay
(``make realnews``, ``realnews_facts.py``) stamps what its clock gives: ``fired_at``, an
alert's ``ingested_at``, and for a report without a publication date its arrival, which shows
in a timeline's ``published_at`` and in the explanation's dates. Those are dropped (the
arrival dates of ``--today``, the day of the runs); everything else must be equal.

    .venv/bin/python bench/alerts_diff.py /tmp/before .claimwatch/realnews [--today 2026-12-02]

Prints one line per file and exits 1 on any difference.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path


def stable_lines(path: Path, today: str) -> list[str]:
    clock = re.compile(re.escape(today) + r" \d\d:\d\d")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        if "explanation" in row:  # an alert; a story file's rows are kept whole
            row.pop("fired_at", None)
            row.pop("ingested_at", None)
            for entry in row.get("timeline") or []:
                if entry["published_at"].startswith(today):
                    entry["published_at"] = "<arrival>"
            row["explanation"] = clock.sub("<arrival>", row["explanation"])
        out.append(json.dumps(row, sort_keys=True))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--today", default=datetime.now(UTC).date().isoformat())
    args = parser.parse_args()
    same = True
    for name in sorted(p.name for p in args.before.glob("*.jsonl")):
        a = stable_lines(args.before / name, args.today)
        b = stable_lines(args.after / name, args.today)
        verdict = (
            "identical"
            if a == b
            else "same lines, other order"
            if sorted(a) == sorted(b)
            else "DIFFERENT"
        )
        print(f"{name}: {len(a)} vs {len(b)} lines, {verdict}")
        same = same and a == b
    sys.exit(0 if same else 1)


if __name__ == "__main__":
    main()
