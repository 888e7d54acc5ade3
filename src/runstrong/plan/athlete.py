"""Who the week is for and when it falls: youth, masters, novice lifters and women from 45
(`programming.yaml` athletes), and the calendar (hard runs, the long run, run days, the race)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from runstrong.advice.dose_context import athlete, left_out, source_words, training_week
from runstrong.plan.model import DAYS, INTENSITIES, Calendar, week_days
from runstrong.rules.knowledge import KnowledgeBase
from runstrong.rules.programming import Programming

#: Phases whose template a youth or novice athlete swaps for their own.
OWN_TEMPLATE_PHASES = ("base_strength", "power", "maintenance")


@dataclass
class Athlete:
    """The athlete as the programme sees them; None where the snapshot does not say."""

    youth: bool | None
    masters: bool | None
    novice: bool | None
    notes: list[str] = field(default_factory=list)
    leave_out: set[str] = field(default_factory=set)  # the lifts not for them yet
    prefer: tuple[str, ...] = ()  # the lifts their programme puts first (a heavy compound lift from 45)

    def group(self) -> str | None:
        """The group whose template and limits apply: youth first, then novice (or unknown training age)."""
        if self.youth:
            return "youth"
        if self.novice is not False:
            return "novice"
        return None

    def template(self, programming: Programming, phase: str, sessions: list[str]) -> list[str]:
        group = self.group()
        own = programming.athletes[group].get("template") if group else None
        return list(own) if own and phase in OWN_TEMPLATE_PHASES else list(sessions)

    def max_intensity(self, programming: Programming) -> str:
        return str(programming.athletes["youth"].get("max_intensity", "high")) if self.youth else INTENSITIES[-1]

    def spacing_hours(self, programming: Programming, hours: int) -> int:
        return max(hours, int(programming.athletes["masters"].get("high_load_hours", hours))) if self.masters else hours

    def max_new(self, programming: Programming) -> int | None:
        """How many new exercises a week may bring (a novice learns a few at a time)."""
        if self.novice is not False and not self.youth:
            value = programming.athletes["novice"].get("max_new")
            return int(value) if value else None
        return None


def _note(knowledge: KnowledgeBase, entry: dict[str, Any]) -> str:
    cited = ", ".join(source_words(knowledge, key) for key in entry.get("source", []))
    chosen = "this project's choice" if entry.get("project") == "all" else ""
    return f"{entry['note']} ({chosen or cited})"


def who(knowledge: KnowledgeBase, snapshot: dict[str, Any]) -> Athlete:
    """The athlete's groups and what the week says about them."""
    groups = athlete(knowledge, snapshot)
    programming = knowledge.programming
    assert programming is not None
    found = Athlete(groups["youth"], groups["masters"], groups["novice"], leave_out=left_out(knowledge, snapshot))
    for name in ("youth", "masters", "novice", "menopause"):
        if groups.get(name) and name in programming.athletes:
            found.notes.append(_note(knowledge, programming.athletes[name]))
    if groups.get("menopause") and not found.group():
        found.prefer = tuple(programming.athletes["menopause"].get("prefer", ()))
    if groups["novice"] is None and not groups["youth"]:
        found.notes.append("training age not known: planned as for a novice lifter, technique first")
    youth = programming.athletes["youth"]
    if groups["youth"] and training_week(snapshot) == youth.get("checkpoint_week"):
        found.notes.append(str(youth["checkpoint"]))
    return found


def _days(value: Any) -> list[str] | None:
    return sorted(set(value), key=DAYS.index) if isinstance(value, list) else None


def calendar(snapshot: dict[str, Any]) -> Calendar:
    """The week's running from the snapshot's plan, with each day's days to the race (the week
    starts on the snapshot's date)."""
    plan = snapshot.get("plan") or {}
    days_to_race = None
    race = plan.get("race_in_days")
    if isinstance(race, int):
        date = str(snapshot["date"])
        days_to_race = {day: race - n for n, day in enumerate(week_days(date))}
    return Calendar(
        _days(plan.get("key_run_days")), plan.get("long_run_day"), _days(plan.get("run_days")), days_to_race
    )


def dates(date: str) -> dict[str, str]:
    """Each day of the week that starts on this date, with its date."""
    first = dt.date.fromisoformat(date)
    return {day: str(first + dt.timedelta(days=n)) for n, day in enumerate(week_days(date))}
