"""Lexicons as validated data: every word list the extractor uses comes from ``data/*.yaml``.

Why: the extractor must generalise to stories it has not seen, so no event-specific string lives
in code; a lexicon edit is a data change that is validated here at load time (a typo in a key
fails loudly instead of silently disabling a rule). Loaded once per process (``lru_cache``) and
pre-indexed into lookup dicts so per-token checks are O(1).
"""

from __future__ import annotations

import re
from functools import cached_property, lru_cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from claimwatch.yamlload import load_yaml_model

Op = Literal["gt", "ge", "lt", "le", "nearly", "about"]


_DATELINE_PLACE_END = re.compile(r"[,(]|[-–—]+\s")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Numbers(_Model):
    words: dict[str, int]
    multipliers: dict[str, int]
    abbreviations: dict[str, float]
    ambiguous_abbreviations: list[str]
    year_range: tuple[int, int]
    vague: dict[str, tuple[float, float]]
    vague_compound: dict[str, tuple[float, float]]
    fractions: dict[str, float]
    prefix: dict[str, Op]
    suffix: dict[str, Op]
    nearly_count: float = Field(gt=0, lt=1)
    nearly_measure: float = Field(gt=0, lt=1)
    about_rel: float = Field(gt=0, lt=1)
    fraction_spread: float = Field(ge=0)
    digit_fraction_spread: float = Field(ge=0)
    ratio_words: list[str]
    month_words: frozenset[str] = frozenset()


class NounFrame(_Model):
    frame: str
    cls: str = Field(alias="class")


class Group(_Model):
    member: str


class Ordinals(_Model):
    words: dict[str, int]
    units: dict[str, str]
    subjects: dict[str, list[str]]
    series: dict[str, list[str]] = {}


class Unit(_Model):
    """canonical = value * factor + offset (offset only for °F -> °C)."""

    unit: str
    factor: float = Field(gt=0)
    offset: float = 0.0
    kind: str


class Context(_Model):
    default: str
    words: dict[str, str]


class Measurements(_Model):
    units: dict[str, Unit]
    magnitude_words: list[str]
    magnitude_nouns: list[str] = []
    measuring_words: list[str] = []
    checked_durations: list[str] = []
    lasting_nouns: dict[str, str] = {}
    lasting_verbs: dict[str, str] = {}
    contexts: dict[str, Context]
    percent_subjects: dict[str, list[str]]
    comparison_markers: list[str]
    duration_anchors_before: list[str]
    duration_anchors_after: list[str]
    multiple_words: list[str]
    multiple_followers: list[str]
    fall_verbs: list[str] = []
    level_subjects: list[str] = []
    place_words: list[str] = []


class Clock(_Model):
    """Clock times of named events (clock.py)."""

    day_halves: dict[str, Literal["am", "pm"]]
    zones: dict[str, str]
    events: dict[str, str]
    vehicle_verbs: list[str] = []
    vehicles: list[str] = []
    plan_words: list[str] = []
    elapsed_events: dict[str, str]
    periods: list[str]


class Minor(_Model):
    per: int = Field(gt=1)
    currency: str | None = None
    default: str | None = None


class MoneyIdentity(_Model):
    """What an amount is, read from the parse (data/currencies.yaml ``identity``)."""

    kinds: dict[str, list[str]]
    copulas: list[str]
    value_nouns: list[str]
    initial: list[str]
    forecast: list[str]
    forecast_kinds: list[str]
    debt: list[str]
    debt_links: list[str]
    target_kinds: list[str]
    target_preps: list[str]
    acquire_verbs: list[str]
    components: list[str]
    pending_kinds: list[str]
    periods: dict[str, list[str]] = {}
    period_window: int = 4


