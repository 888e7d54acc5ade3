"""GPX files, read with gpxpy: one activity per track (distance along the track, start from its first time)."""

from __future__ import annotations

from datetime import UTC

import gpxpy
import gpxpy.gpx

from runstrong.history.model import Activity, ImportFailure
from runstrong.history.sport import normalise_sport
from runstrong.history.xmlsafe import xml_text


def _track_activity(track: gpxpy.gpx.GPXTrack, number: int) -> Activity:
    start, end = track.get_time_bounds()
    if start is None:
        raise ImportFailure(f"track {number} has no times (a route, not a recorded activity)")
    start = start if start.tzinfo else start.replace(tzinfo=UTC)
    duration = (end - start).total_seconds() if end is not None and end.tzinfo else None
    return Activity(
        sport=normalise_sport(track.type),
        start_utc=start.astimezone(UTC),
        distance_m=round(track.length_2d(), 2),
        duration_s=duration,
    )


def read_gpx(data: bytes) -> list[Activity]:
    """The tracks of a GPX file as activities; a file that is not GPX raises ImportFailure."""
    try:
        document = gpxpy.parse(xml_text(data, "GPX"))
    except (gpxpy.gpx.GPXException, ValueError) as error:
        raise ImportFailure(f"not a readable GPX file ({error})") from error
    tracks = [track for track in document.tracks if track.get_points_no() > 0]
    if not tracks:
        raise ImportFailure("the GPX file has no recorded track")
    return [_track_activity(track, number) for number, track in enumerate(tracks, 1)]
