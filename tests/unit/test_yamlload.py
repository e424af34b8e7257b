"""The one YAML loader: every error names file, line and field, also in a part file, and the
packaged data files (lexicon with its currencies, gazetteer, furniture) load through it."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict

from claimwatch.yamlload import ConfigFileError, load_yaml_model


class Money(BaseModel):
    model_config = ConfigDict(extra="forbid")
    codes: list[str]


class Lex(BaseModel):
    model_config = ConfigDict(extra="forbid")
    words: list[str]
    money: Money


def test_an_error_in_a_part_names_the_part_file_and_line(tmp_path: Path) -> None:
    main, part = tmp_path / "lex.yaml", tmp_path / "money.yaml"
    main.write_text("words:\n  - one\n  - two\n", encoding="utf-8")
    part.write_text("# currencies\ncodes:\n  - USD\n  - [EUR]\n", encoding="utf-8")
    with pytest.raises(ConfigFileError) as err:
        load_yaml_model(main, Lex, parts={"money": part})
    assert str(err.value).startswith(f"{part}:4: money.codes[1]: Input should be a valid string")


def test_an_error_in_the_main_file_names_it(tmp_path: Path) -> None:
    main, part = tmp_path / "lex.yaml", tmp_path / "money.yaml"
    main.write_text("words:\n  - one\nextra: 1\n", encoding="utf-8")
    part.write_text("codes: [USD]\n", encoding="utf-8")
    with pytest.raises(ConfigFileError, match=rf"^{main}:3: extra: Extra inputs"):
        load_yaml_model(main, Lex, parts={"money": part})
    assert load_yaml_model(tmp_path / "money.yaml", Money).codes == ["USD"]


def test_packaged_data_files_load_through_it() -> None:
    from claimwatch_extract.entities import load_gazetteer
    from claimwatch_extract.lexicon import load_lexicon
    from claimwatch_ingest.furniture import load_furniture

    assert load_lexicon().money.symbols["$"] == "USD", "currencies.yaml became Lexicon.money"
    assert load_gazetteer().entities and load_furniture().rules