class Money(_Model):
    """Currencies (data/currencies.yaml): every spelling maps to an ISO 4217 code."""

    symbols: dict[str, str]
    glued_only: list[str]
    codes: list[str]
    names: dict[str, str]
    names_before: dict[str, str]
    pound_names: list[str]
    pound_code: str
    weight_words: list[str]
    qualifiers: dict[str, dict[str, str]]
    minor: dict[str, Minor]
    subjects: dict[str, list[str]]
    identity: MoneyIdentity
    per_units: list[str]

    @field_validator("codes")
    @classmethod
    def _iso(cls, v: list[str]) -> list[str]:
        bad = [c for c in v if not re.fullmatch(r"[A-Z]{3}", c)]
        if bad:
            raise ValueError(f"not ISO 4217 codes: {bad}")
        return v

    @cached_property
    def code_set(self) -> frozenset[str]:
        return frozenset(self.codes)

    def code_of(self, word: str) -> str | None:
        """The ISO code of a symbol or code written before a number ("hk$", "usd")."""
        return self.symbols.get(word) or (word.upper() if word.upper() in self.code_set else None)

    @cached_property
    def subject(self) -> dict[str, str]:
        return {w: cls for cls, ws in self.subjects.items() for w in ws}

    @cached_property
    def kind_of(self) -> dict[str, str]:
        """A word's kind of amount for the parse reader: the subjects, then the kinds only
        the parse can tell (a demand), which win where both name a word."""
        kinds = dict(self.subject)
        kinds.update({w: k for k, ws in self.identity.kinds.items() for w in ws})
        return kinds


class Changes(_Model):
    """Words that say a figure moved ("rose", "fell by", "a 3% drop"): lemmas per direction,
    and the irregular inflected forms the word-level number reader needs."""

    up: list[str]
    down: list[str]
    irregular: dict[str, str]
    nouns_up: list[str]
    nouns_down: list[str]
    increments: list[str]

    def direction(self, lemma: str) -> str | None:
        if lemma in self.up or lemma in self.nouns_up:
            return "up"
        if lemma in self.down or lemma in self.nouns_down:
            return "down"
        return None

    @cached_property
    def forms(self) -> frozenset[str]:
        """Every inflected form of a change verb (regular endings plus the irregular list)."""
        out: set[str] = set(self.irregular)
        for lemma in [*self.up, *self.down]:
            stem = lemma[:-1] if lemma.endswith("e") else lemma
            out |= {lemma, lemma + "s", stem + "ed", stem + "ing", lemma + "d", lemma + "ed"}
            if lemma.endswith("y"):
                out |= {lemma[:-1] + "ied", lemma[:-1] + "ies"}
            out.add(lemma + lemma[-1] + "ed")  # dipped, slipped
        return frozenset(out)


class Threats(_Model):
    force_verbs: list[str]
    figurative_force_verbs: list[str]
    intransitive_force_verbs: list[str]
    ambiguous_force_verbs: list[str]
    fire_preps: list[str]
    non_force: list[str]
    cancel_verbs: list[str]
    force_nouns: list[str]
    force_noun_modifiers: list[str]
    force_np_nouns: list[str]
    ambiguous_force_nouns: list[str]
    figurative_force_nouns: list[str]
    military_modifiers: list[str]
    military_means: list[str]
    deploy_verbs: list[str]
    combat_verbs: list[str]
    combat_phrasal: dict[str, str]
    combat_target_classes: list[str]
    force_adverbs: list[str]
    force_markers: list[tuple[str, str]]
    force_phrasal: dict[str, str]
    fight_verbs: list[str]
    protective_verbs: list[str]
    oath_words: list[str]
    conquest_verbs: list[str]
    conquest_target_classes: list[str]
    conquest_place_verbs: list[str]
    response_verbs: list[str]
    response_nouns: list[str]
    designation_nouns: dict[str, list[str]]
    designation_verbs: list[str]
    modal_aux: list[str]
    readiness: list[str]
    capability_nouns: list[str]
    condition_marks: list[str]
    condition_phrases: list[tuple[str, ...]]
    attack_condition_words: list[str]
    reported_modal_aux: list[str]
    force_containers: list[str]
    reluctance_verbs: list[str]
    incitement_verbs: list[str]
    vicinity_nouns: list[str]
    threat_verbs: list[str]
    accusation_verbs: list[str]
    territorial_force: list[str]
    warning_verbs: list[str]
    labour_actor_words: list[str]

    @cached_property
    def starters(self) -> frozenset[str]:
        """Lemmas without which a sentence threatens nothing unless a modal is in it: the
        verbs that threaten, warn or incite, designation nouns, readiness and capability."""
        return frozenset(
            [
                *self.threat_verbs,
                *self.incitement_verbs,
                *self.warning_verbs,
                *self.designation_nouns,
                *self.readiness,
                *self.capability_nouns,
            ]
        )

    @cached_property
    def verb_starters(self) -> frozenset[str]:
        """Verbs that threaten, incite or warn whatever modal is on them."""
        return frozenset([*self.threat_verbs, *self.incitement_verbs, *self.warning_verbs])

    @cached_property
    def readiness_or_capability(self) -> frozenset[str]:
        return frozenset([*self.readiness, *self.capability_nouns])

    @cached_property
    def modal_words(self) -> frozenset[str]:
        """Words that make a verb future, conditional or reported ("will", "should",
        "going" as in "is going to")."""
        return frozenset([*self.modal_aux, *self.reported_modal_aux, "going"])


