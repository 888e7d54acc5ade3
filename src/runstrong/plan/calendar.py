"""The plan as iCalendar (one all-day event per gym session), via the optional `icalendar`
library (`pip install 'runstrong[plan-calendar]'`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from runstrong.plan.model import DAYS
from runstrong.plan.render import _dose
from runstrong.util.errors import UserError

EXTRA = "plan-calendar"


def render_ics(result: dict[str, Any]) -> str:
    """One VEVENT per session, on the days of the week that holds the snapshot's date."""
    try:
        import icalendar  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        raise UserError(
            f"--format ics needs the optional `icalendar` library: install runstrong[{EXTRA}] "
            f"(pip install 'runstrong[{EXTRA}]' or uv sync --extra {EXTRA})"
        ) from None
    date = dt.date.fromisoformat(str(result["date"]))
    monday = date - dt.timedelta(days=date.weekday())
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//runstrong//plan//EN")
    calendar.add("version", "2.0")
    for day in result["days"]:
        for n, session in enumerate(day["sessions"], 1):
            event = icalendar.Event()
            on = monday + dt.timedelta(days=DAYS.index(day["day"]))
            event.add("uid", f"{result['athlete_id']}-{result['date']}-{day['day']}-{n}@runstrong")
            event.add("dtstamp", dt.datetime.combine(date, dt.time(), tzinfo=dt.UTC))
            event.add("dtstart", on)
            event.add("dtend", on + dt.timedelta(days=1))
            event.add("summary", f"Gym ({session['intensity']}): {', '.join(session['muscle_groups'])}")
            lines = [f"{e['name']}: {_dose(e)}" for e in session["exercises"]]
            lines += list(session["notes"])
            if session["because"]:
                lines.append("because: " + ", ".join(session["because"]))
            event.add("description", "\n".join(lines))
            calendar.add_component(event)
    return str(calendar.to_ical().decode("utf-8"))
