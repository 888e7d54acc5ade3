"""Streaming input and crash-safe output for `runstrong batch`.

Readers turn JSON Lines, CSV (dotted column names, lists as JSON in a cell), YAML/JSON documents
and folders of them into rows, one at a time: each row knows its source and line and holds either
the parsed (not yet validated) data or the problem that stopped it being read. Writers write to a
`.part` file beside the target and move it into place only when the run is complete.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from runstrong.snapshot.fields import BOOLEAN, INTEGER, ITEM_LIST, NUMBER, SCALAR_LIST, catalogue
from runstrong.snapshot.strict import MAX_BYTES, decode, load_document, load_json
from runstrong.util.errors import Problem, UserError

DOCUMENT_SUFFIXES = (".yaml", ".yml", ".json")
CSV_SUFFIXES = (".csv",)


@dataclass(frozen=True)
class Row:
    """One input record: where it came from and its parsed data, or why it could not be read.

    A JSON line travels as its `text` and is parsed by `parsed()` where it is evaluated (in a
    worker process), which keeps the reading process light.
    """

    source: str
    line: int | None
    data: Any = None
    problems: tuple[Problem, ...] = field(default_factory=tuple)
    text: str | None = None

    def parsed(self) -> Row:
        """This row with its JSON text parsed (or the reason it does not parse)."""
        if self.text is None:
            return self
        try:
            return Row(self.source, self.line, load_json(self.text, "(line)"))
        except UserError as error:
            hint = " (the last line is cut short)" if not self.text.endswith("\n") else ""
            problems = tuple(Problem("(line)", p.message + hint) for p in error.problems)
            return Row(self.source, self.line, problems=problems)


def input_kind(name: str) -> str:
    """`jsonl`, `csv`, `document` or `folder`, from the input's name (`-` is JSON Lines)."""
    if name == "-":
        return "jsonl"
    path = Path(name)
    if path.is_dir():
        return "folder"
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return "csv"
    if suffix in DOCUMENT_SUFFIXES:
        return "document"
    return "jsonl"


def check_inputs(names: list[str]) -> None:
    """Raise UserError naming every input that cannot be read."""
    problems = [Problem(name, "no such file or folder") for name in names if name != "-" and not Path(name).exists()]
    if names.count("-") > 1:
        problems.append(Problem("-", "standard input can be given only once"))
    if problems:
        raise UserError(problems)


def read_rows(names: list[str]) -> Iterator[Row]:
    """Every row of every input, in order."""
    for name in names:
        kind = input_kind(name)
        if kind == "folder":
            yield from _folder_rows(Path(name))
        elif kind == "document":
            yield _document_row(Path(name))
        elif name == "-":
            yield from _jsonl_rows(_text_lines(sys.stdin.buffer), "<stdin>")
        else:
            with open(name, "rb") as stream:
                reader = _csv_rows if kind == "csv" else _jsonl_rows
                yield from reader(_text_lines(stream), name)


def _text_lines(stream: IO[bytes]) -> Iterator[str]:
    """Lines of text; bytes that are not UTF-8 are kept as surrogates, so that the row they are
    in is refused with its line number while the others go on. A leading BOM is dropped."""
    for number, line in enumerate(stream):
        text = line.decode("utf-8", "surrogateescape")
        yield text.removeprefix("\ufeff") if number == 0 else text


def _jsonl_rows(lines: Iterator[str], source: str) -> Iterator[Row]:
    blank: list[int] = []  # blank lines are rows only when a snapshot follows them
    for number, text in enumerate(lines, start=1):
        if not text.strip():
            blank.append(number)
            continue
        for empty in blank:
            yield Row(source, empty, problems=(Problem("(line)", "empty line; expected one JSON snapshot"),))
        blank = []
        if len(text) > MAX_BYTES:
            yield Row(source, number, problems=(Problem("(line)", f"too large: {len(text)} characters"),))
        else:
            yield Row(source, number, text=text)


def _cell_value(kind: str | None, text: str) -> Any:
    """A CSV cell as the snapshot value it stands for; left as text when it does not parse."""
    if kind in (ITEM_LIST, SCALAR_LIST) or (kind is None and text[:1] in "[{"):
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return text
    if kind in (NUMBER, INTEGER):
        for convert in (int, float):
            try:
                return convert(text)
            except ValueError:
                pass
        return text
    if kind == BOOLEAN:
        return {"true": True, "false": False}.get(text.strip().lower(), text)
    return text


