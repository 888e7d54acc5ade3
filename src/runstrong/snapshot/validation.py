"""Reading and validating athlete snapshots against the shipped JSON Schema."""

from __future__ import annotations

import difflib
import json
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from runstrong.snapshot.strict import MAX_BYTES, decode, load_json, load_yaml, shape_problems
from runstrong.util.compiled_schema import accepts
from runstrong.util.errors import InvalidSnapshot, Problem, UserError

if TYPE_CHECKING:
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

Snapshot = dict[str, Any]


@cache
def snapshot_schema() -> dict[str, Any]:
    """The snapshot format's JSON Schema (version 1)."""
    text = files("runstrong.snapshot").joinpath("snapshot.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


@cache
def _validator() -> Draft202012Validator:
    from jsonschema import Draft202012Validator, FormatChecker  # only to decide a refusal: slow to import

    return Draft202012Validator(snapshot_schema(), format_checker=FormatChecker())


def fast_accepts(data: Any) -> bool:
    """Whether the schema compiled by fastjsonschema (`util.compiled_schema`: about 20 times
    faster than jsonschema on a valid snapshot) accepts `data`; the shape limits are not checked
    here. It only ever says yes quickly: whatever it refuses goes through jsonschema."""
    return accepts(snapshot_schema(), data)


def get_path(snapshot: Snapshot, path: str) -> Any:
    """The value at a dotted path (`wellbeing.sleep_h_avg_7d`), or None when it is missing."""
    node: Any = snapshot
    for part in path.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def field_path(path: Any) -> str:
    """`['symptoms', 'soreness', 0, 'level']` -> `symptoms.soreness[0].level`."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(snapshot)"


def _given(value: Any) -> str:
    """The value given, for a message: short, whatever its size."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."


def _range(schema: dict[str, Any]) -> str:
    low, high = schema.get("minimum"), schema.get("maximum")
    kind = "a whole number" if schema.get("type") == "integer" else "a number"
    if low is not None and high is not None:
        return f"{kind} from {low} to {high}"
    if low is not None:
        return f"{kind} ≥ {low}"
    return kind


def did_you_mean(given: str, options: list[str]) -> str | None:
    """The option the user most likely meant: a close spelling, or the one option containing it."""
    close = difflib.get_close_matches(given, options, n=1, cutoff=0.6)
    if close:
        return close[0]
    containing = [option for option in options if given and given.lower() in option.lower()]
    return containing[0] if len(containing) == 1 else None


def _describe(error: ValidationError) -> list[Problem]:
    where = field_path(error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    kind = error.validator
    instance: Any = error.instance
    expected: Any = error.validator_value
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        problems = []
        for key in sorted(set(instance) - set(allowed)):
            key_path = field_path([*error.absolute_path, key])
            hint = did_you_mean(key, allowed)
            advice = f"did you mean '{hint}'?" if hint else f"expected one of: {', '.join(allowed)}"
            problems.append(Problem(key_path, f"unknown field; {advice}"))
        return problems
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return [Problem(field_path([*error.absolute_path, missing]), "required field is missing")]
    if kind == "enum":
        options = ", ".join(str(option) for option in expected)
        hint = did_you_mean(str(instance), [str(o) for o in expected])
        suffix = f" (did you mean '{hint}'?)" if hint else ""
        if list(error.absolute_path)[:2] == ["symptoms", "red_flags"]:
            suffix = " (a red flag is never guessed from a near spelling: name it as listed)"
        return [Problem(where, f"expected one of {options}; got {_given(error.instance)}{suffix}")]
    if kind in {"minimum", "maximum"}:
        return [Problem(where, f"expected {_range(schema)}; got {_given(error.instance)}")]
    if kind == "type":
        expected = {
            "integer": "a whole number",
            "number": "a number",
            "string": "text",
            "boolean": "true or false",
            "array": "a list",
            "object": "a mapping",
        }
        wanted = expected.get(str(error.validator_value), str(error.validator_value))
        return [Problem(where, f"expected {wanted}; got {_given(error.instance)}")]
    if kind == "format":
        return [Problem(where, f"expected an ISO date (YYYY-MM-DD); got {_given(error.instance)}")]
    if kind == "minLength":
        return [Problem(where, f"expected non-empty text; got {_given(error.instance)}")]
    if kind == "maxLength":
        return [Problem(where, f"expected at most {expected} characters; got {len(instance)}")]
    if kind == "maxItems":
        return [Problem(where, f"expected at most {expected} items; got {len(instance)}")]
    if kind == "pattern":
        return [Problem(where, f"expected text without control characters; got {_given(error.instance)}")]
    if kind == "uniqueItems":
        return [Problem(where, f"expected each item once; got {_given(error.instance)}")]
    return [Problem(where, error.message)]


def validation_problems(data: Any) -> list[Problem]:
    """Every way `data` breaks the snapshot format, in document order."""
    if not isinstance(data, dict):
        return [Problem("(snapshot)", f"expected a mapping of fields; got {_given(data)}")]
    limits = shape_problems(data)
    if limits:
        return limits
    errors = sorted(_validator().iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [problem for error in errors for problem in _describe(error)]


def validate(data: Any) -> Snapshot:
    """Return `data` as a snapshot, or raise InvalidSnapshot naming every problem."""
    problems = validation_problems(data)
    if problems:
        raise InvalidSnapshot(problems)
    snapshot: Snapshot = data
    return snapshot


def validate_fast(data: Any) -> Snapshot:
    """`validate` for many snapshots (`runstrong batch`): the same answer and the same problems,
    with the compiled schema for the common valid snapshot (its one-off build costs more than
    one jsonschema check, so single snapshots use `validate`)."""
    if isinstance(data, dict) and not shape_problems(data) and fast_accepts(data):
        snapshot: Snapshot = data
        return snapshot
    return validate(data)


def parse_snapshot(text: str, source: str) -> Snapshot:
    """Parse a snapshot's text and validate it: a `.json` file, or text that starts with `{`, is
    strict JSON; anything else is YAML."""
    is_json = source.lower().endswith(".json") or text.lstrip().startswith("{")
    return validate(load_json(text, source) if is_json else load_yaml(text, source))


def read_snapshot(path: str | Path) -> Snapshot:
    """Read and validate a snapshot file (`-` reads standard input)."""
    if str(path) == "-":
        import sys

        return parse_snapshot(decode(sys.stdin.buffer.read(MAX_BYTES + 1), "<stdin>"), "<stdin>")
    file = Path(path)
    try:
        with file.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        raise UserError(Problem(str(file), f"cannot read snapshot: {error.strerror}")) from None
    return parse_snapshot(decode(data, str(file)), str(file))
