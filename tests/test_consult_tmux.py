"""End to end in a real terminal: `runstrong consult` under tmux (send-keys, capture-pane)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from runstrong.util.paths import default_rules_dir

RUNSTRONG = Path(sys.executable).parent / "runstrong"
pytestmark = [
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
    pytest.mark.skipif(not RUNSTRONG.exists(), reason="the runstrong script is not next to this Python"),
]
TINY_RULES = (
    "red-flags/RF02-night-or-rest-pain.yaml",
    "readiness/RD01-sleep-unknown.yaml",
    "gym-programming/GP01-progress-load.yaml",
)


class Terminal:
    """One tmux server of our own (its own socket), with one 160×50 window."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        return subprocess.run(
            ["tmux", "-L", self.socket, *args], check=True, capture_output=True, text=True, timeout=10
        ).stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-J", "-S", "-200", "-t", "consult")

    def wait_for(self, text: str, count: int = 1, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if screen.count(text) >= count:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; screen:\n{self.screen()}")

    def type(self, answer: str) -> None:
        if answer:
            self.tmux("send-keys", "-t", "consult", "-l", answer)
        self.tmux("send-keys", "-t", "consult", "Enter")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(f"runstrong-test-{os.getpid()}-{tmp_path.name}")
    yield term
    subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True, timeout=10)


def test_consultation_in_a_real_terminal(terminal: Terminal, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    for name in TINY_RULES:
        (rules / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(default_rules_dir() / name, rules / name)
    shutil.copy(default_rules_dir() / "ruleset.yaml", rules / "ruleset.yaml")
    saved = tmp_path / "saved.yaml"
    command = (
        f"{RUNSTRONG} consult --rules {rules} --athlete-id tty --date 2026-11-24 --save {saved}; echo EXIT=$?; sleep 30"
    )
    terminal.tmux("new-session", "-d", "-s", "consult", "-x", "160", "-y", "50", command)

    terminal.wait_for("Q1. Sex.")
    terminal.type("male")
    terminal.wait_for("Q2. Red-flag screen")
    terminal.type("why")
    terminal.wait_for("RF02 [C] Pain at night or at rest")
    terminal.type("no")
    terminal.wait_for("Q3. Average sleep over 7 days")
    terminal.type("twenty")
    terminal.wait_for("'twenty' is not a number")
    terminal.type("8")
    terminal.wait_for("Q4.")
    terminal.type("back")
    terminal.wait_for("Going back")
    terminal.wait_for("Q3. Average sleep over 7 days", count=2)
    for answer in ["7.5", "base_strength", "no", "no", "no", ""]:
        terminal.type(answer)
    terminal.wait_for("Q9. Reps beyond the target")
    terminal.type("2")
    screen = terminal.wait_for("EXIT=0")
    assert "Consultation complete after 9 answer(s)" in screen
    assert "GREEN: train as planned" in screen
    assert "Add" in screen and "GP01" in screen  # the progression, and the rule behind it
    assert yaml.safe_load(saved.read_text())["wellbeing"] == {"sleep_h_avg_7d": 7.5}
