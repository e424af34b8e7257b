"""Tunable detection parameters, as data (``data/detection.yaml``), validated on load.

Kept out of code so a deployment can tighten or loosen story grouping and the contradiction
filters without a release, and so the numbers are reviewable next to their reasons.
"""

from __future__ import annotations

import fnmatch
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from claimwatch.models import Severity
from claimwatch.yamlload import load_yaml_model


class StoryParams(BaseModel):
    """How an article joins an open story (see docs/alerting.md, "Stories")."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    entity_weight: float = Field(0.5, ge=0, le=1, description="Weight of the entity cosine.")
    keyword_weight: float = Field(0.5, ge=0, le=1, description="Weight of the keyword cosine.")
    min_score: float = Field(
        0.15, gt=0, le=1, description="Score needed to join a story within grace_days."
    )
    min_entity_cosine: float = Field(
        0.05,
        ge=0,
        le=1,
        description="Entity cosine a story needs at all: words alone never make one event.",
    )
    min_keyword_cosine: float = Field(
        0.08,
        ge=0,
        le=1,
        description="Keyword cosine a story needs at all: the same people or place alone "
        "never make one event.",
    )
    grace_days: float = Field(
        3.0, ge=0, description="Date gap to a story (days) that needs no more than min_score."
    )
    penalty_per_day: float = Field(
        0.03, ge=0, description="Score needed on top of min_score per day beyond grace_days."
    )
    max_gap_days: float = Field(
        30.0, gt=0, description="An article this many days from a story's dates never joins it."
    )
    entity_rank_scale: float = Field(
        10.0, gt=0, description="Entity weight is 1 / (1 + rank / scale), rank by first mention."
    )
    keyword_rank_scale: float = Field(
        20.0, gt=0, description="Keyword weight is 1 / (1 + rank / scale), rank by frequency."
    )
    max_entities: int = Field(64, ge=1, description="Entities of an article compared.")
    max_keywords: int = Field(30, ge=1, description="Keywords of an article compared.")
    max_story_entities: int = Field(96, ge=1, description="Entities kept per story (heaviest).")
    max_story_keywords: int = Field(64, ge=1, description="Keywords kept per story (heaviest).")


class ContradictionParams(BaseModel):
    """Which slot values are compared at all."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    min_confidence: float = Field(
        0.6, ge=0, le=1, description="A side needs one claim at least this confident."
    )
    severity: Severity = Field(Severity.HIGH, description="Severity of contradiction alerts.")
    ignore_slots: list[str] = Field(
        default_factory=list, description="fnmatch patterns of slots never compared."
    )

    def compares(self, slot: str | None) -> bool:
        return bool(slot) and not any(fnmatch.fnmatchcase(slot or "", p) for p in self.ignore_slots)


