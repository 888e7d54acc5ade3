"""The pieces an explanation is rendered from: blocks of headings, paragraphs and nested lists."""

from __future__ import annotations

from dataclasses import dataclass, field

#: A list entry: its text, or its text with nested entries.
Item = str | tuple[str, list["Item"]]


@dataclass
class Block:
    """One piece of a report: `h1`/`h2`/`h3`/`p` (text), `ul` (items), `details` (items under the
    text: a page folds them away until clicked), `table` (rows)."""

    kind: str
    text: str = ""
    items: list[Item] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
