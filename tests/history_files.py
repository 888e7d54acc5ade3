"""Small generated activity files (GPX, TCX, Strava CSV) for the history tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

FIT_DIR = Path(__file__).resolve().parent / "data" / "fit"


def track_points(km: float, start: datetime, points: int = 40) -> list[tuple[float, float, datetime]]:
    """Points along a line of longitude (lat, lon, time) about `km` long."""
    step = km / (points - 1) / 111.195  # degrees of latitude per step
    return [(45.0 + i * step, 7.0, start + timedelta(seconds=30 * i)) for i in range(points)]


def gpx(km: float, start: datetime, sport: str = "running", tracks: int = 1) -> bytes:
    body = []
    for n in range(tracks):
        begin = start + timedelta(hours=3 * n)
        pts = "".join(
            f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}"><time>{t:%Y-%m-%dT%H:%M:%SZ}</time></trkpt>'
            for lat, lon, t in track_points(km, begin)
        )
        body.append(f"<trk><name>t{n}</name><type>{sport}</type><trkseg>{pts}</trkseg></trk>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">' + "".join(body) + "</gpx>"
    ).encode()


def tcx_activity(sport: str, start: datetime, metres: float, seconds: float, strides: float | None) -> str:
    cadence = (
        f'<Extensions><LX xmlns="http://www.garmin.com/xmlschemas/ActivityExtension/v2">'
        f"<AvgRunCadence>{strides:g}</AvgRunCadence></LX></Extensions>"
        if strides
        else ""
    )
    return (
        f'<Activity Sport="{sport}"><Id>{start:%Y-%m-%dT%H:%M:%SZ}</Id>'
        f'<Lap StartTime="{start:%Y-%m-%dT%H:%M:%SZ}"><TotalTimeSeconds>{seconds:g}</TotalTimeSeconds>'
        f"<DistanceMeters>{metres:g}</DistanceMeters>{cadence}</Lap></Activity>"
    )


def tcx(*activities: str, multisport: bool = False) -> bytes:
    inner = "".join(activities)
    if multisport:
        first, *rest = activities
        inner = "<MultiSportSession><Id>x</Id><FirstSport>" + first + "</FirstSport>"
        inner += "".join(f"<NextSport>{a}</NextSport>" for a in rest) + "</MultiSportSession>"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<TrainingCenterDatabase xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2">'
        f"<Activities>{inner}</Activities></TrainingCenterDatabase>"
    ).encode()


#: The header of Strava's activities.csv (abridged): `Elapsed Time` and `Distance` appear twice.
STRAVA_HEADER = (
    "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,Elapsed Time,Distance,"
    "Max Heart Rate,Relative Effort,Commute,Elapsed Time,Moving Time,Distance,Max Speed"
)


def strava_row(n: int, when: str, sport: str, km: float, seconds: int) -> str:
    first = f'{n},"{when}",Run {n},{sport},,{seconds},"{km:.2f}",170,40,false,'
    return first + f"{seconds}.0,{seconds - 30}.0,{km * 1000:.1f},4.1"


def strava_date(moment: datetime) -> str:
    """The newer export's format: `Nov 24, 2026, 6:12:03 AM`."""
    hour = moment.hour % 12 or 12
    return f"{moment:%b} {moment.day}, {moment.year}, {hour}:{moment:%M:%S} {'AM' if moment.hour < 12 else 'PM'}"


def strava_csv(rows: list[str], header: str = STRAVA_HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def daily_runs_csv(days: int, first: datetime, km: float = 8.0) -> bytes:
    """One run a day for `days` days, in the newer date format."""
    rows = [strava_row(i + 1, strava_date(first + timedelta(days=i)), "Run", km, 2400) for i in range(days)]
    return strava_csv(rows)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]
