"""Explanations render for every audience and format; the HTML page is self-contained and is
drawn by a real headless Chromium (when installed) into a non-blank screenshot."""

from __future__ import annotations

import json
import re
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from explain_cases import example_snapshots
from runstrong.engine.evaluator import Evaluator
from runstrong.explain.render import AUDIENCES, FORMATS, render_explanation
from runstrong.explain.trace import explain, explain_adjustment, explain_rule
from runstrong.rules.model import RuleSet

CHROMIUM = Path("/usr/bin/chromium")
ACHILLES_PATH = str(Path(__file__).resolve().parent.parent / "examples" / "achilles-flare-up.yaml")


@pytest.fixture(scope="module")
def docs(ruleset: RuleSet, evaluator: Evaluator) -> list[dict]:
    snapshot = dict(next(s for n, s in example_snapshots() if n == "achilles-flare-up.yaml"))
    evaluation = evaluator.evaluate(snapshot)
    return [
        explain(evaluator, evaluation),
        explain_rule(evaluator, evaluation, ruleset.rule("GP01")),
        explain_rule(evaluator, evaluation, ruleset.rule("TD01")),
        explain_adjustment(evaluator, evaluation, "reduce-load"),
    ]


def test_every_mode_audience_and_format_renders(docs: list[dict]) -> None:
    for doc in docs:
        for audience in AUDIENCES:
            for fmt in FORMATS:
                text = render_explanation(doc, fmt, audience)
                assert text.endswith("\n") and len(text) > 200, (doc["mode"], audience, fmt)
                if fmt == "json":
                    assert json.loads(text)["mode"] == doc["mode"]


def test_audiences_differ_in_detail(docs: list[dict]) -> None:
    advice = docs[0]
    clinician = render_explanation(advice, "text", "clinician")
    coach = render_explanation(advice, "text", "coach")
    athlete = render_explanation(advice, "text", "athlete")
    assert "Am J Sports Med" in clinician and "Am J Sports Med" not in coach  # full citations
    assert "Silbernagel et al. 2007 (grade C)" in coach and "Sources:" not in athlete
    assert "Red-flag checklist: answered, none reported." in clinician
    for text in (clinician, coach, athlete):  # plain words for every reader: the actions first
        assert text.index("This week") < text.index("Held back")
        assert "Achilles: stop calf raises" in text and "Achilles pain 6/10 during loading" in text
        assert not re.search(r"\$[a-z]|[a-z_]+\[\d+\]|-> holds|= None", text), text
    trace = render_explanation(advice, "text", "clinician", trace=True)
    assert "(source silbernagel-2007, grade C)" in trace  # the engine's record behind --trace
    assert "$tendon_pain_acceptable_max" in render_explanation(advice, "text", "coach", trace=True)


def test_html_is_self_contained(docs: list[dict]) -> None:
    page = render_explanation(docs[0], "html", "coach")
    assert page.startswith("<!DOCTYPE html>")
    for outside in ("<script", "<link", "src=", "url(", "@import", "http://", "https://"):
        assert outside not in page


def _png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows of an 8-bit RGB/RGBA PNG (filters undone)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, idat, header = 8, b"", b""
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunk = data[position + 8 : position + 8 + length]
        header = chunk if kind == b"IHDR" else header
        idat += chunk if kind == b"IDAT" else b""
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6)
    size = 3 if colour == 2 else 4
    raw, stride, rows, previous = zlib.decompress(idat), width * size, [], bytearray(width * size)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - size] if i >= size else 0
            up, corner = previous[i], previous[i - size] if i >= size else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        rows.append(bytes(line))
        previous = line
    return width, height, [bytes(r[x : x + 3]) for r in rows for x in range(0, stride, size)]


@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Chromium at /usr/bin/chromium (apt-get install chromium)")
def test_html_report_draws_in_headless_chromium(docs: list[dict], tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render_explanation(docs[0], "html", "coach"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=400,300",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    width, height, pixels = _png_pixels(shot.read_bytes())
    assert (width, height) == (400, 300)
    colours = set(pixels)
    assert len(colours) > 10, "the screenshot is (nearly) one colour: the page did not draw"
    inked = sum(1 for p in pixels if p != b"\xff\xff\xff")
    assert inked > 0.02 * len(pixels)
    amber = sum(1 for r, g, b in pixels if r > 150 and 80 < g < 130 and b < 40)
    assert amber > 100, "the AMBER status badge is not on screen"


def test_the_html_report_carries_the_weeks_plan() -> None:
    from click.testing import CliRunner

    from runstrong.cli.main import cli

    page = CliRunner().invoke(cli, ["explain", ACHILLES_PATH, "--audience", "clinician", "-f", "html"]).output
    assert "This week in the gym" in page and "Isometric calf hold" in page
    assert page.index("This week in the gym") < page.index("Rule set")
    text = CliRunner().invoke(cli, ["explain", ACHILLES_PATH]).output
    assert "This week in the gym" not in text  # only the HTML report carries it
