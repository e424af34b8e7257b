"""Scoring a real-news replay against the gold: pure functions, no broker, no files.

Inputs: the alert lines and ``--stories`` lines of ``claimwatch replay``, the gold
clustering (article path -> cluster id, and which clusters are topic-level) and the
hand-written gold facts and threats (``bench/gold/realnews/*.yaml``). The matching rules are
stated once, here, and repeated in docs/extraction-quality.md ("Real news"):

**Story grouping.** B-cubed over the articles of event-level clusters: for each article,
precision = share of the articles in its claimwatch story that are in its gold cluster (every
article of that story counts, topic-level ones included), recall = share of its gold
cluster's articles that are in its story; averaged over articles, F1 from those averages. An
article with no story (rejected or dead-lettered) is a story of its own. Topic-level clusters
are scored the same way on their own articles, reported apart, never mixed in.

**Which cluster an alert belongs to.** The most common gold cluster of the articles behind it
(``article_ids``, through the stories file); if none is known, the most common cluster of its
story's articles. Only the last version of each alert id is scored.

**Contradiction / figure-update alert vs a gold fact.** Same cluster, same unit; every side
(``sides``) or timeline entry (``timeline``) is compatible with at least one of the fact's
gold values, and two sides/entries are compatible with two *different* gold values.
Compatible = one interval contains the other, with a tolerance of 1 % (at least 0.05).
A gold value is ``[v, v]``, or ``low``/``high``, or with ``bound: gt|ge`` ``[v, inf)``,
``lt|le`` ``(-inf, v]``; an alert value's ``null`` end is open.
A contradiction alert is a true positive when it matches a ``disagreement`` fact, a
figure_update alert when it matches an ``update`` fact; matching a fact of the other kind is
counted apart as ``other_kind`` (not a hit, not unmatched). Recall: share of the gold facts of
that kind matched by at least one alert of that kind (``any_kind_recall``: by any alert).

**Key-claim alert vs a gold threat.** Same cluster and the alert's actor fuzzy-matches the
gold actor (rapidfuzz ``token_set_ratio`` >= 85 on lower case with punctuation dropped, so a
surname matches the full name and a gold actor written "Leader (Country)" matches either).
Precision over key-claim alerts, recall over gold threats. ``key_claim_recall_with_target``
is the stricter figure: the alert's target must match the gold target the same way.

**Unmatched.** An alert in a reviewed cluster that matches no gold fact (of either kind) and
no gold threat; reported per five reviewed clusters and listed for review. Alerts in
clusters the gold has not reviewed are counted apart and scored nowhere.
"""

from __future__ import annotations

import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, model_validator
from rapidfuzz import fuzz, utils

from claimwatch.display import format_interval
from claimwatch.models import Interval

VALUE_KINDS = ("contradiction", "figure_update")
GOLD_KIND_OF = {"contradiction": "disagreement", "figure_update": "update"}
ACTOR_MIN_RATIO = 85
REL_TOL = 0.01
ABS_TOL = 0.05


# --------------------------------------------------------------------------- gold model


class GoldValue(BaseModel):
    model_config = ConfigDict(extra="allow")

    value: float | None = None
    low: float | None = None
    high: float | None = None
    bound: Literal["gt", "ge", "lt", "le"] | None = None
    sources: list[str] = []

    @model_validator(mode="after")
    def _one_form(self) -> GoldValue:
        if self.value is None and self.low is None and self.high is None:
            raise ValueError("a gold value needs `value` or `low`/`high`")
        return self

    def interval(self) -> tuple[float | None, float | None]:
        if self.value is None:
            return self.low, self.high
        if self.bound in ("gt", "ge"):
            return self.value, None
        if self.bound in ("lt", "le"):
            return None, self.value
        return self.value, self.value


class GoldFact(BaseModel):
    model_config = ConfigDict(extra="allow")

    fact: str
    unit: str
    kind: Literal["update", "disagreement"]
    values: list[GoldValue]


def in_claimwatch_unit(fact: GoldFact, units: Mapping[str, tuple[str, float]]) -> GoldFact:
    """The fact in claimwatch's one unit for its dimension. The gold keeps the unit the
    articles state (19 tonne, 119,000 lb); claimwatch reports every weight in kg, so a gold
    unit that claimwatch converts (``units``: stated unit -> canonical unit and factor) is
    converted the same way before comparing. Other units are left as written."""
    found = units.get(fact.unit.lower())
    if found is None or found[0] == fact.unit:
        return fact
    unit, factor = found

    def scaled(x: float | None) -> float | None:
        return None if x is None else x * factor

    values = [
        v.model_copy(update={k: scaled(getattr(v, k)) for k in ("value", "low", "high")})
        for v in fact.values
    ]
    return fact.model_copy(update={"unit": unit, "values": values})


