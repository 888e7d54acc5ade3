"""Checks across the rules of a set: duplicate ids, conclusions no rule gives, salience order for
negated conclusions, and cycles among conclusions."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from runstrong.rules.compiler import normal_form
from runstrong.rules.conditions import AllOf, AnyOf, AtLeast, Concluded, Condition
from runstrong.rules.model import Rule, leaves_with_polarity
from runstrong.util.errors import Problem


@dataclass(frozen=True)
class RuleLines:
    """Where, in its file, a rule gives its id and tests each conclusion ((name, negated) -> line)."""

    id: int = 1
    concluded: Mapping[tuple[str, bool], int] = field(default_factory=dict)


def _tests(rule: Rule) -> list[Concluded]:
    """The rule's `concluded:` conditions, `not` pushed in (negated: tested under `not`)."""
    return [leaf for leaf in leaves_with_polarity(rule.when) if isinstance(leaf, Concluded)]


def _can_hold(condition: Condition, known: set[str]) -> bool:
    """Whether a condition in negation normal form could hold when only `known` conclusions can be
    given (every other condition, `not concluded` included, is taken to be possible)."""
    if isinstance(condition, AllOf):
        return all(_can_hold(item, known) for item in condition.items)
    if isinstance(condition, AnyOf):
        return any(_can_hold(item, known) for item in condition.items)
    if isinstance(condition, AtLeast):
        return sum(_can_hold(item, known) for item in condition.items) >= condition.count
    if isinstance(condition, Concluded) and not condition.negated:
        return condition.name in known
    return True


def _givable(rules: list[Rule]) -> set[str]:
    """The conclusions some chain of rules can give, starting from rules that need no conclusion
    (a rule is looked at again only when a conclusion it needs becomes givable)."""
    forms = [(rule, normal_form(rule.when)) for rule in rules if rule.conclusions]
    waiting: dict[str, list[int]] = {}
    for number, (rule, _) in enumerate(forms):
        for leaf in _tests(rule):
            waiting.setdefault(leaf.name, []).append(number)
    known: set[str] = set()
    given: set[int] = set()
    todo = list(range(len(forms)))
    while todo:
        number = todo.pop()
        rule, form = forms[number]
        if number in given or not _can_hold(form, known):
            continue
        given.add(number)
        for name in rule.conclusions:
            if name not in known:
                known.add(name)
                todo += waiting.get(name, [])
    return known


