"""Structural checks of YAML data against a JSON Schema, reported with file and line."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runstrong.util.compiled_schema import accepts
from runstrong.util.errors import Problem
from runstrong.util.yamlio import LineDict, LineList

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_TYPE_WORDS = {
    "integer": "a whole number",
    "number": "a number",
    "string": "text",
    "boolean": "true or false",
    "array": "a list",
    "object": "a mapping",
    "null": "nothing",
}


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


def given(value: Any) -> str:
    """A value as given, for a message: short, whatever its size."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def did_you_mean(key: Any, options: list[str]) -> str | None:
    """The option a mistyped key most likely meant: a close spelling, or the one option containing it."""
    text = str(key)
    close = difflib.get_close_matches(text, options, n=1, cutoff=0.6)
    if close:
        return close[0]
    containing = [option for option in options if text and text.lower() in option.lower()]
    return containing[0] if len(containing) == 1 else None


def unknown_key(key: Any, options: list[str], within: str = "") -> str:
    """`unknown key 'titel' (did you mean 'title'?)`, or the keys allowed when none is close;
    `within` says where (" in a condition")."""
    hint = did_you_mean(key, options)
    advice = f"did you mean '{hint}'?" if hint else f"expected one of: {', '.join(options)}"
    name = json.dumps(str(key), ensure_ascii=False)[1:-1]
    name = name if len(name) <= 60 else name[:57] + "..."
    return f"unknown key '{name}'{within} ({advice})"


def top_level_problem(file: Path, data: Any) -> Problem | None:
    """Why a file whose top level must be a mapping is not one (None when it is)."""
    if isinstance(data, dict):
        return None
    if data is None:
        return Problem(f"{file}:1", "the file is empty (or only comments): expected a mapping of `key: value` lines")
    kind = "a list" if isinstance(data, list) else given(data)
    return Problem(
        f"{file}:{line_at(data, [])}", f"expected a mapping of `key: value` lines at the top level; got {kind}"
    )


def utf8_problem(file: Path) -> Problem | None:
    """Where a file stops being UTF-8 text (None when it is UTF-8, or cannot be read)."""
    try:
        raw = file.read_bytes()
        raw.decode("utf-8")
    except OSError:
        return None
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        return Problem(
            f"{file}:{line}",
            f"not UTF-8 text: byte 0x{raw[error.start]:02x} at column {column} (byte {error.start} of the file); "
            "save the file as UTF-8",
        )
    return None


def _required_keys(error: ValidationError) -> list[str]:
    """The keys a `required` (or a `oneOf` of `required`s) error asks for; [] for other errors."""
    wanted: Any = error.validator_value
    if error.validator == "required":
        return [key for key in wanted if error.message == f"{key!r} is a required property"]
    if error.validator == "oneOf" and all(isinstance(s, dict) and set(s) == {"required"} for s in wanted):
        return [key for s in wanted for key in s["required"]]
    return []


def _unknown_keys(error: ValidationError) -> tuple[list[str], list[Any]]:
    """For an `additionalProperties` error: the keys allowed there and the keys given that are not."""
    schema: Any = error.schema
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return [], []
    options = list(schema.get("properties", {})) if isinstance(schema, dict) else []
    return options, [key for key in error.instance if key not in options]


def _described(error: ValidationError) -> list[tuple[list[Any], list[Any], str]]:
    """(where, label path, message) for one schema error; an unknown key is placed at its own line."""
    path = list(error.absolute_path)
    wanted: Any = error.validator_value
    options, extra = _unknown_keys(error)
    if extra:
        return [([*path, key], path, unknown_key(key, options)) for key in extra]
    if "propertyNames" in error.schema_path and error.validator == "enum":
        return [([*path, error.instance], path, unknown_key(error.instance, [str(w) for w in wanted]))]
    if error.validator == "type":
        words = " or ".join(_TYPE_WORDS.get(str(w), str(w)) for w in (wanted if isinstance(wanted, list) else [wanted]))
        return [(path, path, f"expected {words}; got {given(error.instance)}")]
    keys = _required_keys(error) if error.validator == "oneOf" else []
    if keys:
        return [(path, path, f"needs exactly one of {' or '.join(map(repr, keys))}")]
    message = error.message
    shown = repr(error.instance)
    if message.startswith(shown) and len(shown) > 80:
        message = given(error.instance) + message[len(shown) :]
    return [(path, path, message)]


def schema_problems(file: Path, data: Any, schema: dict[str, Any]) -> list[Problem]:
    """Every structural problem of `data` against `schema`, each with its file and line.

    An unknown key is reported at its own line with the key it probably meant; the missing key
    it stands for is then not reported again. A top level that is not a mapping (an empty file,
    a list) is one problem, when the schema wants a mapping."""
    if schema.get("type") == "object":
        top = top_level_problem(file, data)
        if top is not None:
            return [top]
    if accepts(schema, data):
        return []
    from jsonschema import Draft202012Validator

    errors = list(Draft202012Validator(schema).iter_errors(data))
    meant = {
        (tuple(error.absolute_path), did_you_mean(key, options))
        for error in errors
        for options, extra in [_unknown_keys(error)]
        for key in extra
    }
    problems = []
    for error in errors:
        keys = _required_keys(error)
        if keys and any((tuple(error.absolute_path), key) in meant for key in keys):
            continue
        for at, label_path, message in _described(error):
            dotted = ".".join(str(part) for part in label_path)
            problems.append((line_at(data, at), f"{dotted}: {message}" if dotted else message))
    problems.sort(key=lambda entry: entry[0])
    return [Problem(f"{file}:{line}", message) for line, message in problems]
