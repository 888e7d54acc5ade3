"""GPX, TCX and Strava CSV import on generated files: distances, sports, multisport legs, bad rows named."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from history_files import gpx, strava_csv, strava_row, tcx, tcx_activity, utc
from runstrong.history.db import connect
from runstrong.history.gpx import read_gpx
from runstrong.history.importer import import_file
from runstrong.history.model import ImportFailure
from runstrong.history.sport import is_running, normalise_sport
from runstrong.history.strava_csv import parse_date, read_strava_csv
from runstrong.history.tcx import read_tcx


def test_gpx_track_distance_start_and_sport() -> None:
    [run] = read_gpx(gpx(10.0, utc(2026, 11, 20, 7, 0, 0)))
    assert run.sport == "running"
    assert run.distance_m == pytest.approx(10_000, rel=0.01)
    assert run.start_utc == utc(2026, 11, 20, 7, 0, 0)
    assert run.duration_s == 39 * 30


def test_gpx_walk_is_stored_as_walking_not_running() -> None:
    [walk] = read_gpx(gpx(3.0, utc(2026, 11, 20, 7, 0, 0), sport="walking"))
    assert walk.sport == "walking" and not is_running(walk.sport)


def test_gpx_without_times_or_tracks_is_refused() -> None:
    with pytest.raises(ImportFailure, match="no recorded track"):
        read_gpx(b'<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"></gpx>')
    with pytest.raises(ImportFailure, match="not a readable GPX"):
        read_gpx(b"<gpx><trk>")


def test_xml_entity_declarations_are_refused() -> None:
    bomb = b'<?xml version="1.0"?><!DOCTYPE g [<!ENTITY a "aaaa">]><gpx>&a;</gpx>'
    with pytest.raises(ImportFailure, match="DOCTYPE"):
        read_gpx(bomb)


def test_tcx_running_cadence_is_doubled_and_laps_summed() -> None:
    [run] = read_tcx(tcx(tcx_activity("Running", utc(2026, 11, 21, 6, 30, 0), 8000, 2400, 84)))
    assert (run.sport, run.distance_m, run.cadence_spm) == ("running", 8000, 168)
    assert run.start_utc == utc(2026, 11, 21, 6, 30, 0)


def test_tcx_multisport_keeps_every_leg_and_only_the_run_counts() -> None:
    legs = read_tcx(
        tcx(
            tcx_activity("Biking", utc(2026, 11, 22, 8, 0, 0), 40000, 4000, None),
            tcx_activity("Running", utc(2026, 11, 22, 9, 10, 0), 10000, 2700, 88),
            multisport=True,
        )
    )
    assert [(leg.sport, is_running(leg.sport)) for leg in legs] == [("cycling", False), ("running", True)]


def test_strava_csv_uses_the_second_distance_column_in_metres() -> None:
    # the first Distance column says 9.01 (km, rounded); the second 9008.2 m
    read = read_strava_csv(strava_csv([strava_row(1, "Nov 24, 2026, 6:12:03 AM", "Run", 9.0082, 2832)]))
    assert read.problems == []
    [run] = read.activities
    assert run.distance_m == pytest.approx(9008.2)
    assert run.start_utc == datetime(2026, 11, 24, 6, 12, 3, tzinfo=UTC)
    assert run.duration_s == 2832


def test_strava_csv_first_distance_in_km_when_there_is_no_metres_column() -> None:
    data = b'Activity ID,Activity Date,Activity Type,Elapsed Time,Distance\n1,"2015-08-15 14:45:08",Run,2832,"9,01"\n'
    [run] = read_strava_csv(data).activities
    assert run.distance_m == pytest.approx(9010)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Nov 24, 2026, 6:12:03 AM", datetime(2026, 11, 24, 6, 12, 3, tzinfo=UTC)),
        ("Nov 24, 2026, 6:12:03 PM", datetime(2026, 11, 24, 18, 12, 3, tzinfo=UTC)),
        ("2015-08-15 14:45:08", datetime(2015, 8, 15, 14, 45, 8, tzinfo=UTC)),
        ("24 Nov 2026, 06:12:03", datetime(2026, 11, 24, 6, 12, 3, tzinfo=UTC)),
        ("Sept 3, 2019, 7:00:00 AM", datetime(2019, 9, 3, 7, 0, 0, tzinfo=UTC)),
    ],
)
def test_strava_date_formats_over_the_years(text: str, expected: datetime) -> None:
    assert parse_date(text) == expected


def test_strava_two_date_formats_in_one_file_and_an_unreadable_row_named() -> None:
    rows = [
        strava_row(1, "2015-08-15 14:45:08", "Run", 9.0, 2800),
        strava_row(2, "Nov 24, 2026, 6:12:03 AM", "Ride", 30.0, 3600),
        strava_row(3, "yesterday morning", "Run", 5.0, 1500),
    ]
    read = read_strava_csv(strava_csv(rows))
    assert [a.sport for a in read.activities] == ["running", "cycling"]
    assert len(read.problems) == 1
    assert read.problems[0].startswith("line 4:") and "yesterday morning" in read.problems[0]


def test_strava_localised_headers() -> None:
    header = "Aktivitäts-ID,Aktivitätsdatum,Aktivitätsname,Aktivitätsart,Verstrichene Zeit,Distanz,Distanz"
    data = f'{header}\n1,"24.11.2026, 06:12:03",Morgenlauf,Lauf,2832,"9,01",9008.2\n'.encode()
    [run] = read_strava_csv(data).activities
    assert (run.sport, run.distance_m) == ("running", pytest.approx(9008.2))


def test_a_csv_that_is_not_a_strava_export_is_named() -> None:
    with pytest.raises(ImportFailure, match=r"not a Strava activities\.csv"):
        read_strava_csv(b"name,age\nana,30\n")


def test_sport_names_from_every_source() -> None:
    for name in ["running", "Run", "Trail Run", "Virtual Run", "treadmill_running", "Lauf"]:
        assert is_running(normalise_sport(name)), name
    for name in ["Ride", "cycling", "Biking", "Swim", "Walk", "Rowing", "", None, "Yoga"]:
        assert not is_running(normalise_sport(name)), name


def test_the_same_run_from_fit_and_strava_is_stored_once(tmp_path: Path) -> None:
    csv_file = tmp_path / "activities.csv"
    csv_file.write_bytes(strava_csv([strava_row(1, "Aug 15, 2015, 2:45:08 PM", "Run", 9.00822, 2832)]))
    connection = connect(tmp_path / "h.sqlite3")
    fit = import_file(connection, "ana", Path(__file__).parent / "data/fit/activity-small-fenix2-run.fit")
    csv = import_file(connection, "ana", csv_file)
    assert (fit.new, csv.new, csv.known) == (1, 0, 1)
