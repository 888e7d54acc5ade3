"""Values worked out once per object, found by the object's identity: for objects that cannot be
hashed (frozen dataclasses that hold dicts: rules, rule sets, knowledge bases)."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

#: How many values a bounded table keeps before it starts again (memory stays flat on any cohort).
KEEP = 4096


def remembered(table: dict[K, V], key: K, make: Callable[[], V]) -> V:
    """`table[key]`, made by `make()` and kept the first time (a table of `KEEP` values is
    emptied first). Values are never None."""
    value = table.get(key)
    if value is None:
        if len(table) >= KEEP:
            table.clear()
        value = table[key] = make()
    return value


def value_key(value: Any) -> Any:
    """A value (a number, a name, a list of them) as a cache key that tells apart values that
    compare equal but read differently: `True` from `1`, `1` from `1.0`."""
    if isinstance(value, (list, tuple)):
        return tuple(value_key(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((key, value_key(v)) for key, v in value.items()))
    return (type(value), value)


class PerObject(Generic[V]):
    """A table of one value per object, kept as long as the object lives (it is held weakly, so
    a value must not refer back to its object)."""

    def __init__(self) -> None:
        self._table: dict[int, tuple[weakref.ref[Any], V]] = {}

    def get(self, owner: object, make: Callable[[], V]) -> V:
        """The value for `owner`, made by `make()` the first time."""
        key = id(owner)
        found = self._table.get(key)
        if found is not None and found[0]() is owner:
            return found[1]
        table = self._table
        value = make()
        table[key] = (weakref.ref(owner, lambda ref: _forget(table, key, ref)), value)
        return value


def _forget(table: dict[int, tuple[weakref.ref[Any], Any]], key: int, ref: weakref.ref[Any]) -> None:
    """Drop an object's entry once it is gone (unless another object has taken its id since)."""
    if key in table and table[key][0] is ref:
        del table[key]
