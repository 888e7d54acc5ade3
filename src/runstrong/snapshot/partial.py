"""A partial snapshot: what a consultation has been told so far, and what is still open.

Every answer fills one *slot*:

- `("field", path)`: a scalar field (`wellbeing.fatigue`, `plan.key_run_days`);
- `("list", path)`: the gate of an item list or of the red-flag checklist ("any soreness?");
- `("item", path, index, field)`: one field of one item of a list;
- `("more", path)`: "another item?" for an item list;
- `("flag", name)`: one red flag of the checklist.

A slot that was never answered is *pending*; an answer of `unknown` is stored as MISSING, which
the snapshot records by leaving the field out (missing means unknown, never fine).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from runstrong.snapshot.applies import AGE, SEX, AppliesTo
from runstrong.snapshot.fields import ITEM_LIST, catalogue
from runstrong.snapshot.validation import Snapshot, get_path, snapshot_schema

RED_FLAGS = "symptoms.red_flags"
Slot = tuple[Any, ...]


class _Missing:
    """The answer `unknown`: the field is known to be missing from the snapshot."""

    def __repr__(self) -> str:
        return "MISSING"

    def __deepcopy__(self, _memo: dict[int, Any]) -> _Missing:
        return self  # one sentinel: copies of a partial snapshot compare with `is MISSING`


MISSING: Any = _Missing()


@dataclass
class ListAnswer:
    """An item list the user said is present: its items so far and whether it is complete."""

    items: list[dict[str, Any]] = field(default_factory=list)
    closed: bool = False


def red_flag_names() -> tuple[str, ...]:
    """The red flags of the checklist, in the snapshot format's order."""
    return catalogue().scalars[RED_FLAGS].choices


@cache
def snapshot_fields() -> tuple[str, ...]:
    """The scalar snapshot fields a consultation can ask (not derived, not id or date)."""
    return tuple(
        path for path, spec in catalogue().scalars.items() if not spec.derived and path not in ("athlete_id", "date")
    )


@cache
def item_lists() -> tuple[str, ...]:
    """The lists whose items have fields of their own."""
    return tuple(path for path, spec in catalogue().scalars.items() if spec.kind == ITEM_LIST)


def key_field(list_path: str) -> str:
    """The field every item of a list must have (the snapshot format requires it)."""
    parts = list_path.split(".")
    schema = snapshot_schema()
    for part in parts:
        schema = schema["properties"][part]
    required: list[str] = schema["items"]["required"]
    return required[0]


def _put(snapshot: Snapshot, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = snapshot
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


@dataclass
class Partial:
    """The answers so far: scalars, item lists and the red-flag checklist."""

    scalars: dict[str, Any] = field(default_factory=dict)
    lists: dict[str, ListAnswer | _Missing] = field(default_factory=dict)
    flags: dict[str, Any] = field(default_factory=dict)
    #: The red flags that apply only to some sexes or ages (`knowledge/red_flags.yaml`).
    flag_gates: dict[str, AppliesTo] = field(default_factory=dict)

    def flag_names(self) -> tuple[str, ...]:
        """The red flags of the checklist that can apply to this athlete (a sex or age not known
        yet rules none out)."""
        return tuple(
            name
            for name in red_flag_names()
            if name not in self.flag_gates or not self.flag_gates[name].excludes(self.scalars_known())
        )

    def scalars_known(self) -> dict[str, Any]:
        """The answered scalars, `unknown` answers left out."""
        return {path: value for path, value in self.scalars.items() if value is not MISSING}

    def pending_flag_gates(self) -> tuple[str, ...]:
        """The profile fields (sex, age) some red flag of the checklist depends on that are not
        answered yet: asked before the checklist."""
        gates = {gate for name in self.flag_names() if name in self.flag_gates for gate in self.flag_gates[name].gates}
        return tuple(gate for gate in (SEX, AGE) if gate in gates and gate not in self.scalars)

    @classmethod
    def from_snapshot(cls, snapshot: Snapshot) -> Partial:
        """Everything a (partial) snapshot already says; its items are taken as complete."""
        partial = cls()
        for path in snapshot_fields():
            value = get_path(snapshot, path)
            if value is None:
                continue
            if path == RED_FLAGS:
                partial.lists[path] = ListAnswer([], closed=True)
                partial.flags = {name: name in value for name in red_flag_names()}
            elif path in item_lists():
                fields = [f for f, spec in catalogue().lists[path].items() if not spec.derived]
                items = [{f: item.get(f, MISSING) for f in fields} for item in value]
                partial.lists[path] = ListAnswer(items, closed=True)
            else:
                partial.scalars[path] = value
        return partial

    def copy(self) -> Partial:
        return copy.deepcopy(self)

    def is_answered(self, slot: Slot) -> bool:
        """Whether a slot already has an answer (MISSING counts as an answer)."""
        kind = slot[0]
        if kind == "field":
            return slot[1] in self.scalars
        if kind == "list":
            return slot[1] in self.lists
        if kind == "flag":
            return slot[1] in self.flags
        answer = self.lists.get(slot[1])
        if not isinstance(answer, ListAnswer):
            return False
        if kind == "more":
            return answer.closed
        return slot[2] < len(answer.items) and slot[3] in answer.items[slot[2]]

    def apply(self, slot: Slot, value: Any) -> None:
        """Record one answer (`value` is MISSING for `unknown`; yes/no answers are bools)."""
        kind = slot[0]
        if kind == "field":
            self.scalars[slot[1]] = value
        elif kind == "flag":
            self.flags[slot[1]] = value
        elif kind == "list" and slot[1] == RED_FLAGS:
            self.lists[RED_FLAGS] = MISSING if value is MISSING else ListAnswer([], closed=value is False)
            if value is not True:
                self.flags = {name: (MISSING if value is MISSING else False) for name in red_flag_names()}
        elif kind == "list":
            self.lists[slot[1]] = (
                ListAnswer([{}]) if value is True else (ListAnswer([], closed=True) if value is False else MISSING)
            )
        elif kind == "more":
            answer = self.lists[slot[1]]
            assert isinstance(answer, ListAnswer)
            if value is True:
                answer.items.append({})
            else:
                answer.closed = True
        else:
            answer = self.lists[slot[1]]
            assert isinstance(answer, ListAnswer)
            answer.items[slot[2]][slot[3]] = value

    def red_flags(self) -> list[str] | None:
        """The red-flag list the snapshot records: the flags found, [] when every flag that can
        apply was answered no, None (unknown) otherwise."""
        names = self.flag_names()
        found = [name for name in names if self.flags.get(name) is True]
        if found:
            return found
        if all(self.flags.get(name) is False for name in names):
            return []
        return None

    def snapshot(self, athlete_id: str, date: str) -> Snapshot:
        """The snapshot these answers make if the consultation ended now."""
        snapshot: Snapshot = {"athlete_id": athlete_id, "date": date}
        for path in snapshot_fields():
            value: Any
            if path == RED_FLAGS:
                value = self.red_flags()
            elif path in self.lists:
                answer = self.lists[path]
                value = (
                    None
                    if not isinstance(answer, ListAnswer)
                    else [
                        {f: v for f, v in item.items() if v is not MISSING}
                        for item in answer.items
                        if item.get(key_field(path), MISSING) is not MISSING
                    ]
                )
            else:
                value = self.scalars.get(path, MISSING)
                value = None if value is MISSING else value
            if value is not None:
                _put(snapshot, path, value)
        return snapshot
