"""YAML loading that keeps line numbers, so validation errors name the file, line and field.

PyYAML's composer gives every node a start mark; we validate the plain data with pydantic and
map each error's location path back to the node it came from. A user editing a rule file
reads ``rules/extra.yaml:14: rules[2].severity: Input should be 'critical', 'high', ...``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound=BaseModel)


class ConfigFileError(ValueError):
    """A data file that cannot be used; the message names file, line and field."""


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


def load_yaml_model(path: Path, model: type[M]) -> M:
    """Parse ``path`` and validate it as ``model``; raise ``ConfigFileError`` with lines."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigFileError(f"{path}: cannot read ({exc.strerror})") from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data: Any = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise ConfigFileError(f"{path}:{line}: invalid YAML: {exc.problem}") from exc
    if root is None:
        raise ConfigFileError(f"{path}:1: the file is empty")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            loc = tuple(p for p in error["loc"] if isinstance(p, int | str))
            node = _node_at(root, loc)
            lines.append(f"{path}:{node.start_mark.line + 1}: {_where(loc)}: {error['msg']}")
        raise ConfigFileError("\n".join(lines)) from exc
