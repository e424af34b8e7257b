"""Rule files: defaults load, bad files fail naming file, line and field, matching is by class."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimwatch.models import Attribution, Claim, ClaimType
from claimwatch.yamlload import ConfigFileError
from claimwatch_alert.rules import load_rules


def threat(actor_class: str | None, target_class: str | None, conf: float = 0.9) -> Claim:
    return Claim(
        id="x",
        type=ClaimType.THREAT,
        text="...",
        start=0,
        end=3,
        confidence=conf,
        attribution=Attribution.REPORTED,
        actor="Voronin",
        actor_class=actor_class,
        target_class=target_class,
    )


def test_default_set_has_a_critical_threat_of_force_rule() -> None:
    rules = {r.id: r for r in load_rules()}
    rule = rules["threat-of-force-foreign-military"]
    assert rule.severity == "critical"
    assert rule.matches(threat("state_official", "foreign_forces"))
    assert rule.matches(threat("military", "military"))
    assert not rule.matches(threat("state_official", "foreign_forces", conf=0.2))


@pytest.mark.parametrize(
    ("actor_class", "target_class"),
    [("state_official", None), ("state_official", "unknown"), (None, None), ("union", "employer")],
)
def test_no_default_rule_fires_for_resign_sue_or_strike_threats(
    actor_class: str | None, target_class: str | None
) -> None:
    # A threat to resign / sue / strike carries no force target class.
    assert not [r.id for r in load_rules() if r.matches(threat(actor_class, target_class))]


@pytest.mark.parametrize(
    ("actor_class", "target_class", "rule_id"),
    [
        ("state_official", "state", "threat-of-force-state"),
        ("military", "state", "threat-of-force-state"),
        ("armed_group", "foreign_forces", "threat-of-force-foreign-military"),
        ("state_official", "armed_group", "threat-of-force-armed-group"),
        ("armed_group", "vehicles", "threat-of-force-civilians"),
        ("military", "attacker", "threat-of-force-if-attacked"),
    ],
)
def test_threats_of_force_against_states_groups_and_vehicles_page(
    actor_class: str, target_class: str, rule_id: str
) -> None:
    assert rule_id in [r.id for r in load_rules() if r.matches(threat(actor_class, target_class))]


def test_unknown_speakers_never_page() -> None:
    for target in ("state", "foreign_forces", "military", "armed_group", "civilians", "attacker"):
        assert not [r.id for r in load_rules() if r.matches(threat("unknown", target))]
        assert not [r.id for r in load_rules() if r.matches(threat("labour", target))]


def test_user_rules_are_added(tmp_path: Path) -> None:
    (tmp_path / "mine.yaml").write_text(
        "rules:\n  - id: any-quote\n    description: every quote\n    severity: low\n"
        "    claim_types: [quote]\n"
    )
    ids = [r.id for r in load_rules([tmp_path])]
    assert "any-quote" in ids and "threat-of-force-foreign-military" in ids


def test_bad_field_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "rules:\n"
        "  - id: ok-rule\n    description: d\n    severity: high\n    claim_types: [threat]\n"
        "  - id: bad-rule\n    description: d\n    severity: urgent\n    claim_types: [threat]\n"
    )
    with pytest.raises(ConfigFileError) as err:
        load_rules([path.parent], include_defaults=False)
    assert f"{path}:8: rules[1].severity:" in str(err.value)


def test_unknown_field_and_title_placeholder_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "rules:\n  - id: r\n    description: d\n    severity: high\n    claim_types: [threat]\n"
        "    min_source: 2\n    title: '{who} threatens'\n"
    )
    with pytest.raises(ConfigFileError) as err:
        load_rules([tmp_path], include_defaults=False)
    text = str(err.value)
    assert f"{path}:6: rules[0].min_source: Extra inputs are not permitted" in text
    assert f"{path}:7: rules[0].title:" in text and "who" in text


def test_invalid_yaml_and_duplicate_ids(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("rules: [\n")
    with pytest.raises(ConfigFileError, match=r"a.yaml:\d+: invalid YAML"):
        load_rules([tmp_path], include_defaults=False)
    (tmp_path / "a.yaml").write_text(
        "rules:\n  - id: threat-of-force-foreign-military\n    description: d\n"
        "    severity: high\n    claim_types: [threat]\n"
    )
    with pytest.raises(ConfigFileError, match="already defined"):
        load_rules([tmp_path])