def _nest(columns: list[str], cells: list[str]) -> dict[str, Any]:
    scalars = catalogue().scalars
    data: dict[str, Any] = {}
    for column, cell in zip(columns, cells, strict=False):
        if cell == "":
            continue
        spec = scalars.get(column)
        parts = column.split(".")
        node = data
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                break
            node = child
        else:
            node[parts[-1]] = _cell_value(spec.kind if spec else None, cell)
    return data


def _csv_record(text: str) -> list[str]:
    """One CSV record from one line (a quote left open is an error for that line only)."""
    return next(csv.reader([text], strict=True), [])


def _csv_rows(lines: Iterator[str], source: str) -> Iterator[Row]:
    """One snapshot per line; the header names the fields (dotted), each once."""
    header = next(lines, None)
    if header is None:
        return
    try:
        columns = _csv_record(header)
    except csv.Error as error:
        columns, header_problem = [], f"not valid CSV in the header: {error}"
    else:
        repeated = sorted({c for c in columns if columns.count(c) > 1})
        header_problem = f"the header names {', '.join(repeated)} more than once" if repeated else ""
    for line, text in enumerate(lines, start=2):
        if not text.strip():
            yield Row(source, line, problems=(Problem("(line)", "empty line; expected one snapshot"),))
            continue
        if header_problem:
            yield Row(source, line, problems=(Problem("(header)", header_problem),))
            continue
        try:
            cells = _csv_record(text)
        except csv.Error as error:
            yield Row(source, line, problems=(Problem("(line)", f"not valid CSV: {error} (a record is one line)"),))
            continue
        if len(cells) != len(columns):
            message = f"{len(cells)} cells, but the header has {len(columns)} columns"
            yield Row(source, line, _nest(columns, cells), (Problem("(line)", message),))
        else:
            yield Row(source, line, _nest(columns, cells))


def _document_row(path: Path) -> Row:
    try:
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        return Row(str(path), None, problems=(Problem("(file)", f"cannot read: {error.strerror}"),))
    try:
        return Row(str(path), None, load_document(decode(data, str(path)), str(path)))
    except UserError as error:
        return Row(str(path), None, problems=tuple(error.problems))


def _folder_rows(folder: Path) -> Iterator[Row]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in DOCUMENT_SUFFIXES:
            yield _document_row(path)


def count_rows(names: list[str]) -> int | None:
    """How many rows the inputs hold (for a progress bar), or None when it cannot be known cheaply."""
    total = 0
    for name in names:
        kind = input_kind(name)
        if name == "-":
            return None
        if kind == "folder":
            total += sum(1 for p in Path(name).rglob("*") if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES)
        elif kind == "document":
            total += 1
        else:
            total += _count_lines(Path(name)) - (1 if kind == "csv" else 0)
    return max(total, 0)


def _count_lines(path: Path) -> int:
    lines, last = 0, b"\n"
    with path.open("rb") as stream:
        while block := stream.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


class PartFile:
    """A text file written as `NAME.part` and moved over NAME by `commit()`.

    `resume_at` reopens an existing part file cut back to a known good size (the last
    checkpoint), so a crash mid-line leaves nothing behind.
    """

    def __init__(self, target: Path, resume_at: int | None = None) -> None:
        self.target = target
        self.part = target.with_name(target.name + ".part")
        if resume_at is None:
            self._stream: IO[bytes] = open(self.part, "wb")  # noqa: SIM115 - closed in commit/close
        else:
            self._stream = open(self.part, "r+b")  # noqa: SIM115
            self._stream.truncate(resume_at)
            self._stream.seek(resume_at)

    def write(self, text: str | bytes) -> None:
        self._stream.write(text if isinstance(text, bytes) else text.encode("utf-8"))

    def sync(self) -> int:
        """Flush to disk; return the size written so far."""
        self._stream.flush()
        os.fsync(self._stream.fileno())
        return self._stream.tell()

    def commit(self) -> None:
        """Flush, close and move the part file into place."""
        self.sync()
        self._stream.close()
        os.replace(self.part, self.target)

    def close(self) -> None:
        self._stream.close()


def csv_line(cells: list[Any]) -> str:
    """One CSV record as text (with its line ending)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()
