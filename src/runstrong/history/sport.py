"""Which activities count as running: the sport names of FIT, GPX, TCX and Strava, in one vocabulary."""

from __future__ import annotations

import re

RUNNING = "running"

#: Sport names as files write them (lower case, spaces and separators dropped) -> our sport.
_ALIASES: dict[str, str] = {
    # running, in the words of FIT, TCX, GPX and Strava (English and the export's other languages)
    "running": RUNNING,
    "run": RUNNING,
    "trailrun": RUNNING,
    "trailrunning": RUNNING,
    "virtualrun": RUNNING,
    "treadmill": RUNNING,
    "treadmillrunning": RUNNING,
    "trackrunning": RUNNING,
    "streetrunning": RUNNING,
    "lauf": RUNNING,
    "laufen": RUNNING,
    "trailrunde": RUNNING,
    "courseàpied": RUNNING,
    "course": RUNNING,
    "carrera": RUNNING,
    "corsa": RUNNING,
    "hardlopen": RUNNING,
    "hardloopsessie": RUNNING,
    "corrida": RUNNING,
    # what is stored but not counted
    "walking": "walking",
    "walk": "walking",
    "hiking": "hiking",
    "hike": "hiking",
    "cycling": "cycling",
    "biking": "cycling",
    "ride": "cycling",
    "virtualride": "cycling",
    "ebikeride": "cycling",
    "swimming": "swimming",
    "swim": "swimming",
    "rowing": "rowing",
    "row": "rowing",
    "transition": "transition",
    "weighttraining": "strength",
    "training": "strength",
    "workout": "other",
}


def _key(name: str) -> str:
    return re.sub(r"[\s_\-./]+", "", name.strip().lower())


def normalise_sport(name: str | None) -> str:
    """Our name for a file's sport (`running`, `cycling`, ...); `other` for what we do not know."""
    if not name:
        return "other"
    return _ALIASES.get(_key(name), "other")


def is_running(sport: str) -> bool:
    """Only running counts as running volume: walks, rides, swims and rows are stored, not counted."""
    return sport == RUNNING
