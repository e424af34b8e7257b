"""Page-furniture rules (data/furniture.yaml): lines that frame an article but are not part of it.

They are data, not code, so a newsroom can add its own CMS's boilerplate without a release.
Validated by pydantic when loaded, so a bad pattern fails at start-up with its name, not later.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from claimwatch.yamlload import load_yaml_model


class FurnitureRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z0-9_]+$")
    pattern: str
    scope: Literal["line", "section"] = "line"

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"not a valid regular expression: {exc}") from exc
        return value

    @property
    def regex(self) -> re.Pattern[str]:
        return _compile(self.pattern)


class FurnitureRules(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: list[FurnitureRule]

    def match(self, line: str) -> FurnitureRule | None:
        """The first rule whose pattern matches the whole stripped line, if any."""
        stripped = line.strip()
        for rule in self.rules:
            if rule.regex.fullmatch(stripped):
                return rule
        return None


@lru_cache(maxsize=256)
def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def load_furniture(path: Path | None = None) -> FurnitureRules:
    """Rules from ``path``, or the packaged defaults."""
    source = path or resources.files("claimwatch_ingest").joinpath("data", "furniture.yaml")
    return load_yaml_model(source, FurnitureRules)


@lru_cache(maxsize=1)
def default_furniture() -> FurnitureRules:
    return load_furniture()
