"""The plan as text, Markdown or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

RUNNING = {"key": "key run", "easy": "easy run", "rest": "rest", "unknown": "running unknown"}


def _dose(exercise: dict[str, Any]) -> str:
    amount = (
        f"{exercise['sets']} x {exercise['hold_s']} s hold"
        if "hold_s" in exercise
        else f"{exercise['sets']} x {exercise['reps']}"
    )
    parts = [amount]
    if exercise["tempo"]:
        parts.append(f"tempo {exercise['tempo']}")
    if exercise["rir"] is not None:
        parts.append(f"RIR {exercise['rir']}")
    change = exercise["load_change_pct"]
    parts.append("new" if exercise["new"] else f"load {change:+g} %")
    return ", ".join(parts)


def _lines(result: dict[str, Any], md: bool) -> list[str]:
    head = "## " if md else ""
    bullet = "- " if md else "  "
    sub = "  - " if md else "      "
    out = [
        f"{'# ' if md else ''}Gym week for {result['athlete_id']} ({result['date']}): {result['status'].upper()}, "
        f"phase {result['phase']}, from the {'planned week' if result['source'] == 'planned' else 'phase template'}",
        "",
    ]
    for day in result["days"]:
        out.append(f"{head}{day['day']}: {RUNNING[day['running']]}" + ("" if day["sessions"] else ", no gym"))
        for session in day["sessions"]:
            because = f" [{', '.join(session['because'])}]" if session["because"] else ""
            out.append(f"{bullet}gym {session['intensity']}: {', '.join(session['muscle_groups'])}{because}")
            for exercise in session["exercises"]:
                why = f" [{', '.join(dict.fromkeys(exercise['because']))}]" if exercise["because"] else ""
                out.append(f"{sub}{exercise['name']}: {_dose(exercise)}{why}")
            if session["plyometric_contacts"]:
                out.append(f"{sub}plyometric contacts: {session['plyometric_contacts']}")
            for note in session["notes"]:
                out.append(f"{sub}{note}")
        if md:
            out.append("")
    out += ["", f"{head}Constraints"]
    out += [
        f"{bullet}{'holds' if c['holds'] else ('unknown' if c['unknown'] else 'BROKEN')}: {c['id']}: {c['detail']}"
        for c in result["constraints"]
    ]
    out += ["", f"{head}Advice applied"]
    out += [f"{bullet}{a['adjustment']}: {a['effect']}" for a in result["applied"]]
    if result["dropped"]:
        out += ["", f"{head}Dropped"]
        out += [f"{bullet}{d['day']}: {', '.join(d['because'])}: {d['why']}" for d in result["dropped"]]
    if result["notes"]:
        out += ["", f"{head}Notes"] + [f"{bullet}{n}" for n in result["notes"]]
    return out


def _block_lines(result: dict[str, Any], md: bool) -> list[str]:
    if "weeks" not in result:
        return _lines(result, md)
    out: list[str] = []
    count = len(result["weeks"])
    for n, week in enumerate(result["weeks"], 1):
        mark = "#" * (1 if md else 0) + (" " if md else "")
        what = (
            f"PROJECTION{', DELOAD' if week['deload'] else ''} ({week['revise']})"
            if week.get("projection")
            else "this week, from the snapshot"
        )
        out += [f"{mark}=== Week {n} of {count}: {what} ===", ""]
        out += [*_lines(week, md), ""]
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
