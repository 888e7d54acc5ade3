"""The CDS Hooks service over HTTP (FastAPI's test client): discovery, the example requests and
their cards, and the 400 / 404 / 412 / 413 / 415 answers."""

from __future__ import annotations

import copy
import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from cds_client import DATA, TestClient, client, example, post
from runstrong.advice.result import recommend
from runstrong.cds.fhir import to_snapshot
from runstrong.cds.request import resources
from runstrong.engine.evaluator import Evaluator
from runstrong.snapshot.validation import read_snapshot
from runstrong.web.config import WebConfig

ROOT = Path(__file__).resolve().parent.parent
RULE_ID = re.compile(r"\b[A-Z]{2}\d{2}\b")


@pytest.fixture(scope="module")
def cds() -> TestClient:
    return client()


def only_card(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    assert len(cards) == 1
    card: dict[str, Any] = cards[0]
    return card


def test_discovery_lists_one_patient_view_service_with_its_prefetch(cds: TestClient) -> None:
    services = cds.get("/cds-services").json()["services"]
    assert len(services) == 1
    service = services[0]
    assert service["id"] == "runstrong-patient-view" and service["hook"] == "patient-view"
    assert service["title"] and service["description"]
    assert service["prefetch"]["patient"] == "Patient/{{context.patientId}}"
    assert service["prefetch"]["observations"].startswith(
        "Observation?patient={{context.patientId}}&code=urn:runstrong:field|"
    )
    assert service["prefetch"]["observations"].endswith("|,http://loinc.org|93832-4")
    assert service["prefetch"]["conditions"] == "Condition?patient={{context.patientId}}&code=urn:runstrong:injury|"


def test_achilles_flare_up_gives_a_warning_card_with_the_advice_in_words(cds: TestClient, evaluator: Evaluator) -> None:
    card = only_card(post(cds, example("achilles-flare-up")))
    expected = recommend(evaluator, read_snapshot(ROOT / "examples" / "achilles-flare-up.yaml"))
    assert expected["status"] == "amber"
    assert card["indicator"] == "warning"
    assert card["summary"] == expected["summary"]["headline"] and len(card["summary"]) < 140
    for reason in expected["summary"]["reasons"]:
        assert reason in card["detail"]
    for action in expected["summary"]["actions"]:
        assert action["text"] in card["detail"]
    assert "Achilles pain 6/10 during loading" in card["detail"]
    assert not RULE_ID.search(card["detail"]), "no rule notation in the card"
    assert "**Not known**" in card["detail"] and "past running injuries" in card["detail"]
    ruleset = expected["ruleset"]
    assert ruleset["version"] in card["source"]["label"] and ruleset["digest"][:16] in card["source"]["label"]
    assert card["links"] == [
        {
            "label": "Open the runstrong consultation for this patient",
            "url": "http://127.0.0.1:8765/consult?athlete_id=ana",
            "type": "absolute",
        }
    ]
    assert {r["code"] for r in card["overrideReasons"]} >= {"assessed-in-person", "already-managed"}
    assert all(r["system"] == "urn:runstrong:override-reason" and r["display"] for r in card["overrideReasons"])
    uuid.UUID(card["uuid"])


def test_a_same_day_red_flag_gives_a_critical_card_that_schedules_nothing(cds: TestClient) -> None:
    """A swollen, warm calf (possible DVT): a doctor today, nothing scheduled until then."""
    request = example("red-flag")
    for entry in request["prefetch"]["observations"]["entry"]:
        concept = entry["resource"].get("valueCodeableConcept")
        if concept:
            concept["coding"][0]["code"] = "calf_swelling_warmth"
    card = only_card(post(cds, request))
    assert card["indicator"] == "critical"
    assert card["summary"].startswith("RED: see the emergency department today")
    assert "no training and no running" in card["detail"]
    assert "physiotherapist" not in card["detail"]


def test_a_red_flag_gives_a_referral_card_by_its_urgency_and_nothing_that_increases(
    cds: TestClient, evaluator: Evaluator
) -> None:
    """Bone stress signs: a sports physician within the week, a `warning` card (an emergency or
    same-day referral is `critical`: the next test)."""
    request = example("red-flag")
    card = only_card(post(cds, request))
    assert card["indicator"] == "warning"
    assert card["summary"].startswith("RED: see a doctor this week")
    assert "Pain that wakes you at night" in card["detail"] and "Tenderness on one spot of a bone" in card["detail"]
    found = [
        pair for key in ("observations", "conditions", "patient") for pair in resources(request["prefetch"][key], key)
    ]
    mapped = to_snapshot("ben", found, "2026-12-01")
    result = recommend(evaluator, mapped.snapshot)
    assert result["status"] == "red"
    assert all(rec["direction"] != "increase" for rec in result["recommendations"])
    assert "progress" not in card["detail"].lower() and "carry on" not in card["detail"].lower()
    # the Patient, the LOINC sleep duration (in minutes) and the Condition were read
    assert mapped.snapshot["profile"] == {
        "sex": "male",
        "age": 32,
        "injury_history": [{"type": "bone_stress_injury", "months_ago": 14.5}],
    }
    assert mapped.snapshot["wellbeing"] == {"sleep_h_last_night": 7.5}
    assert mapped.snapshot["date"] == "2026-11-30"


def test_a_healthy_runner_gets_an_info_card(cds: TestClient, evaluator: Evaluator) -> None:
    card = only_card(post(cds, example("healthy-runner")))
    expected = recommend(evaluator, read_snapshot(ROOT / "examples" / "healthy-base-week4.yaml"))
    assert expected["status"] == "green"
    assert card["indicator"] == "info" and card["summary"].startswith("GREEN")
    assert card["links"][0]["url"].endswith("/consult?athlete_id=runner-017")


def test_partial_data_is_evaluated_and_what_is_missing_is_not_known_never_fine(cds: TestClient) -> None:
    request = example("achilles-flare-up")
    entries = request["prefetch"]["observations"]["entry"]
    request["prefetch"]["observations"]["entry"] = [
        e for e in entries if e["resource"]["code"]["coding"][0]["code"] in ("plan.phase", "metrics.reps_above_target")
    ]
    del request["prefetch"]["conditions"]
    card = only_card(post(cds, request))
    assert card["summary"].startswith("NOT ENOUGH INFORMATION") and card["indicator"] == "warning"
    assert "red-flag signs" in card["detail"].split("**Not known**")[1]


def test_no_prefetch_and_no_fhir_server_is_412_saying_what_is_missing(cds: TestClient) -> None:
    request = example("achilles-flare-up")
    del request["prefetch"]
    response = post(cds, request)
    assert response.status_code == 412
    assert response.json()["error"] == "precondition failed"
    assert "prefetch.observations" in response.json()["problems"][0]
    request["prefetch"] = {"observations": None}  # a client that could not prefetch sends null
    assert post(cds, request).status_code == 412


def test_a_patient_with_no_runstrong_data_gets_no_card(cds: TestClient) -> None:
    request = example("achilles-flare-up")
    request["prefetch"] = {"observations": {"resourceType": "Bundle", "type": "searchset", "entry": []}}
    response = post(cds, request)
    assert response.status_code == 200 and response.json() == {"cards": []}


def _with(request: dict[str, Any], resource_id: str, **changes: Any) -> dict[str, Any]:
    changed = copy.deepcopy(request)
    for entry in changed["prefetch"]["observations"]["entry"]:
        if entry["resource"]["id"] == resource_id:
            entry["resource"].update(changes)
    return changed


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_or_infinity_in_a_value_quantity_is_400_naming_the_resource(cds: TestClient, constant: str) -> None:
    request = example("achilles-flare-up")
    text = json.dumps(_with(request, "obs-3", valueQuantity={"value": 123456.5, "unit": "km"}))
    response = post(cds, text.replace("123456.5", constant))
    assert response.status_code == 400
    assert response.json()["problems"] == [
        f'Observation/obs-3.valueQuantity.value: expected a number, got "{constant}"'
    ]


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"valueQuantity": {"value": "54"}}, 'Observation/obs-1.valueQuantity.value: expected a number; got "54"'),
        (
            {"valueQuantity": {"value": 5000, "code": "km"}},
            "Observation/obs-1.valueQuantity.value (running.week_km): expected a number from 0 to 1000; got 5000",
        ),
        (
            {"valueQuantity": {"value": 54, "code": "kg"}},
            'Observation/obs-1.valueQuantity.code: expected a quantity in km (UCUM); got "kg"',
        ),
        (
            {"valueQuantity": None, "valueBoolean": True},
            "Observation/obs-1.valueBoolean: expected valueQuantity (a number, in km) or valueInteger"
            " for running.week_km; got valueBoolean",
        ),
        (
            {"code": {"coding": [{"system": "urn:runstrong:field", "code": "running.week_kms"}]}},
            "Observation/obs-1.code: unknown runstrong field \"running.week_kms\"; did you mean 'running.week_km'?",
        ),
        (
            {"subject": {"reference": "Patient/someone-else"}},
            "Observation/obs-1.subject.reference: expected Patient/ana (the patient in context);"
            ' got "Patient/someone-else"',
        ),
        (
            {"effectiveDateTime": "2026-13-45"},
            'Observation/obs-1.effectiveDateTime: expected a real date; got "2026-13-45"',
        ),
    ],
)
def test_a_bad_observation_is_400_naming_the_element_what_was_expected_and_given(
    cds: TestClient, change: dict[str, Any], problem: str
) -> None:
    request = example("achilles-flare-up")
    assert request["prefetch"]["observations"]["entry"][0]["resource"]["code"]["coding"][0]["code"] == "running.week_km"
    changed = _with(request, "obs-1", **change)
    for entry in changed["prefetch"]["observations"]["entry"]:
        entry["resource"] = {k: v for k, v in entry["resource"].items() if v is not None}
    response = post(cds, changed)
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "bad request", "problems": [problem]}


