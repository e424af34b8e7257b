"""Settings: env parsing, the env round-trip children rely on, and docs that match the code."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from claimwatch.settings import Settings, redacted, settings_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_env_prefix_and_json_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMWATCH_BOOTSTRAP", "kafka:9092")
    monkeypatch.setenv("CLAIMWATCH_RETRY_SCHEDULE_S", "[0, 1, 2]")
    settings = Settings()
    assert settings.bootstrap == "kafka:9092"
    assert settings.retry_schedule_s == [0, 1, 2]
    assert settings.topics.articles == "claimwatch.articles"


def test_as_env_gives_a_child_the_same_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    original = Settings(topic_prefix="p1", retry_schedule_s=[0, 0.5], api_token="tok")
    for key, value in original.as_env().items():
        monkeypatch.setenv(key, value)
    assert Settings() == original


def test_invalid_value_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLAIMWATCH_PARTITIONS", "zero")
    with pytest.raises(ValidationError, match="partitions"):
        Settings()


def test_redacted_hides_secrets() -> None:
    shown = redacted(Settings(api_token="s3cret-token"))
    assert "s3cret-token" not in repr(shown)
    assert "s3cret-token" not in repr(Settings(api_token="s3cret-token"))


def test_configuration_doc_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == settings_markdown(), (
        "docs/configuration.md is stale: run `claimwatch config --markdown > docs/configuration.md`"
    )
