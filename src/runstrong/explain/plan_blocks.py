"""The week's gym plan (`runstrong plan`'s JSON form) as report blocks, for the HTML report.

The plan is built by the caller (`runstrong.plan.build.build_plan`): explain renders it and does not
import the plan stage beside it. The doses are the plan's own words (one source of dose)."""

from __future__ import annotations

from typing import Any

from runstrong.explain.document import Block, Item

RUNNING = {"key": "key run", "long": "long run", "easy": "easy run", "rest": "no run", "unknown": "running not known"}
RUNNING["race"] = "race"


def _entry(entry: dict[str, Any]) -> str:
    swap = f" (instead of {entry['swap_for']})" if entry.get("swap_for") else ""
    return f"{entry['name']}: {entry['dose']['text']}{swap}"


def _session(session: dict[str, Any]) -> Item:
    """A session's head and its parts: when, warm-up, the main part with ramp-up sets, cool-down, notes."""
    groups = ", ".join(session["muscle_groups"]).replace("_", " ") or "whole body"
    head = f"gym, {session['intensity']}, about {session['minutes']} min: {groups}"
    parts: list[Item] = []
    if session["timing"]:
        parts.append(f"When: {session['timing']}")
    if session["warm_up"]:
        parts.append("Warm-up: " + "; ".join(_entry(e) for e in session["warm_up"]))
    for entry in session["exercises"]:
        ramp = entry["dose"].get("ramp_up")
        parts.append((_entry(entry), [f"before it: {ramp}"]) if ramp else _entry(entry))
    if session["cool_down"]:
        parts.append("Cool-down: " + "; ".join(_entry(e) for e in session["cool_down"]))
    parts += [f"Note: {note}" for note in session["notes"]]
    return head, parts


def plan_blocks(plan: dict[str, Any]) -> list[Block]:
    """The home programme, each day's running and gym sessions, how to choose the load, then the
    scheduling checks."""
    items: list[Item] = []
    for day in plan["days"]:
        text = f"{day['day'].capitalize()} {day['date']}: {RUNNING.get(day['running'], day['running'])}"
        sessions = [_session(s) for s in day["sessions"]]
        items.append((text, sessions) if sessions else text)
    blocks = [Block("h2", "This week in the gym")]
    if plan["daily"]:
        blocks += [Block("h3", "Every day, at home"), Block("ul", items=[_entry(e) for e in plan["daily"]])]
    blocks.append(Block("ul", items=items))
    loads: list[Item] = [
        f"{load['title']}: {'; '.join(w for w in (load['first_load'], load['progression']) if w)}"
        f" (source: {load['source']})"
        for load in plan["loads"]
    ]
    if loads:
        blocks += [Block("h3", "How to choose the load"), Block("ul", items=loads)]
    checks: list[Item] = [
        f"{'holds' if c['holds'] else ('not known' if c['unknown'] else 'BROKEN')}: {c['detail']}"
        for c in plan["constraints"]
    ]
    return [*blocks, Block("h3", "Scheduling"), Block("ul", items=checks)]
