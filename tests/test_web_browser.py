"""End to end in a real headless Chromium (Debian's `chromium`, driven by Playwright) against the
app served by uvicorn on a free port: an Achilles consultation through to the advice, the
red-flag path to a referral, the report printed, and screenshots that are not blank."""

from __future__ import annotations

import io
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn
import yaml

from runstrong.advice.result import recommend
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.model import RuleSet
from runstrong.snapshot.validation import parse_snapshot
from runstrong.web.app import create_app
from runstrong.web.config import WebConfig

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="needs Chromium (Debian's chromium package) on the PATH")
#: The answers of the Achilles runner, by the field each question fills; anything else is unknown.
ACHILLES_ANSWERS = {
    "symptoms.red_flags": "No",
    "symptoms.tendon": "Yes",
    "symptoms.tendon[0].site": "achilles",
    "symptoms.tendon[0].pain_during_load": "6",
    "symptoms.tendon[0].pain_next_morning": "5",
    "symptoms.tendon[0].pain_baseline": "2",
    "symptoms.tendon: more": "No",
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def serve_in_thread(config: WebConfig) -> Iterator[str]:
    """Serve the app with uvicorn in a thread until the generator is closed; yields its address."""
    server = uvicorn.Server(uvicorn.Config(create_app(config), host=config.host, port=config.port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "uvicorn did not start"
        time.sleep(0.02)
    yield config.base_url
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    yield from serve_in_thread(WebConfig(port=free_port()))


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(accept_downloads=True, viewport={"width": 1200, "height": 900})
    context.set_default_timeout(30_000)  # generous: the machine may be loaded
    yield context.new_page()
    context.close()


def colours(png: bytes) -> int:
    """How many distinct colours a PNG screenshot has (a blank page has one)."""
    import matplotlib.image
    import numpy as np

    pixels = matplotlib.image.imread(io.BytesIO(png), format="png")
    return len(np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0))


def answer_all(page: Any, answers: dict[str, str]) -> list[str]:
    """Answer each question from `answers` by the field it fills (others: Unknown) until the end."""
    asked = []
    for _ in range(80):
        if page.locator("#done").count():
            return asked
        label = page.locator("#question .label code").inner_text()
        asked.append(label)
        given = answers.get(label, "Unknown")
        number = page.locator("#answer")
        with page.expect_navigation():
            if number.count() and given != "Unknown":
                number.fill(given)
                page.get_by_role("button", name="Answer", exact=True).click()
            else:
                page.get_by_role("button", name=given, exact=True).click()
    raise AssertionError(f"the consultation did not end: {asked}")


def test_an_achilles_consultation_in_the_browser_ends_with_recommends_advice(
    server: str, page: Any, tmp_path: Path, evaluator: Evaluator
) -> None:
    data = yaml.safe_load((ROOT / "examples" / "achilles-flare-up.yaml").read_text(encoding="utf-8"))
    del data["symptoms"]["red_flags"], data["symptoms"]["tendon"]  # asked in the consultation
    data["profile"] = {
        "sex": "female",
        "age": 34,
        "injury_history": [],
        "strength_training_years": 2,
        "foot_strike": "rearfoot",
    }
    data["energy"] = {
        "menstrual_status": "regular",
        "low_libido": False,
        "disordered_eating_screen_positive": False,
        "weight_loss_pct_3m": 0,
    }
    data["running"]["longest_run_30d_km"] = 18
    data["metrics"].update(session_rpe=6, reps_in_reserve=2)
    data["symptoms"]["form_deteriorating"] = False
    data["wellbeing"].update(sleep_h_last_night=6.5, sleep_quality=3, low_mood_days=2, sleep_disturbed=False)
    data["plan"].update(race_in_days=60, weeks_since_deload=3)
    upload = tmp_path / "ana.yaml"
    upload.write_text(yaml.safe_dump(data), encoding="utf-8")
    page.goto(server + "/")
    page.set_input_files("input[name=snapshot]", str(upload))
    page.get_by_role("button", name="Start the consultation").click()
    assert page.locator("#question .label code").inner_text() == "symptoms.red_flags"  # the checklist first
    assert "missed periods" in page.locator("#question-text").inner_text()  # she is 34
    page.get_by_text("Why are you asking?").click()
    assert "rule(s) not decided yet need this answer" in page.locator("details.why").inner_text()
    asked = answer_all(page, ACHILLES_ANSWERS)
    assert asked[:2] == ["symptoms.red_flags", "symptoms.tendon"] and "symptoms.tendon[0].pain_during_load" in asked
    advice = page.locator("#advice")
    assert advice.get_attribute("data-status") == "amber"
    assert "stop-painful-exercise" in (advice.get_attribute("data-adjustments") or "").split()
    assert "Achilles" in advice.inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the snapshot (YAML)").click()
    saved = parse_snapshot(Path(download.value.path()).read_text(encoding="utf-8"), "saved.yaml")
    expected = recommend(evaluator, saved)
    assert advice.get_attribute("data-status") == expected["status"]
    assert advice.get_attribute("data-adjustments") == " ".join(r["adjustment"] for r in expected["recommendations"])
    assert colours(page.screenshot()) > 50
    page.get_by_role("button", name="Open the report").click()
    assert "This week in the gym" in page.content()
    page.emulate_media(media="print")
    assert page.locator("nav.toolbar").is_hidden()  # the print stylesheet drops the toolbar
    pdf = page.pdf(format="A4")
    printed = len(re.findall(rb"/Type\s*/Page\b", pdf))
    assert 1 <= printed <= 10  # a few printed pages (9 since what would change says each change in words)


def test_the_red_flag_path_in_the_browser_ends_in_a_referral(server: str, page: Any, ruleset: RuleSet) -> None:
    page.goto(server + "/")
    page.fill("input[name=athlete_id]", "zed")
    page.get_by_role("button", name="Start", exact=True).click()
    assert page.locator("#question .label code").inner_text() == "profile.sex"  # it decides the checklist
    page.get_by_role("button", name="male", exact=True).click()
    assert "period" not in page.locator("#question-text").inner_text()  # not asked of a man
    page.get_by_role("button", name="Yes", exact=True).click()  # something on the checklist
    assert "Chest pain" in page.locator("#question-text").inner_text()  # the most urgent first
    page.get_by_role("button", name="Yes", exact=True).click()
    assert "A referral to a clinician is now certain" in page.locator(".referral").inner_text()
    page.get_by_role("button", name="Finish here").click()
    advice = page.locator("#advice")
    assert advice.get_attribute("data-status") == "red"
    assert "RED: stop and get emergency care now" in advice.inner_text()
    directions = {name: adjustment.direction for name, adjustment in ruleset.knowledge.adjustments.items()}
    shown = (advice.get_attribute("data-adjustments") or "").split()
    assert shown and all(directions[name] != "increase" for name in shown)
    assert colours(page.screenshot()) > 50
