"""Errors a user can cause and fix: they are reported without a traceback."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One problem in an input: where it is, what was expected and what was given."""

    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class UserError(Exception):
    """A mistake in what the user gave us (exit code 2)."""

    def __init__(self, problems: list[Problem] | Problem | str) -> None:
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems: list[Problem] = problems
        super().__init__("\n".join(str(p) for p in problems))


class InvalidSnapshot(UserError):
    """A snapshot that does not follow the snapshot format."""


class RuleSetError(UserError):
    """A rule set or knowledge base with broken files or references."""
