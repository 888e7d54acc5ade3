"""Athlete-history benchmarks: a year of daily runs imported (365 FIT files; one Strava CSV of 2,000
activities) and snapshots built from the database.

    uv run python bench/history.py            # prints Markdown for bench/README.md

No FIT *writer* library is used (none well kept was found): the 365 FIT files are copies of a real
watch file (tests/data/fit/activity-small-fenix2-run.fit, 121 KB, python-fitparse's test data) with
the session's start time moved by one day each and the file checksum recomputed, so each file has
distinct content and a distinct activity, and every one is read in full by fitdecode.
"""

from __future__ import annotations

import io
import json
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import fitdecode  # type: ignore[import-untyped]
import fitdecode.utils  # type: ignore[import-untyped]

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from history_files import daily_runs_csv, utc  # noqa: E402
from runstrong.history.builder import build_snapshot  # noqa: E402
from runstrong.history.db import connect  # noqa: E402
from runstrong.history.importer import import_file  # noqa: E402
from runstrong.history.store import store_checkin  # noqa: E402

SOURCE = ROOT / "tests" / "data" / "fit" / "activity-small-fenix2-run.fit"


def start_time_offset(data: bytes) -> tuple[int, str]:
    """Where the session's start_time is in the file, and its byte order."""
    with fitdecode.FitReader(io.BytesIO(data), keep_raw_chunks=True) as reader:
        for frame in reader:
            if isinstance(frame, fitdecode.FitDataMessage) and frame.name == "session":
                offset = frame.chunk.offset + 1  # the record header byte
                for field in frame.def_mesg.field_defs:
                    if field.name == "start_time":
                        return offset, frame.def_mesg.endian
                    offset += field.size
    raise SystemExit("no session start_time in the source file")


def shifted_copies(folder: Path, count: int) -> list[Path]:
    """`count` copies of the source file, day n starting n days later, each with a valid checksum."""
    data = SOURCE.read_bytes()
    offset, endian = start_time_offset(data)
    (start,) = struct.unpack_from(f"{endian}I", data, offset)
    paths = []
    for n in range(count):
        copy = bytearray(data)
        struct.pack_into(f"{endian}I", copy, offset, start + n * 86400)
        struct.pack_into("<H", copy, len(copy) - 2, fitdecode.utils.compute_crc(copy, end=len(copy) - 2))
        path = folder / f"run-{n:03d}.fit"
        path.write_bytes(bytes(copy))
        paths.append(path)
    return paths


def timed(action):  # type: ignore[no-untyped-def]
    begin = time.perf_counter()
    result = action()
    return time.perf_counter() - begin, result


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="runstrong-bench-"))
    files = shifted_copies(folder, 365)
    connection = connect(folder / "fit.sqlite3")
    fit_s, outcomes = timed(lambda: [import_file(connection, "bench", path) for path in files])
    assert all(o.status == "imported" and o.new == 1 for o in outcomes), "every copy is a new activity"
    again_s, _ = timed(lambda: [import_file(connection, "bench", path) for path in files])
    cli_db = folder / "cli.sqlite3"
    cli = [str(Path(sys.executable).parent / "runstrong")]
    command = [*cli, "history", "import", "--athlete", "bench", "--db", str(cli_db), *map(str, files)]
    cli_s, proc = timed(lambda: subprocess.run(command, capture_output=True, check=False))
    assert proc.returncode == 0, proc.stderr

    csv_path = folder / "activities.csv"
    csv_path.write_bytes(daily_runs_csv(2000, utc(2021, 6, 1, 7, 0, 0)))
    csv_db = connect(folder / "csv.sqlite3")
    csv_s, outcome = timed(lambda: import_file(csv_db, "bench", csv_path))
    assert outcome.new == 2000, outcome

    # a year of daily check-ins beside the daily runs, then snapshots for 200 different days
    first = date(2015, 8, 15)
    for n in range(365):
        day = first + timedelta(days=n)
        wellbeing = {"sleep_h_last_night": 7 + (n % 5) * 0.25, "fatigue": 2 + n % 3}
        symptoms = {"soreness": [{"region": "calf", "level": n % 4}], "tendon": [], "red_flags": []}
        store_checkin(connection, "bench", day, {"wellbeing": wellbeing, "symptoms": symptoms}, {}, [])
    days = [first + timedelta(days=60 + n) for n in range(200)]
    build_snapshot(connection, "bench", days[0])  # warm
    times = []
    for day in days:
        seconds, snapshot = timed(lambda day=day: build_snapshot(connection, "bench", day))
        times.append(seconds * 1000)
    assert "baselines" in snapshot and snapshot["running"]["week_km"] > 0
    times.sort()
    size = sum(p.stat().st_size for p in files) / 1e6
    print("#### Athlete history (`uv run python bench/history.py`)\n")
    print("| what | time | limit |")
    print("|---|---:|---:|")
    print(f"| 365 FIT files ({size:.0f} MB, one run a day), `import_file` in one process | {fit_s:.1f} s | 30 s |")
    print(f"| the same 365 files imported again (recognised by content hash) | {again_s:.1f} s | |")
    print(f"| `runstrong history import` of the 365 files (a new process, start-up included) | {cli_s:.1f} s | 30 s |")
    print(f"| one Strava activities.csv of 2,000 activities | {csv_s:.2f} s | 30 s |")
    print(
        f"| build a snapshot (a year of runs and check-ins; 200 days) | median {statistics.median(times):.1f} ms, "
        f"p95 {times[int(len(times) * 0.95)]:.1f} ms, max {times[-1]:.1f} ms | 50 ms |"
    )
    print(f"\nsnapshot keys: {', '.join(snapshot)}; {json.dumps(snapshot['running'])}")


if __name__ == "__main__":
    main()
