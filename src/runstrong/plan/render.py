"""The plan as text, Markdown or JSON: in words a runner and a coach read (no ids)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

RUNNING = {
    "key": "key run",
    "long": "long run",
    "easy": "easy run",
    "rest": "no run",
    "unknown": "running not known",
    "race": "RACE",
}
TEMPO = "Tempo: seconds lowering - pause - lifting (X: as fast as you can, under control)."


def dose_text(entry: dict[str, Any]) -> str:
    """An exercise with its dose (the dose's own words, from the one source)."""
    extra = []
    if entry.get("swap_for"):
        extra.append(f"instead of {entry['swap_for']}")
    if entry.get("new"):
        extra.append("new this week")
    tail = f" ({'; '.join(extra)})" if extra else ""
    return f"{entry['name']}: {entry['dose']['text']}{tail}"


def day_words(day: dict[str, Any]) -> str:
    date = dt.date.fromisoformat(day["date"])
    return f"{date.strftime('%a')} {date.day} {date.strftime('%b')}"


def session_lines(session: dict[str, Any], md: bool) -> list[str]:
    """One session: its head, warm-up, numbered main part with ramp-up sets, cool-down, notes."""
    pad = "  " if md else "    "
    out = []
    if session["timing"]:
        out.append(f"{pad}When: {session['timing']}")
    if session["warm_up"]:
        names = "; ".join(f"{e['name']} {e['dose']['text'].split(',')[0]}" for e in session["warm_up"])
        out.append(f"{pad}Warm-up (easy): {names}")
    for n, entry in enumerate(session["exercises"], 1):
        out.append(f"{pad}{n}. {dose_text(entry)}")
        if entry["dose"].get("ramp_up"):
            out.append(f"{pad}   before it: {entry['dose']['ramp_up']}")
    if session["cool_down"]:
        names = "; ".join(f"{e['name']} {e['dose']['text'].split(',')[0]}" for e in session["cool_down"])
        out.append(f"{pad}Cool-down: {names}")
    out += [f"{pad}Note: {note}" for note in dict.fromkeys(session["notes"])]
    return [f"- {line.strip()}" if md else line for line in out]


def _days(result: dict[str, Any], md: bool) -> list[str]:
    head = "## " if md else ""
    out = []
    for day in result["days"]:
        label = f"{day_words(day)}: {RUNNING[day['running']]}"
        if not day["sessions"]:
            out.append(f"{head}{label}, no gym")
        for session in day["sessions"]:
            extra = "short extra session" if session.get("extra") else f"gym {session['intensity']}"
            title = f"{label}; {extra}, {session['focus']}, about {session['minutes']} min"
            out.append(f"{head}{title}")
            out += session_lines(session, md)
        if md:
            out.append("")
    return out


def _advice_lines(result: dict[str, Any], md: bool) -> list[str]:
    bullet = "- " if md else "  "
    titles = result.get("advice_titles", {})
    out = []
    gym = any(d["sessions"] for d in result["days"]) or result["daily"]
    for entry in result["applied"]:
        if not gym and entry["effect"] == "no gym session this week":
            continue
        out.append(f"{bullet}{titles.get(entry['adjustment'], 'The plan')}: {entry['effect']}")
        out += [f"{'  ' if md else '    '}- left out: {words}" for words in entry.get("left_out", [])]
    return out


def _lines(result: dict[str, Any], md: bool) -> list[str]:
    head = "## " if md else ""
    bullet = "- " if md else "  "
    phase = str(result["phase"]).replace("_", " ")
    source = "planned week" if result["source"] == "planned" else "template"
    first, last = result["days"][0], result["days"][-1]
    span = f"{day_words(first)} to {day_words(last)}"
    if result.get("no_training"):
        return [
            f"{'# ' if md else ''}Gym week for {result['athlete_id']} ({span}): {result['status'].upper()}",
            "",
            "No gym and no running until a clinician has assessed you: runstrong recommend says who to see and "
            "how soon.",
        ]
    out = [
        f"{'# ' if md else ''}Gym week for {result['athlete_id']} ({span}): "
        f"{result['status'].upper()}, {phase}, from the {source}",
        "",
    ]
    if result["daily"]:
        out += [f"{head}Every day, at home", ""] if md else ["Every day, at home:"]
        out += [f"{bullet}{dose_text(e)}" for e in result["daily"]]
        out.append("")
    if result.get("running_note"):
        out += [f"Running: {result['running_note']}.", ""]
    out += _days(result, md)
    if result["loads"]:
        out += ["", f"{head}How to choose the load"]
        for load in result["loads"]:
            words = "; ".join(w for w in (load["first_load"], load["progression"]) if w)
            out.append(f"{bullet}{load['title']}: {words}" + (f" (source: {load['source']})" if load["source"] else ""))
        out.append(f"{bullet}{TEMPO}")
    if result["constraints"]:
        out += ["", f"{head}Scheduling"]
        out += [
            f"{bullet}{'holds' if c['holds'] else ('not known' if c['unknown'] else 'BROKEN')}: {c['detail']}"
            for c in result["constraints"]
        ]
    changed = _advice_lines(result, md) or [f"{bullet}nothing: no gym session this week"]
    out += ["", f"{head}What the advice changed", *changed]
    dropped = [d for d in result["dropped"] if d.get("day")]
    if dropped:
        out += ["", f"{head}Sessions left out"]
        out += [f"{bullet}{d['day']}: {d.get('why') or 'dropped'}" for d in dropped]
    if result["notes"]:
        out += ["", f"{head}Notes"] + [f"{bullet}{n}" for n in result["notes"]]
    return out


def _block_lines(result: dict[str, Any], md: bool) -> list[str]:
    if "weeks" not in result:
        return _lines(result, md)
    out: list[str] = []
    count = len(result["weeks"])
    for n, week in enumerate(result["weeks"], 1):
        mark = "# " if md else ""
        what = (
            f"PROJECTION{', DELOAD' if week['deload'] else ''} ({week['revise']})"
            if week.get("projection")
            else "this week, from the snapshot"
        )
        out += [f"{mark}=== Week {n} of {count}: {what} ===", ""]
        if week.get("projected"):
            out += [f"Projected: {'; '.join(week['projected'])}.", ""]
        if week.get("status_why"):
            out += [f"Status: {week['status_why']}.", ""]
        out += [*_lines(week, md), ""]
        if week.get("stop"):
            out += [f"{week['stop']}", ""]
    return out[:-1]


def render_text(result: dict[str, Any]) -> str:
    return "\n".join(_block_lines(result, md=False)) + "\n"


def render_markdown(result: dict[str, Any]) -> str:
    return "\n".join(_block_lines(result, md=True)) + "\n"


def render_json(result: dict[str, Any]) -> str:
    return json.dumps(result, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


RENDERERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "text": render_text,
    "markdown": render_markdown,
    "json": render_json,
}