class GoldThreat(BaseModel):
    model_config = ConfigDict(extra="allow")

    actor: str
    target: str | None = None
    sources: list[str] = []


class GoldCluster(BaseModel):
    model_config = ConfigDict(extra="allow")

    reviewed: bool = False
    facts: list[GoldFact] = []
    threats: list[GoldThreat] = []


class GoldFile(BaseModel):
    model_config = ConfigDict(extra="allow")

    dataset: str
    clusters: dict[str, GoldCluster] = {}


def unknown_keys(model: BaseModel, where: str = "") -> list[str]:
    """Keys the agreed format does not know (kept, but worth a warning: likely a typo)."""
    found = [f"{where}{k}" for k in (model.model_extra or {}) if k != "note"]
    for name in type(model).model_fields:
        child = getattr(model, name)
        if isinstance(child, dict):
            pairs: list[tuple[object, object]] = list(child.items())
        elif isinstance(child, list):
            pairs = list(enumerate(child))
        else:
            continue
        for key, item in pairs:
            if isinstance(item, BaseModel):
                found.extend(unknown_keys(item, f"{where}{name}[{key}]."))
    return found


# --------------------------------------------------------------------------- intervals


Bounds = tuple[float | None, float | None]


def _tol(x: float) -> float:
    return max(abs(x) * REL_TOL, ABS_TOL)


def contains(outer: Bounds, inner: Bounds) -> bool:
    """``inner`` lies inside ``outer`` (``None`` = open end), within the tolerance."""
    o_lo, o_hi = outer
    i_lo, i_hi = inner
    if o_lo is not None and (i_lo is None or i_lo < o_lo - _tol(o_lo)):
        return False
    return not (o_hi is not None and (i_hi is None or i_hi > o_hi + _tol(o_hi)))


def compatible(a: Bounds, b: Bounds) -> bool:
    return contains(a, b) or contains(b, a)


def alert_bounds(value: Mapping[str, Any]) -> Bounds:
    return value.get("low"), value.get("high")


# --------------------------------------------------------------------------- grouping


@dataclass(frozen=True)
class BCubed:
    precision: float
    recall: float
    f1: float
    articles: int
    clusters: int
    stories: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "articles": self.articles,
            "clusters": self.clusters,
            "stories": self.stories,
        }


def bcubed(
    story_of: Mapping[str, str | None], cluster_of: Mapping[str, str], items: Iterable[str]
) -> BCubed:
    """B-cubed of the stories against the gold clusters, averaged over ``items``.

    ``story_of`` covers every replayed article (so a story's foreign members count against
    precision); an article with no story is a singleton.
    """
    members: dict[str, list[str]] = defaultdict(list)
    for path, story in story_of.items():
        members[story or f"alone:{path}"].append(path)
    gold_members: dict[str, list[str]] = defaultdict(list)
    for path, cluster in cluster_of.items():
        gold_members[cluster].append(path)
    scored = list(items)
    if not scored:
        return BCubed(0.0, 0.0, 0.0, 0, 0, 0)
    p_sum = r_sum = 0.0
    stories: set[str] = set()
    for path in scored:
        story = story_of.get(path) or f"alone:{path}"
        stories.add(story)
        cluster = cluster_of[path]
        mine = members.get(story, [path])
        p_sum += sum(1 for o in mine if cluster_of.get(o) == cluster) / len(mine)
        gold = gold_members[cluster]
        r_sum += sum(1 for o in gold if (story_of.get(o) or f"alone:{o}") == story) / len(gold)
    p, r = p_sum / len(scored), r_sum / len(scored)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    clusters = {cluster_of[p] for p in scored}
    return BCubed(p, r, f1, len(scored), len(clusters), len(stories))


def grouping_scores(
    story_of: Mapping[str, str | None],
    cluster_of: Mapping[str, str],
    topic_level: set[str],
) -> dict[str, Any]:
    """Event-level (the target), topic-level apart, and event-level per dataset."""
    replayed = [p for p in cluster_of if p in story_of]
    event = [p for p in replayed if cluster_of[p] not in topic_level]
    topic = [p for p in replayed if cluster_of[p] in topic_level]
    per_dataset: dict[str, Any] = {}
    for dataset in sorted({p.split("/", 1)[0] for p in event}):
        items = [p for p in event if p.startswith(dataset + "/")]
        per_dataset[dataset] = bcubed(story_of, cluster_of, items).as_dict()
    return {
        "event_level": bcubed(story_of, cluster_of, event).as_dict(),
        "topic_level": bcubed(story_of, cluster_of, topic).as_dict(),
        "per_dataset": per_dataset,
    }


