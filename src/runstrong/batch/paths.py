"""The files a batch run reads and writes, checked so that nothing is lost: no output is an input,
another output or a working file of one, no output lies inside an input folder, and one run at a
time writes to an output (an exclusive lock)."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import IO

from runstrong.util.errors import Problem, UserError

#: The working files beside an output: its part file, checkpoint and lock.
WORKING_SUFFIXES = (".part", ".progress", ".lock")


def working_files(output: Path) -> list[Path]:
    return [output.with_name(output.name + suffix) for suffix in WORKING_SUFFIXES]


def check_paths(inputs: list[str], outputs: dict[str, Path]) -> None:
    """Raise UserError naming each collision among the inputs and the outputs (label -> path)."""
    problems: list[Problem] = []
    resolved_inputs = [(name, Path(name).resolve()) for name in inputs if name != "-"]
    written: dict[Path, str] = {}
    for label, path in outputs.items():
        if not path.parent.is_dir():
            problems.append(Problem(label, f"no such folder: {path.parent}"))
            continue
        if path.is_dir():
            problems.append(Problem(label, f"{path} is a folder; give a file name"))
        target = path.resolve()
        files = [target] + ([p.resolve() for p in working_files(path)] if label != "--audit-log" else [])
        for file in files:
            if file in written:
                problems.append(Problem(label, f"{file} is also written as {written[file]}; give another name"))
            written.setdefault(file, label)
            problems += [
                Problem(label, f"{file} is the input {name}; it would be overwritten")
                for name, source in resolved_inputs
                if file == source
            ]
        problems += [
            Problem(label, f"{target} is inside the input folder {name}; the next run would read it back")
            for name, source in resolved_inputs
            if source.is_dir() and target.is_relative_to(source)
        ]
    if problems:
        raise UserError(problems)


class OutputLock:
    """An exclusive lock on `OUTPUT.lock`, held for the whole run: a second run on the same
    output is refused at once instead of mixing its rows into the first one's files."""

    def __init__(self, output: Path) -> None:
        self.path = output.with_name(output.name + ".lock")
        self._file: IO[str] | None = None

    def __enter__(self) -> OutputLock:
        file = open(self.path, "a", encoding="utf-8")
        try:
            fcntl.flock(file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            file.close()
            raise UserError(
                Problem(
                    "-o/--output", f"another runstrong batch is writing {self.path.name[:-5]} (locked: {self.path})"
                )
            ) from None
        self._file = file
        return self

    def __exit__(self, *exc: object) -> None:
        if self._file is not None:
            if exc[0] is None:
                os.unlink(self.path)  # still held: no other run can have it
            self._file.close()
            self._file = None
