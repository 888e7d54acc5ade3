"""The week's gym plan (`runstrong plan`'s JSON form) as report blocks, for the HTML report.

The plan is built by the caller (`runstrong.plan.build.build_plan`): explain renders it and does not
import the plan stage beside it."""

from __future__ import annotations

from typing import Any

from runstrong.explain.document import Block, Item


def plan_blocks(plan: dict[str, Any]) -> list[Block]:
    """Each day's running and gym sessions with their exercises, then the scheduling checks."""
    items: list[Item] = []
    for day in plan["days"]:
        sessions: list[Item] = []
        for session in day["sessions"]:
            exercises: list[Item] = [f"{e['name']}: {_dose(e)}" for e in session["exercises"]]
            head = f"gym, {session['intensity']}: {', '.join(session['muscle_groups']) or 'whole body'}"
            sessions.append((head, exercises))
        text = (
            f"{day['day'].capitalize()}: {day['running']} run"
            if day["running"] != "rest"
            else f"{day['day'].capitalize()}: rest"
        )
        items.append((text, sessions) if sessions else text)
    checks: list[Item] = [f"{'holds' if c['holds'] else 'BROKEN'}: {c['detail']}" for c in plan["constraints"]]
    return [
        Block("h2", "This week in the gym"),
        Block("ul", items=items),
        Block("h3", "Scheduling"),
        Block("ul", items=checks),
    ]


def _dose(exercise: dict[str, Any]) -> str:
    amount = (
        f"{exercise['sets']} x {exercise['hold_s']} s hold"
        if "hold_s" in exercise
        else f"{exercise['sets']} x {exercise['reps']}"
    )
    change = "new" if exercise["new"] else f"load {exercise['load_change_pct']:+g} %"
    return f"{amount}, {change}"