# --------------------------------------------------------------------------- alerts


def last_versions(lines: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The highest version of each alert id, in first-seen order."""
    latest: dict[str, Mapping[str, Any]] = {}
    for line in lines:
        seen = latest.get(line["id"])
        if seen is None or line["version"] >= seen["version"]:
            latest[line["id"]] = line
    return list(latest.values())


def alert_cluster(
    alert: Mapping[str, Any],
    paths_of: Mapping[str, list[str]],
    story_of: Mapping[str, str | None],
    cluster_of: Mapping[str, str],
) -> str | None:
    """The most common gold cluster behind the alert (ties: the first by name)."""
    votes = Counter(
        cluster_of[p]
        for aid in alert.get("article_ids") or []
        for p in paths_of.get(aid, [])
        if p in cluster_of
    )
    if not votes:
        votes = Counter(
            cluster_of[p]
            for p, s in story_of.items()
            if s and s == alert.get("story") and p in cluster_of
        )
    if not votes:
        return None
    top = max(votes.values())
    return min(c for c, n in votes.items() if n == top)


def value_points(alert: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The values an alert sets against each other: its sides or its timeline entries."""
    return list(alert.get("sides") or alert.get("timeline") or [])


def matches_fact(alert: Mapping[str, Any], fact: GoldFact) -> bool:
    """Every value fits a gold value, and two values fit two different gold values."""
    points = value_points(alert)
    if len(points) < 2:
        return False
    golds = [v.interval() for v in fact.values]
    fits: list[set[int]] = []
    for point in points:
        value = point.get("value") or {}
        if str(value.get("unit", "")).lower() != fact.unit.lower():
            return False
        fit = {i for i, g in enumerate(golds) if compatible(alert_bounds(value), g)}
        if not fit:
            return False
        fits.append(fit)
    return any(a != b for fa, fb in itertools.combinations(fits, 2) for a in fa for b in fb)


def actor_matches(actor: str | None, gold_actor: str) -> bool:
    if not actor:
        return False
    ratio = fuzz.token_set_ratio(actor, gold_actor, processor=utils.default_process)
    return ratio >= ACTOR_MIN_RATIO


def target_matches(target: str | None, gold_target: str | None) -> bool:
    """The stricter key-claim match: the alert also names the gold target (same fuzzy rule
    as actors; a gold threat without a target accepts any). A lower bound: "the US" and
    "United States" do not match."""
    return gold_target is None or actor_matches(target, gold_target)


@dataclass
class KindTally:
    alerts: int = 0
    matched: int = 0
    other_kind: int = 0
    gold: int = 0
    found: int = 0
    found_any_kind: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "alerts": self.alerts,
            "matched": self.matched,
            "other_kind": self.other_kind,
            "precision": _ratio(self.matched, self.alerts),
            "gold": self.gold,
            "found": self.found,
            "recall": _ratio(self.found, self.gold),
            "any_kind_recall": _ratio(self.found_any_kind, self.gold),
        }


def _ratio(n: int, d: int) -> float | None:
    return round(n / d, 4) if d else None


@dataclass
class AlertScores:
    kinds: dict[str, KindTally] = field(
        default_factory=lambda: {k: KindTally() for k in (*VALUE_KINDS, "key_claim")}
    )
    per_cluster: Counter[str] = field(default_factory=Counter)
    unmatched: list[dict[str, Any]] = field(default_factory=list)
    unreviewed: list[dict[str, Any]] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)
    reviewed_clusters: int = 0
    threats_found_with_target: int = 0

    def as_dict(self) -> dict[str, Any]:
        n = self.reviewed_clusters
        by_kind: Counter[str] = Counter()
        for key, count in self.per_cluster.items():
            by_kind[key.split("|", 1)[1]] += count
        return {
            **{k: t.as_dict() for k, t in self.kinds.items()},
            "reviewed_clusters": n,
            "key_claim_recall_with_target": _ratio(
                self.threats_found_with_target, self.kinds["key_claim"].gold
            ),
            "alerts_per_cluster": {
                k: round(c / n, 3) if n else None for k, c in sorted(by_kind.items())
            }
            | {"all": round(sum(by_kind.values()) / n, 3) if n else None},
            "unmatched": len(self.unmatched),
            "unmatched_per_five_clusters": round(5 * len(self.unmatched) / n, 3) if n else None,
            "unmatched_alerts": self.unmatched,
            "unreviewed_alerts": len(self.unreviewed),
            "unreviewed": self.unreviewed,
            "missed_gold": self.missed,
        }


