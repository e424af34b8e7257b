"""The force-threat set (tests/gold/threats/force_threats.yaml): threats of force in varied
forms (noun-phrase objects, oaths, conditionals, passives, reported speech), each with a
non-threat twin. Recall on the threats must reach 0.9 and no twin may carry a threat claim."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import yaml

from claimwatch.models import Article, ClaimType
from claimwatch_extract.pipeline import extract_batch

SET = Path(__file__).resolve().parents[1] / "gold" / "threats" / "force_threats.yaml"


def flagged(nlp: Any, texts: list[str]) -> list[bool]:
    arts = [Article(id=str(i), source="set", text=t, original_text=t) for i, t in enumerate(texts)]
    return [
        any(c.type == ClaimType.THREAT for c in out.claims) for _, out in extract_batch(nlp, arts)
    ]


def test_the_set_is_large_and_varied() -> None:
    pairs = yaml.safe_load(SET.read_text("utf-8"))
    assert len(pairs) >= 40
    assert len({p["id"] for p in pairs}) == len(pairs)
    forms = Counter(p["form"] for p in pairs)
    for form in ("noun_phrase", "oath", "conditional", "passive", "reported"):
        assert forms[form] >= 4, forms


def test_force_threats_found_and_no_twin_matches(nlp: Any) -> None:
    pairs = yaml.safe_load(SET.read_text("utf-8"))
    threats = flagged(nlp, [p["threat"] for p in pairs])
    twins = flagged(nlp, [p["twin"] for p in pairs])
    missed = [p["id"] for p, hit in zip(pairs, threats, strict=True) if not hit]
    matched_twins = [p["id"] for p, hit in zip(pairs, twins, strict=True) if hit]
    recall = sum(threats) / len(pairs)
    print(f"\nforce-threat set: recall {sum(threats)}/{len(pairs)} = {recall:.2f}; missed {missed}")
    assert matched_twins == []
    assert recall >= 0.9, missed