def test_a_list_item_out_of_range_names_its_component_and_the_field(cds: TestClient) -> None:
    request = example("achilles-flare-up")
    text = json.dumps(request).replace('"valueQuantity": {"value": 6}', '"valueQuantity": {"value": 12}', 1)
    response = post(cds, text)
    assert response.status_code == 400
    [problem] = response.json()["problems"]
    assert re.fullmatch(
        r"Observation/obs-\d+\.component\[\d\]\.valueQuantity\.value \(symptoms\.\w+\[0\]\.\w+\): "
        r"expected a number from 0 to 10; got 12",
        problem,
    ), problem


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("{", "(request): not valid JSON"),
        ("[]", "(request): expected a JSON object"),
        ('{"hook": "patient-view", "hook": "order-select"}', "the key 'hook' is given twice"),
        (
            {"hook": "order-select", "hookInstance": "x", "context": {"patientId": "p"}},
            "hook: this service answers the patient-view hook",
        ),
        ({"hook": "patient-view", "hookInstance": "x", "context": {}}, "context.patientId: expected text; got nothing"),
        ({"hook": "patient-view", "context": {"patientId": "p"}}, "hookInstance: expected text"),
        (
            {"hook": "patient-view", "hookInstance": "x", "context": {"patientId": "p"}, "fhirServer": "file:///etc"},
            "fhirServer: expected an http:// or https:// address",
        ),
        (
            {
                "hook": "patient-view",
                "hookInstance": "x",
                "context": {"patientId": "p"},
                "prefetch": {"observations": {"resourceType": "Bundle", "entry": [{"resource": 3}]}},
            },
            "prefetch.observations.entry[0].resource: expected a FHIR resource; got 3",
        ),
        (
            {
                "hook": "patient-view",
                "hookInstance": "x",
                "context": {"patientId": "p\u0007"},
                "prefetch": {
                    "observations": {
                        "resourceType": "Bundle",
                        "entry": [
                            {
                                "resource": {
                                    "resourceType": "Observation",
                                    "id": "o",
                                    "code": {"coding": [{"system": "urn:runstrong:field", "code": "wellbeing.mood"}]},
                                    "valueInteger": 3,
                                }
                            }
                        ],
                    }
                },
            },
            "context.patientId (athlete_id): expected text without control characters",
        ),
    ],
)
def test_a_malformed_request_is_400_saying_what_was_wrong(cds: TestClient, body: Any, problem: str) -> None:
    response = post(cds, body)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "bad request"
    assert any(problem in p for p in response.json()["problems"]), response.json()


