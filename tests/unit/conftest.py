"""Extract fixtures: the real spaCy model, loaded once per test session."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # gold_scoring helper


@pytest.fixture(scope="session")
def nlp() -> Any:
    from claimwatch.settings import Settings
    from claimwatch_extract.pipeline import load_nlp

    return load_nlp(Settings().spacy_model)
