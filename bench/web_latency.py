"""How fast the web app answers over real HTTP (uvicorn on 127.0.0.1, one client), and how long the
server takes to re-evaluate a consultation after each answer.

    uv run python bench/web_latency.py                # tests/scenarios/*.yaml, each replayed twice
    uv run python bench/web_latency.py --rounds 5

Each scenario snapshot is replayed through the consultation page from an empty start (GET
/consult?athlete_id=...): every question on the page is answered from the snapshot, as
`bench/consult_latency.py` does at the terminal. "answer, server side" is the work a POST /consult
does on the server, timed in-process: the consultation rebuilt from the page's signed state, the
answer recorded, the three-valued assessment for the next question, the provisional advice, why
and how, and the state signed again. The HTTP rows are wall times at the client, the page
included. Prints Markdown on stdout; writes no file.
"""

from __future__ import annotations

import argparse
import html
import json
import platform
import re
import secrets
import socket
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from runstrong.consult.dialogue import Consultation, answer_from
from runstrong.consult.questions import parse_answer, question
from runstrong.snapshot.fields import BOOLEAN, ENUM, SCALAR_LIST
from runstrong.snapshot.partial import MISSING, Partial
from runstrong.snapshot.strict import load_yaml
from runstrong.snapshot.validation import validate
from runstrong.web.advisor import Advisor
from runstrong.web.app import create_app
from runstrong.web.config import WebConfig
from runstrong.web.state import State, StateSigner
from runstrong.web.views import consultation_view

ROOT = Path(__file__).resolve().parent.parent


def _scenarios() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for file in sorted((ROOT / "tests" / "scenarios").glob("*.yaml")) or sorted((ROOT / "examples").glob("*.yaml")):
        data = load_yaml(file.read_text(encoding="utf-8"), str(file))
        found.append((file.stem, validate(data.get("snapshot", data))))
    return found


def _hidden(page: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, name
    return html.unescape(match.group(1))


def _form(consultation: Consultation, text: str) -> dict[str, Any]:
    asked = consultation.next_question()
    assert asked is not None
    if text == "unknown":
        return {"action": "unknown"}
    if asked.spec.kind == BOOLEAN:
        return {"action": text}
    if asked.spec.kind == ENUM:
        return {"action": f"choice:{text}"}
    if asked.spec.kind == SCALAR_LIST:
        return {"action": "answer", "choice": [] if text == "none" else text.split()}
    return {"action": "answer", "answer": text}


def _timed(times: list[float], call: Any, *args: Any, **kwargs: Any) -> Any:
    start = time.perf_counter()
    result = call(*args, **kwargs)
    times.append((time.perf_counter() - start) * 1000)
    return result


def replay_http(client: httpx.Client, advisor: Advisor, snapshot: dict[str, Any], times: dict[str, list[float]]) -> int:
    """One consultation over HTTP from an empty start; returns the number of answers."""
    page = _timed(times["start"], client.get, "/consult", params={"athlete_id": snapshot["athlete_id"]})
    page = page.text
    local = Consultation(advisor.evaluator, Partial(), snapshot["athlete_id"], snapshot["date"])
    answers = 0
    while (asked := local.next_question()) is not None:
        slot = re.search(r'data-slot="([^"]*)"', page)
        assert slot and tuple(json.loads(html.unescape(slot.group(1)))) == asked.slot, "the page asks another question"
        text = answer_from(snapshot, asked.slot, local.partial)
        form = {"csrf": _hidden(page, "csrf"), "state": _hidden(page, "state"), **_form(local, text)}
        response = _timed(times["answer"], client.post, "/consult", data=form)
        assert response.status_code == 200, response.text[:500]
        page = response.text
        local.answer(asked.slot, MISSING if text == "unknown" else parse_answer(asked.spec, text))
        answers += 1
    form = {"csrf": _hidden(page, "csrf"), "state": _hidden(page, "state")}
    _timed(times["report"], client.post, "/consult/report", data=form)  # made while the last page was read
    _timed(times["report again"], client.post, "/consult/report", data=form)
    _timed(times["download"], client.post, "/consult/download", data={**form, "what": "snapshot"})
    _timed(times["home"], client.get, "/")
    return answers


def server_side(advisor: Advisor, snapshot: dict[str, Any]) -> list[float]:
    """The server's work per answer (what POST /consult does between reading the form and rendering)."""
    signer = StateSigner(secrets.token_bytes(32))
    state = State({}, snapshot["athlete_id"], snapshot["date"])
    times = []
    with advisor.lock:
        while True:
            token = signer.encode(state)
            start = time.perf_counter()
            state = signer.decode(token)
            consultation = advisor.consultation(state)
            if state.asked is not None:  # the page's question is in its state: no assessment before the answer
                text = answer_from(snapshot, state.asked, consultation.partial)
                spec = question(state.asked).spec
                consultation.answer(state.asked, MISSING if text == "unknown" else parse_answer(spec, text))
            view = consultation_view(consultation)
            asked_next = view["question"].slot_value if view["question"] else None
            state = State(state.base, state.athlete_id, state.date, list(consultation.history), asked_next)
            signer.encode(state)
            times.append((time.perf_counter() - start) * 1000)
            if asked_next is None:
                return times[1:]  # the first one is the start, not an answer


def report_cold(advisor: Advisor, snapshot: dict[str, Any]) -> float:
    """The time to make a report that is not kept yet (what the first view costs without the head start)."""
    advisor._reports.clear()
    start = time.perf_counter()
    advisor.report(snapshot)
    return (time.perf_counter() - start) * 1000


def _row(name: str, values: list[float]) -> str:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"| {name} | {len(values)} | {statistics.median(values):.1f} | {p95:.1f} | {max(values):.1f} |"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="replay every scenario this many times")
    args = parser.parse_args()
    config = WebConfig(port=_free_port())
    app = create_app(config)
    server = uvicorn.Server(uvicorn.Config(app, host=config.host, port=config.port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    advisor = Advisor(config)
    times: dict[str, list[float]] = {
        name: [] for name in ("home", "start", "answer", "report", "report again", "download")
    }
    local: list[float] = []
    cold: list[float] = []
    answers = []
    scenarios = _scenarios()
    with httpx.Client(base_url=config.base_url, timeout=30) as client:
        _timed([], client.get, "/")  # warm-up
        for _round in range(args.rounds):
            for _name, snapshot in scenarios:
                answers.append(replay_http(client, advisor, snapshot, times))
                local += server_side(advisor, snapshot)
                cold.append(report_cold(advisor, snapshot))
    server.should_exit = True
    thread.join(10)
    print(f"Python {platform.python_version()} on {platform.machine()}, {len(scenarios)} scenarios x {args.rounds}, ")
    print(f"{sum(answers)} answers ({min(answers)}-{max(answers)} per consultation)\n")
    print("| what | n | median ms | p95 ms | max ms |")
    print("|---|---:|---:|---:|---:|")
    print(_row("answer, server side (re-evaluation, in-process)", local))
    print(_row("POST /consult (an answer, HTTP, page included)", times["answer"]))
    print(_row("GET /consult?athlete_id= (start)", times["start"]))
    print(_row("GET / (home)", times["home"]))
    print(_row("POST /consult/report (report page with the plan), first", times["report"]))
    print(_row("POST /consult/report, again (kept)", times["report again"]))
    print(_row("report made cold (explain + plan + HTML, in-process)", cold))
    print(_row("POST /consult/download (snapshot YAML)", times["download"]))


if __name__ == "__main__":
    sys.exit(main())