class Datelines(_Model):
    """A paragraph-opening dateline ("CITY, Nov 20 (Outlet) -"): a place, never an actor."""

    pattern: str
    not_places: frozenset[str] = frozenset()
    """Newsroom labels set like a dateline ("FILE -", "UPDATE -"), lower case: no place."""
    max_place_words: int = 3
    """A longer capitals opener is a headline, not a place."""
    min_place_letters: int = 3
    """A shorter one is an initialism (an outlet's), not a place."""

    def place(self, dateline: str) -> str | None:
        """The place a dateline names, as written ("PORT ELDA" of "PORT ELDA, Nov 20 -"),
        or ``None`` for a label, a headline or an initialism."""
        raw = _DATELINE_PLACE_END.split(dateline, maxsplit=1)[0].rstrip(" .-'")
        words = raw.split()
        letters = sum(ch.isalpha() for ch in raw)
        if not words or len(words) > self.max_place_words or letters < self.min_place_letters:
            return None
        return None if raw.lower() in self.not_places else raw

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, v: str) -> str:
        try:
            re.compile(v)
        except re.error as e:
            raise ValueError(f"dateline pattern does not compile: {e}") from e
        return v

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(self.pattern, re.MULTILINE)


class SpeechNouns(_Model):
    """Nouns that carry someone's words ("a warning from X that ...", "X's vow to ...")."""

    nouns: list[str]
    agent_preps: list[str]


class Actors(_Model):
    classes: dict[str, list[str]]
    priority: list[str]
    titles: list[str]


class Targets(_Model):
    foreign_markers: list[str]
    classes: dict[str, list[str]]
    priority: list[str]


class Zeros(_Model):
    """Zero statements ("no one was killed", "there were no casualties"): the words that
    state a count of none, and the frames on which a stated none is a figure outlets compare."""

    pronouns: list[str]
    determiners: list[str]
    frames: list[str]
    also: dict[str, str] = {}  # a noun whose none states none on a second frame too

    @cached_property
    def words(self) -> frozenset[str]:
        """Every word of none, for one C-level disjointness test per sentence."""
        return frozenset([*self.pronouns, *self.determiners])