def _cycles(successors: Mapping[str, set[str]]) -> list[list[str]]:
    """The strongly connected components that hold a cycle, each sorted (Tarjan's, without recursion)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    work: list[tuple[str, Iterator[str]]] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        work.append((node, iter(sorted(successors.get(node, ())))))

    for root in sorted(successors):
        if root not in index:
            visit(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    visit(child)
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = stack[stack.index(node) :]
                    del stack[len(stack) - len(component) :]
                    on_stack -= set(component)
                    if len(component) > 1 or node in successors.get(node, ()):
                        found.append(sorted(component))
    return found


#: A cycle's message names at most this many of its rules, and of any list of conclusions.
SHOWN = 8


def _names(names: Iterable[str], joiner: str) -> str:
    quoted = [f"'{name}'" for name in names]
    if len(quoted) > SHOWN:
        quoted = [*quoted[: SHOWN - 1], f"{len(quoted) - SHOWN + 1} more"]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {joiner} {quoted[-1]}"


class _Tested:
    """The rules with their `concluded:` conditions, found once, and which rules give each conclusion."""

    def __init__(self, rules: list[Rule]) -> None:
        ordered = sorted(rules, key=lambda r: (r.id, str(r.file)))
        self.tests = [(rule, _tests(rule)) for rule in ordered]
        self.giving: dict[str, list[int]] = {}
        for number, (rule, _) in enumerate(self.tests):
            for name in dict.fromkeys(rule.conclusions):
                self.giving.setdefault(name, []).append(number)

    def graph(self, keep: Callable[[Concluded], bool]) -> tuple[dict[str, set[str]], set[tuple[str, str]]]:
        """Conclusion -> the conclusions of rules that test it (only tests `keep` keeps), and the
        edges through a negation."""
        successors: dict[str, set[str]] = {}
        negative: set[tuple[str, str]] = set()
        for rule, tests in self.tests:
            for leaf in filter(keep, tests):
                for name in rule.conclusions:
                    successors.setdefault(leaf.name, set()).add(name)
                    if leaf.negated:
                        negative.add((leaf.name, name))
        return successors, negative

    def parts(self, cycle: set[str], negations: bool) -> list[tuple[Rule, list[Concluded], str]]:
        """Each rule of a cycle, its tests in it and what it does: "XX01 concludes 'a' from 'b' unless 'c'"."""
        parts = []
        for number in sorted({n for name in cycle for n in self.giving.get(name, ())}):
            rule, tests = self.tests[number]
            gives = [name for name in rule.conclusions if name in cycle]
            inside = [leaf for leaf in tests if leaf.name in cycle and (negations or not leaf.negated)]
            needs = sorted({leaf.name for leaf in inside if not leaf.negated})
            unless = sorted({leaf.name for leaf in inside if leaf.negated})
            if inside:
                text = f"{rule.id} concludes {_names(gives, 'and')}"
                text += f" from {_names(needs, 'and')}" if needs else ""
                text += f" unless {_names(unless, 'or')}" if unless else ""
                parts.append((rule, inside, text))
        return parts


def _listed(parts: list[tuple[Rule, list[Concluded], str]]) -> str:
    texts = [text for _, _, text in parts]
    return ", ".join(
        texts if len(texts) <= SHOWN else [*texts[: SHOWN - 1], f"and {len(texts) - SHOWN + 1} more rules"]
    )


def _located(rule: Rule, lines: Mapping[Path, RuleLines], name: str, negated: bool) -> str:
    line = lines[rule.file].concluded.get((name, negated)) if rule.file in lines else None
    return f"{rule.file}:{line}" if line else str(rule.file)


def cycle_problems(rules: list[Rule], lines: Mapping[Path, RuleLines]) -> tuple[list[Problem], dict[str, int]]:
    """Cycles among conclusions, each reported once at the `concluded:` condition of its first rule:

    - a cycle through a negation (`not: {concluded: X}` where X is concluded, directly or through
      other conclusions, from the rule's own conclusion): what fires would depend on firing order,
      which salience cannot settle;
    - a cycle that nothing outside it starts: its rules need each other's conclusions and never fire.

    Also returns, for each conclusion in a cycle through a negation, a number naming that cycle
    (the salience check leaves such tests to this one)."""
    tested = _Tested(rules)
    problems: list[Problem] = []
    successors, negative = tested.graph(lambda leaf: True)
    cycles = [set(cycle) for cycle in _cycles(successors)]
    member = {name: number for number, cycle in enumerate(cycles) for name in cycle}
    through = {member[a] for a, b in negative if a in member and member.get(b) == member[a]}
    for number in sorted(through):
        parts = tested.parts(cycles[number], negations=True)
        first, inside = next((rule, inside) for rule, inside, _ in parts if any(leaf.negated for leaf in inside))
        test = next(leaf for leaf in inside if leaf.negated)
        problems.append(
            Problem(
                _located(first, lines, test.name, True),
                f"cycle of conclusions through a negation: {_listed(parts)}; what fires "
                "would depend on firing order, which salience cannot settle: break the cycle",
            )
        )
    givable = _givable(rules)
    stuck, _ = tested.graph(lambda leaf: not leaf.negated and leaf.name not in givable)
    for cycle in map(set, _cycles(stuck)):
        parts = tested.parts(cycle, negations=False)
        first, inside, _ = parts[0]
        problems.append(
            Problem(
                _located(first, lines, inside[0].name, False),
                f"cycle of conclusions: {_listed(parts)}; no rule outside the cycle "
                f"can conclude {_names(sorted(cycle), 'or')}, so "
                + ("these rules never fire" if len(parts) > 1 else "this rule never fires"),
            )
        )
    return problems, {name: number for name, number in member.items() if number in through}


def rule_set_problems(rules: list[Rule], lines: Mapping[Path, RuleLines] | None = None) -> list[Problem]:
    """Every problem across the rules of a set (`lines` places each at its line in its file)."""
    lines = lines or {}
    problems = []
    seen: dict[str, Rule] = {}
    for rule in rules:
        if rule.id in seen:
            where = f"{rule.file}:{lines[rule.file].id}" if rule.file in lines else str(rule.file)
            problems.append(Problem(where, f"duplicate rule id {rule.id} (also {seen[rule.id].file})"))
        seen[rule.id] = rule
    concluders: dict[str, list[Rule]] = {}
    for rule in rules:
        for name in rule.conclusions:
            concluders.setdefault(name, []).append(rule)
    cycles, through_negation = cycle_problems(rules, lines)
    for rule in rules:
        for leaf in _tests(rule):
            where = _located(rule, lines, leaf.name, leaf.negated)
            in_cycle = leaf.name in through_negation and any(
                through_negation.get(name) == through_negation[leaf.name] for name in rule.conclusions
            )
            if leaf.name not in concluders:
                problems.append(Problem(where, f"'concluded: {leaf.name}': no rule concludes it"))
            elif leaf.negated and not in_cycle:
                problems += [
                    Problem(
                        where,
                        f"tests that '{leaf.name}' is not concluded, so its salience ({rule.salience}) "
                        f"must be below {source.id}'s ({source.salience}), which concludes it",
                    )
                    for source in concluders[leaf.name]
                    if source.salience <= rule.salience
                ]
    return problems + cycles
