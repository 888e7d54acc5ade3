"""Driving the web app in tests: a TestClient on `create_app`, the forms' hidden fields, and a
consultation answered from a complete snapshot (as `answer_from` replays one in the CLI)."""

from __future__ import annotations

import html
import json
import re
import warnings
from typing import Any

with warnings.catch_warnings():  # Starlette asks for httpx2 for its test client; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

from runstrong.consult.dialogue import Consultation, answer_from
from runstrong.snapshot.fields import BOOLEAN, ENUM, SCALAR_LIST
from runstrong.snapshot.validation import Snapshot
from runstrong.web.app import create_app
from runstrong.web.config import WebConfig

BASE_URL = "http://127.0.0.1:8765"


def web_client(config: WebConfig | None = None) -> TestClient:
    """A client of the whole app, as a browser on this computer reaches it."""
    return TestClient(create_app(config or WebConfig()), base_url=BASE_URL, raise_server_exceptions=False)


def hidden(page: str, name: str) -> str:
    """The value of the first hidden input `name` on a page."""
    match = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert match, f"no {name} field on the page"
    return html.unescape(match.group(1))


def csrf(client: TestClient) -> str:
    return hidden(client.get("/").text, "csrf")


def start(client: TestClient, text: str, name: str = "snapshot.yaml", path: str = "/consult/start") -> Any:
    """Upload a snapshot's text to start a consultation (or a report)."""
    return client.post(path, data={"csrf": csrf(client)}, files={"snapshot": (name, text.encode("utf-8"))})


def post_answer(client: TestClient, page: str, action: str, **fields: Any) -> Any:
    """Press a button of the current question's form."""
    data = {"csrf": hidden(page, "csrf"), "state": hidden(page, "state"), "action": action, **fields}
    return client.post("/consult", data=data)


def question_slot(page: str) -> tuple[Any, ...] | None:
    match = re.search(r'data-slot="([^"]*)"', page)
    return tuple(json.loads(html.unescape(match.group(1)))) if match else None


def button_for(consultation: Consultation, text: str) -> tuple[str, dict[str, Any]]:
    """The button (and fields) that give `text` as the answer to the consultation's next question."""
    asked = consultation.next_question()
    assert asked is not None
    if text == "unknown":
        return "unknown", {}
    if asked.spec.kind == BOOLEAN:
        return text, {}
    if asked.spec.kind == ENUM:
        return f"choice:{text}", {}
    if asked.spec.kind == SCALAR_LIST:
        return "answer", {"choice": [] if text == "none" else text.split()}
    return "answer", {"answer": text}


def replay(client: TestClient, page: str, consultation: Consultation, snapshot: Snapshot) -> tuple[str, int]:
    """Answer every question on the pages from `snapshot`, checking each page asks what the CLI's
    engine asks; returns the final page and the number of answers."""
    from runstrong.consult.questions import parse_answer
    from runstrong.snapshot.partial import MISSING

    answers = 0
    while (asked := consultation.next_question()) is not None:
        assert question_slot(page) == asked.slot
        text = answer_from(snapshot, asked.slot, consultation.partial)
        action, fields = button_for(consultation, text)
        response = post_answer(client, page, action, **fields)
        assert response.status_code == 200, response.text
        page = response.text
        consultation.answer(asked.slot, MISSING if text == "unknown" else parse_answer(asked.spec, text))
        answers += 1
    assert question_slot(page) is None
    return page, answers
