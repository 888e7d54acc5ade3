"""The audit log: one JSON line per decision, enough to re-run and check it later, chained by
hashes so that a line deleted, moved, repeated or changed is found. This module writes a log, reads
it back and checks its chain; `runstrong.audit.verify` re-runs its decisions.

The format. A log is UTF-8 text, one JSON object per line, each line ended by "\\n", no blank
lines. A line is `json.dumps(record, sort_keys=True, ensure_ascii=False)`, so its keys are, in
this order:

- `command`: the command that made the decision (`recommend`, `explain`, `consult`, `batch`);
- `prev`: the SHA-256, in lowercase hex, of the previous line's bytes as they are in the file
  (UTF-8, without the "\\n" that ends it). The first line of a log has no previous line: its
  `prev` is the SHA-256 of no bytes, `GENESIS` (e3b0c442...b855);
- `result`: the full result, as `recommend -f json` prints it;
- `ruleset`: `{"version": ..., "digest": ...}` of the rule set that decided;
- `runstrong`: the version of runstrong that wrote the line;
- `snapshot`: the snapshot as given; `snapshot_digest`: the first 16 hex digits of the SHA-256
  of the snapshot written with sorted keys and no spaces (see `snapshot_digest`);
- `time`: when the decision was logged, ISO 8601 in UTC to the second.

A line's `prev` covers every byte of the line before it, and so, link by link, every line before
that: a line edited, deleted, moved or repeated breaks the link into the next line. What a chain
cannot show by itself is a change to its own end (the last lines deleted, or the last line
rewritten): for that, note the hash of the last line (the head, which `audit verify` prints) and
give it later to `audit verify --head`. The chain is not a signature: someone who rewrites a line
and every line after it, recomputing their hashes, leaves a valid chain that only a noted head
shows up.

Lines written before the chain was added (without `prev`) still verify; a line appended to
such a log chains on its last line, and `audit verify` reports the lines without `prev` as "not
chained".

Appending takes an exclusive `flock` on the log file, reads the last line (seeking back from the
end, not reading the file), and writes all the new lines with one `write` call, then fsyncs, so
several processes can append to one log at the same time. If the file does not end with "\\n" (a
write cut short by a crash), a "\\n" is written first: the cut line stays, reported by `audit
verify`, and the new lines chain on it.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from runstrong import __version__
from runstrong.snapshot.strict import decode, no_repeated_keys
from runstrong.snapshot.validation import Snapshot
from runstrong.util.errors import Problem, UserError

#: The `prev` of a log's first line: the SHA-256 of no bytes.
GENESIS = hashlib.sha256(b"").hexdigest()
#: How much of the end of a log is read at a time to find its last line.
_CHUNK = 64 * 1024


def snapshot_digest(snapshot: Snapshot) -> str:
    """A digest of a snapshot's content, independent of key order."""
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def line_hash(line: bytes) -> str:
    """The hash the next line's `prev` holds: SHA-256 of the line's bytes without its newline."""
    return hashlib.sha256(line).hexdigest()


def audit_record(snapshot: Snapshot, result: dict[str, Any], command: str) -> dict[str, Any]:
    """The line logged for one decision (its `prev` is added when it is appended)."""
    return {
        "time": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": command,
        "runstrong": __version__,
        "ruleset": result["ruleset"],
        "snapshot_digest": snapshot_digest(snapshot),
        "snapshot": snapshot,
        "result": result,
    }


def _read_at(log: BinaryIO, position: int, size: int) -> bytes:
    log.seek(position)
    data = b""
    while len(data) < size:
        chunk = log.read(size - len(data))
        if not chunk:
            break
        data += chunk
    return data


def last_line(log: BinaryIO) -> bytes | None:
    """The last line of an open log that is not blank, without its newline; None when there is
    none. Reads back from the end, a chunk at a time, only as far as that line's start."""
    position = log.seek(0, os.SEEK_END)
    head = b""  # the start of the file's text not looked at yet: its first line may be incomplete
    while position > 0:
        step = min(_CHUNK, position)
        position -= step
        lines = (_read_at(log, position, step) + head).split(b"\n")
        complete = lines if position == 0 else lines[1:]
        for line in reversed(complete):
            if line.strip():
                return line
        head = lines[0]
    return None


