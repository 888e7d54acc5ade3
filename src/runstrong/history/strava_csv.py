"""Strava's bulk export `activities.csv`: repeated columns, localised headers, dates that changed format."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from runstrong.history.model import Activity, ImportFailure
from runstrong.history.sport import normalise_sport

#: The headers we read, in the languages Strava exports (lower case).
HEADERS: dict[str, tuple[str, ...]] = {
    "date": ("activity date", "aktivitätsdatum", "date de l'activité", "fecha de la actividad", "data attività"),
    "type": ("activity type", "aktivitätsart", "type d'activité", "tipo de actividad", "tipo di attività"),
    "elapsed": ("elapsed time", "verstrichene zeit", "temps écoulé", "tiempo transcurrido", "tempo trascorso"),
    "distance": ("distance", "distanz", "distancia", "distanza"),
}

#: `Activity Date` as Strava has written it over the years (UTC).
DATE_FORMATS = (
    "%b %d, %Y, %I:%M:%S %p",  # Nov 24, 2026, 6:12:03 AM
    "%b %d, %Y, %H:%M:%S",  # Nov 24, 2026, 06:12:03
    "%d %b %Y, %H:%M:%S",  # 24 Nov 2026, 06:12:03
    "%Y-%m-%d %H:%M:%S",  # 2015-08-15 14:45:08
    "%d.%m.%Y, %H:%M:%S",  # 24.11.2026, 06:12:03
    "%d/%m/%Y, %H:%M:%S",  # 24/11/2026, 06:12:03
)


@dataclass
class CsvImport:
    """The rows read as activities, and each row that could not be read, with its line and reason."""

    activities: list[Activity] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _columns(header: list[str]) -> dict[str, list[int]]:
    names = [re.sub(r"\s+", " ", name.strip().lower()) for name in header]
    found = {key: [i for i, name in enumerate(names) if name in words] for key, words in HEADERS.items()}
    missing = [HEADERS[key][0].title() for key in ("date", "type") if not found[key]]
    if missing or not found["distance"]:
        absent = [*missing, *([] if found["distance"] else ["Distance"])]
        raise ImportFailure(f"not a Strava activities.csv: no {' or '.join(absent)} column")
    return found


def parse_date(text: str) -> datetime:
    """An `Activity Date` in any of the formats Strava has used; ValueError naming them otherwise."""
    cleaned = re.sub(r"\bSept\b", "Sep", text.strip())
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(cleaned, pattern).replace(tzinfo=UTC)
        except ValueError:
            continue
    raise ValueError(f"date {text!r} is in none of the formats Strava writes (e.g. 'Nov 24, 2026, 6:12:03 AM')")


def parse_number(text: str) -> float | None:
    """A number as a localised export writes it (`9008.2`, `9,01`, `1,234.5`); None for an empty cell."""
    cleaned = text.strip()
    if not cleaned:
        return None
    if "," in cleaned:
        cleaned = cleaned.replace(",", "") if "." in cleaned else cleaned.replace(",", ".")
    number = float(cleaned)
    if number != number or number in (float("inf"), float("-inf")) or number < 0:
        raise ValueError(f"{text!r} is not a non-negative number")
    return number


def _cell(row: list[str], index: int | None) -> str:
    return row[index] if index is not None and index < len(row) else ""


def _distance_m(row: list[str], columns: list[int]) -> float:
    """The second `Distance` column is in metres; the first (in km) only when it is missing or empty."""
    if len(columns) > 1 and (metres := parse_number(_cell(row, columns[1]))) is not None:
        return metres
    km = parse_number(_cell(row, columns[0]))
    return 0.0 if km is None else km * 1000


def _row_activity(row: list[str], columns: dict[str, list[int]]) -> Activity:
    elapsed = columns["elapsed"]
    seconds = parse_number(_cell(row, elapsed[-1])) if elapsed else None
    return Activity(
        sport=normalise_sport(_cell(row, columns["type"][0])),
        start_utc=parse_date(_cell(row, columns["date"][0])),
        distance_m=round(_distance_m(row, columns["distance"]), 2),
        duration_s=seconds,
    )


def read_strava_csv(data: bytes) -> CsvImport:
    """Every readable row of an activities.csv; unreadable rows are named by line, the others kept."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailure(f"the CSV file is not UTF-8 (byte {error.start})") from error
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFailure("the CSV file is empty") from None
    except csv.Error as error:
        raise ImportFailure(f"not a readable CSV file ({error})") from error
    columns = _columns(header)
    result = CsvImport()
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.problems.append(f"line {reader.line_num}: not readable CSV ({error})")
            break
        if not any(cell.strip() for cell in row):
            continue
        try:
            result.activities.append(_row_activity(row, columns))
        except ValueError as error:
            result.problems.append(f"line {reader.line_num}: {error}")
    return result
