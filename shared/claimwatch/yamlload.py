"""YAML loading that keeps line numbers, so validation errors name the file, line and field.

Every YAML data file claimwatch reads (alert rules and detection config, the extract lexicon,
currencies and gazetteer, ingest's furniture rules, evaluation expectations) goes through
``load_yaml_model``. PyYAML's composer gives every node a start mark; we validate the plain
data with pydantic and map each error's location path back to the node it came from. A user
editing a rule file reads ``rules/extra.yaml:14: rules[2].severity: Input should be
'critical', 'high', ...``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)
Source = Path | Traversable
"""A file on disk or one shipped in a package (``importlib.resources.files(...)``)."""


class ConfigFileError(ValueError):
    """A data file that cannot be used; the message names file, line and field."""


@dataclass(frozen=True)
class _Document:
    name: str
    root: yaml.Node
    data: Any


def _node_at(node: yaml.Node, loc: tuple[int | str, ...]) -> yaml.Node:
    """The deepest node along ``loc`` (pydantic's error path) that exists in the document."""
    current = node
    for part in loc:
        if isinstance(current, yaml.MappingNode):
            for key_node, value_node in current.value:
                if key_node.value == part:
                    current = value_node
                    break
            else:
                return current
        elif isinstance(current, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(current.value):
                current = current.value[part]
            else:
                return current
        else:
            return current
    return current


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(document)"


def _read(source: Source) -> _Document:
    name = str(source)
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigFileError(f"{name}: cannot read ({exc.strerror})") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise ConfigFileError(f"{name}:{line}: invalid YAML: {exc.problem}") from exc
    if root is None:
        raise ConfigFileError(f"{name}:1: the file is empty")
    return _Document(name, root, data)


def load_yaml_model(
    source: Source, model: type[M], *, parts: Mapping[str, Source] | None = None
) -> M:
    """Parse ``source`` and validate it as ``model``; raise ``ConfigFileError`` with lines.

    ``parts`` maps a top-level field to a file of its own (the lexicon keeps its currencies
    apart): its content becomes that field, and an error inside it names that file and line.
    """
    main = _read(source)
    documents = {field: _read(part) for field, part in (parts or {}).items()}
    data = main.data
    if documents:
        if not isinstance(data, dict):
            raise ConfigFileError(f"{main.name}:1: (document): expected a mapping")
        data = {**data, **{field: doc.data for field, doc in documents.items()}}
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if isinstance(p, int | str))
            doc, inner = main, loc
            if loc and loc[0] in documents:
                doc, inner = documents[str(loc[0])], loc[1:]
            node = _node_at(doc.root, inner)
            lines.append(f"{doc.name}:{node.start_mark.line + 1}: {_where(loc)}: {error['msg']}")
        raise ConfigFileError("\n".join(lines)) from exc