class AuditLog:
    """Appends decisions to a JSON Lines file, each line chained to the one before by `prev`."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, records: list[dict[str, Any]]) -> None:
        """Append the records in order, under an exclusive lock on the file, with one write."""
        if not records:
            return
        with self.path.open("a+b", buffering=0) as log:
            fcntl.flock(log.fileno(), fcntl.LOCK_EX)
            try:
                end = log.seek(0, os.SEEK_END)
                previous = last_line(log)
                prev = GENESIS if previous is None else line_hash(previous)
                chunks = [b"\n"] if end and _read_at(log, end - 1, 1) != b"\n" else []
                for record in records:
                    line = json.dumps({**record, "prev": prev}, sort_keys=True, ensure_ascii=False).encode()
                    chunks.append(line + b"\n")
                    prev = line_hash(line)
                data = memoryview(b"".join(chunks))
                while data:  # one write, unless the system writes less (a full disk, a signal)
                    data = data[os.write(log.fileno(), data) :]
                os.fsync(log.fileno())
            finally:
                fcntl.flock(log.fileno(), fcntl.LOCK_UN)


# Reading a log back, and checking its chain.

#: The fields of an audit record and the JSON type each must have (`prev` may be missing: a line
#: written before the hash chain).
FIELDS: dict[str, type] = {
    "command": str,
    "result": dict,
    "ruleset": dict,
    "runstrong": str,
    "snapshot": dict,
    "snapshot_digest": str,
    "time": str,
}
#: A line's link to the line before it: its `prev` is that line's hash; it has no `prev` (written
#: before the chain, or blank); or its `prev` is not the hash of the line before it.
LINKED, UNCHAINED, BROKEN = "linked", "not chained", "broken"
_SHA256 = re.compile("[0-9a-f]{64}")


@dataclass
class Line:
    """One line of the log as read: its bytes, and the record in it or what is wrong with it."""

    number: int
    raw: bytes
    record: dict[str, Any] | None  # None when the line is not an audit record
    problem: str = ""
    cut: bool = False  # the last line, and the file does not end with a newline
    prev: str | None = None  # the line's link, when it has one that can be read

    @property
    def blank(self) -> bool:
        return not self.raw.strip()


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a number"


_EXPECTED: dict[type, str] = {str: "a string", dict: "an object"}


def _prev(data: Any) -> str | None:
    """A parsed line's `prev`, when it has one that is a SHA-256 in hex."""
    prev = data.get("prev") if isinstance(data, dict) else None
    return prev if isinstance(prev, str) and _SHA256.fullmatch(prev) else None


def record_problem(record: Any) -> str:
    """What makes parsed JSON not an audit record, or "" when it is one."""
    if not isinstance(record, dict):
        return f"not an audit record: {_kind(record)} where an object is expected"
    problems = []
    missing = [key for key in FIELDS if key not in record]
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    problems += [
        f"{key} is {_kind(record[key])} where {_EXPECTED[expected]} is expected"
        for key, expected in FIELDS.items()
        if key in record and not isinstance(record[key], expected)
    ]
    if isinstance(record.get("ruleset"), dict):
        problems += [
            f"ruleset.{key} is {_kind(record['ruleset'].get(key))} where a string is expected"
            for key in ("version", "digest")
            if not isinstance(record["ruleset"].get(key), str)
        ]
    if "prev" in record and _prev(record) is None:
        problems.append(f"prev is {json.dumps(record['prev'])[:80]}, not a SHA-256 in lowercase hex")
    return f"not an audit record: {'; '.join(problems)}" if problems else ""


