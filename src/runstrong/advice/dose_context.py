"""The dose context of a week (`advice.dose.Context`): what the kept advice, the race, the athlete
and the weeks of a protocol change; the athlete groups; the stage a staged programme is at; and
how a dose names its sources."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from runstrong.advice.dose import DEFAULT_PHASE, LAST_WEEK, Context, Dose
from runstrong.advice.resolve import REFERRAL, Advice, Recommendation
from runstrong.rules.knowledge import KnowledgeBase

#: The words a load is taken from after a deload week, and when back after a race.
BEFORE_DELOAD = "the load before the deload week"
BEFORE_TAPER = "the load you lifted before the taper"


@dataclass(frozen=True)
class Progress:
    """What the weeks before this one leave (a block's projected weeks): each protocol's week, the
    week before was a deload, the first week back after a race."""

    weeks: dict[str, int] = field(default_factory=dict)
    after_deload: bool = False
    back_after_race: bool = False


def meanwhile(advice: Advice) -> str | None:
    """What a referral leaves until the athlete is assessed (the referral model's `meanwhile`):
    `nothing`, `away_from_site` or `reduced`; None without a referral."""
    if not any(rec.adjustment.id == REFERRAL for rec in advice.recommendations):
        return None
    return advice.referral.meanwhile if advice.referral else "away_from_site"


def threshold(knowledge: KnowledgeBase, name: str) -> int:
    """A day-count threshold the programming model reads (0 when the knowledge base lacks it)."""
    found = knowledge.thresholds.get(name)
    return int(found.value) if found and isinstance(found.value, int | float) else 0


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def athlete(knowledge: KnowledgeBase, snapshot: dict[str, Any]) -> dict[str, bool | None]:
    """youth, masters, novice and menopause for this athlete: True, False, or None when not known."""
    programming = knowledge.programming
    profile = snapshot.get("profile") or {}
    age = _number(profile.get("age"))
    years = _number(profile.get("strength_training_years"))
    groups = programming.athletes if programming else {}
    novice = groups.get("novice", {})
    found = knowledge.thresholds.get(str(novice.get("threshold", "")))
    limit = found.value if found and isinstance(found.value, int | float) else None
    women = groups.get("menopause", {})
    sex = profile.get("sex")
    return {
        "youth": None if age is None else age <= groups.get("youth", {}).get("age_max", 17),
        "masters": None if age is None else age >= groups.get("masters", {}).get("age_min", 200),
        "novice": None if years is None or limit is None else years < limit,
        "menopause": None
        if age is None or sex is None or not women
        else sex in women.get("sex", []) and age >= women.get("age_min", 200),
    }


def group(knowledge: KnowledgeBase, snapshot: dict[str, Any]) -> str | None:
    """The athlete group whose programme applies: youth, else a novice lifter (or a training age not
    known, taken as a novice's), else none."""
    groups = athlete(knowledge, snapshot)
    if groups["youth"]:
        return "youth"
    return "novice" if groups["novice"] is not False else None


def left_out(knowledge: KnowledgeBase, snapshot: dict[str, Any]) -> set[str]:
    """The lifts not for this athlete yet (the simpler ones first): no report lists them."""
    name = group(knowledge, snapshot)
    programming = knowledge.programming
    return set(programming.athletes[name].get("leave_out", [])) if programming and name else set()


def _pair(values: list[int]) -> tuple[int, int]:
    return int(values[0]), int(values[1])


def training_week(snapshot: dict[str, Any]) -> int:
    """The athlete's week of lifting, from the training age (1 when it is not known)."""
    years = _number((snapshot.get("profile") or {}).get("strength_training_years"))
    return 1 if years is None else round(years * 52) + 1


def _advised(knowledge: KnowledgeBase, advice: Advice) -> tuple[dict[str, str], float | None, float | None, str, bool]:
    """The goals the advice gives its exercises, the deload and load change, when an increase applies,
    and slower lowering."""
    goals: dict[str, str] = {}
    deload = load = None
    when = ""
    slow = False
    for rec in sorted(advice.recommendations, key=lambda r: r.adjustment.priority):
        effects = rec.adjustment.effects
        for key in rec.exercises:
            if key in rec.adjustment.goals:
                goals.setdefault(key, rec.adjustment.goals[key])
        percent = _number(rec.params.get("percent", rec.adjustment.defaults.get("percent")))
        if effects.get("volume") == "down":
            deload = percent
        elif effects.get("load") == "down" and percent is not None:
            load = min(load or 0, -percent)
        elif effects.get("load") == "hold" and load is None:
            load = 0
        elif effects.get("load") == "up" and percent is not None and load is None:
            load, when = percent, "where you beat the target reps by 1-2 in your last two sessions"
        slow = slow or effects.get("tempo") == "slow_eccentric"
    return goals, deload, load, when, slow


def context(
    knowledge: KnowledgeBase, advice: Advice, snapshot: dict[str, Any], progress: Progress | None = None
) -> Context:
    """The dose context of this week: what the advice kept, the race, the athlete and the weeks
    before change."""
    plan = snapshot.get("plan") or {}
    progress = progress or Progress()
    goals, deload, load, when, slow = _advised(knowledge, advice)
    programming = knowledge.programming
    deloading = plan.get("phase") == "deload" or any(
        r.adjustment.effects.get("volume") == "down" for r in advice.recommendations
    )
    if deload is None and deloading:
        deload = -float(programming.modifiers["deload"]["load_pct"]) if programming else 20
    who = athlete(knowledge, snapshot)
    if who["menopause"] and programming:
        for key, goal in (programming.athletes["menopause"].get("goals") or {}).items():
            goals.setdefault(key, goal)
    race = _number(plan.get("race_in_days"))
    post_race = programming.post_race if programming else None
    back = progress.back_after_race and post_race is not None
    return Context(
        phase=str(plan.get("phase") or DEFAULT_PHASE),
        goals=goals,
        deload_pct=deload,
        load_pct=None if deload is not None or back else load,
        load_when=when,
        load_base=BEFORE_TAPER if back else BEFORE_DELOAD if progress.after_deload else LAST_WEEK,
        return_pct=_pair(post_race["return_load_pct"]) if back and post_race else None,
        taper=race is not None and race <= threshold(knowledge, "race_taper_days"),
        youth=bool(who["youth"]),
        novice=who["novice"] is not False,
        light_only=meanwhile(advice) is not None,
        slow_eccentric=slow,
        weeks=dict(progress.weeks),
        training_week=training_week(snapshot),
    )


def staged(knowledge: KnowledgeBase, rec: Recommendation) -> list[str]:
    """The exercises of the one stage a staged programme is at (its `stage` param names goals'
    titles): a stage a rule names on its own comes first (the earliest such), else the heavy slow
    stage of a programme that names them all, else the first it names; all of them without a stage."""
    programming = knowledge.programming
    stages = [str(s).lower() for s in rec.params.get("stage") or []]
    if programming is None or not stages:
        return list(rec.exercises)
    own = {k: knowledge.exercises[k].goal or "" for k in rec.exercises}
    goals = {k: g for k, g in (own | rec.adjustment.goals).items() if k in rec.exercises and g in programming.goals}
    titles = list(dict.fromkeys(programming.goals[goals[k]].title for k in rec.exercises if k in goals))
    named = [[t for t in titles if t in stage or t.split()[0] in stage] for stage in stages]
    single = [n[0] for n in named if len(n) == 1]
    several = [n for n in named if len(n) > 1]
    order = {t: n for n, t in enumerate(titles)}
    if single:
        chosen = min(single, key=order.__getitem__)
    elif several:
        chosen = next((t for t in several[0] if "heavy slow" in t), several[0][0])
    else:
        return list(rec.exercises)
    return [k for k in rec.exercises if k in goals and programming.goals[goals[k]].title == chosen]


def source_words(knowledge: KnowledgeBase, key: str) -> str:
    """A source as a person cites it: `Rio 2015`, `ACSM 2009`, `the source article`."""
    if key == "article-2025":
        return "the source article"
    if key == "practitioner-consensus":
        return "practitioner consensus"
    entry = knowledge.evidence.get(key)
    year = re.search(r"(19|20)\d\d", key) or re.search(r"(19|20)\d\d", entry.citation if entry else "")
    author = re.match(r"([A-Z][\w'\-]+) [A-Z]{1,3}[,. ]", entry.citation) if entry else None
    name = author.group(1) if author else key.split("-")[0].upper()
    return f"{name} {year.group(0)}" if year else name


def dose_source(knowledge: KnowledgeBase, dose: Dose) -> str:
    """Where the dose comes from, in words: its sources and what this project chose."""
    cited = ", ".join(source_words(knowledge, key) for key in dose.source)
    cited += f" ({dose.caveat})" if dose.caveat else ""
    names = {"sets": "sets", "reps": "reps", "hold_s": "hold time", "contacts": "contacts", "tempo": "tempo"}
    names |= {"effort": "effort", "rest": "rest", "frequency": "how often"}
    chosen = [names[f] for f in dose.project if f in names]
    if len(chosen) == len(names) or "all" in dose.project:
        return f"this project's choice, in line with {cited}" if cited else "this project's choice"
    return cited + (f"; {', '.join(chosen)}: this project's choice" if chosen else "")
