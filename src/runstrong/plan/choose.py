"""Which exercises a session may hold (never one loading a referred site, one loading a painful
site with strength or jumping work, one a kept adjustment excludes or one taking a position it
avoids) and which one fills a slot (the phase's pool first, then the catalogue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runstrong.advice.dose import Context, prescribe
from runstrong.advice.resolve import STOPPED_KINDS, Advice, excluded_exercises
from runstrong.plan.model import Item
from runstrong.rules.knowledge import KnowledgeBase

DEFAULT_PHASE = "base_strength"
#: Equipment a light session (or a referral's "no added load") keeps.
UNLOADED = ("bodyweight", "band", "isometric", "mobility")


@dataclass
class Filters:
    """What no session of the week may hold."""

    referred: set[str] = field(default_factory=set)  # every site inside a referred site
    stopped: set[str] = field(default_factory=set)  # painful sites: no strength or jumping work
    excluded: dict[str, str] = field(default_factory=dict)  # exercise -> the adjustment excluding it (or its position)
    leave_out: set[str] = field(default_factory=set)  # not for this athlete (the simpler lifts first)
    unloaded_only: bool = False  # a referral: no added load

    def why_not(self, knowledge: KnowledgeBase, key: str) -> str:
        """Why the exercise may not be in the week; empty when it may."""
        exercise = knowledge.exercises[key]
        if key in self.excluded:
            return f"“{self.excluded[key]}” rules it out"
        if set(exercise.loads) & self.referred:
            return "it loads a referred site"
        if exercise.kind in STOPPED_KINDS and set(exercise.loads) & self.stopped:
            return "it loads a painful site"
        if self.unloaded_only and exercise.equipment not in UNLOADED:
            return "no added load until assessed"
        return ""

    def allowed(self, knowledge: KnowledgeBase, key: str, advised: bool = False) -> bool:
        """Whether it may be in the week; advice that names it (a swap, rehab) may bring in one of
        the lifts left out for the athlete, never one the advice rules out."""
        return not self.why_not(knowledge, key) and (advised or key not in self.leave_out)


def site_parts(knowledge: KnowledgeBase, sites: list[Any]) -> set[str]:
    return {part for site in sites if isinstance(site, str) for part in knowledge.site_parts(site)}


def week_filters(knowledge: KnowledgeBase, advice: Advice, leave_out: set[str], unloaded_only: bool) -> Filters:
    """The filters of the kept advice: referred and stopped sites, excludes, avoided positions."""
    found = Filters(site_parts(knowledge, advice.referred_sites), leave_out=leave_out, unloaded_only=unloaded_only)
    for rec in advice.recommendations:
        if rec.adjustment.stops == "dynamic":
            found.stopped |= site_parts(knowledge, rec.params.get("site") or [])
    found.excluded = {key: adj.title for key, adj in excluded_exercises(knowledge, advice.recommendations).items()}
    return found


def template(knowledge: KnowledgeBase, phase: str) -> dict[str, Any]:
    """The phase's template (the base-strength one for a phase without)."""
    found = knowledge.phases.get(phase, {}).get("template")
    return dict(found or knowledge.phases[DEFAULT_PHASE]["template"])


def _default_pick(knowledge: KnowledgeBase, key: str) -> bool:
    """An exercise a session may get without advice naming it: not a protocol's own exercise."""
    exercise = knowledge.exercises[key]
    programming = knowledge.programming
    own = programming.goals.get(exercise.goal) if programming and exercise.goal else None
    return own is None or not own.protocol


def pick(
    knowledge: KnowledgeBase,
    phase: str,
    slot: str,
    intensity: str,
    filters: Filters,
    taken: set[str],
    prefer: tuple[str, ...] = (),
) -> str | None:
    """The exercise for a slot: one the athlete already does (`prefer`), the phase's pool in order,
    then the catalogue; a light session takes no external load on the legs, and only the power
    slot takes high-impact work."""
    pool = [k for k in prefer if k in knowledge.exercises]
    pool += [str(k) for k in template(knowledge, phase)["pool"] if k in knowledge.exercises and k not in pool]
    ranked = pool + [k for k in knowledge.exercises if k not in pool]
    for key in ranked:
        exercise = knowledge.exercises[key]
        if exercise.slot != slot or key in taken or not _default_pick(knowledge, key):
            continue
        light_legs = intensity == "light" and exercise.equipment == "loaded" and slot != "upper"
        if light_legs or (intensity == "light" and exercise.impact == "high"):
            continue
        if exercise.impact == "high" and slot != "power":
            continue
        if filters.allowed(knowledge, key):
            return key
    return None


def item(
    knowledge: KnowledgeBase, ctx: Context, key: str, because: list[str] | None = None, part: str = "main"
) -> Item:
    """The exercise with its dose (the one source: runstrong.advice.dose)."""
    exercise = knowledge.exercises[key]
    dose = prescribe(knowledge, ctx, key, part)
    assert dose is not None  # the plan checks for a programming model first
    return Item(key, exercise.name, exercise.slot, exercise.equipment, dose, part, list(because or []))
