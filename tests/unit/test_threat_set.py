"""The force-threat set (tests/gold/threats/force_threats.yaml): threats of force in varied
forms (noun-phrase objects, oaths, conditionals, passives, reported speech), each with a
non-threat twin. Recall on the threats must reach 0.9 and no twin may carry a threat claim."""

from __future__ import annotations

from collections import Counter
from typing import Any

import yaml
from gold_scoring import THREAT_SET, threat_set


def test_the_set_is_large_and_varied() -> None:
    pairs = yaml.safe_load(THREAT_SET.read_text("utf-8"))
    assert len(pairs) >= 40
    assert len({p["id"] for p in pairs}) == len(pairs)
    forms = Counter(p["form"] for p in pairs)
    for form in ("noun_phrase", "oath", "conditional", "passive", "reported"):
        assert forms[form] >= 4, forms


def test_force_threats_found_and_no_twin_matches(nlp: Any) -> None:
    score = threat_set(nlp)
    print(f"\nforce-threat set: recall {score.found}/{score.pairs}; missed {score.missed}")
    assert score.matched_twins == []
    assert score.recall >= 0.9, score.missed
