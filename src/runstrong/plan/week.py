"""Building the week: the athlete's planned gym sessions, or the phase's template placed on
the days the scheduling rules prefer."""

from __future__ import annotations

from typing import Any

from runstrong.plan.choose import DEFAULT_PHASE, choose, dose, template
from runstrong.plan.model import DAYS, Session, Week, hours_apart
from runstrong.rules.knowledge import KnowledgeBase

HIGH_LOAD_HOURS = 48


def _template_days(count: int, key_days: set[str]) -> list[str]:
    """Days for the template's sessions: off the key run days, spread as far apart as the week allows."""
    free = [d for d in DAYS if d not in key_days] or list(DAYS)
    chosen: list[str] = []
    for _ in range(min(count, len(free))):
        best = max(
            (d for d in free if d not in chosen),
            key=lambda d: (min((hours_apart(d, c) for c in chosen), default=168), -DAYS.index(d)),
        )
        chosen.append(best)
    return chosen


def build_week(knowledge: KnowledgeBase, snapshot: dict[str, Any], status: str) -> Week:
    """The week as planned, before the advice: from plan.gym_sessions, else the phase's template."""
    plan = snapshot.get("plan") or {}
    phase = plan.get("phase") or DEFAULT_PHASE
    key_days = plan.get("key_run_days")
    week = Week(
        str(snapshot["athlete_id"]),
        str(snapshot["date"]),
        status,
        phase,
        "planned" if plan.get("gym_sessions") else "template",
        sorted(set(key_days), key=DAYS.index) if key_days is not None else None,
    )
    if not plan.get("phase"):
        week.notes.append(f"plan.phase is missing: the {knowledge.phases[phase]['title']} template is used")
    if key_days is None:
        week.notes.append("plan.key_run_days is missing: the running on each day is unknown")
    if plan.get("gym_sessions"):
        for given in plan["gym_sessions"]:
            groups = list(given.get("muscle_groups") or ["posterior_chain", "quadriceps", "core"])
            session = Session(given["day"], given.get("intensity") or "moderate", groups, planned_day=given["day"])
            if not given.get("intensity"):
                session.notes.append("intensity not given: planned as moderate")
            session.plyometric_contacts = int(given.get("plyometric_contacts") or 0)
            week.sessions.append(session)
    else:
        sessions = template(knowledge, phase)["sessions"]
        ordered = sorted(sessions, key=lambda s: -["light", "moderate", "high"].index(s["intensity"]))
        for given, day in zip(ordered, _template_days(len(ordered), set(key_days or [])), strict=False):
            week.sessions.append(Session(day, given["intensity"], list(given["muscle_groups"]), planned_day=day))
        week.notes.append(f"no planned gym week in the snapshot: the {knowledge.phases[phase]['title']} template")
    for session in week.sessions:
        session.exercises = [
            dose(knowledge, phase, k, session.intensity) for k in choose(knowledge, phase, session.muscle_groups)
        ]
    week.sets_before = week.total_sets()
    return week


def rechoose(knowledge: KnowledgeBase, week: Week, session: Session, referred: set[str], stopped: set[str]) -> None:
    """Choose the session's exercises again (after its muscle groups or intensity changed)."""
    keys = choose(knowledge, week.phase, session.muscle_groups, referred, stopped)
    session.exercises = [dose(knowledge, week.phase, k, session.intensity) for k in keys]
