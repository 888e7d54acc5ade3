"""One source of dose: the prescription of an exercise for this athlete this week, from the goals of
the programming model (`knowledge/programming.yaml`), the advice kept (a deload, a load change, the
goal an adjustment gives its exercises), the calendar (a taper before a race), the athlete (youth,
novice lifter) and the week of a protocol. `recommend`, `explain`, `plan`, the web report and the
calendar all read it here; `advice.dose_context` works out the context."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any

from runstrong.rules.knowledge import KnowledgeBase
from runstrong.rules.programming import Goal, Programming

DEFAULT_PHASE = "base_strength"
#: Goals a youth or novice athlete's loaded lifts change to their own (technique first).
LIFTING_GOALS = ("strength", "heavy_strength", "maintenance", "rebuild")
#: Where an exercise sits in a session: the warm-up, the main part (or a circuit), the cool-down.
PARTS = ("warm_up", "main", "circuit", "cool_down")
#: The most reps in reserve at which a loaded leg lift is heavy leg work.
HEAVY_RIR = 3
LAST_WEEK = "last week's load"


@dataclass(frozen=True)
class Context:
    """What changes a dose this week: the phase, the advice, the calendar and the athlete."""

    phase: str = DEFAULT_PHASE
    goals: dict[str, str] = field(default_factory=dict)  # exercise -> goal, from the advice kept and the athlete
    deload_pct: float | None = None  # a deload: loads this much lighter
    load_pct: float | None = None  # the advice's load change (negative: lighter; 0: hold)
    load_when: str = ""  # when a load increase applies
    load_base: str = LAST_WEEK  # what a load change is taken from
    return_pct: tuple[int, int] | None = None  # back after a race: the pre-taper load less this much
    taper: bool = False  # within the taper before a race
    youth: bool = False
    novice: bool = False  # a novice lifter, or training age not known
    light_only: bool = False  # a referral: only light work until assessed
    slow_eccentric: bool = False
    weeks: dict[str, int] = field(default_factory=dict)  # a protocol goal's week (1 when not given)
    training_week: int = 1  # the athlete's week of lifting (from the training age)


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
    heavy: bool = False  # heavy work: its goal's, or a loaded lift at 3 reps in reserve or fewer
    rir: tuple[int, int | None] | None = None  # reps in reserve (loaded lifts only)
    setting: str = "gym"
    load_change_pct: float | None = None  # only for loaded exercises, when the advice changes the load
    anchor: str = ""  # the load in words, with the one anchor it is taken from
    first_load: str = ""
    progression: str = ""
    ramp_up: str = ""
    week: int | None = None  # the week of a protocol that changes by week
    previous: bool = True  # the load is taken from last week's (not a new exercise or a swap)
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

    def text(self) -> str:
        """The whole prescription on one line, as a coach writes it."""
        tempo = f"tempo {self.tempo}" if re.fullmatch(r"[0-9X]+(-[0-9X]+){2}", self.tempo) else self.tempo
        parts = [self.amount(), tempo, self.effort]
        if self.rest:
            parts.append(f"{self.rest} to the next exercise" if self.sets_word else f"rest {self.rest}")
        if self.frequency:
            parts.append(self.frequency)
        if self.week:
            again = " again (a deload week)" if "step kept" in self.changed_by else ""
            parts.append(f"programme week {self.week}{again}")
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
            "heavy": self.heavy,
            "previous": self.previous,
            "text": self.text(),
            "first_load": self.first_load,
            "progression": self.progression,
            "source": list(self.source),
            "project": list(self.project),
            "changed_by": list(self.changed_by),
        }
        for name in ("reps", "hold_s", "contacts", "extra", "ramp_up", "anchor", "caveat", "week"):
            if getattr(self, name):
                data[name] = getattr(self, name)
        if self.rir is not None:
            data["reps_in_reserve"] = list(self.rir)
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


def rir_words(rir: tuple[int, int | None]) -> str:
    """`2-3 reps in reserve`, `4 or more reps in reserve`."""
    low, high = rir
    if high is None:
        return f"{low} or more reps in reserve"
    return f"{low} reps in reserve" if low == high else f"{low}-{high} reps in reserve"


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


def prescribe(
    knowledge: KnowledgeBase, ctx: Context, key: str, part: str = "main", previous: bool = True
) -> Dose | None:
    """The exercise's dose in this context; None when the knowledge base has no programming model.
    `previous`: the athlete has a load for it from last week (not a new exercise or a swap)."""
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
    own = part == "main" and not goal.protocol
    dose = _base(goal, exercise.per, exercise.reps if own else None, exercise.hold_s, exercise.tempo if own else "")
    dose = _stepped(goal, dose, ctx)
    if part not in ("main", "circuit"):
        return replace(dose, effort=goal.effort or "easy", rir=None)
    if goal.protocol:
        return _protocol_deload(goal, dose, ctx)
    dose = replace(dose, changed_by=tuple(changed))
    return _modify(programming, ctx, dose, exercise.equipment, exercise.slot, previous)


def _base(goal: Goal, per: str, reps: str | None, hold: str | None, tempo: str) -> Dose:
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
        tempo=tempo or goal.tempo,
        effort=goal.effort,
        rir=goal.rir,
        heavy=goal.heavy,
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


def _stepped(goal: Goal, dose: Dose, ctx: Context) -> Dose:
    """A goal that changes by week: this week's step (its sets and reps)."""
    week = ctx.training_week if goal.counts == "training" else ctx.weeks.get(goal.key, 1)
    again = goal.counts == "programme" and bool(goal.deload) and ctx.deload_pct is not None and week > 1
    week -= again  # a deload week keeps the step of the week before
    step = goal.step(week)
    if step is None:
        return dose
    dose = replace(dose, sets=step.sets or dose.sets, sets_max=None if step.sets else dose.sets_max)
    dose = replace(dose, reps=step.reps or dose.reps)
    if goal.counts != "programme":
        return dose
    return replace(dose, week=week, changed_by=("step kept",) if again else ())


