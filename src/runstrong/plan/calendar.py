"""The plan as iCalendar: one all-day event per gym session and per day of the home programme, on
its date, described in words (the same doses as every other format), via the optional
`icalendar` library (`pip install 'runstrong[plan-calendar]'`). A block gives every week's events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from runstrong.plan.render import RUNNING, dose_text, session_lines
from runstrong.util.errors import UserError

EXTRA = "plan-calendar"


def _event(icalendar: Any, uid: str, stamp: dt.datetime, on: dt.date, summary: str, lines: list[str]) -> Any:
    event = icalendar.Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", on)
    event.add("dtend", on + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("description", "\n".join(lines))
    return event


def _week_events(icalendar: Any, week: dict[str, Any]) -> list[Any]:
    stamp = dt.datetime.combine(dt.date.fromisoformat(str(week["date"])), dt.time(), tzinfo=dt.UTC)
    head = f"Week of {week['date']}" + (
        " (a projection: the next check-in will revise it)" if week.get("projection") else ""
    )
    events = []
    for day in week["days"]:
        on = dt.date.fromisoformat(day["date"])
        for n, session in enumerate(day["sessions"], 1):
            lines = [head, f"{on.isoformat()}: {RUNNING[day['running']]}"]
            lines += [line.strip() for line in session_lines(session, md=False)]
            summary = f"Gym ({session['intensity']}, about {session['minutes']} min)"
            uid = f"{week['athlete_id']}-{day['date']}-gym-{n}@runstrong"
            events.append(_event(icalendar, uid, stamp, on, summary, lines))
        if week["daily"]:
            lines = [head, f"{on.isoformat()}: at home"] + [dose_text(e) for e in week["daily"]]
            uid = f"{week['athlete_id']}-{day['date']}-home@runstrong"
            events.append(_event(icalendar, uid, stamp, on, "Home exercises", lines))
    return events


def render_ics(result: dict[str, Any]) -> str:
    """The week (or each week of a block) as events on their dates."""
    try:
        import icalendar  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise UserError(
            f"--format ics needs the optional `icalendar` library: install runstrong[{EXTRA}] "
            f"(pip install 'runstrong[{EXTRA}]' or uv sync --extra {EXTRA})"
        ) from None
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//runstrong//plan//EN")
    calendar.add("version", "2.0")
    for week in result.get("weeks", [result]):
        for event in _week_events(icalendar, week):
            calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))