def test_an_unknown_service_is_404_any_content_type_is_read_and_the_body_must_be_small(cds: TestClient) -> None:
    assert post(cds, example("healthy-runner"), "/cds-services/no-such-service").status_code == 404
    assert post(cds, {"feedback": []}, "/cds-services/no-such-service/feedback").status_code == 404
    body = (DATA / "healthy-runner.json").read_bytes()
    untyped = cds.post("/cds-services/runstrong-patient-view", content=body, headers={"Content-Type": "text/plain"})
    assert untyped.status_code == 200, "a body is read as JSON whatever its Content-Type says"
    small = client(WebConfig(max_request_bytes=1000))
    assert post(small, example("healthy-runner")).status_code == 413


def test_cors_is_offered_only_when_the_server_requires_a_token(cds: TestClient) -> None:
    assert "access-control-allow-origin" not in cds.get("/cds-services").headers
    page = {"Origin": "https://some.page.example", "Content-Type": "text/plain"}
    refused = cds.post("/cds-services/runstrong-patient-view", content=json.dumps(example("red-flag")), headers=page)
    assert refused.status_code == 403 and "need the server to require a token" in refused.json()["problems"][0]
    same = {"Origin": "http://testserver", "Content-Type": "application/json"}
    assert (
        cds.post(
            "/cds-services/runstrong-patient-view", content=json.dumps(example("red-flag")), headers=same
        ).status_code
        == 200
    )
    assert cds.options("/cds-services/runstrong-patient-view").status_code == 403
    guarded = client(WebConfig(token="s3cret"))
    assert post_from(guarded, "https://sandbox.example").status_code == 200
    preflight = guarded.options("/cds-services/runstrong-patient-view")
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "Authorization" in preflight.headers["access-control-allow-headers"]
    assert guarded.get("/cds-services").headers["access-control-allow-origin"] == "*"