def _protocol_deload(goal: Goal, dose: Dose, ctx: Context) -> Dose:
    """A protocol in a deload week: its step kept, fewer sets or fewer times a day, as it says."""
    if ctx.deload_pct is None or not goal.deload:
        return dose
    sets = int(goal.deload.get("sets") or dose.sets)
    frequency = str(goal.deload.get("frequency") or dose.frequency)
    changed = ("deload", *dose.changed_by)
    return replace(dose, sets=min(sets, dose.sets), sets_max=None, frequency=frequency, changed_by=changed)


def _fewer_sets(dose: Dose, modifier: dict[str, Any], main: bool) -> Dose:
    floor = int(modifier["min_sets_main"] if main else modifier["min_sets"])
    sets = max(floor, round((dose.sets_max or dose.sets) * float(modifier["sets_factor"])))
    return replace(dose, sets=min(dose.sets_max or dose.sets, sets), sets_max=None)


def _shifted(rir: tuple[int, int | None] | None, add: int) -> tuple[int, int | None] | None:
    if rir is None:
        return None
    return rir[0] + add, None if rir[1] is None else rir[1] + add


def _modify(programming: Programming, ctx: Context, dose: Dose, equipment: str, slot: str, previous: bool) -> Dose:
    """A deload, a taper, slower lowering and this week's load change, on a non-protocol dose;
    the effort in words with one anchor for the load."""
    main = programming.main_slot(slot)
    changed = list(dose.changed_by)
    deload = programming.modifiers["deload"]
    extra = [dose.effort] if dose.effort else []
    if ctx.deload_pct is not None:
        dose = _fewer_sets(dose, deload, main)
        changed.append("deload")
    if ctx.taper:
        dose = _fewer_sets(dose, programming.modifiers["taper"], main)
        changed.append("taper")
    if ctx.slow_eccentric and re.fullmatch(r"[0-9]-[0-9X]-[0-9X]", dose.tempo):
        dose = replace(dose, tempo="4" + dose.tempo[1:])
        changed.append("slow eccentric")
    if slot in ("main", "hinge") and equipment == "loaded" and dose.goal in LIFTING_GOALS:
        dose = replace(dose, ramp_up=str(programming.parts["ramp_up"]["text"]))
    change = _load_change(programming, ctx, dose)
    lighter = change is not None and change < 0
    rir = _shifted(dose.rir, int(deload.get("rir_add", 0))) if lighter or ctx.return_pct else dose.rir
    if equipment != "loaded":
        words = extra + ([str(deload["effort"])] if ctx.deload_pct is not None else [])
        return replace(dose, rir=None, heavy=dose.heavy, effort=", ".join(words), changed_by=tuple(changed))
    anchor = _anchor(ctx, change, rir, previous)
    intensity = programming.goals[dose.goal].intensity if change is None and not ctx.return_pct else ""
    words = [anchor or (rir_words(rir) if rir else "")] + ([intensity] if intensity else []) + extra
    heavy = (dose.heavy and not lighter) or (rir is not None and rir[0] <= HEAVY_RIR)
    return replace(
        dose,
        previous=previous,
        rir=rir,
        heavy=heavy,
        effort=", ".join(w for w in words if w),
        load_change_pct=change if previous else None,
        anchor=anchor,
        changed_by=tuple(changed),
    )


def _load_change(programming: Programming, ctx: Context, dose: Dose) -> float | None:
    """This week's load change in % on a loaded lift (None: no change asked)."""
    technique = dose.goal == programming.athletes["novice"].get("goal")  # its load follows its own rule
    if ctx.deload_pct is not None:
        return -ctx.deload_pct
    if ctx.load_pct is None or (ctx.load_pct >= 0 and technique) or (ctx.load_pct > 0 and (ctx.youth or ctx.taper)):
        return None
    return ctx.load_pct


def _anchor(ctx: Context, change: float | None, rir: tuple[int, int | None] | None, previous: bool) -> str:
    """The load in words, from one anchor: last week's load (or the one before a deload or the
    taper) and its change, with how it should feel; without a previous load, the feel alone."""
    feel = rir_words(rir) if rir else ""
    if ctx.return_pct:
        low, high = sorted(abs(p) for p in ctx.return_pct)
        base = f"{ctx.load_base} -{low}-{high} %" if previous else "a load"
        return f"{base}, should feel like {feel}" if feel else base
    if change is None:
        return ""
    if not previous:
        return f"a load that leaves {feel}" if feel else ""
    if change == 0:
        return f"{ctx.load_base}, {feel}" if feel else ctx.load_base
    if change < 0:
        return f"{ctx.load_base} {change:g} %" + (f", should feel like {feel}" if feel else "")
    when = f" {ctx.load_when} (else the same)" if ctx.load_when else ""
    return f"{ctx.load_base} +{change:g} %{when}" + (f", {feel}" if feel else "")
