"""Rendering an explanation for a reader: clinician, coach or athlete; text, JSON, Markdown or a
self-contained HTML page.

The same structured explanation (from `runstrong.explain.trace`) is turned into a small list of blocks
(headings, paragraphs, nested lists, tables) chosen for the audience — thresholds, sources and
evidence for the clinician, actions and reasons for the coach, plain words for the athlete — and
the blocks are written out in the chosen format.
"""

from __future__ import annotations

import html
import json
import re
import textwrap
from typing import Any

from runstrong.advice.render import STATUS_WORDS
from runstrong.explain.blocks import BUILDERS
from runstrong.explain.document import Block, Item
from runstrong.explain.words import RESULT_MARK

AUDIENCES = ("clinician", "coach", "athlete")
FORMATS = ("text", "json", "markdown", "html")


def _text_items(items: list[Item], depth: int) -> list[str]:
    lines = []
    indent = "  " * depth
    for item in items:
        text, children = (item, []) if isinstance(item, str) else item
        lines += textwrap.wrap(
            text, 100, initial_indent=f"{indent}- ", subsequent_indent=f"{indent}  ", break_on_hyphens=False
        ) or [f"{indent}-"]
        lines += _text_items(children, depth + 1)
    return lines


def to_text(blocks: list[Block]) -> str:
    lines: list[str] = []
    for block in blocks:
        if block.kind == "h1":
            lines += [block.text, "=" * min(len(block.text), 100)]
        elif block.kind == "h2":
            lines += ["", block.text, "-" * min(len(block.text), 100)]
        elif block.kind == "h3":
            lines += [f"{block.text}:"]
        elif block.kind == "p":
            lines += [*textwrap.wrap(block.text, 100, break_on_hyphens=False), ""]
        elif block.kind == "ul":
            lines += _text_items(block.items, 0)
        elif block.kind == "details":
            lines += [f"{block.text}:", *_text_items(block.items, 0), ""]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).rstrip() + "\n"


def _md_escape(text: str) -> str:
    return re.sub(r"<(?=[A-Za-z/!])", r"\\<", re.sub(r"([\\`*_|])", r"\\\1", text))


def _md_items(items: list[Item], depth: int) -> list[str]:
    lines = []
    for item in items:
        text, children = (item, []) if isinstance(item, str) else item
        lines.append(f"{'  ' * depth}- {_md_escape(text)}")
        lines += _md_items(children, depth + 1)
    return lines


def to_markdown(blocks: list[Block]) -> str:
    lines: list[str] = []
    marks = {"h1": "#", "h2": "##", "h3": "###"}
    for block in blocks:
        if block.kind in marks:
            lines += [f"{marks[block.kind]} {_md_escape(block.text)}", ""]
        elif block.kind == "p":
            lines += [_md_escape(block.text), ""]
        elif block.kind == "ul":
            lines += [*_md_items(block.items, 0), ""]
        elif block.kind == "details":
            lines += [f"{_md_escape(block.text)}:", "", *_md_items(block.items, 0), ""]
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1d2428;background:#fff;line-height:1.45}
h1{font-size:1.6rem;border-bottom:3px solid #2b6f8f;padding-bottom:.3rem}
h2{font-size:1.2rem;margin-top:1.6rem;color:#2b6f8f}h3{font-size:1rem;margin-bottom:.2rem}
ul{padding-left:1.3rem}li{margin:.15rem 0}
.status{display:inline-block;padding:.3rem .7rem;border-radius:.3rem;font-weight:bold;color:#fff}
.green{background:#2e7d32}.amber{background:#b26a00}.red{background:#c62828}
.true{color:#2e7d32}.false{color:#c62828}.unknown{color:#8a6d00}
footer{margin-top:2rem;color:#5b6770;font-size:.85rem}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}}
"""


def _html_text(text: str) -> str:
    escaped = html.escape(text)
    for result, mark in RESULT_MARK.items():
        escaped = escaped.replace(f"[{mark}]", f'<span class="{result}">[{mark}]</span>')
    return escaped


def _html_items(items: list[Item]) -> str:
    parts = []
    for item in items:
        text, children = (item, []) if isinstance(item, str) else item
        inner = _html_items(children) if children else ""
        parts.append(f"<li>{_html_text(text)}{inner}</li>")
    return "<ul>" + "".join(parts) + "</ul>"


def _figure(caption: str, svg: str) -> str:
    """An inline SVG figure (drawn by runstrong itself, e.g. the history's plots) with its caption."""
    start = svg.find("<svg")
    return f"<figure>{svg[start:] if start >= 0 else ''}<figcaption>{html.escape(caption)}</figcaption></figure>"


def to_html(
    blocks: list[Block], status: str, title: str, audience: str, figures: list[tuple[str, str]] | None = None
) -> str:
    """A self-contained page: inline CSS, no scripts, no external resources; `figures` are (caption, SVG)."""
    body = []
    for index, block in enumerate(blocks):
        if block.kind in ("h1", "h2", "h3"):
            body.append(f"<{block.kind}>{_html_text(block.text)}</{block.kind}>")
        elif block.kind == "p" and index == len(blocks) - 1 and block.text.startswith("Rule set"):
            body.extend(_figure(caption, svg) for caption, svg in figures or [])
            figures = None
            body.append(f"<footer>{_html_text(block.text)}</footer>")
        elif block.kind == "p" and block.text in STATUS_WORDS.values():
            body.append(f'<p><span class="status {status}">{html.escape(block.text)}</span></p>')
        elif block.kind == "p":
            body.append(f"<p>{_html_text(block.text)}</p>")
        elif block.kind == "ul":
            body.append(_html_items(block.items))
        elif block.kind == "details":
            body.append(f"<details><summary>{_html_text(block.text)}</summary>{_html_items(block.items)}</details>")
    body.extend(_figure(caption, svg) for caption, svg in figures or [])
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="audience" content="{audience}"><title>{html.escape(title)}</title>'
        f"<style>{_CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def render_explanation(
    doc: dict[str, Any],
    fmt: str = "text",
    audience: str = "coach",
    trace: bool = False,
    extra: list[Block] | None = None,
    figures: list[tuple[str, str]] | None = None,
) -> str:
    """The explanation in `fmt` for `audience`; `trace` adds the engine's own record (JSON always has it).

    `figures`: (caption, SVG) drawn elsewhere (the history's plots), shown in the HTML report only."""
    if fmt == "json":
        return json.dumps({**doc, "audience": audience}, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    blocks = BUILDERS[doc["mode"]](doc, audience, trace)
    if extra:  # sections another feature adds (the week's plan in the HTML report)
        blocks = [*blocks[:-1], *extra, blocks[-1]] if audience != "athlete" else [*blocks, *extra]
    if fmt == "markdown":
        return to_markdown(blocks)
    if fmt == "html":
        return to_html(blocks, doc["status"], blocks[0].text, audience, figures)
    return to_text(blocks)
