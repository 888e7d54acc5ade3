"""Garmin TCX files (XML, read with the standard library): one activity per `Activity`, multisport legs included."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from runstrong.history.model import Activity, ImportFailure, checked_distance
from runstrong.history.sport import RUNNING, normalise_sport
from runstrong.history.xmlsafe import xml_text

NS = {
    "tcx": "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2",
    "ax": "http://www.garmin.com/xmlschemas/ActivityExtension/v2",
}


def _time(text: str | None, where: str) -> datetime:
    try:
        moment = datetime.fromisoformat((text or "").strip().replace("Z", "+00:00"))
    except ValueError as error:
        raise ImportFailure(f"{where}: {text!r} is not a time") from error
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _number(element: ET.Element, path: str, where: str) -> float | None:
    found = element.find(path, NS)
    if found is None or found.text is None:
        return None
    try:
        return float(found.text)
    except ValueError as error:
        raise ImportFailure(f"{where}: {found.text!r} is not a number") from error


def _activity(element: ET.Element, number: int) -> Activity:
    where = f"activity {number}"
    sport = normalise_sport(element.get("Sport"))
    laps = element.findall("tcx:Lap", NS)
    if not laps:
        raise ImportFailure(f"{where} has no lap")
    start = _time(laps[0].get("StartTime") or element.findtext("tcx:Id", None, NS), where)
    distance = sum(checked_distance(_number(lap, "tcx:DistanceMeters", where), where) for lap in laps)
    seconds = [_number(lap, "tcx:TotalTimeSeconds", where) for lap in laps]
    cadence = None
    if sport == RUNNING:  # AvgRunCadence is strides (one foot) per minute: steps are twice that
        weighted = [
            (strides, time)
            for lap, time in zip(laps, seconds, strict=True)
            if (strides := _number(lap, "tcx:Extensions/ax:LX/ax:AvgRunCadence", where)) and time
        ]
        total = sum(time for _, time in weighted)
        cadence = round(2 * sum(s * t for s, t in weighted) / total, 2) if total else None
    return Activity(
        sport=sport,
        start_utc=start,
        distance_m=round(distance, 2),
        duration_s=sum(s for s in seconds if s is not None) if any(s is not None for s in seconds) else None,
        cadence_spm=cadence,
    )


def read_tcx(data: bytes) -> list[Activity]:
    """The activities of a TCX file (each leg of a multisport session is one); ImportFailure if unreadable."""
    try:
        root = ET.fromstring(xml_text(data, "TCX"))
    except ET.ParseError as error:
        raise ImportFailure(f"not a readable TCX file ({error})") from error
    activities = root.findall(".//tcx:Activity", NS)
    if not activities:
        raise ImportFailure("the TCX file has no activity")
    return [_activity(element, number) for number, element in enumerate(activities, 1)]