class Lexicon(_Model):
    numbers: Numbers
    money: Money
    changes: Changes
    counted_nouns: dict[str, list[str]]
    frame_nouns: dict[str, NounFrame]
    tallies: dict[str, NounFrame]
    groups: dict[str, Group]
    frames: dict[str, list[list[str]]]
    skip_frames: list[list[str]]
    source_nouns: list[str]
    prep_frames: dict[str, str]
    frame_default_class: dict[str, str]
    frame_class: dict[str, str] = {}
    class_frame: dict[str, str] = {}
    bounding_unions: dict[str, str] = {}
    zeros: Zeros
    not_counted: list[str]
    label_nouns: list[str]
    parent_nouns: list[str] = []
    hit_verbs: dict[str, str] = {}
    purpose_roles: dict[str, str] = {}
    rate_periods: dict[str, str]
    ordinals: Ordinals
    measurements: Measurements
    clock: Clock
    speech_verbs: list[str]
    according_to: list[list[str]]
    speech_nouns: SpeechNouns
    datelines: Datelines
    threats: Threats
    actors: Actors
    targets: Targets

    model_config = ConfigDict(extra="forbid", frozen=False)

    @cached_property
    def bounding_frames(self) -> frozenset[str]:
        """Frames of either side of a ``bounding_unions`` pair."""
        return frozenset(self.bounding_unions) | frozenset(self.bounding_unions.values())

    @cached_property
    def noun_class(self) -> dict[str, str]:
        """Lemma (or lemma sequence joined by spaces) → counted class."""
        return {w: cls for cls, words in self.counted_nouns.items() for w in words}

    @cached_property
    def ordinal_subject(self) -> dict[str, str]:
        return {w: cls for cls, words in self.ordinals.subjects.items() for w in words}

    @cached_property
    def series_class(self) -> dict[str, str]:
        """Noun lemma → the class of events it ranks in a series ("launch" → test)."""
        return {w: cls for cls, words in self.ordinals.series.items() for w in words}

    @cached_property
    def percent_subject(self) -> dict[str, str]:
        return {w: cls for cls, ws in self.measurements.percent_subjects.items() for w in ws}

    @cached_property
    def speech(self) -> frozenset[str]:
        return frozenset(self.speech_verbs)

    @cached_property
    def speech_verb_forms(self) -> frozenset[str]:
        """Headline forms of the speech verbs ("says", "warns", "vows"): the present tense a
        title-case headline puts right after a name."""
        return frozenset(v + ("es" if v.endswith(("s", "sh", "ch")) else "s") for v in self.speech)

    @cached_property
    def not_counted_set(self) -> frozenset[str]:
        return frozenset(self.not_counted)

    @cached_property
    def prefixes_by_last(self) -> dict[str, list[tuple[tuple[str, ...], Op]]]:
        """Number modifiers indexed by their last word, for a cheap look-back."""
        out: dict[str, list[tuple[tuple[str, ...], Op]]] = {}
        for phrase, op in self.numbers.prefix.items():
            parts = tuple(phrase.split())
            out.setdefault(parts[-1], []).append((parts, op))
        return out

    @cached_property
    def vague_compounds(self) -> tuple[tuple[tuple[str, ...], tuple[float, float]], ...]:
        """ "tens of thousands" etc. as word tuples with their interval."""
        return tuple((tuple(p.split()), v) for p, v in self.numbers.vague_compound.items())

    @cached_property
    def glued_symbols(self) -> tuple[str, ...]:
        """Currency spellings that may be glued to a number ("hk$5", "usd10m")."""
        return tuple(self.money.symbols) + tuple(c.lower() for c in self.money.codes)

    @cached_property
    def unit_prefixes(self) -> frozenset[str]:
        """Every prefix of every unit key, spaces removed: a token that is none of these
        starts no unit (a cheap test before trying 1-4 token spellings)."""
        keys = [k.replace(" ", "") for k in self.measurements.units]
        return frozenset(k[:n] for k in keys for n in range(1, len(k) + 1))

    @cached_property
    def label_nouns_set(self) -> frozenset[str]:
        return frozenset(self.label_nouns)

    @cached_property
    def number_starters(self) -> frozenset[str]:
        """Words a non-digit number phrase can start with ("two", "dozens", "tens of ...")."""
        n = self.numbers
        firsts = {phrase.split()[0] for phrase in n.vague_compound}
        return frozenset(n.words) | frozenset(n.vague) | frozenset(firsts)

    @cached_property
    def frame_lemmas(self) -> frozenset[str]:
        """Every lemma that takes part in some frame: a cheap pre-filter."""
        return frozenset(w for sets in self.frames.values() for s in sets for w in s)


@lru_cache(maxsize=4)
def load_lexicon(name: str = "lexicon.yaml") -> Lexicon:
    """Load and validate a lexicon shipped in ``claimwatch_extract/data``."""
    data = resources.files("claimwatch_extract").joinpath("data")
    money = data.joinpath("currencies.yaml")
    return load_yaml_model(data.joinpath(name), Lexicon, parts={"money": money})
