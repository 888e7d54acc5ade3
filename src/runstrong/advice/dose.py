"""One source of dose: the prescription of an exercise for this athlete this week, from the goals of
the programming model (`knowledge/programming.yaml`), the advice kept (a deload, a load change, the
goal an adjustment gives its exercises), the calendar (a taper before a race) and the athlete (youth,
novice lifter). `recommend`, `explain`, `plan`, the web report and the calendar all read it here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from runstrong.advice.resolve import REFERRAL, Advice, Recommendation
from runstrong.rules.knowledge import KnowledgeBase
from runstrong.rules.programming import Goal, Programming

DEFAULT_PHASE = "base_strength"
#: Goals a youth or novice athlete's loaded lifts change to their own (technique first).
LIFTING_GOALS = ("strength", "heavy_strength", "maintenance", "rebuild")
#: Where an exercise sits in a session: the warm-up, the main part (or a circuit), the cool-down.
PARTS = ("warm_up", "main", "circuit", "cool_down")


@dataclass(frozen=True)
class Context:
    """What changes a dose this week: the phase, the advice, the calendar and the athlete."""

    phase: str = DEFAULT_PHASE
    goals: dict[str, str] = field(default_factory=dict)  # exercise -> goal, from the advice kept
    deload_pct: float | None = None  # a deload: loads this much lighter
    load_pct: float | None = None  # the advice's load change (negative: lighter; 0: hold)
    load_when: str = ""  # when a load increase applies
    taper: bool = False  # within the taper before a race
    youth: bool = False
    novice: bool = False  # a novice lifter, or training age unknown
    light_only: bool = False  # a referral: only light work until assessed
    slow_eccentric: bool = False


@dataclass(frozen=True)
class Dose:
    """An exercise's prescription, and where each part of it comes from."""

    goal: str
    title: str
    sets: int
    tempo: str
    effort: str
    rest: str
    rest_s: tuple[int, int] = (0, 0)
    sets_max: int | None = None
    sets_word: str = ""
    reps: str | None = None
    hold_s: str | None = None
    contacts: int | None = None
    per: str = ""
    extra: str = ""
    frequency: str = ""
    per_week: int | None = None  # the sessions a week it goes in, when its goal says
    high_only: bool = False  # a heavy dose: for a high-intensity session only
    setting: str = "gym"
    load_change_pct: float | None = None  # only for loaded exercises, when the advice changes the load
    load_when: str = ""
    first_load: str = ""
    progression: str = ""
    ramp_up: str = ""
    source: tuple[str, ...] = ()
    caveat: str = ""  # what the source did not test
    project: tuple[str, ...] = ()  # the fields that are this project's choice
    changed_by: tuple[str, ...] = ()  # deload, taper, youth, novice, referral, slow eccentric

    def amount(self) -> str:
        """Sets by reps, seconds or contacts: `3 x 6-8 per leg`, `5 x 45 s`, `4 x 20 contacts`."""
        sets = f"{self.sets}-{self.sets_max}" if self.sets_max and self.sets_max > self.sets else str(self.sets)
        each = f" per {self.per}" if self.per else ""
        if self.contacts is not None:
            what = f"{self.contacts} contacts"
        elif self.hold_s is not None:
            what = f"{self.hold_s} s{each}"
        else:
            what = f"{self.reps}{each}"
        count = f"{sets} {self.sets_word} of" if self.sets_word else f"{sets} x"
        return f"{count} {what}" + (f" {self.extra}" if self.extra else "")

    def load_words(self) -> str:
        """This week's load change in words; empty when the exercise carries no load figure."""
        if self.load_change_pct is None:
            return ""
        if self.load_change_pct == 0:
            return "same load as last week"
        return f"load {self.load_change_pct:+g} %" + (f" {self.load_when}" if self.load_when else "")

    def text(self) -> str:
        """The whole prescription on one line, as a coach writes it."""
        tempo = f"tempo {self.tempo}" if re.fullmatch(r"[0-9X]+(-[0-9X]+){2}", self.tempo) else self.tempo
        parts = [self.amount(), tempo, self.effort]
        if self.rest:
            parts.append(f"{self.rest} to the next exercise" if self.sets_word else f"rest {self.rest}")
        if self.frequency:
            parts.append(self.frequency)
        if self.load_words():
            parts.append(self.load_words())
        return ", ".join(part for part in parts if part)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "goal": self.goal,
            "sets": self.sets,
            "sets_max": self.sets_max,
            "per": self.per or None,
            "tempo": self.tempo,
            "effort": self.effort,
            "rest": self.rest,
            "frequency": self.frequency,
            "setting": self.setting,
            "text": self.text(),
            "first_load": self.first_load,
            "progression": self.progression,
            "source": list(self.source),
            "project": list(self.project),
            "changed_by": list(self.changed_by),
        }
        for name in ("reps", "hold_s", "contacts", "extra", "ramp_up", "load_when", "caveat"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        if self.load_change_pct is not None:
            data["load_change_pct"] = self.load_change_pct
        return data


def rest_words(rest_s: tuple[int, int]) -> str:
    """`2-3 min`, `60-90 s`, `2 min`; empty for no rest."""
    low, high = rest_s
    if high == 0:
        return ""
    if low >= 120 and low % 60 == 0 and high % 60 == 0:
        return f"{low // 60} min" if low == high else f"{low // 60}-{high // 60} min"
    return f"{low} s" if low == high else f"{low}-{high} s"


def param(advice: Advice, adjustment: str, name: str) -> Any:
    for rec in advice.recommendations:
        if rec.adjustment.id == adjustment:
            return rec.params.get(name, rec.adjustment.defaults.get(name))
    return None


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
    """youth, masters and novice for this athlete: True, False, or None when not known."""
    programming = knowledge.programming
    profile = snapshot.get("profile") or {}
    age = _number(profile.get("age"))
    years = _number(profile.get("strength_training_years"))
    groups = programming.athletes if programming else {}
    novice = groups.get("novice", {})
    found = knowledge.thresholds.get(str(novice.get("threshold", "")))
    limit = found.value if found and isinstance(found.value, int | float) else None
    return {
        "youth": None if age is None else age <= groups.get("youth", {}).get("age_max", 17),
        "masters": None if age is None else age >= groups.get("masters", {}).get("age_min", 200),
        "novice": None if years is None or limit is None else years < limit,
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


def context(knowledge: KnowledgeBase, advice: Advice, snapshot: dict[str, Any], phase: str | None = None) -> Context:
    """The dose context of this week: what the advice kept, the race and the athlete change."""
    plan = snapshot.get("plan") or {}
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
            deload = percent if percent is not None else None
        elif effects.get("load") == "down" and percent is not None:
            load = min(load or 0, -percent)
        elif effects.get("load") == "hold" and load is None:
            load = 0
        elif effects.get("load") == "up" and percent is not None and load is None:
            load, when = percent, "on the lifts where you beat the target reps by 1-2 in your last two sessions"
        slow = slow or effects.get("tempo") == "slow_eccentric"
    deloading = plan.get("phase") == "deload" or any(
        r.adjustment.effects.get("volume") == "down" for r in advice.recommendations
    )
    if deload is None and deloading:
        deload = -float(knowledge.programming.modifiers["deload"]["load_pct"]) if knowledge.programming else 20
    taper_days = threshold(knowledge, "race_taper_days")
    race = _number(plan.get("race_in_days"))
    who = athlete(knowledge, snapshot)
    return Context(
        phase=phase or str(plan.get("phase") or DEFAULT_PHASE),
        goals=goals,
        deload_pct=deload,
        load_pct=None if deload is not None else load,
        load_when=when,
        taper=race is not None and race <= taper_days,
        youth=bool(who["youth"]),
        novice=who["novice"] is not False,
        light_only=meanwhile(advice) is not None,
        slow_eccentric=slow,
    )


def _goal_key(programming: Programming, knowledge: KnowledgeBase, ctx: Context, key: str, part: str) -> str:
    exercise = knowledge.exercises[key]
    if part == "circuit" and not exercise.goal:
        return str(programming.parts[part]["goal"])
    if part not in ("main", "circuit"):
        return str(programming.parts[part]["goal"])
    if key in ctx.goals:
        return ctx.goals[key]
    if exercise.goal:
        return exercise.goal
    template = knowledge.phases.get(ctx.phase, {}).get("template") or {}
    for table in (template.get("goals") or {}, programming.default_goals):
        for name in (key, exercise.slot, exercise.equipment):
            if name in table:
                return str(table[name])
    return "strength"


def prescribe(knowledge: KnowledgeBase, ctx: Context, key: str, part: str = "main") -> Dose | None:
    """The exercise's dose in this context; None when the knowledge base has no programming model."""
    programming = knowledge.programming
    if programming is None:
        return None
    exercise = knowledge.exercises[key]
    goal = programming.goals[_goal_key(programming, knowledge, ctx, key, part)]
    changed: list[str] = []
    if not goal.protocol and part == "main":
        if ctx.light_only:
            goal, changed = programming.goals["light_work"], ["referral"]
        elif goal.key in LIFTING_GOALS and exercise.equipment == "loaded" and (ctx.youth or ctx.novice):
            athlete_goal = programming.athletes["youth" if ctx.youth else "novice"].get("goal", goal.key)
            goal, changed = programming.goals[athlete_goal], ["youth" if ctx.youth else "novice"]
    own_reps = exercise.reps if part == "main" else None
    dose = _base(programming, goal, exercise.per, own_reps, exercise.hold_s)
    if goal.protocol or part not in ("main", "circuit"):
        return dose
    dose = replace(dose, changed_by=tuple(changed))
    return _modify(programming, ctx, dose, exercise.equipment, exercise.slot)


def _base(programming: Programming, goal: Goal, per: str, reps: str | None, hold: str | None) -> Dose:
    own = not goal.protocol
    hold_s = hold if own and hold and goal.contacts is None else goal.hold_s
    fields = [
        f
        for f in ("sets", "reps", "hold_s", "contacts", "tempo", "effort", "rest_s", "frequency")
        if goal.chosen_here(f)
    ]
    return Dose(
        goal=goal.key,
        title=goal.title,
        sets=goal.sets,
        sets_max=goal.sets_max,
        sets_word=goal.sets_word,
        reps=None if hold_s else (reps if own and reps and goal.reps else goal.reps),
        hold_s=hold_s,
        contacts=goal.contacts,
        per="" if goal.contacts is not None else per,
        extra=goal.extra,
        tempo=goal.tempo,
        effort=goal.effort,
        rest=rest_words(goal.rest_s),
        rest_s=goal.rest_s,
        frequency=goal.frequency,
        per_week=goal.per_week,
        high_only=goal.high_only,
        setting=goal.setting,
        first_load=goal.first_load,
        progression=goal.progression,
        source=goal.source,
        caveat=goal.caveat,
        project=tuple("rest" if f == "rest_s" else f for f in fields),
    )


def _fewer_sets(dose: Dose, modifier: dict[str, Any], main: bool) -> Dose:
    floor = int(modifier["min_sets_main"] if main else modifier["min_sets"])
    sets = max(floor, round((dose.sets_max or dose.sets) * float(modifier["sets_factor"])))
    return replace(dose, sets=min(dose.sets_max or dose.sets, sets), sets_max=None)


def _modify(programming: Programming, ctx: Context, dose: Dose, equipment: str, slot: str) -> Dose:
    """A deload, a taper, slower lowering and this week's load change, on a non-protocol dose."""
    main = programming.main_slot(slot)
    changed = list(dose.changed_by)
    if ctx.deload_pct is not None:
        deload = programming.modifiers["deload"]
        dose = replace(_fewer_sets(dose, deload, main), effort=f"{dose.effort}, {deload['effort']}")
        changed.append("deload")
    if ctx.taper:
        dose = _fewer_sets(dose, programming.modifiers["taper"], main)
        changed.append("taper")
    if ctx.slow_eccentric and re.fullmatch(r"[0-9]-[0-9X]-[0-9X]", dose.tempo):
        dose = replace(dose, tempo="4" + dose.tempo[1:])
        changed.append("slow eccentric")
    if slot in ("main", "hinge") and equipment == "loaded" and dose.goal in LIFTING_GOALS:
        dose = replace(dose, ramp_up=str(programming.parts["ramp_up"]["text"]))
    technique = dose.goal == programming.athletes["novice"].get("goal")  # its load follows its own rule
    if equipment == "loaded" and ctx.deload_pct is not None:
        dose = replace(dose, load_change_pct=-ctx.deload_pct)
    elif equipment == "loaded" and ctx.load_pct is not None:
        if ctx.load_pct < 0:
            dose = replace(dose, load_change_pct=ctx.load_pct)
        elif not (technique or (ctx.load_pct > 0 and (ctx.youth or ctx.taper))):
            dose = replace(dose, load_change_pct=ctx.load_pct, load_when=ctx.load_when if ctx.load_pct else "")
    return replace(dose, changed_by=tuple(changed))


def staged(knowledge: KnowledgeBase, rec: Recommendation) -> list[str]:
    """The exercises of the stage a staged programme names (a goal's title in its `stage` param),
    else all of them: what every report lists and the plan gives."""
    stage = " ".join(str(s) for s in rec.params.get("stage") or []).lower()
    programming = knowledge.programming
    if programming is None or not stage:
        return list(rec.exercises)
    goals = rec.adjustment.goals
    keys = [k for k in rec.exercises if k in goals and programming.goals[goals[k]].title in stage]
    return keys or list(rec.exercises)


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
