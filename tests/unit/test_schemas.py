"""The committed JSON Schemas must match the models they are generated from."""

from __future__ import annotations

from pathlib import Path

import pytest

from claimwatch.schemas import schema_documents

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


@pytest.mark.parametrize("name,text", sorted(schema_documents().items()))
def test_committed_schema_is_current(name: str, text: str) -> None:
    committed = SCHEMAS / name
    assert committed.exists(), f"{committed} missing: run `make schemas`"
    assert committed.read_text(encoding="utf-8") == text, (
        f"{name} is stale: a model changed; run `make schemas` and commit the result"
    )


def test_no_stray_schema_files() -> None:
    expected = set(schema_documents())
    present = {p.name for p in SCHEMAS.glob("*.schema.json")}
    assert present == expected
