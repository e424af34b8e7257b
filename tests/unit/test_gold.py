"""Gold-set scoring on the held-back part (tests/gold/test/): the issue's acceptance bar.

Prints the precision/recall table (run ``pytest -s`` to see it) and fails below the thresholds:
threat and quantity P >= 0.90 and R >= 0.80; slot agreement >= 0.85. The same table is kept in
docs/extraction-quality.md. Matching rules: tests/unit/gold_scoring.py.
"""

from __future__ import annotations

from typing import Any

from gold_scoring import load_part, run


def test_gold_set_is_large_and_varied() -> None:
    passages = load_part("test") + load_part("dev")
    assert len(passages) >= 150
    assert len({p["kind"] for p in passages}) >= 10
    assert len({p["id"] for p in passages}) == len(passages)


def test_held_back_precision_recall(nlp: Any) -> None:
    s = run(nlp, "test")
    print("\n" + s.table())
    print("\n".join(s.errors))
    for t in ("threat", "quantity"):
        assert s.precision(t) >= 0.90, (t, s.precision(t))
        assert s.recall(t) >= 0.80, (t, s.recall(t))
    assert s.slot_agreement >= 0.85, s.slot_agreement
