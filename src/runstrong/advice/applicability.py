"""Checks of the planned week that say whether plan advice has anything to act on.

Each check is True when the plan gives the advice something to change, or when the plan is not
known (unknown is never "nothing to do"); False only when the plan is known and leaves nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runstrong.snapshot.validation import Snapshot


def _plan(snapshot: Snapshot) -> dict[str, Any]:
    plan = snapshot.get("plan")
    return plan if isinstance(plan, dict) else {}


def plyometrics_possible(snapshot: Snapshot) -> bool:
    """Some jumping may be planned: a session with contacts (or whose contacts are not said), or
    no known list of sessions."""
    sessions = _plan(snapshot).get("gym_sessions")
    if sessions is None:
        return True
    return any(session.get("plyometric_contacts", 1) > 0 for session in sessions)


def gym_on_key_run_day(snapshot: Snapshot) -> bool:
    """A gym session falls on a hard running day, or the days are not known."""
    plan = _plan(snapshot)
    sessions, key_days = plan.get("gym_sessions"), plan.get("key_run_days")
    if sessions is None or key_days is None:
        return True
    return any(session.get("day") in key_days for session in sessions)


PLAN_CHECKS: dict[str, Callable[[Snapshot], bool]] = {
    "plyometrics_possible": plyometrics_possible,
    "gym_on_key_run_day": gym_on_key_run_day,
}
