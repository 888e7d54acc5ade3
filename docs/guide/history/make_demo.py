"""Write the demo athlete of docs/guide-history.md: eight weeks of runs (TCX, with cadence), a Strava
activities.csv with the rides, and one check-in a day (YAML).

    uv run python docs/guide/history/make_demo.py /tmp/demo
"""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

FIRST, LAST = date(2026, 9, 30), date(2026, 11, 24)
TCX = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
    '<Activities><Activity Sport="Running"><Id>{start}</Id><Lap StartTime="{start}">'
    "<TotalTimeSeconds>{seconds}</TotalTimeSeconds><DistanceMeters>{metres}</DistanceMeters>"
    '<Extensions><LX xmlns="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
    "<AvgRunCadence>{strides}</AvgRunCadence></LX></Extensions></Lap></Activity></Activities>"
    "</TrainingCenterDatabase>\n"
)


def run_km(day: date) -> float | None:
    """Easy runs Mon/Wed/Fri, a long run on Sunday (12-13 km, then 16 km in the last week)."""
    weekday = day.weekday()
    if weekday in (0, 2, 4):
        return 7.0 + (day.toordinal() % 3) * 0.5
    if weekday == 6:
        return 16.0 if day > LAST - timedelta(days=7) else 12.0 + (day.toordinal() % 2)
    return None


def checkin(day: date) -> str:
    late = (LAST - day).days < 3  # the last three days: short nights, tired, the Achilles flaring
    n = day.toordinal()
    sleep = 5.8 if late else 7.3 + (n % 4) * 0.15
    fatigue = 4 if late else 2 + (n % 5 == 0)
    calf = 4 if late else 1 + n % 2
    pain = 4 if late else 1 + (n % 3 == 0)
    lines = [
        f"date: {day.isoformat()}",
        f"wellbeing: {{sleep_h_last_night: {sleep}, sleep_quality: {2 if late else 4}, fatigue: {fatigue}, stress: 2}}",
        "symptoms:",
        f"  soreness: [{{region: calf, level: {calf}, after_runs: true}}]",
        f"  tendon: [{{site: achilles, pain_during_load: {pain}, pain_next_morning: {pain}, pain_baseline: 1}}]",
        "  sharp_joint_pain: []",
        "  red_flags: []",
    ]
    if day.weekday() in (1, 3):  # gym on Tuesday and Thursday
        deload = date(2026, 10, 19) <= day <= date(2026, 10, 25)
        lines.append(
            f"gym_sessions_logged: [{{intensity: {'light' if deload else 'high'}, "
            f"muscle_groups: [calves, posterior_chain], deload: {str(deload).lower()}}}]"
        )
        lines.append(f"progress: {{reps_at_fixed_load: {8 + (day - FIRST).days // 14}}}")
    if day == FIRST:
        lines.append("profile: {age: 38, sex: female, running_years: 6, strength_training_years: 1}")
        lines.append("plan: {phase: base_strength, weeks_in_phase: 2, key_run_days: [sun]}")
    return "\n".join(lines) + "\n"


def main(folder: Path) -> None:
    (folder / "runs").mkdir(parents=True, exist_ok=True)
    (folder / "checkins").mkdir(exist_ok=True)
    rides = ["Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,Elapsed Time,Distance"]
    day = FIRST
    while day <= LAST:
        km = run_km(day)
        if km:
            start = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=6, minutes=30)
            strides = 85 + day.toordinal() % 3 if (LAST - day).days >= 7 else 83  # lower in the last week
            (folder / "runs" / f"{day.isoformat()}.tcx").write_text(
                TCX.format(
                    start=f"{start:%Y-%m-%dT%H:%M:%SZ}", seconds=int(km * 330), metres=km * 1000, strides=strides
                )
            )
        if day.weekday() == 5:
            when = f"{day:%b} {day.day}, {day.year}, 9:15:00 AM"
            rides.append(f'{day.toordinal()},"{when}",Saturday ride,Ride,5400,"40.00",5400.0,40000.0')
        (folder / "checkins" / f"{day.isoformat()}.yaml").write_text(checkin(day))
        day += timedelta(days=1)
    (folder / "activities.csv").write_text("\n".join(rides) + "\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
