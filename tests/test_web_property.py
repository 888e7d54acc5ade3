"""For generated athletes and any presses of the consultation page's buttons, the server never
fails, and the advice it gives is exactly `recommend` on the snapshot it lets you download."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runstrong.advice.render import render_json
from runstrong.advice.result import recommend
from runstrong.engine.evaluator import Evaluator
from runstrong.snapshot.validation import parse_snapshot
from test_consult_property import athletes
from web_client import TestClient, hidden, post_answer, start, web_client

PRESSES = st.lists(st.sampled_from(["unknown", "back", "yes", "no", "answer", "choice:none", "finish"]), max_size=6)
SECTIONS = st.sets(st.sampled_from(["profile", "plan", "running", "symptoms", "wellbeing", "metrics"]), max_size=4)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return web_client()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshot=athletes(), known=SECTIONS, presses=PRESSES, number=st.integers(-5, 300).map(str))
def test_any_presses_end_in_recommends_advice_on_the_downloaded_snapshot(
    client: TestClient,
    evaluator: Evaluator,
    snapshot: dict[str, Any],
    known: set[str],
    presses: list[str],
    number: str,
) -> None:
    partial = {key: value for key, value in snapshot.items() if key in known or key in ("athlete_id", "date")}
    response = start(client, yaml.safe_dump(partial))
    assert response.status_code == 200
    page = response.text
    for press in presses:
        response = post_answer(client, page, press, answer=number)
        assert response.status_code in (200, 400), response.text  # 400: that answer does not fit the question
        page = response.text
    form = {"csrf": hidden(page, "csrf"), "state": hidden(page, "state")}
    saved = client.post("/consult/download", data={**form, "what": "snapshot"})
    advice = client.post("/consult/download", data={**form, "what": "advice"})
    assert advice.text == render_json(recommend(evaluator, parse_snapshot(saved.text, "saved.yaml")))
