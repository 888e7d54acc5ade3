"""Python functions generated as text, for the hot paths a rule set's conditions make (the
compiled alpha network, the unknown fields' ruled-out checks): the text, the objects it names,
and the function compiled from them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Source:
    """The text of a generated function and the objects it refers to by name."""

    def __init__(self, names: dict[str, Any] | None = None) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = dict(names or {})

    def name(self, value: Any, prefix: str) -> str:
        """A new name for `value` in the generated code."""
        name = f"{prefix}{len(self.names)}"
        self.names[name] = value
        return name

    def add(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def function(self, name: str, filename: str) -> Callable[..., Any]:
        """The function `name` the text defines, compiled (`filename` names it in tracebacks)."""
        namespace = dict(self.names)
        exec(compile("\n".join(self.lines), filename, "exec"), namespace)
        function: Callable[..., Any] = namespace[name]
        return function
