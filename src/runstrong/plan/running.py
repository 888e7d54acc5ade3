"""The week's running line: what the advice does to the runs (stop, shorter, hold, the walk-run
programme's stage), a referral's cap on the running until the athlete is assessed, and the
recovery after a race."""

from __future__ import annotations

from typing import Any

from runstrong.advice.dose_context import meanwhile
from runstrong.advice.resolve import Advice
from runstrong.plan.effects import with_effect
from runstrong.plan.model import Week

RUNNING_WORDS = {
    "stop": "no running this week: walk, cycle or pool-run instead",
    "down": "runs shorter, easy and flat this week",
    "hold": "keep this week's running distance, the long run within 110 % of the month's longest",
    "up": "the walk-run programme as the advice says, every other day",
}


def _km(value: Any) -> str:
    return f"{value:g} km" if isinstance(value, int | float) and not isinstance(value, bool) else ""


def _stage(snapshot: dict[str, Any]) -> int | None:
    stage = (snapshot.get("return_to_run") or {}).get("walk_run_stage")
    return stage if isinstance(stage, int) and not isinstance(stage, bool) else None


def _walk_run(value: str, stage: int | None) -> str:
    if stage is None:
        return RUNNING_WORDS.get(value, "")
    if value == "up":
        return f"walk-run stage {stage + 1} (the next stage), every other day"
    return f"walk-run stage {stage} again, every other day"


def _capped(snapshot: dict[str, Any]) -> str:
    """Easy running capped at this week's distance and long run until assessed."""
    running = snapshot.get("running") or {}
    week = _km(running.get("week_km"))
    longs = [float(v) for v in (running.get("planned_long_run_km"), running.get("longest_run_30d_km")) if v and _km(v)]
    long_run = _km(min(longs)) if longs else ""
    parts = [f"at most {week} this week (no more than now)" if week else "no more running than this week"]
    parts.append("every run easy")
    parts.append(f"the long run at most {long_run}" if long_run else "no longer long run than the month's longest")
    return ", ".join(parts) + ", until a clinician has assessed you"


def running(knowledge: Any, week: Week, advice: Advice, snapshot: dict[str, Any], recovery: bool) -> None:
    """The running line of the week, and what each running advice did."""
    stage = _stage(snapshot)
    for rec in with_effect(advice, "running"):
        value = rec.adjustment.effects["running"]
        if value == "stop":
            week.running_stopped = True
        words = (
            _walk_run(value, stage) if value in ("up", "hold") and stage is not None else RUNNING_WORDS.get(value, "")
        )
        week.running_note = week.running_note or words
        week.applied_effect(rec.adjustment.id, words or "running as the advice says")
    if meanwhile(advice) == "reduced":
        week.running_note = _capped(snapshot)
    elif recovery:
        week.running_note = "recovery after the race: every run easy and short, no key runs this week"
    elif not week.running_note and stage and not week.running_stopped:
        week.running_note = f"walk-run stage {stage} as last week, every other day"
