"""Reading a check-in: the symptom and wellbeing part of a snapshot for one day, progress metrics, gym sessions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from runstrong.snapshot.strict import load_document
from runstrong.snapshot.validation import did_you_mean, validate
from runstrong.util.errors import Problem, UserError

#: Parts of a check-in that are snapshot sections, validated by the snapshot schema.
SNAPSHOT_PARTS = ("profile", "plan", "symptoms", "wellbeing", "energy", "metrics")
#: Progress measured in the gym, stored over time: name -> (lowest, highest, unit).
PROGRESS: dict[str, tuple[float, float, str]] = {
    "reps_at_fixed_load": (0, 1000, "reps"),
    "circuit_time_s": (0, 86400, "s"),
    "bar_speed_mps": (0, 10, "m/s"),
}
SESSION_KEYS = ("intensity", "muscle_groups", "plyometric_contacts", "deload")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
KEYS = ("date", *SNAPSHOT_PARTS, "progress", "gym_sessions_logged")


@dataclass(frozen=True)
class Checkin:
    """A validated check-in."""

    day: date
    data: dict[str, Any]  # the snapshot sections given
    progress: dict[str, float]
    sessions: list[dict[str, Any]]


def _day(value: Any) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise UserError(Problem("date", f"expected an ISO date (2026-11-24), got {value!r}")) from None


def _progress(given: Any) -> dict[str, float]:
    if not isinstance(given, dict):
        raise UserError(Problem("progress", f"expected a mapping of {', '.join(PROGRESS)}, got {given!r}"))
    problems, values = [], {}
    for name, value in given.items():
        if name not in PROGRESS:
            hint = did_you_mean(str(name), list(PROGRESS))
            problems.append(
                Problem(f"progress.{name}", "unknown metric" + (f" (did you mean '{hint}'?)" if hint else ""))
            )
            continue
        low, high, unit = PROGRESS[name]
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            problems.append(Problem(f"progress.{name}", f"expected a number {low:g}-{high:g} ({unit}), got {value!r}"))
        else:
            values[name] = float(value)
    if problems:
        raise UserError(problems)
    return values


def _sessions(given: Any, day: date, athlete_id: str) -> list[dict[str, Any]]:
    if not isinstance(given, list):
        raise UserError(Problem("gym_sessions_logged", f"expected a list of sessions, got {given!r}"))
    problems: list[Problem] = []
    for number, session in enumerate(given):
        where = f"gym_sessions_logged[{number}]"
        if not isinstance(session, dict):
            problems.append(Problem(where, f"expected a session {{intensity, muscle_groups, deload}}, got {session!r}"))
            continue
        for key in session:
            if key not in SESSION_KEYS:
                problems.append(Problem(f"{where}.{key}", f"unknown key (expected one of {', '.join(SESSION_KEYS)})"))
        if not isinstance(session.get("deload", False), bool):
            problems.append(Problem(f"{where}.deload", f"expected true or false, got {session['deload']!r}"))
    if problems:
        raise UserError(problems)
    planned = [
        {"day": WEEKDAYS[day.weekday()], **{k: v for k, v in s.items() if k != "deload"}} for s in given
    ]  # the session's own fields are checked by the snapshot schema, as a planned session would be
    validate({"athlete_id": athlete_id, "date": day.isoformat(), "plan": {"gym_sessions": planned}})
    return list(given)


def parse_checkin(text: str, source: str, athlete_id: str) -> Checkin:
    """A check-in from YAML or JSON text; every mistake named by its field (UserError)."""
    document = load_document(text, source)
    if not isinstance(document, dict):
        raise UserError(Problem(source, "expected a check-in: date, symptoms, wellbeing, ... as key: value lines"))
    unknown = [key for key in document if key not in KEYS]
    if unknown:
        raise UserError([Problem(str(key), f"unknown key (expected one of {', '.join(KEYS)})") for key in unknown])
    if "date" not in document:
        raise UserError(Problem("date", "a check-in needs the date it describes"))
    day = _day(document["date"])
    data = {part: document[part] for part in SNAPSHOT_PARTS if part in document}
    validate({"athlete_id": athlete_id, "date": day.isoformat(), **data})
    progress = _progress(document.get("progress", {}))
    sessions = _sessions(document.get("gym_sessions_logged", []), day, athlete_id)
    return Checkin(day, data, progress, sessions)
