"""A FIT file cut down to the messages the importer reads, so that fitdecode decodes only those.

A 47-minute run holds thousands of `record` messages (one a second) and one `session`; fitdecode
decodes every message it meets. This walk reads only record headers and definition messages, to
know each data message's size, and keeps the definitions and the data messages of `KEEP`. The
kept bytes form a valid FIT file (new header, the table CRC) that fitdecode then reads as usual.
The whole file's checksum is checked before (`fit.read_fit`), so the walk reads sound bytes.
"""

from __future__ import annotations

import struct
from collections.abc import Callable

from runstrong.history.model import ImportFailure

#: Global message numbers the importer reads: file_id, session, activity, sport; and the developer
#: data ids and field descriptions, which fitdecode needs to read developer fields in those.
KEEP = frozenset({0, 18, 34, 12, 206, 207})


def _definition(data: bytes, at: int, developer: bool) -> tuple[int, int, int]:
    """(global message number, size of one data message, length of this definition's content)."""
    if at + 5 > len(data):
        raise ImportFailure(f"truncated FIT file (a definition cut short at byte {at})")
    big_endian = data[at + 1] == 1
    (number,) = struct.unpack_from(">H" if big_endian else "<H", data, at + 2)
    fields = data[at + 4]
    end = at + 5 + 3 * fields
    size = sum(data[at + 5 + 3 * i + 1] for i in range(fields))
    if developer:
        if end + 1 > len(data):
            raise ImportFailure(f"truncated FIT file (a definition cut short at byte {at})")
        extra = data[end]
        size += sum(data[end + 1 + 3 * i + 1] for i in range(extra) if end + 3 * i + 2 < len(data))
        end += 1 + 3 * extra
    if end > len(data):
        raise ImportFailure(f"truncated FIT file (a definition cut short at byte {at})")
    return number, size, end - at


def skim(data: bytes, crc: Callable[[bytes], int]) -> bytes:
    """The FIT file with only its definitions and the data messages of KEEP; `crc` computes the checksum."""
    header_size = data[0]
    end = header_size + int.from_bytes(data[4:8], "little")
    local: dict[int, tuple[int, int]] = {}  # local type -> (global number, data size)
    kept = bytearray()
    at = header_size
    while at < end:
        head = data[at]
        if head & 0x80:  # compressed-timestamp header: a data message of local type bits 5-6
            kind, is_definition, developer = (head >> 5) & 0x03, False, False
        else:
            kind, is_definition, developer = head & 0x0F, bool(head & 0x40), bool(head & 0x20)
        if is_definition:
            number, size, length = _definition(data, at + 1, developer)
            local[kind] = (number, size)
            kept += data[at : at + 1 + length]
            at += 1 + length
            continue
        if kind not in local:
            raise ImportFailure(f"corrupt FIT file (a data message of undefined type {kind} at byte {at})")
        number, size = local[kind]
        if at + 1 + size > end:
            raise ImportFailure(f"truncated FIT file (a message cut short at byte {at})")
        if number in KEEP:
            kept += data[at : at + 1 + size]
        at += 1 + size
    header = bytearray(data[:header_size])
    header[4:8] = len(kept).to_bytes(4, "little")
    if header_size >= 14:
        header[12:14] = b"\x00\x00"  # no header CRC (allowed by the format)
    body = bytes(header) + bytes(kept)
    return body + crc(body).to_bytes(2, "little")
