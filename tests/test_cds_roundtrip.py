"""The FHIR mapping round-trips: any snapshot the command line accepts, sent as FHIR resources to
the service, gives the same advice as `recommend` on that snapshot."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings

from cds_client import TestClient, client, post
from cds_fhir import hook_request
from runstrong.advice.result import recommend
from runstrong.cds.cards import card
from runstrong.cds.fhir import to_snapshot
from runstrong.cds.request import resources
from runstrong.engine.evaluator import Evaluator
from runstrong.snapshot.validation import validation_problems
from strategies import snapshots

CDS: TestClient = client()


def _advice(result: dict[str, Any]) -> tuple[Any, ...]:
    return (
        result["status"],
        [(rec["adjustment"], rec["params"]) for rec in result["recommendations"]],
        result["summary"],
        [entry["field"] for entry in result["unknown"]],
    )


def _pruned(node: dict[str, Any]) -> dict[str, Any]:
    """The snapshot without empty sections (`profile: {}` says nothing, and is not sent)."""
    pruned = {}
    for key, value in node.items():
        if isinstance(value, dict):
            value = _pruned(value)
            if not value:
                continue
        pruned[key] = value
    return pruned


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshots)
def test_a_snapshot_sent_as_fhir_gives_the_advice_recommend_gives(
    evaluator: Evaluator, snapshot: dict[str, Any]
) -> None:
    snapshot.pop("provenance", None)  # rules do not read it; it is not sent as Observations
    assert validation_problems(snapshot) == []
    expected = recommend(evaluator, snapshot)
    request = hook_request(snapshot)
    found = [pair for key in ("observations", "conditions") for pair in resources(request["prefetch"][key], key)]
    mapped = to_snapshot(snapshot["athlete_id"], found, snapshot["date"])
    assert mapped.snapshot == _pruned(snapshot)
    assert _advice(recommend(evaluator, mapped.snapshot)) == _advice(expected)
    response = post(CDS, request)
    assert response.status_code == 200, response.text
    cards = response.json()["cards"]
    if not request["prefetch"]["observations"]["entry"]:  # no field beyond athlete_id and date: no card
        assert cards == []
        return
    [given_card] = cards
    wanted = card(expected, "http://127.0.0.1:8765", snapshot["athlete_id"])
    for key in ("summary", "indicator", "detail", "links", "source"):
        assert given_card[key] == wanted[key], key
