"""The real-news scorer (bench/realnews_score.py) on made-up stories, alerts and gold."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("realnews_score", BENCH / "realnews_score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # pydantic resolves the models' annotations through it
    spec.loader.exec_module(module)
    return module


rs = _load()

# two event clusters (a ferry fire, a bridge collapse) and one topic-level cluster
CLUSTER_OF = {
    "ds/ferry/a.txt": "ds/ferry",
    "ds/ferry/b.txt": "ds/ferry",
    "ds/ferry/c.txt": "ds/ferry",
    "ds/bridge/a.txt": "ds/bridge",
    "ds/bridge/b.txt": "ds/bridge",
    "ds/topic/a.txt": "ds/topic",
    "ds/topic/b.txt": "ds/topic",
}
TOPIC = {"ds/topic"}


def test_perfect_grouping_scores_one() -> None:
    story_of = {p: "st-" + c for p, c in CLUSTER_OF.items()}
    g = rs.grouping_scores(story_of, CLUSTER_OF, TOPIC)
    assert g["event_level"]["f1"] == 1.0
    assert g["event_level"]["articles"] == 5 and g["event_level"]["clusters"] == 2


def test_two_events_in_one_story_lose_precision_not_recall() -> None:
    story_of = {p: "st-one" for p in CLUSTER_OF if "topic" not in p}
    story_of |= {"ds/topic/a.txt": "st-t", "ds/topic/b.txt": "st-t"}
    b = rs.grouping_scores(story_of, CLUSTER_OF, TOPIC)["event_level"]
    # ferry articles: 3 of 5 right; bridge: 2 of 5 -> (3*3/5 + 2*2/5) / 5 = 13/25
    assert b["precision"] == pytest.approx(13 / 25, abs=1e-4)
    assert b["recall"] == 1.0
    assert b["f1"] == pytest.approx(2 * 0.52 / 1.52, abs=1e-4)


def test_a_topic_level_article_in_an_event_story_costs_that_story_precision() -> None:
    story_of = {p: "st-" + c for p, c in CLUSTER_OF.items()}
    story_of["ds/topic/a.txt"] = "st-ds/bridge"
    b = rs.grouping_scores(story_of, CLUSTER_OF, TOPIC)
    # bridge articles: 2 of 3 right
    assert b["event_level"]["precision"] == pytest.approx((3 * 1 + 2 * 2 / 3) / 5, abs=1e-4)
    assert b["event_level"]["recall"] == 1.0
    assert b["topic_level"]["recall"] == pytest.approx(0.5)


def test_split_event_loses_recall_and_a_missing_story_is_a_singleton() -> None:
    story_of = {p: "st-" + c for p, c in CLUSTER_OF.items()}
    story_of["ds/ferry/c.txt"] = None  # dead-lettered
    b = rs.grouping_scores(story_of, CLUSTER_OF, TOPIC)["event_level"]
    assert b["precision"] == 1.0
    # ferry a, b: 2/3 each; ferry c: 1/3; bridge: 1 each
    assert b["recall"] == pytest.approx((2 / 3 + 2 / 3 + 1 / 3 + 1 + 1) / 5, abs=1e-4)
    assert b["stories"] == 3


# --------------------------------------------------------------------------- alerts

GOLD = {
    "ds/ferry": rs.GoldCluster.model_validate(
        {
            "reviewed": True,
            "facts": [
                {
                    "fact": "people injured",
                    "unit": "person",
                    "kind": "disagreement",
                    "values": [
                        {"value": 12, "sources": ["north.example"]},
                        {"value": 14, "sources": ["south.example"]},
                    ],
                },
                {
                    "fact": "people killed",
                    "unit": "person",
                    "kind": "update",
                    "values": [
                        {"value": 3, "bound": "ge", "sources": ["north.example"]},
                        {"value": 5, "sources": ["south.example"]},
                        {"value": 6, "sources": ["east.example"]},
                    ],
                },
            ],
            "threats": [{"actor": "Marta Olsen", "target": "Valdoria", "sources": ["x"]}],
        }
    ),
    "ds/bridge": rs.GoldCluster.model_validate({"reviewed": True}),
}
STORY_OF = {p: "st-" + c for p, c in CLUSTER_OF.items()}
PATHS_OF = {"art-" + p: [p] for p in CLUSTER_OF}


def _value(low: float | None, high: float | None, unit: str = "person") -> dict[str, Any]:
    return {"low": low, "high": high, "unit": unit}


def _alert(
    alert_id: str,
    kind: str,
    values: list[dict[str, Any]],
    cluster: str = "ds/ferry",
    version: int = 1,
    **extra: Any,
) -> dict[str, Any]:
    key = "timeline" if kind == "figure_update" else "sides"
    paths = [p for p, c in CLUSTER_OF.items() if c == cluster]
    return {
        "id": alert_id,
        "version": version,
        "kind": kind,
        "title": f"made-up {alert_id}",
        "story": "st-" + cluster,
        "article_ids": ["art-" + p for p in paths],
        key: [{"value": v, "sources": [f"outlet{i}"]} for i, v in enumerate(values)],
        **extra,
    }


def _score(alerts: list[dict[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = rs.score_alerts(alerts, PATHS_OF, STORY_OF, CLUSTER_OF, GOLD).as_dict()
    return result


def test_a_contradiction_on_two_gold_values_is_a_hit() -> None:
    s = _score([_alert("ct-1", "contradiction", [_value(12, 12), _value(14, 14)])])
    assert s["contradiction"]["matched"] == 1 and s["contradiction"]["precision"] == 1.0
    assert s["contradiction"]["recall"] == 1.0
    assert s["unmatched"] == 0


def test_open_and_approximate_values_fit_by_containment() -> None:
    # "at least 12" contains 12 and 14: it fits both; 14.1 is within the tolerance of 14
    s = _score([_alert("ct-1", "contradiction", [_value(12, None), _value(14.1, 14.1)])])
    assert s["contradiction"]["matched"] == 1


def test_one_gold_value_on_both_sides_is_not_a_hit() -> None:
    s = _score([_alert("ct-1", "contradiction", [_value(12, 12), _value(12, 12)])])
    assert s["contradiction"]["matched"] == 0 and s["unmatched"] == 1


def test_a_side_outside_the_gold_values_is_unmatched() -> None:
    s = _score([_alert("ct-1", "contradiction", [_value(12, 12), _value(40, 40)])])
    assert s["contradiction"]["precision"] == 0.0
    assert s["unmatched_alerts"][0]["id"] == "ct-1"
    assert s["unmatched_alerts"][0]["values"][1] == {"value": "40 person", "sources": ["outlet1"]}


def test_another_unit_or_another_cluster_is_unmatched() -> None:
    other_unit = _alert("ct-1", "contradiction", [_value(12, 12, "m"), _value(14, 14, "m")])
    other_cluster = _alert(
        "ct-2", "contradiction", [_value(12, 12), _value(14, 14)], cluster="ds/bridge"
    )
    s = _score([other_unit, other_cluster])
    assert s["contradiction"]["alerts"] == 2 and s["contradiction"]["matched"] == 0
    assert s["unmatched"] == 2
    assert s["unmatched_per_five_clusters"] == 5.0  # 2 unmatched over 2 reviewed clusters


def test_a_gold_fact_in_a_stated_unit_is_compared_in_claimwatch_unit() -> None:
    fact = rs.GoldFact.model_validate(
        {
            "fact": "weight of the barge",
            "unit": "tonne",
            "kind": "disagreement",
            "values": [{"value": 40, "sources": ["a"]}, {"value": 45, "bound": "ge"}],
        }
    )
    units = {"tonne": ("kg", 1000.0), "minute": ("minute", 1.0)}
    kg = rs.in_claimwatch_unit(fact, units)
    assert kg.unit == "kg" and [v.interval() for v in kg.values] == [(40000, 40000), (45000, None)]
    sides = [_value(40000, 40000, "kg"), _value(46000, 46000, "kg")]
    alert = _alert("ct-1", "contradiction", sides)
    assert rs.matches_fact(alert, kg) and not rs.matches_fact(alert, fact)
    same = fact.model_copy(update={"unit": "minute"})
    assert rs.in_claimwatch_unit(same, units) is same


def test_update_found_as_a_timeline_and_the_wrong_kind_counted_apart() -> None:
    timeline = _alert("fu-1", "figure_update", [_value(3, None), _value(5, 5), _value(6, 6)])
    paged = _alert("ct-1", "contradiction", [_value(5, 5), _value(6, 6)])
    s = _score([timeline, paged])
    assert s["figure_update"]["matched"] == 1 and s["figure_update"]["recall"] == 1.0
    assert s["contradiction"]["matched"] == 0 and s["contradiction"]["other_kind"] == 1
    assert s["contradiction"]["precision"] == 0.0
    assert s["contradiction"]["recall"] == 0.0  # the disagreement fact was not found
    assert s["contradiction"]["any_kind_recall"] == 0.0
    assert s["figure_update"]["any_kind_recall"] == 1.0
    assert s["unmatched"] == 0  # a real fact, only the wrong kind


def test_only_the_last_version_counts() -> None:
    first = _alert("ct-1", "contradiction", [_value(12, 12), _value(40, 40)])
    second = _alert("ct-1", "contradiction", [_value(12, 12), _value(14, 14)], version=2)
    s = _score([first, second])
    assert s["contradiction"]["alerts"] == 1 and s["contradiction"]["matched"] == 1


def test_key_claims_match_by_actor_surname_and_cluster() -> None:
    hit = _alert("kc-1", "key_claim", [], claim={"actor": "Olsen", "target": "Valdoria"})
    miss = _alert("kc-2", "key_claim", [], claim={"actor": "Jonas Berg", "target": None})
    s = _score([hit, miss])
    assert s["key_claim"]["alerts"] == 2 and s["key_claim"]["matched"] == 1
    assert s["key_claim"]["precision"] == 0.5 and s["key_claim"]["recall"] == 1.0
    assert [row["id"] for row in s["unmatched_alerts"]] == ["kc-2"]
    assert s["key_claim_recall_with_target"] == 1.0


def test_the_stricter_key_claim_recall_also_wants_the_gold_target() -> None:
    wrong_target = _alert("kc-1", "key_claim", [], claim={"actor": "Olsen", "target": "Kestria"})
    s = _score([wrong_target])
    assert s["key_claim"]["recall"] == 1.0  # the actor is enough for the main figure
    assert s["key_claim_recall_with_target"] == 0.0
    assert rs.target_matches(None, None) and rs.target_matches("Kestria", None)


def test_a_gold_actor_with_its_affiliation_in_brackets_matches_either_name() -> None:
    assert rs.actor_matches("Valdoria", "Marta Olsen (Valdoria)")
    assert rs.actor_matches("Marta Olsen", "Valdoria (Marta Olsen)")
    assert not rs.actor_matches("Kestria", "Marta Olsen (Valdoria)")


def test_alerts_in_unreviewed_clusters_are_counted_apart() -> None:
    alert = _alert("ct-9", "contradiction", [_value(1, 1), _value(2, 2)], cluster="ds/topic")
    s = _score([alert])
    assert s["unreviewed_alerts"] == 1 and s["contradiction"]["alerts"] == 0
    assert s["alerts_per_cluster"]["all"] == 0.0


def test_alerts_per_cluster_and_missed_gold() -> None:
    s = _score([_alert("ct-1", "contradiction", [_value(12, 12), _value(14, 14)])])
    assert s["alerts_per_cluster"] == {"contradiction": 0.5, "all": 0.5}
    missed = {m.get("fact") or m.get("threat") for m in s["missed_gold"]}
    assert missed == {"people killed", "Marta Olsen -> Valdoria"}


def test_alert_cluster_is_the_majority_of_its_articles() -> None:
    alert = {"id": "x", "story": "st-mixed", "article_ids": ["art-ds/ferry/a.txt"] * 2}
    alert["article_ids"].append("art-ds/bridge/a.txt")
    assert rs.alert_cluster(alert, PATHS_OF, STORY_OF, CLUSTER_OF) == "ds/ferry"
    by_story = {"id": "y", "story": "st-ds/bridge", "article_ids": []}
    assert rs.alert_cluster(by_story, PATHS_OF, STORY_OF, CLUSTER_OF) == "ds/bridge"


def test_gold_format_errors_and_unknown_keys() -> None:
    with pytest.raises(ValueError, match="value"):
        rs.GoldValue.model_validate({"sources": ["a"]})
    parsed = rs.GoldFile.model_validate(
        {
            "dataset": "ds",
            "clusters": {
                "ds/ferry": {
                    "reviewed": True,
                    "facts": [
                        {
                            "fact": "f",
                            "unit": "person",
                            "kind": "update",
                            "note": "fine",
                            "values": [{"value": 1, "sorces": ["typo"]}],
                        }
                    ],
                }
            },
        }
    )
    assert rs.unknown_keys(parsed) == ["clusters[ds/ferry].facts[0].values[0].sorces"]


# --------------------------------------------------------------------------- the script


def _load_eval() -> ModuleType:
    spec = importlib.util.spec_from_file_location("realnews_eval", BENCH / "realnews_eval.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_eval_says_clearly_when_the_realnews_folder_is_missing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = _load_eval().main(["--realnews", str(tmp_path / "nowhere"), "--score-only"])
    assert code == 2
    assert "no clusters.json" in capsys.readouterr().err


def test_eval_scores_saved_replays_against_a_gold_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    realnews, work, gold = tmp_path / "realnews", tmp_path / "work", tmp_path / "gold"
    for p in CLUSTER_OF:
        (realnews / p).parent.mkdir(parents=True, exist_ok=True)
        (realnews / p).write_text("---\nsource: x\n---\nmade up\n")
    clusters = {c: {"topic_level": c in TOPIC} for c in set(CLUSTER_OF.values())}
    (realnews / "clusters.json").write_text(json.dumps({"clusters": clusters, "files": CLUSTER_OF}))
    work.mkdir()
    (work / "ds.stories.jsonl").write_text(
        "".join(
            json.dumps({"path": str(realnews / p), "article_id": "art-" + p, "story": "st-1"})
            + "\n"
            for p in CLUSTER_OF
        )
    )
    alert = _alert("ct-1", "contradiction", [_value(12, 12), _value(40, 40)])
    (work / "ds.alerts.jsonl").write_text(json.dumps(alert) + "\n")
    gold.mkdir()
    (gold / "ds.yaml").write_text(
        "dataset: ds\nclusters:\n  ds/ferry:\n    reviewed: true\n    facts: []\n"
        "  ds/elsewhere:\n    reviewed: true\n"
    )
    code = _load_eval().main(
        ["--realnews", str(realnews), "--work", str(work), "--gold", str(gold), "--score-only"]
    )
    out = capsys.readouterr()
    assert code == 0, out.err
    summary = json.loads(out.out)
    # one story for all seven: ferry articles 3 of 7 right, bridge 2 of 7
    assert summary["grouping"]["event_level"]["precision"] == pytest.approx(13 / 35, abs=1e-4)
    assert summary["contradiction"]["alerts"] == 1 and summary["unmatched"] == 1
    assert "UNMATCHED contradiction ct-1 [ds/ferry]" in out.err
    assert "40 person" in out.err and "outlet1" in out.err
    assert "ds/elsewhere is not in clusters.json" in out.err
    report = json.loads((work / "results.json").read_text())
    assert report["alerts"]["unmatched_alerts"][0]["id"] == "ct-1"
