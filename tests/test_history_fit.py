"""FIT import on real watch files (python-fitparse's test files, MIT): values from their session messages."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from history_files import FIT_DIR
from runstrong.history.db import connect
from runstrong.history.fit import read_fit
from runstrong.history.importer import import_file
from runstrong.history.model import ImportFailure


def read(name: str) -> list:  # type: ignore[type-arg]
    return read_fit((FIT_DIR / name).read_bytes())


def test_fenix2_run_distance_start_sport_and_cadence_doubled() -> None:
    [run] = read("activity-small-fenix2-run.fit")
    assert run.sport == "running"
    assert run.start_utc == datetime(2015, 8, 15, 14, 45, 8, tzinfo=UTC)
    assert run.distance_m == pytest.approx(9008.22)
    assert run.duration_s == pytest.approx(2832)
    assert run.cadence_spm == pytest.approx(162)  # 81 strides/min


def test_fenix5_run_fractional_cadence_is_added_before_doubling() -> None:
    [run] = read("garmin-fenix-5-run.fit")
    assert run.start_utc == datetime(2017, 6, 11, 14, 34, 9, tzinfo=UTC)
    assert run.distance_m == pytest.approx(157.56)
    assert run.cadence_spm == pytest.approx(2 * (83 + 0.671875), abs=0.01)


def test_run_without_cadence_has_unknown_cadence() -> None:
    [run] = read("2013-02-06-12-11-14.fit")
    assert (run.sport, run.distance_m, run.cadence_spm) == ("running", pytest.approx(4835.38), None)
    assert run.start_utc == datetime(2013, 2, 6, 12, 11, 14, tzinfo=UTC)


def test_bike_is_cycling_without_step_cadence() -> None:
    [ride] = read("garmin-fenix-5-bike.fit")
    assert (ride.sport, ride.cadence_spm) == ("cycling", None)
    assert ride.distance_m == pytest.approx(459.52)


def test_truncated_file_is_an_import_failure_with_the_reason() -> None:
    with pytest.raises(ImportFailure, match="truncated"):
        read("activity-unexpected-eof.fit")


@pytest.mark.parametrize("cut", [0, 10, 100, 1000, 5000])
def test_any_cut_of_a_real_file_fails_cleanly(cut: int) -> None:
    data = (FIT_DIR / "garmin-fenix-5-run.fit").read_bytes()[:cut]
    with pytest.raises(ImportFailure):
        read_fit(data)


def test_a_flipped_byte_is_caught_by_the_checksum() -> None:
    data = bytearray((FIT_DIR / "garmin-fenix-5-run.fit").read_bytes())
    data[2000] ^= 0xFF
    with pytest.raises(ImportFailure):
        read_fit(bytes(data))


def test_importing_all_real_files_stores_the_bike_but_counts_only_runs(tmp_path: Path) -> None:
    connection = connect(tmp_path / "h.sqlite3")
    outcomes = [import_file(connection, "ana", path) for path in sorted(FIT_DIR.glob("*.fit"))]
    by_name = {Path(o.name).name: o for o in outcomes}
    assert by_name["activity-unexpected-eof.fit"].status == "failed"
    assert "truncated" in by_name["activity-unexpected-eof.fit"].reason
    assert [o.status for n, o in sorted(by_name.items()) if n != "activity-unexpected-eof.fit"] == ["imported"] * 4
    rows = connection.execute("SELECT sport, is_running FROM activities ORDER BY start_utc").fetchall()
    assert [tuple(r) for r in rows] == [("running", 1), ("running", 1), ("running", 1), ("cycling", 0)]
    again = [import_file(connection, "ana", path) for path in sorted(FIT_DIR.glob("*.fit"))]
    assert {o.status for o in again if not o.failed} == {"unchanged"}
    assert connection.execute("SELECT COUNT(*) FROM activities").fetchone()[0] == 4
    assert connection.execute("SELECT COUNT(*) FROM imports").fetchone()[0] == 4


def test_database_uses_wal_foreign_keys_and_a_schema_version(tmp_path: Path) -> None:
    connection = connect(tmp_path / "h.sqlite3")
    assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert connection.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        connection.execute("INSERT INTO checkins VALUES ('nobody', '2026-01-01', '{}', 'now')")
    connection.close()
    assert connect(tmp_path / "h.sqlite3").execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == 1


def test_the_table_crc_equals_fitdecodes_on_every_real_file() -> None:
    import fitdecode.utils  # type: ignore[import-untyped]

    from runstrong.history.fit import fit_crc

    for path in FIT_DIR.glob("*.fit"):
        data = path.read_bytes()
        assert fit_crc(data) == fitdecode.utils.compute_crc(data), path.name


@pytest.mark.parametrize(
    "name",
    ["activity-small-fenix2-run.fit", "garmin-fenix-5-run.fit", "garmin-fenix-5-bike.fit", "2013-02-06-12-11-14.fit"],
)
def test_the_skimmed_file_holds_the_same_sessions_as_the_whole_file(name: str) -> None:
    import io

    import fitdecode  # type: ignore[import-untyped]

    from runstrong.history.fit import fit_crc
    from runstrong.history.fit_skim import skim

    def sessions(data: bytes) -> list[dict[str, object]]:
        with fitdecode.FitReader(io.BytesIO(data), check_crc=fitdecode.CrcCheck.RAISE) as reader:
            return [
                {f.name: f.value for f in frame.fields}
                for frame in reader
                if isinstance(frame, fitdecode.FitDataMessage) and frame.name in ("session", "file_id")
            ]

    whole = (FIT_DIR / name).read_bytes()
    skimmed = skim(whole, fit_crc)
    assert len(skimmed) < len(whole) or len(whole) < 6000
    assert sessions(skimmed) == sessions(whole)  # and fitdecode accepts the new checksum
