"""The strict input boundary: bytes to text, text to data, and the shape limits checked before
any costly work.

JSON (`.json` files, JSON Lines, JSON cells) is parsed as JSON, strictly: NaN and Infinity are
not numbers, a key given twice is an error. YAML goes through a safe loader that rejects a key
given twice and refuses aliases (a snapshot never needs them, and they are how a 1 KB document
expands into gigabytes). Then, before the JSON Schema: the size, the nesting depth, the length of
every list and string, and every number must be finite and of a sane magnitude.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

import yaml

from runstrong.util.errors import Problem, UserError
from runstrong.util.yamlio import PlainLoader, describe_yaml_error

MAX_BYTES = 1_000_000
MAX_DEPTH = 12
MAX_LIST = 1_000
MAX_STRING = 10_000
MAX_MAGNITUDE = 1e9
#: What text decoded with `surrogateescape` holds where the input's bytes were not UTF-8.
_SURROGATE = re.compile("[\udc80-\udcff]")


def decode(data: bytes, source: str) -> str:
    """UTF-8 text (a leading byte-order mark dropped), or a UserError naming the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        raise UserError(
            Problem(
                f"{source}:{line}",
                f"not UTF-8 text: byte 0x{data[error.start]:02x} at line {line}, column {column} "
                f"(save the file as UTF-8)",
            )
        ) from None


#: A JSON string (to its closing quote, or to the end of a text cut short) and anything that is
#: not a bracket or brace: what `_nesting` leaves out before it counts.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def _nesting(text: str) -> int:
    """The deepest nesting of brackets and braces outside strings (a cheap look before parsing)."""
    depth = deepest = 0
    for char in _NOT_BRACKET.sub("", _JSON_STRING.sub("", text)):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _precheck(text: str, source: str) -> None:
    if len(text) > MAX_BYTES:
        raise UserError(Problem(source, f"too large: {len(text)} characters; a snapshot has at most {MAX_BYTES}"))
    if _nesting(text) > MAX_DEPTH:
        raise UserError(Problem(source, f"nested more than {MAX_DEPTH} levels deep; a snapshot is not"))


def no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object's pairs as a dict, refusing a key given twice (json's `object_pairs_hook`)."""
    data: dict[str, Any] = {}
    for key, value in pairs:
        if key in data:
            raise ValueError(f"the key {key!r} is given twice")
        data[key] = value
    return data


def _not_a_number(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large to be a number here")
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > 18:
        raise ValueError(f"a number of {len(text.lstrip('-'))} digits is too large to be a number here")
    return int(text)


def load_json(text: str, source: str) -> Any:
    """Strict JSON: no NaN or Infinity, no repeated keys, limits looked at before parsing."""
    _precheck(text, source)
    try:
        return json.loads(
            text, object_pairs_hook=no_repeated_keys, parse_constant=_not_a_number, parse_float=_float, parse_int=_int
        )
    except json.JSONDecodeError as error:
        cut = " (the text is cut short)" if error.pos >= len(text.rstrip()) else ""
        raise UserError(
            Problem(source, f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno}){cut}")
        ) from None
    except (ValueError, RecursionError) as error:
        raise UserError(Problem(source, f"not valid JSON: {error}")) from None


def load_yaml(text: str, source: str) -> Any:
    """Safe YAML with dates kept as text, no repeated keys and no aliases."""
    _precheck(text, source)
    try:
        return yaml.load(text, Loader=PlainLoader)
    except yaml.YAMLError as error:
        raise UserError(describe_yaml_error(source, error)) from None
    except (ValueError, RecursionError) as error:
        raise UserError(Problem(source, f"not valid YAML: {error}")) from None


def load_document(text: str, source: str) -> Any:
    """A `.json` document as JSON, anything else as YAML."""
    return load_json(text, source) if source.lower().endswith(".json") else load_yaml(text, source)


def _path(parts: list[Any]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(snapshot)"


def _within_limits(data: Any) -> bool:
    """True when `shape_problems` finds nothing, by the same walk without the paths; False also
    for any value it does not know, which `shape_problems` then looks at."""
    stack = [data]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is str:
            if len(value) > MAX_STRING or _SURROGATE.search(value):
                return False
        elif kind is float:
            if not math.isfinite(value) or abs(value) > MAX_MAGNITUDE:
                return False
        elif kind is int:
            if abs(value) > MAX_MAGNITUDE:
                return False
        elif kind is dict:
            if len(value) > MAX_LIST or any(type(key) is not str for key in value):
                return False
            stack.extend(value.values())
        elif kind is list:
            if len(value) > MAX_LIST:
                return False
            stack.extend(value)
        elif value is not None and kind is not bool:
            return False
    return True


def shape_problems(data: Any) -> list[Problem]:
    """What breaks the limits: list and string lengths, numbers that are not finite or too large.
    Checked before the schema, so that a bad document is refused quickly and cheaply."""
    return [] if _within_limits(data) else limit_problems(data)


def limit_problems(data: Any) -> list[Problem]:
    """`shape_problems`, each with the path to the value, by a walk that builds every path."""
    problems: list[Problem] = []
    stack: list[tuple[Any, list[Any]]] = [(data, [])]
    while stack and len(problems) < 20:
        value, parts = stack.pop()
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, float) and not math.isfinite(value):
            problems.append(Problem(_path(parts), f"expected a number; got {value} (not a number)"))
        elif isinstance(value, (int, float)) and abs(value) > MAX_MAGNITUDE:
            problems.append(
                Problem(_path(parts), f"expected a number of at most {MAX_MAGNITUDE:.0e}; got a larger one")
            )
        elif isinstance(value, str) and len(value) > MAX_STRING:
            problems.append(Problem(_path(parts), f"expected at most {MAX_STRING} characters; got {len(value)}"))
        elif isinstance(value, str) and _SURROGATE.search(value):
            problems.append(Problem(_path(parts), "not UTF-8 text: the input has bytes that are not UTF-8 here"))
        elif isinstance(value, list):
            if len(value) > MAX_LIST:
                problems.append(Problem(_path(parts), f"expected at most {MAX_LIST} items; got {len(value)}"))
                continue
            stack += [(item, [*parts, index]) for index, item in enumerate(value)]
        elif isinstance(value, dict):
            if len(value) > MAX_LIST:
                problems.append(Problem(_path(parts), f"expected at most {MAX_LIST} fields; got {len(value)}"))
                continue
            bad_keys = [key for key in value if not isinstance(key, str)]
            if bad_keys:
                problems.append(Problem(_path(parts), f"expected field names (text); got {bad_keys[0]!r}"))
                continue
            stack += [(item, [*parts, key]) for key, item in value.items()]
    return sorted(problems, key=lambda p: p.where)
