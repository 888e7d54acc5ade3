"""The plan executes the advice: every exercise a kept adjustment lists (for its site, at its stage)
is in the week, or the week says plainly why not ("left out: ..."); nothing is called "already in
the week" that is not."""

from __future__ import annotations

from runstrong.advice.dose_context import staged
from runstrong.advice.resolve import Advice, Recommendation
from runstrong.plan.choose import Filters
from runstrong.plan.effects import alternative
from runstrong.plan.model import Week
from runstrong.rules.knowledge import KnowledgeBase

#: Why an exercise of advice of each kind is not in the week, when nothing more particular is known.
KIND_WORDS = {
    "lists": "not in this week's sessions (the advice acts on the lifts you do)",
    "substitute": "only in place of a stopped exercise, and none needed it",
    "hard_days": "only for a session on a hard run day, and none is",
    "add": "not in the week",
    "rehab": "not in the week",
    "warm_up": "not in any warm-up",
    "cool_down": "not in any cool-down",
}


def _listed(knowledge: KnowledgeBase, rec: Recommendation) -> list[str]:
    kind = rec.adjustment.effects.get("exercises", "lists")
    return staged(knowledge, rec) if kind in ("add", "rehab") else list(rec.exercises)


def one_of(knowledge: KnowledgeBase, rec: Recommendation) -> bool:
    """Advice whose exercises are options (one of them is the advice: single-leg work)."""
    programming = knowledge.programming
    return bool(programming and rec.adjustment.id in (programming.alternatives or {}).get("one_of", []))


def coverage(knowledge: KnowledgeBase, week: Week, advice: Advice, filters: Filters) -> None:
    """A "left out" line for each exercise of the kept advice that the week does not hold."""
    if week.no_training or not (week.sessions or week.daily):
        return
    present = {k for s in week.sessions for k in s.exercise_keys()} | {i.key for i in week.daily}
    for rec in advice.recommendations:
        rid = rec.adjustment.id
        kind = rec.adjustment.effects.get("exercises", "lists")
        if kind == "hard_days":
            continue  # its line says whether a session is left on a hard run day
        keys = _listed(knowledge, rec)
        there = [k for k in keys if k in present]
        said = " ".join(week.left_out.get(rid, []))
        for key in keys:
            name = knowledge.exercises[key].name
            if key in present or f"{name}:" in said:
                continue
            if not week.sessions and knowledge.exercises[key].slot not in ("warm_up", "cool_down"):
                week.leave_out(rid, f"{name}: no gym session this week")
            elif (same := alternative(knowledge, key, present)) and same != key:
                week.leave_out(rid, f"{name}: {knowledge.exercises[same].name} is the same programme")
            elif one_of(knowledge, rec) and there:
                week.leave_out(
                    rid, f"{name}: one of these is the advice, and {knowledge.exercises[there[0]].name} is in"
                )
            else:
                why = filters.why_not(knowledge, key) or _stacks(filters, knowledge, key)
                week.leave_out(rid, f"{name}: {why or KIND_WORDS.get(kind, 'not in the week')}")


def _stacks(filters: Filters, knowledge: KnowledgeBase, key: str) -> str:
    provokes = filters.provokes(knowledge, key)
    if provokes:
        return f"it would stack on “{provokes}”"
    if filters.known_only is not None and key not in filters.known_only:
        return "no new exercise this week"
    return "not yet for this athlete (the simpler lifts first)" if key in filters.leave_out else ""