class CountedThings(BaseModel):
    """A kind of physical thing a fact-checker counts in an event, and what makes a count of
    it the event's own (munitions: fired or dropped, and that hit)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    classes: list[str] = Field(min_length=1, description="Counted classes of the kind.")
    frames: list[str] = Field(min_length=1, description="Frames that make a count salient.")
    least: int = Field(
        1,
        ge=0,
        description="Smallest count that is a tally: below it the sentence describes single "
        "things ('one shell landed by the gate'), not how many.",
    )
    placed: list[str] = Field(
        default_factory=list,
        description="Qualifier patterns of a count of the things in one place ('inside *': "
        "'one bomb fell inside the camp'): such a count is that place's tally, even below "
        "`least`.",
    )


class FigureParams(BaseModel):
    """Which facts are worth an alert, and when a changed value is an update."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    people: list[str] = Field(
        default_factory=list, description="Counted classes that are people (person, troop...)."
    )
    people_frames: list[str] = Field(
        default_factory=list,
        description="What happening to people is worth an alert (killed, injured, missing...).",
    )
    things: dict[str, CountedThings] = Field(
        default_factory=dict,
        description="Kinds of things counted in an event (munitions, ...) with the frames that "
        "make their count worth an alert.",
    )
    salient: list[str] = Field(
        default_factory=list,
        description="fnmatch patterns of other fact kinds that may alert "
        "(`measurement:magnitude`, `quantity:country:commit`).",
    )
    cumulative: list[str] = Field(
        default_factory=list,
        description="Frames of figures that only grow as news comes in: a higher later value "
        "is an update, not a disagreement.",
    )
    tallied: list[str] = Field(
        default_factory=list,
        description="Frames of figures that grow while they are being tallied (a turnout as "
        "votes are cast and counted): read like `cumulative` ones, except that a lower value "
        "later is never taken for a stale repeat of an earlier figure.",
    )
    daily: list[str] = Field(
        default_factory=list,
        description="Frames of figures that grow from day to day, not hour by hour (people "
        "sheltering as more homes are lost): read like `cumulative` ones between reports at "
        "least `daily_gap_h` apart (or on different dates); closer, or without a date to tell, "
        "two values disagree.",
    )
    daily_gap_h: float = Field(
        12.0,
        ge=0,
        description="How far apart two reports of a `daily` figure must be known "
        "to be for a changed value to be read as the figure moving.",
    )
    shrinking: list[str] = Field(
        default_factory=list,
        description="Frames of figures that only go down as news comes in (people still held "
        "captive, freed or escaping): a lower later value is an update, a higher one a "
        "disagreement.",
    )
    state_qualifiers: list[str] = Field(
        default_factory=list,
        description="Qualifiers that make a growing frame a count of people in a state "
        "(`seriously`: in critical condition), which moves both ways: such a figure is not "
        "cumulative.",
    )
    single_facts: list[str] = Field(
        default_factory=list,
        description="fnmatch patterns of fact kinds whose key names one thing of the event "
        "(a call, a delay, the round a fight was stopped in): every mention in an article "
        "states it, so an article that gives two values contradicts itself.",
    )
    told_apart_by: list[str] = Field(
        default_factory=list,
        description="fnmatch patterns of fact-key qualifiers that tell two facts of one kind "
        "apart only when both name them (`by *`: who sent or bid; a result's period): a claim "
        "that names none joins the story's only fact that differs from it by one of them.",
    )
    sizes_of_things: list[str] = Field(
        default_factory=list,
        description="fnmatch patterns of fact kinds that measure one thing named by its kind "
        "(`measurement:*:size:*`: a 25-tonne truck): a sentence that gives two values of one "
        "tells of two such things, and the story's reports of it are not compared.",
    )
    dated_within_days: dict[str, float] = Field(
        default_factory=dict,
        description="Per fact kind (fnmatch pattern), facts that move with time between "
        "reports (an age every year, a team's record every game): compared only between "
        "reports both dated, within this many days of each other.",
    )
    same_game: list[str] = Field(
        default_factory=list,
        description="Fact kinds (fnmatch patterns) a game changes for every side that plays "
        "it (a record after the game, a career total): two reports, dated or not, that give "
        "the same value of one of them for another holder are about one game, so a "
        "`dated_within_days` fact is compared between them.",
    )
    same_time_window_h: float = Field(
        2.0, ge=0, description="Reports this close in time that disagree are a contradiction."
    )
    stale_window_h: float = Field(
        24.0,
        ge=0,
        description="A growing figure reported lower within this many hours of a higher one "
        "is a stale repeat, not a contradiction.",
    )
    update_severity: Severity = Field(Severity.INFO, description="Severity of figure updates.")
    max_spread: float = Field(
        2.0,
        gt=1,
        description="A value whose high end is more than this times its low end (dozens, "
        "hundreds, up to N) is too vague to disagree with anything or to mark a step.",
    )
    max_sides: int = Field(
        3,
        ge=2,
        description="More distinct values than this for one fact means several facts were "
        "taken for one: no alert.",
    )
    max_ratio: float = Field(
        10.0,
        gt=1,
        description="Values further apart than this factor are two facts (an incident and a "
        "running total), not two reports of one: no alert.",
    )
    max_ratio_many: float = Field(
        2.0,
        gt=1,
        description="With three or more sides, values further apart than this factor are a "
        "mix of facts (incidents, times), not outlets disagreeing on one: no alert.",
    )
    max_difference: dict[str, float] = Field(
        default_factory=dict,
        description="Per fact kind (fnmatch pattern), the widest gap between values that can "
        "still be two reports of one figure, for scales where a ratio means nothing "
        "(`measurement:magnitude: 1.0`: quakes a whole magnitude apart are two quakes).",
    )
    max_steps: int = Field(
        8, ge=2, description="A timeline with more values than this is noise: no update alert."
    )
    lead_chars: int = Field(
        1000, ge=0, description="A headline is held against a body mention this close to the top."
    )


class DetectionConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stories: StoryParams = Field(default_factory=StoryParams)
    contradictions: ContradictionParams = Field(default_factory=ContradictionParams)
    figures: FigureParams = Field(default_factory=FigureParams)


def default_config_path() -> Path:
    return Path(str(resources.files("claimwatch_alert") / "data" / "detection.yaml"))


@lru_cache(maxsize=4)
def load_config(path: Path | None = None) -> DetectionConfig:
    return load_yaml_model(path or default_config_path(), DetectionConfig)
