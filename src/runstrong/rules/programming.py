"""The programming model (`knowledge/programming.yaml`): prescriptions by goal, session slots and
templates, the warm-up, cool-down and ramp-up parts, the deload and taper modifiers and the athlete
groups (youth, masters, novice lifters). Read by every report that gives an exercise's dose."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from runstrong.util.errors import Problem
from runstrong.util.located import where


@dataclass(frozen=True)
class Step:
    """One step of a protocol that changes by week (Beyer 2015's heavy slow resistance: 3 x 15RM in
    week 1, 3 x 12RM in weeks 2-3, ...): its weeks (inclusive), sets and reps."""

    first: int
    last: int
    sets: int | None = None
    reps: str | None = None


@dataclass(frozen=True)
class Goal:
    """A prescription: what a set looks like for this goal, how to choose the load, and its source."""

    key: str
    title: str
    sets: int
    tempo: str
    rest_s: tuple[int, int]
    source: tuple[str, ...]
    effort: str = ""  # the effort besides reps in reserve (`every rep clean`)
    rir: tuple[int, int | None] | None = None  # reps in reserve, fewest to most (None: no upper bound)
    intensity: str = ""  # the load as a share of a one-rep max, when a load change does not replace it
    heavy: bool = False  # heavy leg work whatever the reps in reserve (heavy slow resistance, maintenance)
    steps: tuple[Step, ...] = ()  # a protocol's steps by week
    counts: str = "programme"  # how its week is counted: programme (this plan's weeks) or training (training age)
    deload: dict[str, Any] | None = None  # what a deload week changes in a protocol (sets, frequency)
    sets_max: int | None = None
    sets_word: str = ""  # what a set is called (rounds, in a circuit)
    reps: str | None = None
    hold_s: str | None = None
    contacts: int | None = None
    extra: str = ""
    frequency: str = ""
    per_week: int | None = None
    setting: str = "gym"
    first_load: str = ""
    progression: str = ""
    protocol: bool = False
    high_only: bool = False  # a heavy dose: only in a high-intensity session
    caveat: str = ""  # what the source did not test
    project: tuple[str, ...] = ()  # the fields that are this project's choice

    def chosen_here(self, name: str) -> bool:
        return "all" in self.project or name in self.project

    def step(self, week: int) -> Step | None:
        """The step for this week of the protocol (the last one after its last week); None without steps."""
        found = [s for s in self.steps if s.first <= week]
        return (found[-1] if found else self.steps[0]) if self.steps else None


@dataclass(frozen=True)
class SessionTemplate:
    key: str
    intensity: str
    slots: tuple[str, ...]
    exercises: int
    minutes: int


@dataclass(frozen=True)
class Programming:
    """The programming model, as loaded."""

    goals: dict[str, Goal]
    slots: dict[str, dict[str, Any]]
    sessions: dict[str, SessionTemplate]
    muscle_group_slots: dict[str, tuple[str, ...]]
    default_goals: dict[str, str]
    parts: dict[str, Any]
    modifiers: dict[str, dict[str, Any]]
    athletes: dict[str, dict[str, Any]]
    alternatives: dict[str, Any] | None = None  # exercises and adjustments that are one programme
    post_race: dict[str, Any] | None = None  # the recovery after a race
    contacts_per_set: int = 20

    def sources(self) -> set[str]:
        """Every evidence key the model cites."""
        found = {key for goal in self.goals.values() for key in goal.source}
        extra = [self.post_race] if self.post_race else []
        for entry in [*self.modifiers.values(), *self.athletes.values(), self.parts["same_day"], *extra]:
            found |= set(entry.get("source", []))
        return found

    def main_slot(self, slot: str) -> bool:
        """A main lift's slot (squat, hinge, single-leg): a deload keeps at least two sets of it."""
        return bool(self.slots.get(slot, {}).get("main"))


def parse_programming(data: dict[str, Any]) -> Programming:
    """The loaded YAML (already checked against SCHEMA) as typed data."""
    goals = {}
    for key, value in data["goals"].items():
        fields = dict(value)
        project = fields.pop("project", ())
        hold = fields.pop("hold_s", None)
        rir = fields.pop("rir", None)
        steps = tuple(Step(s["weeks"][0], s["weeks"][1], s.get("sets"), s.get("reps")) for s in fields.pop("steps", []))
        goals[key] = Goal(
            key,
            rest_s=(int(value["rest_s"][0]), int(value["rest_s"][1])),
            source=tuple(value["source"]),
            project=("all",) if project == "all" else tuple(project),
            hold_s=None if hold is None else str(hold),
            rir=None if rir is None else (int(rir[0]), None if rir[1] is None else int(rir[1])),
            steps=steps,
            **{k: v for k, v in fields.items() if k not in ("rest_s", "source")},
        )
    return Programming(
        goals=goals,
        slots={k: dict(v) for k, v in data["slots"].items()},
        sessions={
            k: SessionTemplate(k, v["intensity"], tuple(v["slots"]), v["exercises"], v["minutes"])
            for k, v in data["sessions"].items()
        },
        muscle_group_slots={k: tuple(v) for k, v in data["muscle_group_slots"].items()},
        default_goals=dict(data["default_goals"]),
        parts={k: (dict(v) if isinstance(v, dict) else v) for k, v in data["parts"].items()},
        modifiers={k: dict(v) for k, v in data["modifiers"].items()},
        athletes={k: dict(v) for k, v in data["athletes"].items()},
        alternatives=dict(data.get("alternatives") or {}),
        post_race=dict(data["post_race"]) if "post_race" in data else None,
        contacts_per_set=int(data.get("plyometric_contacts_per_set", 20)),
    )


