"""bench/quality.py reads each peer scorer's summary line into figures (lines written here in
the scorers' format, with made-up numbers)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
from quality import parse_summary


def test_quantities_line() -> None:
    got = parse_summary(
        "quantities",
        "quantities: 10/20 gold quantities matched (50%); count=3/4 money=1/8; lenient 12/20; "
        "9 sentences",
    )
    assert got["matched"] == {"hits": 10, "total": 20, "rate": 0.5}
    assert got["count"]["hits"] == 3 and got["money"]["total"] == 8
    assert got["lenient"]["hits"] == 12


def test_equate_line() -> None:
    got = parse_summary(
        "equate",
        "equate: unit rule P=9/10 R=9/30 coverage=50/100 entailment-false-alarms=1/40; "
        "slot rule P=2/4 R=2/30 coverage=20/100 entailment-false-alarms=0/40",
    )
    assert got["unit_rule"]["precision"] == 0.9 and got["unit_rule"]["recall"] == 0.3
    assert got["slot_rule"]["precision"] == 0.5 and got["slot_rule"]["predicted"] == 4


def test_threats_line() -> None:
    got = parse_summary(
        "threats",
        "threats: force-threat recall 2/3; false positives on no-threat sentences 4/400; "
        "non-force threats flagged 0/10; 413 sentences",
    )
    assert got["force_recall"]["hits"] == 2 and got["none_flagged"]["rate"] == 0.01


def test_an_unreadable_line_is_an_error() -> None:
    with pytest.raises(ValueError, match="equate"):
        parse_summary("equate", "equate: something else")
