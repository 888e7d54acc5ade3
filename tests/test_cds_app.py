"""The CDS Hooks service inside the whole web app (`create_app`): its security in front, the same
answers behind it."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from cds_client import SERVICE, TestClient, example, post
from runstrong.cli.main import cli
from runstrong.web.app import create_app
from runstrong.web.config import WebConfig


def test_the_service_answers_through_the_app_on_loopback(tmp_path: Path) -> None:
    log = tmp_path / "audit.jsonl"
    app = TestClient(create_app(WebConfig(audit_log=log)))
    assert app.get("/cds-services").json()["services"][0]["id"] == "runstrong-patient-view"
    card = post(app, example("red-flag")).json()["cards"][0]
    assert card["indicator"] == "warning"  # a referral within the week
    assert post(app, {"hook": "patient-view"}).status_code == 400
    feedback = {"feedback": [{"card": card["uuid"], "outcome": "accepted", "outcomeTimestamp": "2026-12-01T10:00:00Z"}]}
    assert post(app, feedback, f"{SERVICE}/feedback").json() == {"recorded": 1}
    verified = CliRunner().invoke(cli, ["audit", "verify", str(log)])
    assert verified.exit_code == 0, verified.output


def test_with_a_token_the_service_needs_it_and_offers_cors() -> None:
    app = TestClient(create_app(WebConfig(host="0.0.0.0", token="s3cret-token")))
    assert post(app, example("healthy-runner")).status_code == 401
    headers = {"Content-Type": "application/json", "Authorization": "Bearer s3cret-token"}
    response = app.post(
        SERVICE, content=(Path(__file__).parent / "data/cds/healthy-runner.json").read_bytes(), headers=headers
    )
    assert response.status_code == 200 and response.json()["cards"][0]["indicator"] == "info"
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = app.options(
        SERVICE, headers={"Origin": "https://sandbox.example", "Access-Control-Request-Method": "POST"}
    )
    assert preflight.status_code == 204 and "Authorization" in preflight.headers["access-control-allow-headers"]
