"""Declarative key-claim rules: YAML files over typed claims, validated on load.

A rule says which claims deserve a page on their own (claim type, actor and target classes,
attribution, minimum confidence) and how much corroboration it needs (independent outlets).
The default set ships in ``data/rules/``; users add folders of their own
(``Settings.rules_dirs``) without code. Every file is validated with pydantic and a bad file
stops the worker with an error naming the file, line and field — a rule silently ignored is a
page silently missed.
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from claimwatch.models import Attribution, Claim, ClaimType, Severity
from claimwatch.yamlload import ConfigFileError, load_yaml_model

RULE_ID_CHARS = set(string.ascii_lowercase + string.digits + "-_.")
TITLE_FIELDS = {"actor", "actor_class", "target", "target_class", "type", "rule"}


class Rule(BaseModel):
    """One key-claim rule. Empty match lists mean "any"."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Stable id, lowercase; it is the metrics label and alert rule.")
    description: str = Field(description="Why this claim matters, for the person paged.")
    severity: Severity
    claim_types: list[ClaimType] = Field(min_length=1)
    actor_classes: list[str] = Field(default_factory=list)
    target_classes: list[str] = Field(default_factory=list)
    attributions: list[Attribution] = Field(default_factory=list)
    min_confidence: float = Field(0.5, ge=0.0, le=1.0)
    min_sources: int = Field(1, ge=1, description="Independent outlets needed before firing.")
    title: str = Field(
        "{actor} made a key claim", description="Alert title; fields: " + ", ".join(TITLE_FIELDS)
    )
    enabled: bool = True

    @field_validator("id")
    @classmethod
    def _id_is_label_safe(cls, value: str) -> str:
        if not value or set(value) - RULE_ID_CHARS:
            raise ValueError("use only lowercase letters, digits, '-', '_' and '.'")
        return value

    @field_validator("title")
    @classmethod
    def _title_fields_known(cls, value: str) -> str:
        names = {name for _, name, _, _ in string.Formatter().parse(value) if name}
        unknown = names - TITLE_FIELDS
        if unknown:
            raise ValueError(f"unknown field(s) {sorted(unknown)}; use {sorted(TITLE_FIELDS)}")
        return value

    def matches(self, claim: Claim) -> bool:
        """Whether one claim satisfies the rule (corroboration is counted by the caller)."""
        return (
            self.enabled
            and claim.type in self.claim_types
            and claim.confidence >= self.min_confidence
            and (not self.actor_classes or claim.actor_class in self.actor_classes)
            and (not self.target_classes or claim.target_class in self.target_classes)
            and (not self.attributions or claim.attribution in self.attributions)
        )

    def render_title(self, claim: Claim) -> str:
        values = {
            "actor": claim.actor or "an unnamed speaker",
            "actor_class": claim.actor_class or "unknown",
            "target": claim.target or claim.target_class or "an unnamed target",
            "target_class": claim.target_class or "unknown",
            "type": claim.type.value,
            "rule": self.id,
        }
        return self.title.format(**values)


class RuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[Rule] = Field(min_length=1)


def default_rules_dir() -> Path:
    return Path(str(resources.files("claimwatch_alert") / "data" / "rules"))


def _rule_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        raise ConfigFileError(f"{folder}: rules folder does not exist")
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml"))


def load_rules(extra_dirs: Iterable[Path] = (), include_defaults: bool = True) -> list[Rule]:
    """Every rule from the default set and the user folders; ids must be unique."""
    folders = ([default_rules_dir()] if include_defaults else []) + list(extra_dirs)
    seen: dict[str, Path] = {}
    rules: list[Rule] = []
    for folder in folders:
        for path in _rule_files(folder):
            for rule in load_yaml_model(path, RuleFile).rules:
                if rule.id in seen:
                    raise ConfigFileError(
                        f"{path}: rule id {rule.id!r} is already defined in {seen[rule.id]}"
                    )
                seen[rule.id] = path
                rules.append(rule)
    return rules
