"""Turning a validated snapshot into the facts the engine matches: one flat athlete fact
(scalar fields and derived values) and one fact per list item."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from experta import Fact
from experta.utils import freeze

from runstrong.snapshot.applies import AppliesTo, excluded_fields
from runstrong.snapshot.derive import derive_item, derived_values
from runstrong.snapshot.fields import ITEM_LIST, SCALAR_ITEM_FIELD, SCALAR_LIST, catalogue
from runstrong.snapshot.validation import Snapshot

UNKNOWN_KEY = "_unknown"


class Athlete(Fact):
    """The scalar parts of a snapshot, keyed by dotted path, plus derived values."""


class Item(Fact):
    """One item of a snapshot list; `list` names the list and `index` its position."""


class Conclusion(Fact):
    """An intermediate conclusion asserted by a rule."""


#: Top-level sections the rules never read: where each value came from (`runstrong history snapshot`).
NOT_FACTS = frozenset({"provenance"})


def _flatten(node: dict[str, Any], prefix: str, out: dict[str, Any]) -> None:
    for key, value in node.items():
        if not prefix and key in NOT_FACTS:
            continue
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            _flatten(value, path, out)
        else:
            out[path] = value


def _flattened(snapshot: Snapshot) -> dict[str, Any]:
    flat: dict[str, Any] = {}
    _flatten(snapshot, "", flat)
    return flat


#: No field gated by sex or age.
NO_GATES: Mapping[str, AppliesTo] = {}


def athlete_values(snapshot: Snapshot, applies: Mapping[str, AppliesTo] = NO_GATES) -> dict[str, Any]:
    """The athlete fact's values: scalar fields by path, list sizes or values, derived values.
    A field of `applies` that does not apply to the athlete is left out of both the values and
    `_unknown`: neither known nor unknown."""
    return _athlete_values(_flattened(snapshot), applies)


def _athlete_values(flat: dict[str, Any], applies: Mapping[str, AppliesTo]) -> dict[str, Any]:
    scalars = catalogue().scalars
    values: dict[str, Any] = {}
    for path, value in flat.items():
        kind = scalars[path].kind
        if kind == ITEM_LIST:
            values[path] = len(value)
        elif kind == SCALAR_LIST:
            values[path] = tuple(value)
        else:
            values[path] = value
    values.update(derived_values(flat))
    unknown = scalars.keys() - values.keys()
    if applies:
        outside = excluded_fields(values, applies)
        for path in outside:
            values.pop(path, None)
        unknown -= outside
    values[UNKNOWN_KEY] = frozenset(unknown)
    return values


def item_values(snapshot: Snapshot) -> list[dict[str, Any]]:
    """One dict per list item: `list`, `index`, its fields, derived fields and `_unknown`."""
    return _item_values(_flattened(snapshot))


def _item_values(flat: dict[str, Any]) -> list[dict[str, Any]]:
    items = []
    for list_path, item_fields in catalogue().lists.items():
        for index, item in enumerate(flat.get(list_path) or ()):
            if list_path in SCALAR_ITEM_FIELD:
                item = {SCALAR_ITEM_FIELD[list_path]: item}
            values = {"list": list_path, "index": index, **derive_item(list_path, item)}
            values[UNKNOWN_KEY] = frozenset(name for name in item_fields if name not in values)
            items.append(values)
    return items


#: The types of plain values: experta's `freeze` gives them back unchanged.
PLAIN_TYPES = frozenset({str, int, float, bool, type(None)})


def _frozen(value: Any) -> Any:
    """`freeze(value)`: a plain value, or a tuple or frozenset of plain values, as it is (what
    `freeze` gives back for them is equal to it), anything else through `freeze`."""
    kind = type(value)
    if kind in PLAIN_TYPES or ((kind is frozenset or kind is tuple) and all(type(v) in PLAIN_TYPES for v in value)):
        return value
    return freeze(value)


def _fact(kind: type[Fact], values: dict[str, Any]) -> Fact:
    """`kind(**values)`, the values frozen as experta's constructor freezes them, without its
    per-key checks (a snapshot's keys and values are known good)."""
    fact = kind()
    dict.update(fact, {key: _frozen(value) for key, value in values.items()})
    return fact


def snapshot_facts(snapshot: Snapshot, applies: Mapping[str, AppliesTo] = NO_GATES) -> list[Fact]:
    """The facts to declare for one snapshot, in a fixed order (`applies`: see `athlete_values`)."""
    flat = _flattened(snapshot)
    return [_fact(Athlete, _athlete_values(flat, applies)), *(_fact(Item, values) for values in _item_values(flat))]
