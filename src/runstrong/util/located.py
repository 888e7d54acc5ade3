"""Structural checks of YAML data against a JSON Schema, reported with file and line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from runstrong.util.errors import Problem
from runstrong.util.yamlio import LineDict, LineList


def line_at(data: Any, path: list[Any]) -> int:
    """The line of the value at `path` inside LineDict/LineList data (its nearest known parent)."""
    line = getattr(data, "line", 1)
    node = data
    for part in path:
        if (isinstance(node, LineDict) and part in node) or (
            isinstance(node, LineList) and isinstance(part, int) and part < len(node)
        ):
            line = node.line_of(part)
            node = node[part]
        else:
            break
    return line


def where(file: Path, data: Any, path: list[Any]) -> str:
    """`file:line` for the value at `path`."""
    return f"{file}:{line_at(data, path)}"


def schema_problems(file: Path, data: Any, schema: dict[str, Any]) -> list[Problem]:
    """Every structural problem of `data` against `schema`, each with its file and line."""
    validator = Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(data), key=lambda e: line_at(data, list(e.absolute_path))):
        path = list(error.absolute_path)
        dotted = ".".join(str(part) for part in path)
        label = f"{dotted}: " if dotted else ""
        problems.append(Problem(where(file, data, path), f"{label}{error.message}"))
    return problems
