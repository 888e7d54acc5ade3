"""The screenshots of the web app in docs/guide-clinician.md, taken in headless Chromium.

    uv run python docs/guide/web/make_screenshots.py      # writes docs/guide/web-*.png

Serves the app with uvicorn on a free port of 127.0.0.1 and drives Debian's chromium with
Playwright through the Achilles consultation (examples/achilles-flare-up.yaml without its
red-flag checklist and tendon list, which are asked) and the red-flag path.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import uvicorn
import yaml
from playwright.sync_api import sync_playwright

from runstrong.web.app import create_app
from runstrong.web.config import WebConfig

ROOT = Path(__file__).resolve().parents[3]
OUT = ROOT / "docs" / "guide"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ANSWERS = {
    "profile.sex": "female",
    "profile.age": "29",
    "symptoms.red_flags": "No",
    "symptoms.tendon": "Yes",
    "symptoms.tendon[0].site": "achilles",
    "symptoms.tendon[0].location": "mid portion",
    "symptoms.tendon[0].trend": "rising",
    "symptoms.tendon[0].pain_during_load": "6",
    "symptoms.tendon[0].pain_next_morning": "5",
    "symptoms.tendon[0].pain_baseline": "2",
    "symptoms.tendon: more": "No",
}


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _click(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name, exact=True).click()


def _answer(page: Any, label: str) -> None:
    given = ANSWERS.get(label, "Unknown")
    if page.locator("#answer").count() and given != "Unknown":
        page.fill("#answer", given)
        _click(page, "Answer")
    else:
        _click(page, given)


def main() -> None:
    config = WebConfig(port=_port())
    server = uvicorn.Server(uvicorn.Config(create_app(config), host=config.host, port=config.port, log_level="error"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.02)
    data = yaml.safe_load((ROOT / "examples" / "achilles-flare-up.yaml").read_text(encoding="utf-8"))
    del data["symptoms"]["red_flags"], data["symptoms"]["tendon"]
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        upload = Path(folder) / "ana-training-log.yaml"
        upload.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": 860})
        page.goto(config.base_url + "/")
        page.set_input_files("input[name=snapshot]", str(upload))
        page.screenshot(path=OUT / "web-home.png")
        _click(page, "Start the consultation")
        while (label := page.locator("#question .label code").inner_text()) != "symptoms.tendon[0].pain_during_load":
            _answer(page, label)
        page.get_by_text("Why are you asking?").click()
        page.screenshot(path=OUT / "web-question.png")
        while page.locator("#done").count() == 0:
            _answer(page, page.locator("#question .label code").inner_text())
        page.screenshot(path=OUT / "web-advice.png")
        _click(page, "Open the report")
        page.screenshot(path=OUT / "web-report.png")
        page.goto(config.base_url + "/consult?athlete_id=ben&date=2026-11-24")
        _click(page, "male")  # his sex decides which red flags the checklist names
        _click(page, "Yes")
        _click(page, "Yes")
        page.screenshot(path=OUT / "web-red-flag.png")
        _click(page, "Finish here")
        page.screenshot(path=OUT / "web-referral.png")
        browser.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