#: Thresholds (thresholds.yaml) the programming model reads: the taper, race week, no new exercise.
RACE_THRESHOLDS = ("race_taper_days", "race_week_days", "race_no_new_work_days")


def references(data: dict[str, Any]) -> list[tuple[list[Any], str, str]]:
    """(path, what, value) for each reference the model makes: sources, goals, slots, exercises,
    adjustments, thresholds; `knowledge.load_knowledge` checks each one."""
    found: list[tuple[list[Any], str, str]] = [(["modifiers", "taper"], "threshold", t) for t in RACE_THRESHOLDS]
    for key, goal in data.get("goals", {}).items():
        found += [(["goals", key, "source"], "evidence key", s) for s in goal.get("source", [])]
    for key, slot in data.get("default_goals", {}).items():
        found.append((["default_goals", key], "goal", slot))
    for name in ("warm_up", "cool_down"):
        part = data.get("parts", {}).get(name, {})
        found += [
            (["parts", name], "adjustment", part.get("advice", "")),
            (["parts", name], "goal", part.get("goal", "")),
        ]
    found += [
        (["parts", "same_day"], "evidence key", s) for s in data.get("parts", {}).get("same_day", {}).get("source", [])
    ]
    for name, modifier in data.get("modifiers", {}).items():
        found += [(["modifiers", name, "source"], "evidence key", s) for s in modifier.get("source", [])]
    for name, group in data.get("athletes", {}).items():
        found += [(["athletes", name, "source"], "evidence key", s) for s in group.get("source", [])]
        found += [(["athletes", name, "leave_out"], "exercise", k) for k in group.get("leave_out", [])]
        found += [(["athletes", name, "template"], "session", k) for k in group.get("template", [])]
        found += [(["athletes", name, "prefer"], "exercise", k) for k in group.get("prefer", [])]
        found += [(["athletes", name, "goals"], "goal", g) for g in (group.get("goals") or {}).values()]
        found += [(["athletes", name, "goals"], "exercise", k) for k in group.get("goals") or {}]
        if "goal" in group:
            found.append((["athletes", name, "goal"], "goal", group["goal"]))
        if "threshold" in group:
            found.append((["athletes", name, "threshold"], "threshold", group["threshold"]))
    alternatives = data.get("alternatives") or {}
    for n, keys in enumerate(alternatives.get("exercises", [])):
        found += [(["alternatives", "exercises", n], "exercise", k) for k in keys]
    for n, pair in enumerate(alternatives.get("adjustments", [])):
        found += [(["alternatives", "adjustments", n], "adjustment", pair[k]) for k in ("first", "instead")]
        if "site" in pair:
            found.append((["alternatives", "adjustments", n], "site", pair["site"]))
    found += [(["alternatives", "one_of"], "adjustment", k) for k in alternatives.get("one_of", [])]
    found += [(["post_race"], "evidence key", s) for s in (data.get("post_race") or {}).get("source", [])]
    return found


def programming_problems(file: Path, data: dict[str, Any], known: dict[str, dict[str, Any]]) -> list[Problem]:
    """Each reference of the model to a source, goal, session, exercise, adjustment or threshold
    that does not exist (a kind whose own file failed to load is not checked again)."""
    if not data:
        return []
    known = {**known, "goal": data.get("goals", {}), "session": data.get("sessions", {})}
    return [
        Problem(where(file, data, path), f"{'.'.join(map(str, path))}: unknown {what} '{value}'")
        for path, what, value in references(data)
        if known[what] and value not in known[what]
    ]


def goal_problems(files: dict[str, tuple[Path, dict[str, Any]]], data: dict[str, Any]) -> list[Problem]:
    """The goals and sessions other knowledge files name (an adjustment's `goals`, an exercise's
    `goal`, a phase template's `sessions` and `goals`) that the model does not have."""
    goals, sessions = data.get("goals", {}), data.get("sessions", {})
    found: list[Problem] = []
    ad_file, ad = files["adjustments"]
    for name, entry in ad.items():
        found += [
            Problem(where(ad_file, ad, [name, "goals"]), f"{name}.goals.{key}: unknown goal '{goal}'")
            for key, goal in (entry.get("goals") or {}).items()
            if goal not in goals
        ]
    ex_file, ex = files["exercises"]
    found += [
        Problem(where(ex_file, ex, [name, "goal"]), f"{name}.goal: unknown goal '{entry['goal']}'")
        for name, entry in ex.items()
        if "goal" in entry and entry["goal"] not in goals
    ]
    ph_file, ph = files["phases"]
    for name, entry in ph.items():
        template = entry.get("template") or {}
        found += [
            Problem(where(ph_file, ph, [name, "template"]), f"{name}: unknown session '{session}'")
            for session in template.get("sessions", [])
            if session not in sessions
        ]
        found += [
            Problem(where(ph_file, ph, [name, "template"]), f"{name}.{slot}: unknown goal '{goal}'")
            for slot, goal in (template.get("goals") or {}).items()
            if goal not in goals
        ]
    return found
