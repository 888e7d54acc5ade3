"""Values worked out once per object, found by the object's identity: for objects that cannot be
hashed (frozen dataclasses that hold dicts: rules, rule sets, knowledge bases)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


def value_key(value: Any) -> Any:
    """A value (a number, a name, a list of them) as a cache key that tells apart values that
    compare equal but read differently: `True` from `1`, `1` from `1.0`."""
    if isinstance(value, (list, tuple)):
        return tuple(value_key(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((key, value_key(v)) for key, v in value.items()))
    return (type(value), value)


class PerObject(Generic[V]):
    """A table of one value per object. Each value is kept with its object, so the object lives
    as long as the table and its id is never taken by another while the value is kept."""

    def __init__(self) -> None:
        self._table: dict[int, tuple[object, V]] = {}

    def get(self, owner: object, make: Callable[[], V]) -> V:
        """The value for `owner`, made by `make()` the first time."""
        found = self._table.get(id(owner))
        if found is None or found[0] is not owner:
            found = self._table[id(owner)] = (owner, make())
        return found[1]
