"""Evaluating one rule's compiled branches three-valued over a partial snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from itertools import product
from typing import TYPE_CHECKING, Any

from runstrong.consult.threevalued import FALSE, NONE, TRUE, Outcome, RuleState, Tri, all_of, any_of
from runstrong.rules.compiler import resolve
from runstrong.rules.conditions import Call, Compare, Concluded, FieldRef, ItemMatch, Join, Leaf
from runstrong.rules.model import Rule
from runstrong.snapshot.applies import AppliesTo
from runstrong.snapshot.derive import derive_item
from runstrong.snapshot.facts import athlete_values
from runstrong.snapshot.fields import ITEM_LIST, catalogue
from runstrong.snapshot.partial import MISSING, RED_FLAGS, ListAnswer, Partial, Slot, item_lists

if TYPE_CHECKING:
    from runstrong.consult.relevance import Relevance


#: The item fields a list-based derived value reads, and whether one missing field makes the
#: whole value unknown (see runstrong.snapshot.derive). A derived value not listed here waits for every
#: field of every item.
DERIVED_ITEM_FIELDS: dict[str, tuple[tuple[str, ...], bool]] = {
    "derived.gym_sessions_count": ((), True),
    "derived.high_gym_sessions_count": (("intensity",), False),
    "derived.strength_gym_sessions_count": (("intensity",), False),
    "derived.plyometric_contacts_week": (("plyometric_contacts",), True),
    "derived.recent_injury_count": (("months_ago",), True),
}


#: Derived item fields and the item fields they are computed from.
DERIVED_ITEM_INPUTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("symptoms.tendon", "next_morning_above_baseline"): ("pain_next_morning", "pain_baseline"),
}


@dataclass
class ListView:
    """A list as far as it is known: present?, its items, and what could add items."""

    present: Tri
    items: list[dict[str, Any]]
    closed: bool
    more: frozenset[Slot]
    path: str
    items_complete: bool = False

    def slot(self, index: int, name: str) -> Slot:
        return ("item", self.path, index, name)


def join_refs(join: Join) -> list[FieldRef]:
    refs: list[FieldRef] = []
    for side in (join.left, join.right):
        if isinstance(side, FieldRef):
            refs.append(side)
        elif isinstance(side, Call):
            refs += list(side.args)
    return refs


class Assessment:
    """One evaluation of every rule over one partial snapshot."""

    def __init__(self, relevance: Relevance, partial: Partial) -> None:
        self.relevance = relevance
        self.partial = partial
        self.states: dict[str, RuleState] = {}
        self._busy: set[str] = set()
        self._views: dict[str, ListView] = {}

    @cached_property
    def athlete(self) -> dict[str, Any]:
        return athlete_values(self.partial.snapshot("consultation", "2000-01-01"))

    def run(self) -> dict[str, RuleState]:
        for rule in self.relevance.ruleset.rules:
            self.rule_state(rule)
        return self.states

    def rule_state(self, rule: Rule) -> RuleState:
        if rule.id in self.states:
            return self.states[rule.id]
        if rule.id in self._busy:  # a conclusion cycle: undecidable here
            return RuleState(rule, None, NONE)
        self._busy.add(rule.id)
        quotes_items = bool(self.relevance.param_refs[rule.id])
        outcome = any_of(
            (self.branch(rule, leaves) for leaves in self.relevance.branches[rule.id]), keep_open=quotes_items
        )
        self._busy.discard(rule.id)
        state = RuleState(rule, outcome.value, outcome.needs)
        self.states[rule.id] = state
        return state

    # -- branches

    def branch(self, rule: Rule, leaves: tuple[Leaf, ...]) -> Outcome:
        parts: list[Outcome] = []
        for leaf in leaves:
            if isinstance(leaf, Compare):
                parts.append(self.compare(leaf))
            elif isinstance(leaf, ItemMatch) and leaf.negated:
                parts.append(self.no_item(leaf))
            elif isinstance(leaf, Concluded):
                parts.append(self.concluded(leaf))
        simple = all_of(parts)
        if simple.value is False:
            return FALSE
        positive = [leaf for leaf in leaves if isinstance(leaf, ItemMatch) and not leaf.negated]
        if not positive:
            return simple
        joins = [leaf for leaf in leaves if isinstance(leaf, Join)]
        matched = self.match_items(positive, joins, self.relevance.param_refs[rule.id])
        if matched.value is False:
            return FALSE
        if simple.value is True:
            return matched
        return Outcome(None, simple.needs | matched.needs)

    def concluded(self, leaf: Concluded) -> Outcome:
        states = [self.rule_state(rule) for rule in self.relevance.concluders.get(leaf.name, [])]
        found = any_of(Outcome(state.value, state.needs) for state in states)
        if not leaf.negated or found.value is None:
            return found
        return Outcome(not found.value)

    # -- lists

    def view(self, path: str) -> ListView:
        if path not in self._views:
            self._views[path] = self._make_view(path)
        return self._views[path]

    def _make_view(self, path: str) -> ListView:
        partial = self.partial
        if path == RED_FLAGS:
            return self._red_flag_view()
        if path in catalogue().scalars and catalogue().scalars[path].kind != ITEM_LIST:
            # a list of plain values asked as one question (plan.key_run_days)
            value = partial.scalars.get(path)
            if path not in partial.scalars:
                return ListView(None, [], False, frozenset({("field", path)}), path)
            if value is MISSING or value is None:
                return ListView(False, [], True, NONE, path)
            name = next(iter(catalogue().lists[path]))
            return ListView(True, [{name: v} for v in value], True, NONE, path, items_complete=True)
        answer = partial.lists.get(path)
        if answer is None:
            return ListView(None, [], False, frozenset({("list", path)}), path)
        if not isinstance(answer, ListAnswer):
            return ListView(False, [], True, NONE, path)
        more = NONE if answer.closed else frozenset({("more", path)})
        return ListView(True, answer.items, answer.closed, more, path)

    def _red_flag_view(self) -> ListView:
        flags = self.partial.flags
        names = self.partial.flag_names()
        found = [name for name in names if flags.get(name) is True]
        pending = frozenset(self.flag_slot(name) for name in names if name not in flags)
        if found:
            present: Tri = True
        elif pending:
            present = None
        else:
            present = all(flags[name] is False for name in names)
        return ListView(
            present, [{"flag": name} for name in found], not pending, pending, RED_FLAGS, items_complete=True
        )

    def flag_slot(self, name: str) -> Slot:
        return ("flag", name) if RED_FLAGS in self.partial.lists else ("list", RED_FLAGS)

    def item_field(self, view: ListView, index: int, name: str) -> tuple[Any, frozenset[Slot]]:
        """An item field's value (MISSING when known to be missing) or the slots it waits on."""
        item = view.items[index]
        inputs = DERIVED_ITEM_INPUTS.get((view.path, name))
        if inputs:
            values = [self.item_field(view, index, part) for part in inputs]
            if any(value is MISSING for value, _ in values):
                return MISSING, NONE
            needs = frozenset().union(*(needs for _, needs in values))
            if needs:
                return None, needs
            known = {part: value for part, (value, _) in zip(inputs, values, strict=True)}
            return derive_item(view.path, known).get(name, MISSING), NONE
        if name in item:
            return item[name], NONE
        if view.items_complete:
            return MISSING, NONE
        return None, frozenset({view.slot(index, name)})

    def where(self, view: ListView, index: int, leaf: ItemMatch) -> Outcome:
        parts = []
        for compare in leaf.where:
            value, needs = self.item_field(view, index, compare.field)
            if needs:
                parts.append(Outcome(None, needs))
            elif compare.op == "is unknown":
                parts.append(Outcome(value is MISSING))
            else:
                parts.append(Outcome(value is not MISSING and self.relevance.predicate(compare)(value)))
        return all_of(parts)

    def no_item(self, leaf: ItemMatch) -> Outcome:
        view = self.view(leaf.list)
        if view.present is False:
            return FALSE
        matches = [self.where(view, index, leaf) for index in range(len(view.items))]
        if any(match.value is True for match in matches):
            return FALSE
        open_parts = [match for match in matches if match.value is None]
        needs = frozenset().union(*(m.needs for m in open_parts), view.more)
        return Outcome(True) if not needs else Outcome(None, needs)

    def match_items(
        self, leaves: list[ItemMatch], joins: list[Join], param_refs: tuple[tuple[str, str], ...]
    ) -> Outcome:
        """Some assignment of distinct items to the item conditions satisfies every join."""
        views = [self.view(leaf.list) for leaf in leaves]
        if any(view.present is False for view in views):
            return FALSE
        aliases = tuple(leaf.alias or f"item{n}" for n, leaf in enumerate(leaves))
        # a quoted `list.path` names the item matched on that list
        by_list = {leaf.list: alias for leaf, alias in zip(leaves, aliases, strict=True)}
        param_refs = tuple((by_list.get(name, name), field) for name, field in param_refs)
        candidates: list[list[tuple[int | None, Outcome]]] = []
        for leaf, view in zip(leaves, views, strict=True):
            options: list[tuple[int | None, Outcome]] = []
            for index in range(len(view.items)):
                match = self.where(view, index, leaf)
                if match.value is not False:
                    options.append((index, match))
            if not view.closed or view.present is None:
                options.append((None, Outcome(None, view.more)))  # an item not reported yet
            candidates.append(options)
        outcomes = []
        for choice in product(*candidates):
            taken = [(view.path, index) for view, (index, _) in zip(views, choice, strict=True) if index is not None]
            if len(set(taken)) < len(taken):
                continue
            parts = [match for _, match in choice]
            parts += [self.join(join, views, aliases, choice) for join in joins]
            parts += [self.param(ref, views, aliases, choice) for ref in param_refs if ref[0] in aliases]
            outcomes.append(all_of(parts))
        return any_of(outcomes, keep_open=bool(param_refs))

    def _bound(
        self, views: list[ListView], aliases: tuple[str, ...], choice: tuple[Any, ...], refs: list[FieldRef]
    ) -> tuple[dict[str, dict[str, Any]], frozenset[Slot]]:
        items: dict[str, dict[str, Any]] = {}
        needs: set[Slot] = set()
        for ref in refs:
            position = aliases.index(ref.alias)
            view, (index, match) = views[position], choice[position]
            if index is None:
                needs |= match.needs
                continue
            value, waiting = self.item_field(view, index, ref.field)
            needs |= waiting
            entry = items.setdefault(ref.alias, {})
            if value is not MISSING and not waiting:
                entry[ref.field] = value
        return items, frozenset(needs)

    def join(self, join: Join, views: list[ListView], aliases: tuple[str, ...], choice: tuple[Any, ...]) -> Outcome:
        items, needs = self._bound(views, aliases, choice, join_refs(join))
        if needs:
            return Outcome(None, needs)
        test = self.relevance.join_test(join, tuple(items))
        return Outcome(bool(test(**items)))

    def param(
        self, ref: tuple[str, str], views: list[ListView], aliases: tuple[str, ...], choice: tuple[Any, ...]
    ) -> Outcome:
        """A quoted item field must be answered before the advice it goes into is final."""
        _items, needs = self._bound(views, aliases, choice, [FieldRef(*ref)])
        return Outcome(None, needs) if needs else TRUE

    # -- comparisons on the athlete

    def applies(self, applies: AppliesTo) -> Outcome:
        """Whether a field that applies only to some athletes applies: false once a known sex or
        age is outside, open while one it depends on is not answered (that is asked first)."""
        if applies.excludes(self.partial.scalars_known()):
            return FALSE
        pending = frozenset(("field", gate) for gate in applies.gates if gate not in self.partial.scalars)
        return Outcome(None, pending) if pending else TRUE

    def compare(self, leaf: Compare) -> Outcome:
        name = leaf.field
        gate = self.relevance.ruleset.knowledge.field_applies.get(name)
        if gate is not None:
            applies = self.applies(gate)
            if applies.value is not True:
                return applies  # neither known nor unknown outside it; its sex or age is asked first
        spec = catalogue().scalars[name]
        if name == RED_FLAGS and leaf.op in ("has", "has_any"):
            return self.red_flag_compare(leaf)
        if spec.kind == ITEM_LIST or name == RED_FLAGS:
            view = self.view(name)
            if leaf.op in ("is known", "is unknown") or view.present is False:
                needs = view.more if view.present is None else NONE
            else:
                needs = view.more
        elif spec.derived:
            needs = self.derived_needs(name)
        else:
            needs = NONE if name in self.partial.scalars else frozenset({("field", name)})
        if needs:
            return Outcome(None, needs)
        known = name in self.athlete
        if leaf.op == "is unknown":
            return Outcome(not known)
        return Outcome(known and self.relevance.predicate(leaf)(self.athlete[name]))

    def red_flag_compare(self, leaf: Compare) -> Outcome:
        """`has` / `has_any` on the checklist: only the flags named matter (and, negated, whether
        the list is known at all)."""
        named = resolve(self.relevance.ruleset, leaf.operand)
        named = (set(named) if leaf.op == "has_any" else {named}) & set(self.partial.flag_names())
        flags = self.partial.flags
        if any(flags.get(name) is True for name in named):
            return Outcome(not leaf.negated)
        pending = frozenset(self.flag_slot(name) for name in named if name not in flags)
        if not leaf.negated:
            return Outcome(None, pending) if pending else FALSE
        view = self.view(RED_FLAGS)
        if view.present is False:
            return FALSE
        needs = pending | (view.more if view.present is None else NONE)
        return Outcome(None, needs) if needs else TRUE

    def derived_needs(self, name: str) -> frozenset[Slot]:
        """The slots a derived value waits on (none once it is computed or certainly missing)."""
        scalars = self.partial.scalars
        inputs = catalogue().scalars[name].inputs
        lists = [path for path in inputs if path in item_lists()]
        plain = [path for path in inputs if path not in lists]
        if any(scalars.get(path) is MISSING for path in plain):
            return NONE
        needs = {("field", path) for path in plain if path not in scalars}
        for path in lists:
            view = self.view(path)
            if view.present is False:
                return NONE
            needs |= view.more
            fields, missing_makes_unknown = DERIVED_ITEM_FIELDS.get(
                name, (tuple(f for f, spec in catalogue().lists[path].items() if not spec.derived), False)
            )
            for index in range(len(view.items)):
                for item_field in fields:
                    value, waiting = self.item_field(view, index, item_field)
                    if value is MISSING and missing_makes_unknown:
                        return NONE
                    needs |= waiting
        return frozenset(needs)
