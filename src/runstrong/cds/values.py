"""One Observation's (or one component's) `value[x]`, read as the value of a snapshot field."""

from __future__ import annotations

import json
from typing import Any

from runstrong.cds.codes import CONVERSIONS, UCUM_OF_FIELD, UCUM_OF_UNIT
from runstrong.snapshot.fields import BOOLEAN, INTEGER, NUMBER, FieldSpec
from runstrong.util.errors import Problem, UserError

#: The value[x] each kind of field is sent as.
VALUE_KEYS: dict[str, tuple[str, ...]] = {
    NUMBER: ("valueQuantity", "valueInteger"),
    INTEGER: ("valueInteger", "valueQuantity"),
    BOOLEAN: ("valueBoolean",),
}
TEXT_KEYS = ("valueString",)


def given(value: Any) -> str:
    """A value as it was sent, short."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def bad(where: str, message: str) -> UserError:
    return UserError(Problem(where, message))


def wanted(spec: FieldSpec, path: str) -> str:
    """What a field is sent as, in words: `valueQuantity (a number, in km)`."""
    if spec.kind == NUMBER:
        unit = UCUM_OF_FIELD.get(path) or UCUM_OF_UNIT.get(spec.unit)
        return f"valueQuantity (a number{f', in {unit}' if unit else ''}) or valueInteger"
    if spec.kind == INTEGER:
        return "valueInteger (a whole number) or valueQuantity"
    if spec.kind == BOOLEAN:
        return "valueBoolean (true or false)"
    if spec.choices:
        return f"valueString (one of {', '.join(spec.choices)})"
    return "valueString"


def _number(value: Any, at: str) -> int | float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise bad(at, f"expected a number; got {given(value)}")
    return value


def _quantity(quantity: Any, spec: FieldSpec, path: str, at: str) -> int | float:
    if not isinstance(quantity, dict):
        raise bad(at, f"expected a Quantity ({{value, unit, system, code}}); got {given(quantity)}")
    value = _number(quantity.get("value"), f"{at}.value")
    unit = quantity.get("code") or quantity.get("unit")
    expected = UCUM_OF_FIELD.get(path) or UCUM_OF_UNIT.get(spec.unit)
    if unit in (None, "") or expected is None or unit in (expected, spec.unit):
        return value
    factor = CONVERSIONS.get((str(unit), expected))
    if factor is None:
        where = f"{at}.code" if quantity.get("code") else f"{at}.unit"
        raise bad(where, f"expected a quantity in {expected} (UCUM); got {given(unit)}")
    return round(value * factor, 6)


def read_value(element: dict[str, Any], spec: FieldSpec, path: str, where: str) -> tuple[Any, str] | None:
    """The value and where it was read (`Observation/o1.valueQuantity.value`); None when the
    element has no value but a `dataAbsentReason` (the field stays unknown)."""
    keys = [key for key in element if key.startswith("value")]
    if not keys:
        if "dataAbsentReason" in element:
            return None
        raise bad(where, f"expected a value for {path}: {wanted(spec, path)}; got none")
    if len(keys) > 1:
        raise bad(where, f"expected one value[x]; got {', '.join(keys)}")
    key = keys[0]
    allowed = VALUE_KEYS.get(spec.kind, TEXT_KEYS)
    if key not in allowed:
        raise bad(f"{where}.{key}", f"expected {wanted(spec, path)} for {path}; got {key}")
    value, at = element[key], f"{where}.{key}"
    if key == "valueQuantity":
        return _quantity(value, spec, path, at), f"{at}.value"
    if key == "valueInteger" and (isinstance(value, bool) or not isinstance(value, int)):
        raise bad(at, f"expected a whole number; got {given(value)}")
    if key == "valueBoolean" and not isinstance(value, bool):
        raise bad(at, f"expected true or false; got {given(value)}")
    if key == "valueString" and not isinstance(value, str):
        raise bad(at, f"expected text; got {given(value)}")
    return value, at