def test_the_snapshot_dates_from_the_newest_observation_and_a_field_sent_twice_takes_the_latest(
    cds: TestClient, evaluator: Evaluator
) -> None:
    request = example("achilles-flare-up")
    entries = request["prefetch"]["observations"]["entry"]
    old = copy.deepcopy(entries[0])
    old["resource"].update(id="obs-old", effectiveDateTime="2026-10-01", valueQuantity={"value": 10, "code": "km"})
    entries.append(old)
    assert only_card(post(cds, request))["summary"] == "AMBER: ease off this week"
    found = resources(request["prefetch"]["observations"], "observations")
    assert to_snapshot("ana", found, "2026-12-01").snapshot["running"]["week_km"] == 54
    same_day = copy.deepcopy(old)
    same_day["resource"].update(id="obs-same", effectiveDateTime="2026-11-24")
    entries.append(same_day)
    response = post(cds, request)
    assert response.status_code == 400
    assert "running.week_km is given twice with different values" in response.json()["problems"][0]


def test_the_example_snapshot_and_its_request_give_the_same_result(evaluator: Evaluator) -> None:
    snapshot = yaml.safe_load((ROOT / "examples" / "achilles-flare-up.yaml").read_text(encoding="utf-8"))
    snapshot["date"] = str(snapshot["date"])
    request = example("achilles-flare-up")
    found = [pair for key in ("observations", "conditions") for pair in resources(request["prefetch"][key], key)]
    assert to_snapshot("ana", found, "2026-12-01").snapshot == snapshot


def test_this_weeks_data_older_than_a_week_is_not_used_and_the_card_says_so(cds: TestClient) -> None:
    request = example("healthy-runner")
    for entry in request["prefetch"]["observations"]["entry"]:
        code = entry["resource"]["code"]["coding"][0]["code"]
        if code in ("symptoms.red_flags", "profile.running_years"):
            entry["resource"]["effectiveDateTime"] = "2026-10-20"
    card = only_card(post(cds, request))
    assert not card["summary"].startswith("GREEN"), "an old 'no red flags' is not none now"
    stale = card["detail"].split("**Not used: more than 7 days older than the newest data**")[1]
    assert "red-flag signs (of 2026-10-20)" in stale and "running" not in stale.split("_Data as of")[0]
    found = resources(request["prefetch"]["observations"], "observations")
    mapped = to_snapshot("runner-017", found, "2026-12-01")
    assert "red_flags" not in mapped.snapshot["symptoms"] and mapped.snapshot["profile"]["running_years"] == 8
    assert mapped.stale == {"symptoms.red_flags": "2026-10-20"}


def test_an_item_with_components_and_a_value_is_refused(cds: TestClient) -> None:
    request = example("achilles-flare-up")
    tendon = next(e["resource"] for e in request["prefetch"]["observations"]["entry"] if "component" in e["resource"])
    tendon["valueBoolean"] = False
    response = post(cds, request)
    assert response.status_code == 400
    assert response.json()["problems"] == [
        f"Observation/{tendon['id']}: expected components or valueBoolean false (none), not both; got valueBoolean too"
    ]


def post_from(test_client: TestClient, origin: str) -> Any:
    headers = {"Origin": origin, "Content-Type": "application/json"}
    return test_client.post(
        "/cds-services/runstrong-patient-view", content=json.dumps(example("red-flag")), headers=headers
    )
