"""YAML loading that remembers the line of every mapping key and list item."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from runstrong.util.errors import Problem, UserError


class LineDict(dict[str, Any]):
    """A mapping that knows the line of itself and of each of its keys."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.key_lines: dict[str, int] = {}

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A list that knows the line of itself and of each item."""

    line: int = 0

    def __init__(self) -> None:
        super().__init__()
        self.item_lines: list[int] = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


#: libyaml's parser when PyYAML was built with it (it is, on the usual wheels): several times faster.
_SafeBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _LineLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """SafeLoader that builds LineDict/LineList and rejects duplicate keys."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    mapping = LineDict()
    mapping.line = node.start_mark.line + 1
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in mapping:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> LineList:
    sequence = LineList()
    sequence.line = node.start_mark.line + 1
    for child in node.value:
        sequence.append(loader.construct_object(child, deep=True))
        sequence.item_lines.append(child.start_mark.line + 1)
    return sequence


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


class _PlainLoader(_SafeBase):  # type: ignore[valid-type,misc]
    """SafeLoader that keeps dates as strings, so a snapshot's `date` stays ISO text."""


_PlainLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _SafeBase.yaml_implicit_resolvers.items()
}


def _describe_yaml_error(source: str, error: yaml.YAMLError) -> Problem:
    mark = getattr(error, "problem_mark", None)
    where = f"{source}:{mark.line + 1}" if mark is not None else source
    problem = getattr(error, "problem", None) or str(error)
    return Problem(where, f"not valid YAML: {problem}")


def load_with_lines(path: Path) -> Any:
    """Load a YAML file into LineDict/LineList values; raise UserError on bad YAML."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise UserError(Problem(str(path), f"cannot read: {error.strerror}")) from None
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.YAMLError as error:
        raise UserError(_describe_yaml_error(str(path), error)) from None


def load_plain(text: str, source: str) -> Any:
    """Load YAML (or JSON, a subset of YAML) text with dates kept as strings."""
    try:
        return yaml.load(text, Loader=_PlainLoader)
    except yaml.YAMLError as error:
        raise UserError(_describe_yaml_error(source, error)) from None
