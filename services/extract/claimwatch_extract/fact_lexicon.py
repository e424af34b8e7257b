"""The fact-identity lexicon (``data/facts.yaml``) as validated data.

Why a file of its own: the words that tell one fact from another (roles, severity, part-of
markers, time anchors, event nouns) and the plain words alerts use to name a fact are a
different concern from the words that find numbers and claims (``lexicon.yaml``), and are
tuned separately. Loaded once per process and pre-indexed for O(1) per-token lookups.
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, field_validator

from claimwatch.models import FigureCue


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Scope(_Model):
    subset_preps: list[str]
    member_preps: list[str]
    part_of_objects: list[str]
    share_objects: list[str] = []
    increment_words: list[str]
    enumeration_words: list[str] = []
    whole_words: list[str]
    part_places: list[str]
    part_place_nouns: list[str] = []
    part_place_preps: list[str] = []
    one_of_words: list[str] = []
    part_causes: list[str] = []
    cause_preps: list[str] = []
    total_words: list[str]


class Background(_Model):
    date_patterns: list[str]
    period_openers: list[str] = []
    event_modifiers: list[str]

    @field_validator("date_patterns")
    @classmethod
    def _compiles(cls, v: list[str]) -> list[str]:
        for pattern in v:
            try:
                re.compile(pattern)
            except re.error as e:
                raise ValueError(f"date pattern {pattern!r} does not compile: {e}") from e
        return v

    @cached_property
    def date_regexes(self) -> list[re.Pattern[str]]:
        return [re.compile(p) for p in self.date_patterns]


class Unrealised(_Model):
    modals: list[str]
    perfect_guesses: list[str]
    reported_will: list[str]
    verbs: list[str]
    conditions: list[str]


class RepeatedEvent(_Model):
    """An event a holder repeats, counted by an ordinal: its nouns ("defence"), and the
    verbs that do it to one of its objects ("retained her title for the fifth time")."""

    nouns: list[str]
    verbs: list[str]
    objects: list[str]


class PlayWords(_Model):
    """A player's long play measured in a unit ("an 86-yard touchdown run"): the play
    nouns by kind, the units with their factor to metres, and the shortest length read."""

    kinds: dict[str, list[str]]
    units: dict[str, float]
    min_length: float


class HolderWords(_Model):
    """Words of figures that belong to a named holder (holders.py)."""

    titles: list[str]
    dashes: list[str]
    knockout_words: list[str]
    record_nouns: list[str]
    record_verbs: list[str]
    split_words: list[str]
    career_words: list[str]
    not_career: list[str]
    running_verbs: list[str] = []
    running_nouns: list[str] = []
    running_spans: list[str] = []
    score_nouns: list[str] = []
    score_verbs: list[str] = []
    before_verbs: list[str]
    record_broken_verbs: list[str] = []
    record_periods: list[str] = []
    missed_verbs: list[str]
    missed_nouns: list[str]
    run_words: list[str]
    repeated: dict[str, RepeatedEvent] = {}
    plays: PlayWords | None = None


class FrameWords(_Model):
    words: str
    question: str


class FactLexicon(_Model):
    generic_nouns: list[str]
    roles: list[str]
    fired_classes: list[str] = []
    landing_frames: list[str] = []
    landing_preps: dict[str, list[str]] = {}
    landing_times: list[str] = []
    people_classes: list[str] = []
    sent_frames: list[str] = []
    occasion_frames: list[str] = []
    weekdays: list[str] = []
    destination_frames: list[str] = []
    destination_preps: list[str] = []
    not_destinations: list[str] = []
    compound_frames: list[str] = []
    severity: dict[str, list[str]]
    severity_frames: list[str] = []
    scope: Scope
    cues: dict[FigureCue, list[str]]
    background: Background
    unrealised: Unrealised
    event_nouns: dict[str, list[str]]
    tally_nouns: list[str]
    dimension_words: dict[str, str]
    limit_words: list[str]
    attributive_dimensions: list[str] = []
    paired_dimensions: dict[str, str] = {}
    payload_destinations: dict[str, str] = {}
    plurals: dict[str, str]
    frames: dict[str, FrameWords]
    dimensions: dict[str, str]
    money_kinds: dict[str, str] = {}
    holders: HolderWords

    model_config = ConfigDict(extra="forbid", frozen=False)

    @cached_property
    def severity_of(self) -> dict[str, str]:
        """Word or phrase -> severity qualifier ("critically" -> "serious")."""
        return {w: q for q, words in self.severity.items() for w in words}

    @cached_property
    def cue_words(self) -> dict[str, FigureCue]:
        """Single-word cues (lemma or lower-case form) -> cue."""
        return {w: c for c, words in self.cues.items() for w in words if " " not in w}

    @cached_property
    def cue_word_set(self) -> frozenset[str]:
        return frozenset(self.cue_words)

    @cached_property
    def cue_phrases(self) -> list[tuple[str, FigureCue]]:
        """Multi-word cues, longest first, matched on the clause's lower-case words."""
        found = [(w, c) for c, words in self.cues.items() for w in words if " " in w]
        return sorted(found, key=lambda p: -len(p[0]))

    @cached_property
    def cue_phrase_words(self) -> list[tuple[frozenset[str], str, FigureCue]]:
        """``cue_phrases`` with the words each needs: a clause lacking one of a phrase's
        words cannot contain it, so most clauses are ruled out by a set test."""
        return [(frozenset(p.split()), p, c) for p, c in self.cue_phrases]

    @cached_property
    def part_cause_heads(self) -> frozenset[str]:
        """The last word of each cause ("fire" of "friendly fire"): a sentence without one
        of them names no cause."""
        return frozenset(c.split()[-1] for c in self.scope.part_causes)

    @cached_property
    def limit_set(self) -> frozenset[str]:
        return frozenset(self.limit_words)

    @cached_property
    def unrealised_words(self) -> frozenset[str]:
        """A sentence without one of these has no figure that has not happened."""
        un = self.unrealised
        return frozenset([*un.modals, *un.conditions, *un.verbs])

    @cached_property
    def background_words(self) -> frozenset[str]:
        """Besides a date or a year, the words that can put a figure in another period: an
        earlier event's modifier ("a previous crash"), "when", a period's opener."""
        bg = self.background
        return frozenset(
            [*bg.event_modifiers, "when", *(w for o in bg.period_openers for w in o.split())]
        )

    @cached_property
    def part_place_set(self) -> frozenset[str]:
        return frozenset(self.scope.part_place_nouns)

    @cached_property
    def part_cause_set(self) -> frozenset[str]:
        return frozenset(self.scope.part_causes)

    @cached_property
    def role_set(self) -> frozenset[str]:
        return frozenset(self.roles)

    @cached_property
    def people_class_set(self) -> frozenset[str]:
        return frozenset(self.people_classes)

    @cached_property
    def landing_side(self) -> dict[str, str]:
        """Preposition -> the side of a place it puts what landed ("within" -> "inside")."""
        return {p: side for side, preps in self.landing_preps.items() for p in preps}

    @cached_property
    def fired_set(self) -> frozenset[str]:
        return frozenset(self.fired_classes)

    @cached_property
    def generic_set(self) -> frozenset[str]:
        return frozenset(self.generic_nouns)

    @cached_property
    def event_kind(self) -> dict[str, str]:
        """Event noun -> its kind ("derailment" -> "accident")."""
        return {w: kind for kind, words in self.event_nouns.items() for w in words}

    @cached_property
    def event_set(self) -> frozenset[str]:
        return frozenset(self.event_kind)


@lru_cache(maxsize=2)
def load_fact_lexicon(name: str = "facts.yaml") -> FactLexicon:
    """Load and validate a fact lexicon shipped in ``claimwatch_extract/data``."""
    text = resources.files("claimwatch_extract").joinpath("data", name).read_text("utf-8")
    return FactLexicon.model_validate(yaml.safe_load(text))
