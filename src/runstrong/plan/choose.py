"""Which exercises a session may hold (never one loading a referred site, one loading a painful
site with strength or jumping work, one a kept adjustment excludes or one taking a position it
avoids; under a referral that stops leg loading only supported work; in a week with no new
exercise only the ones done before) and which one fills a slot (the athlete's own lifts, the
phase's pool, then the catalogue)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runstrong.advice.dose import Context, prescribe
from runstrong.advice.dose_context import staged
from runstrong.advice.resolve import STOPPED_KINDS, Advice, excluded_exercises
from runstrong.plan.model import LEG_GROUPS, Item
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
    supported_only: bool = False  # a referral in the leg: seated or lying work only
    known_only: tuple[str, ...] | None = None  # a week with no new exercise: the ones done before
    programme_sites: dict[str, str] = field(default_factory=dict)  # a site with a loading programme -> its title
    programme: set[str] = field(default_factory=set)  # the exercises of those programmes (never stacked on them)

    def why_not(self, knowledge: KnowledgeBase, key: str) -> str:
        """Why the exercise may not be in the week; empty when it may."""
        exercise = knowledge.exercises[key]
        if key in self.excluded:
            return f"“{self.excluded[key]}” rules it out"
        if set(exercise.loads) & self.referred:
            return "it loads a referred site"
        if exercise.kind in STOPPED_KINDS and set(exercise.loads) & self.stopped:
            return "it loads a painful site"
        if self.supported_only and not exercise.supported:
            return "only seated or lying work that loads no leg until assessed"
        if self.unloaded_only and exercise.equipment not in UNLOADED:
            return "no added load until assessed"
        return ""

    def provokes(self, knowledge: KnowledgeBase, key: str) -> str:
        """The loading programme a lift would stack on (it loads that programme's site); empty if none."""
        exercise = knowledge.exercises[key]
        if exercise.kind not in ("strength", "plyometric", "power") or key in self.programme:
            return ""
        return next((t for site, t in self.programme_sites.items() if site in exercise.loads), "")

    def in_parts(self, knowledge: KnowledgeBase, key: str) -> bool:
        """Whether it may be in a warm-up or cool-down (the advice's parts, never new training)."""
        return not self.why_not(knowledge, key) and not self.provokes(knowledge, key)

    def allowed(self, knowledge: KnowledgeBase, key: str, advised: bool = False) -> bool:
        """Whether it may be in the week; advice that names it (a swap, rehab) may bring in one of
        the lifts left out for the athlete or a new one, never one the advice rules out."""
        if self.why_not(knowledge, key):
            return False
        if advised:
            return True
        new = self.known_only is not None and key not in self.known_only
        return key not in self.leave_out and not new and not self.provokes(knowledge, key)


def site_parts(knowledge: KnowledgeBase, sites: list[Any]) -> set[str]:
    return {part for site in sites if isinstance(site, str) for part in knowledge.site_parts(site)}


def week_filters(knowledge: KnowledgeBase, advice: Advice, leave_out: set[str], unloaded_only: bool) -> Filters:
    """The filters of the kept advice: referred and stopped sites, excludes, avoided positions, the
    sites a loading programme works on (other lifts loading them wait)."""
    found = Filters(site_parts(knowledge, advice.referred_sites), leave_out=leave_out, unloaded_only=unloaded_only)
    for rec in advice.recommendations:
        if rec.adjustment.stops == "dynamic":
            found.stopped |= site_parts(knowledge, rec.params.get("site") or [])
        if rec.adjustment.effects.get("exercises") == "rehab":
            found.programme |= set(staged(knowledge, rec))
            for site in rec.params.get("site") or []:
                if isinstance(site, str) and site in knowledge.sites:
                    found.programme_sites.setdefault(site, rec.adjustment.title)
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
    """The exercise for a slot: one the athlete already does or their programme puts first
    (`prefer`), the phase's pool in order, then the catalogue; a light session takes no external
    load on the legs, and only the power slot takes high-impact work."""
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
    knowledge: KnowledgeBase,
    ctx: Context,
    key: str,
    because: list[str] | None = None,
    part: str = "main",
    previous: bool = True,
) -> Item:
    """The exercise with its dose (the one source: runstrong.advice.dose), and whether it is leg
    work, heavy leg work (a heavy dose on the legs, or jumping) and jumping."""
    exercise = knowledge.exercises[key]
    dose = prescribe(knowledge, ctx, key, part, previous)
    assert dose is not None  # the plan checks for a programming model first
    legs = bool(set(exercise.muscle_groups) & set(LEG_GROUPS)) and exercise.slot != "upper"
    jumping = part in ("main", "circuit") and exercise.impact == "high"
    heavy = part in ("main", "circuit") and ((legs and dose.heavy) or jumping)
    found = Item(key, exercise.name, exercise.slot, exercise.equipment, dose, part, list(because or []))
    found.legs, found.heavy, found.jumping = legs and part in ("main", "circuit"), heavy, jumping
    return found
