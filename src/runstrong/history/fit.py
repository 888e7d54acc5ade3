"""Garmin/ANT FIT files, read with fitdecode: one activity per `session` message (a multisport file has several)."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from typing import Any

import fitdecode  # type: ignore[import-untyped]

from runstrong.history.fit_skim import skim
from runstrong.history.model import Activity, ImportFailure, checked_distance
from runstrong.history.sport import RUNNING, normalise_sport


def _fields(frame: fitdecode.FitDataMessage) -> dict[str, Any]:
    return {field.name: field.value for field in frame.fields}


def _cadence_spm(session: dict[str, Any], sport: str) -> float | None:
    """FIT running cadence is strides (cycles) per minute plus `fractional_cadence`: steps are twice that."""
    if sport != RUNNING:
        return None  # a ride's cadence is pedal revolutions, not steps
    strides = session.get("avg_running_cadence")
    if strides is None:
        strides = session.get("avg_cadence")
    if not isinstance(strides, int | float):
        return None
    fraction = session.get("avg_fractional_cadence")
    strides = float(strides) + (float(fraction) if isinstance(fraction, int | float) else 0.0)
    return round(2 * strides, 2) if strides > 0 else None


def _start(session: dict[str, Any], where: str) -> datetime:
    start = session.get("start_time")
    if isinstance(start, datetime):
        return start if start.tzinfo else start.replace(tzinfo=UTC)
    if not isinstance(start, int) or start < 0x10000000:  # FIT: smaller values are not absolute times
        raise ImportFailure(f"{where}: the session has no start time")
    return datetime.fromtimestamp(start + FIT_EPOCH, tz=UTC)


def _session_activity(session: dict[str, Any], number: int) -> Activity:
    where = f"session {number}"
    sport = normalise_sport(str(session.get("sport") or ""))
    duration = session.get("total_timer_time", session.get("total_elapsed_time"))
    return Activity(
        sport=sport,
        start_utc=_start(session, where),
        distance_m=checked_distance(session.get("total_distance"), where),
        duration_s=float(duration) if isinstance(duration, int | float) else None,
        cadence_spm=_cadence_spm(session, sport),
    )


def _crc16_table() -> list[int]:
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
        table.append(crc)
    return table


_CRC_TABLE = _crc16_table()
#: Seconds from the Unix epoch to the FIT epoch (1989-12-31 00:00 UTC).
FIT_EPOCH = 631065600


def fit_crc(data: bytes | bytearray) -> int:
    """The FIT checksum (CRC-16, polynomial 0xA001) byte by byte from a table: the same value as
    fitdecode's nibble-wise CRC, several times faster on a long file."""
    crc = 0
    for byte in data:
        crc = (crc >> 8) ^ _CRC_TABLE[(crc ^ byte) & 0xFF]
    return crc


def _check_file_crc(data: bytes) -> None:
    """The whole file's checksum (its last two bytes), checked before anything is decoded."""
    if len(data) < 14 or data[8:12] != b".FIT":
        raise ImportFailure("not a FIT file (no .FIT header)")
    header_size = data[0]
    data_size = int.from_bytes(data[4:8], "little")
    end = header_size + data_size
    if len(data) < end + 2:
        raise ImportFailure(f"truncated FIT file ({len(data)} bytes, the header announces {end + 2})")
    if fit_crc(data[:end]) != int.from_bytes(data[end : end + 2], "little"):
        raise ImportFailure("corrupt FIT file (checksum does not match)")


def read_fit(data: bytes) -> list[Activity]:
    """The activities of a FIT file; a corrupt, truncated or non-activity file raises ImportFailure."""
    _check_file_crc(data)  # fitdecode's own CRC check is off: this one is the same, only faster
    try:  # only the messages read below are left for fitdecode to decode
        return _read_messages(skim(data, fit_crc))
    except ImportFailure:  # a file the skim does not cut cleanly: fitdecode reads all of it
        return _read_messages(data)


def _read_messages(data: bytes) -> list[Activity]:
    """The activities of sound FIT bytes (whole, or as the skim left them)."""
    sessions: list[dict[str, Any]] = []
    file_type = None
    try:
        with fitdecode.FitReader(
            io.BytesIO(data),
            processor=None,  # raw values (times as FIT seconds): converted below for the few fields used
            check_crc=fitdecode.CrcCheck.DISABLED,
            error_handling=fitdecode.ErrorHandling.RAISE,
        ) as reader:
            for frame in reader:  # the whole file is read, so a truncated file fails before anything is kept
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "file_id":
                    file_type = _fields(frame).get("type")
                elif frame.name == "session":
                    sessions.append(_fields(frame))
    except fitdecode.FitEOFError as error:
        raise ImportFailure(f"truncated FIT file (it ends early: {error})") from error
    except fitdecode.FitCRCError as error:
        raise ImportFailure(f"corrupt FIT file (checksum does not match: {error})") from error
    except (fitdecode.FitError, ValueError, KeyError, TypeError) as error:
        raise ImportFailure(f"not a readable FIT file ({error})") from error
    if file_type not in (None, "activity"):
        raise ImportFailure(f"a FIT {file_type} file, not an activity")
    if not sessions:
        raise ImportFailure("the FIT file has no session (no activity summary)")
    return [_session_activity(session, number) for number, session in enumerate(sessions, 1)]