def parse_line(number: int, raw: bytes, cut: bool) -> Line:
    """One line of the log; `cut` when it is the last and the file does not end with a newline."""
    if not raw.strip():
        return Line(number, raw, None, "a blank line (the log never writes one)", cut)
    try:
        record = json.loads(raw.decode("utf-8"), object_pairs_hook=no_repeated_keys)
    except json.JSONDecodeError as error:
        shortened = ": it is cut short (the file does not end with a newline)" if cut else ""
        return Line(number, raw, None, f"not JSON: {error.msg} (column {error.colno}){shortened}", cut)
    except ValueError as error:  # from no_repeated_keys
        return Line(number, raw, None, f"not an audit record: {error}", cut)
    except RecursionError:
        return Line(number, raw, None, "not an audit record: nested too deeply", cut)
    problem = record_problem(record)
    return Line(number, raw, None if problem else record, problem, cut, _prev(record))


def read_lines(path: Path) -> list[Line]:
    """Every line of an audit log, parsed; a file that cannot be read or is not UTF-8 is a
    usage error, a line that is not an audit record is not."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserError(Problem(str(path), f"cannot read the audit log: {error.strerror}")) from None
    decode(data, str(path))
    parts = data.split(b"\n")
    cut = parts[-1] != b""
    if not cut:
        parts.pop()
    return [parse_line(number, raw, cut and number == len(parts)) for number, raw in enumerate(parts, 1)]


def line_numbers(numbers: list[int]) -> str:
    """`[1, 2, 3, 7]` as "lines 1–3, 7", `[4]` as "line 4"."""
    runs: list[list[int]] = []
    for number in numbers:
        if runs and number == runs[-1][-1] + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    text = ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)
    return f"line {text}" if len(numbers) == 1 else f"lines {text}"


def _broken_link(line: Line, previous: Line | None, first_with: dict[bytes, int], by_hash: dict[str, int]) -> str:
    """Why a line's `prev` is not the hash of the line before it, as far as the log shows."""
    number, prev = line.number, line.prev
    before = previous.number if previous is not None else 0
    if first_with[line.raw] < number:
        return f"line {number} repeats line {first_with[line.raw]}: a line was replayed"
    if prev == GENESIS:
        return (
            f"line {number} starts a chain (its prev is that of a first line) but follows line {before}: "
            "lines were inserted before it, or two logs were joined"
        )
    if prev in by_hash and by_hash[prev] > number:
        return f"line {number} belongs after line {by_hash[prev]}: lines were moved"
    if prev in by_hash:
        moved = line_numbers(list(range(by_hash[prev] + 1, before + 1)))
        moved += " was" if by_hash[prev] + 1 == before else " were"
        return f"line {number} belongs after line {by_hash[prev]}: {moved} inserted or moved before it"
    if previous is None:
        return f"line {number} does not start the chain: the lines before it were deleted, or its prev was changed"
    return f"line {number} does not follow line {before}: line {before} was changed, or lines between them were deleted"


def check_chain(lines: list[Line]) -> list[tuple[str, list[str]]]:
    """Each line's link to the one before it (blank lines are not part of the chain): its chain
    verdict and, when broken, why. A last line that is a record but has no newline is broken too."""
    chained = [line for line in lines if not line.blank]
    first_with: dict[bytes, int] = {}
    by_hash: dict[str, int] = {}
    for line in chained:
        first_with.setdefault(line.raw, line.number)
        by_hash.setdefault(line_hash(line.raw), line.number)
    links: list[tuple[str, list[str]]] = []
    previous: Line | None = None
    started = False
    for line in lines:
        if line.blank:
            links.append((UNCHAINED, []))
            continue
        expected = GENESIS if previous is None else line_hash(previous.raw)
        if line.prev is None and not started:
            links.append((UNCHAINED, []))
        elif line.prev is None:
            why = "it has no prev" if line.record is not None else "it has no prev that can be read"
            links.append((BROKEN, [f"line {line.number} is not linked to the line before it: {why}"]))
        elif line.prev == expected:
            started = True
            links.append((LINKED, []))
        else:
            started = True
            links.append((BROKEN, [_broken_link(line, previous, first_with, by_hash)]))
        previous = line
    if lines and lines[-1].cut and lines[-1].record is not None:
        links[-1] = (
            BROKEN,
            [
                *links[-1][1],
                f"line {lines[-1].number} has no newline at its end: it was cut short, or not written by runstrong",
            ],
        )
    return links
