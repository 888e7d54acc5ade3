"""The consultation and report pages over HTTP: the same questions as `runstrong consult`, the
final advice equal to `recommend` on the downloaded snapshot, back, unknown, why and how."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from runstrong.advice.render import render_json
from runstrong.advice.result import recommend
from runstrong.consult.dialogue import Consultation
from runstrong.engine.evaluator import Evaluator
from runstrong.snapshot.partial import RED_FLAGS, Partial
from runstrong.snapshot.validation import parse_snapshot, read_snapshot
from runstrong.web.config import WebConfig
from web_client import TestClient, hidden, post_answer, question_slot, replay, start, web_client

ROOT = Path(__file__).resolve().parent.parent
ACHILLES = ROOT / "examples" / "achilles-flare-up.yaml"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return web_client()


def _partial_achilles() -> str:
    """The Achilles example without its red-flag checklist and tendon list: they are asked."""
    data = yaml.safe_load(ACHILLES.read_text(encoding="utf-8"))
    del data["symptoms"]["red_flags"], data["symptoms"]["tendon"]
    return yaml.safe_dump(data)


def test_a_consultation_asks_what_consult_asks_and_ends_with_the_advice_recommend_gives(
    client: TestClient, evaluator: Evaluator
) -> None:
    text = _partial_achilles()
    base = parse_snapshot(text, "partial.yaml")
    page = start(client, text)
    assert page.status_code == 200
    assert question_slot(page.text) == ("field", "profile.sex")  # it decides which red flags are asked
    local = Consultation(evaluator, Partial.from_snapshot(base), "ana", "2026-11-24")
    final, answers = replay(client, page.text, local, read_snapshot(ACHILLES))
    assert answers == len(local.history) > 5
    assert "Consultation complete" in final
    form = {"csrf": hidden(final, "csrf"), "state": hidden(final, "state")}
    saved = client.post("/consult/download", data={**form, "what": "snapshot"})
    assert saved.headers["content-disposition"] == 'attachment; filename="ana-2026-11-24.yaml"'
    snapshot = parse_snapshot(saved.text, "saved.yaml")
    expected = recommend(evaluator, snapshot)
    advice = client.post("/consult/download", data={**form, "what": "advice"})
    assert advice.text == render_json(expected)  # the advice is exactly `recommend` on the saved snapshot
    assert f'data-status="{expected["status"]}"' in final
    shown = " ".join(rec["adjustment"] for rec in expected["recommendations"])
    assert f'data-adjustments="{shown}"' in final
    assert "stop-painful-exercise" in shown  # the Achilles pain 6/10 was asked and answered
    assert snapshot["symptoms"]["tendon"][0]["site"] == "achilles"


def test_back_returns_to_the_question_and_unknown_is_an_answer(client: TestClient) -> None:
    sex = client.get("/consult", params={"athlete_id": "bo", "date": "2026-11-24"}).text
    assert question_slot(sex) == ("field", "profile.sex")
    first = post_answer(client, sex, "choice:male").text
    assert question_slot(first) == ("list", RED_FLAGS)
    assert "period" not in first.split('data-slot="')[1].split("</form>")[0]  # not asked of a man
    second = post_answer(client, first, "no").text
    assert question_slot(second) != ("list", RED_FLAGS)
    assert "period" not in second  # nor in the answers listed
    assert "Red-flag screen" in second and "<strong>no</strong>" in second  # listed under the answers so far
    third = post_answer(client, second, "unknown").text
    assert "<strong>unknown</strong>" in third
    back = post_answer(client, third, "back").text
    assert question_slot(back) == question_slot(second)
    assert post_answer(client, back, "back").text.count("<strong>") < back.count("<strong>")


def test_a_wrong_answer_names_the_field_and_what_is_expected(client: TestClient) -> None:
    page = client.get("/consult", params={"athlete_id": "bo", "date": "2026-11-24"}).text
    page = post_answer(client, page, "choice:male").text
    page = post_answer(client, page, "no").text  # no red flags
    while 'inputmode="decimal"' not in page:  # on to the first question with a number for its answer
        page = post_answer(client, page, "unknown").text
    slot = question_slot(page)
    assert slot is not None and slot[0] == "field"
    wrong = post_answer(client, page, "answer", answer="lots")
    assert wrong.status_code == 400
    assert f"{slot[1]}: &#39;lots&#39; is not a number; expected a" in wrong.text  # field path, given, expected
    assert question_slot(wrong.text) == slot  # the same question again
    assert post_answer(client, page, "answer", answer="1e999").status_code == 400  # not finite: not a number


def test_why_and_how_are_on_every_question(client: TestClient) -> None:
    page = start(client, _partial_achilles()).text
    assert "Why are you asking?" in page and "rule(s) not decided yet need this answer" in page
    assert "How did you conclude that?" in page and "Provisional advice:" in page


def test_the_red_flag_path_ends_in_a_referral_and_nothing_increases(client: TestClient, evaluator: Evaluator) -> None:
    page = client.get("/consult", params={"athlete_id": "cy", "date": "2026-11-24"}).text
    page = post_answer(client, page, "choice:female").text
    page = post_answer(client, page, "answer", answer="30").text
    page = post_answer(client, page, "yes").text  # something on the checklist
    assert question_slot(page) == ("flag", "exertional_chest_pain")  # the most urgent first
    while question_slot(page) != ("flag", "night_pain"):
        page = post_answer(client, page, "no").text
    page = post_answer(client, page, "yes").text
    assert "A referral to a clinician is now certain" in page
    final = post_answer(client, page, "finish").text
    assert "Consultation stopped" in final and 'data-status="red"' in final
    state = {"csrf": hidden(final, "csrf"), "state": hidden(final, "state")}
    advice = json.loads(client.post("/consult/download", data={**state, "what": "advice"}).text)
    assert advice["status"] == "red"
    assert all(rec["direction"] != "increase" for rec in advice["recommendations"])


def test_a_tampered_state_is_refused(client: TestClient) -> None:
    page = start(client, _partial_achilles()).text
    state = hidden(page, "state")
    forged = ("A" if state[0] != "A" else "B") + state[1:]
    response = client.post("/consult", data={"csrf": hidden(page, "csrf"), "state": forged, "action": "no"})
    assert response.status_code == 400 and "not made by this server run" in response.text


def test_the_report_page_has_the_actions_the_plan_and_a_print_stylesheet(client: TestClient) -> None:
    response = start(client, ACHILLES.read_text(encoding="utf-8"), path="/report/start")
    assert response.status_code == 200
    page = response.text
    assert page.index("This week</h2>") < page.index("Sources</h2>")  # actions before the evidence
    assert "This week in the gym" in page and "Isometric calf hold" in page
    assert "@media print" in page and 'href="/static/report.css"' in page
    assert "display:none" in client.get("/static/report.css").text  # the toolbar is not printed
    download = client.post(
        "/consult/download", data={"csrf": hidden(page, "csrf"), "state": hidden(page, "state"), "what": "report"}
    )
    assert download.headers["content-disposition"] == 'attachment; filename="ana-2026-11-24-report.html"'
    assert "This week in the gym" in download.text and "toolbar" not in download.text


def test_a_consultation_for_an_athlete_in_the_history_starts_from_it(tmp_path: Path) -> None:
    from runstrong.history.db import connect
    from runstrong.history.store import ensure_athlete

    db = tmp_path / "history.sqlite3"
    connection = connect(db)
    ensure_athlete(connection, "dee")
    connection.close()
    client = web_client(WebConfig(db_path=db))
    known = client.get("/consult", params={"athlete_id": "dee", "date": "2026-11-24"})
    assert known.status_code == 200 and "Started from the history of this athlete" in known.text
    new = client.get("/consult", params={"athlete_id": "eve", "date": "2026-11-24"})
    assert new.status_code == 200 and "A new consultation" in new.text
    report = post_answer(client, known.text, "finish")
    page = client.post(
        "/consult/report", data={"csrf": hidden(report.text, "csrf"), "state": hidden(report.text, "state")}
    )
    assert "dee: the last 12 weeks from the history" in page.text and "<svg" in page.text  # the history's plots
    other = post_answer(client, new.text, "finish")
    page = client.post(
        "/consult/report", data={"csrf": hidden(other.text, "csrf"), "state": hidden(other.text, "state")}
    )
    assert page.status_code == 200 and "<svg" not in page.text


def test_audit_log_gets_the_final_decision(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    client = web_client(WebConfig(audit_log=log))
    page = client.get("/consult", params={"athlete_id": "fay", "date": "2026-11-24"}).text
    post_answer(client, page, "finish")
    (line,) = log.read_text(encoding="utf-8").splitlines()
    record = json.loads(line)
    assert record["command"] == "web-consult" and record["snapshot"]["athlete_id"] == "fay"


def test_a_cds_card_links_to_a_consultation_for_that_patient(client: TestClient) -> None:
    from cds_client import example, post

    cards = post(client, example("achilles-flare-up")).json()["cards"]
    url = next(link["url"] for card in cards for link in card.get("links", []) if "/consult?" in link["url"])
    assert url.startswith("http://127.0.0.1:8765/consult?athlete_id=")
    page = client.get(url.removeprefix("http://127.0.0.1:8765"))
    assert page.status_code == 200 and question_slot(page.text) == ("field", "profile.sex")