def describe(alert: Mapping[str, Any], cluster: str | None) -> dict[str, Any]:
    """What a reviewer needs to judge an alert: no evidence text, values and outlets only."""
    row: dict[str, Any] = {
        "id": alert["id"],
        "kind": alert["kind"],
        "cluster": cluster,
        "title": alert.get("title"),
    }
    points = value_points(alert)
    if points:
        row["values"] = [
            {
                "value": _fmt(p.get("value") or {}),
                "sources": list(p.get("sources") or []),
                **({"published_at": p["published_at"]} if p.get("published_at") else {}),
            }
            for p in points
        ]
    claim = alert.get("claim")
    if claim:
        row["actor"] = claim.get("actor")
        row["target"] = claim.get("target")
        row["sources"] = list(claim.get("sources") or alert.get("sources") or [])
    return row


def _fmt(value: Mapping[str, Any]) -> str:
    """An alert side's value as alerts word it (``claimwatch.display``)."""
    low, high, unit = value.get("low"), value.get("high"), str(value.get("unit") or "")
    return format_interval(Interval(low=low, high=high, unit=unit))


def score_alerts(
    lines: Iterable[Mapping[str, Any]],
    paths_of: Mapping[str, list[str]],
    story_of: Mapping[str, str | None],
    cluster_of: Mapping[str, str],
    gold: Mapping[str, GoldCluster],
) -> AlertScores:
    """Match the last version of every alert to the gold of its cluster (rules: module doc)."""
    reviewed = {c: g for c, g in gold.items() if g.reviewed}
    scores = AlertScores(reviewed_clusters=len(reviewed))
    found: dict[tuple[str, int], set[str]] = defaultdict(set)
    threats_found: set[tuple[str, int]] = set()
    threats_found_with_target: set[tuple[str, int]] = set()
    for alert in last_versions(lines):
        kind = alert["kind"]
        cluster = alert_cluster(alert, paths_of, story_of, cluster_of)
        row = describe(alert, cluster)
        if cluster not in reviewed:
            scores.unreviewed.append(row)
            continue
        scores.per_cluster[f"{cluster}|{kind}"] += 1
        tally = scores.kinds.setdefault(kind, KindTally())
        tally.alerts += 1
        entry = reviewed[cluster]
        if kind == "key_claim":
            actor = (alert.get("claim") or {}).get("actor")
            hits = [i for i, t in enumerate(entry.threats) if actor_matches(actor, t.actor)]
            threats_found.update((cluster, i) for i in hits)
            target = (alert.get("claim") or {}).get("target")
            threats_found_with_target.update(
                (cluster, i) for i in hits if target_matches(target, entry.threats[i].target)
            )
            tally.matched += bool(hits)
            if not hits:
                scores.unmatched.append(row)
            continue
        hits = [i for i, f in enumerate(entry.facts) if matches_fact(alert, f)]
        for i in hits:
            found[(cluster, i)].add(kind)
        same = [i for i in hits if entry.facts[i].kind == GOLD_KIND_OF.get(kind)]
        if same:
            tally.matched += 1
        elif hits:
            tally.other_kind += 1
        else:
            scores.unmatched.append(row)
    for cluster, entry in sorted(reviewed.items()):
        for i, fact in enumerate(entry.facts):
            kind = next(k for k, g in GOLD_KIND_OF.items() if g == fact.kind)
            tally = scores.kinds[kind]
            tally.gold += 1
            kinds = found.get((cluster, i), set())
            tally.found += kind in kinds
            tally.found_any_kind += bool(kinds)
            if kind not in kinds:
                scores.missed.append(
                    {
                        "cluster": cluster,
                        "fact": fact.fact,
                        "kind": fact.kind,
                        "values": [_fmt_gold(v, fact.unit) for v in fact.values],
                        "found_as": sorted(kinds),
                    }
                )
        for i, threat in enumerate(entry.threats):
            scores.kinds["key_claim"].gold += 1
            scores.threats_found_with_target += (cluster, i) in threats_found_with_target
            if (cluster, i) in threats_found:
                scores.kinds["key_claim"].found += 1
                scores.kinds["key_claim"].found_any_kind += 1
            else:
                scores.missed.append(
                    {"cluster": cluster, "threat": f"{threat.actor} -> {threat.target}"}
                )
    return scores


def _fmt_gold(value: GoldValue, unit: str) -> str:
    low, high = value.interval()
    return _fmt({"low": low, "high": high, "unit": unit}) + f" {value.sources}"
