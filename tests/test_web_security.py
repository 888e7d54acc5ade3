"""The web app's security over HTTP: the token beyond loopback, sign-in, CSRF on forms, the size
limit, the host check, escaped output, no stack traces, the strict input boundary."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from click.testing import CliRunner

from runstrong.cli.main import cli
from runstrong.util.errors import UserError
from runstrong.web.app import create_app
from runstrong.web.config import WebConfig
from web_client import BASE_URL, TestClient, csrf, hidden, start, web_client

TOKEN = "s3cret-token-for-tests"
SNAPSHOT = "athlete_id: ana\ndate: 2026-11-24\n"
CDS = "/cds-services"


@pytest.fixture(scope="module")
def client() -> TestClient:
    return web_client(WebConfig(max_request_bytes=20_000))


@pytest.fixture(scope="module")
def guarded() -> TestClient:
    return web_client(WebConfig(host="0.0.0.0", token=TOKEN))


def test_beyond_loopback_the_app_needs_a_token() -> None:
    with pytest.raises(UserError, match="needs a token"):
        create_app(WebConfig(host="0.0.0.0"))


def test_with_a_token_every_request_needs_it(guarded: TestClient) -> None:
    for path in ("/", "/consult?athlete_id=ana", "/static/style.css", CDS):
        assert guarded.get(path, headers={"Accept": "application/json"}).status_code == 401, path
    assert guarded.get(CDS).json()["error"] == "token required"
    assert guarded.get(CDS, headers={"Authorization": "Bearer wrong"}).status_code == 401
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert guarded.get("/", headers=bearer).status_code == 200
    assert guarded.get(CDS, headers=bearer).status_code == 200
    page = guarded.get("/", headers={"Accept": "text/html"})
    assert page.status_code == 401 and 'name="token"' in page.text  # a browser is asked to sign in


def test_a_browser_signs_in_once_with_the_token() -> None:
    client = web_client(WebConfig(host="0.0.0.0", token=TOKEN))
    form = client.get("/consult?athlete_id=ana", headers={"Accept": "text/html"}).text
    data = {"csrf": hidden(form, "csrf"), "next": hidden(form, "next")}
    wrong = client.post("/login", data={**data, "token": "guess"}, follow_redirects=False)
    assert wrong.status_code == 401 and "not the token" in wrong.text
    right = client.post("/login", data={**data, "token": TOKEN}, follow_redirects=False)
    assert right.status_code == 303 and right.headers["location"] == "/consult?athlete_id=ana"
    assert TOKEN not in right.headers["set-cookie"]  # the cookie is derived from the token, not the token
    assert client.get("/consult?athlete_id=ana").status_code == 200
    assert client.get("/static/style.css").status_code == 200


def test_login_goes_back_only_to_this_server() -> None:
    client = web_client(WebConfig(host="0.0.0.0", token=TOKEN))
    form = client.get("/", headers={"Accept": "text/html"}).text
    data = {"csrf": hidden(form, "csrf"), "token": TOKEN}
    for elsewhere in ("https://evil.example/", "//evil.example/x", "/\\evil.example"):
        response = client.post("/login", data={**data, "next": elsewhere}, follow_redirects=False)
        assert response.headers["location"] == "/", elsewhere


def test_a_form_without_the_session_csrf_token_is_refused(client: TestClient) -> None:
    files = {"snapshot": ("s.yaml", SNAPSHOT.encode())}
    assert client.post("/consult/start", files=files).status_code == 403
    assert client.post("/consult/start", data={"csrf": "0" * 64}, files=files).status_code == 403
    other = web_client()  # another browser's token does not work here
    stolen = csrf(other)
    refused = client.post("/consult/start", data={"csrf": stolen}, files=files)
    assert refused.status_code == 403 and "CSRF" in refused.text
    assert client.post("/consult/start", data={"csrf": csrf(client)}, files=files).status_code == 200


def test_the_cds_endpoints_take_json_without_a_csrf_token_but_with_the_bearer_token(guarded: TestClient) -> None:
    body = {"hook": "patient-view", "hookInstance": "x", "context": {"patientId": "p1"}, "prefetch": {}}
    path = guarded.get(CDS, headers={"Authorization": f"Bearer {TOKEN}"}).json()["services"][0]["id"]
    assert guarded.post(f"{CDS}/{path}", json=body).status_code == 401
    answered = guarded.post(f"{CDS}/{path}", json=body, headers={"Authorization": f"Bearer {TOKEN}"})
    assert answered.status_code not in (401, 403)  # the CDS service's own answer (cards, 400 or 412)


def test_a_request_over_the_size_limit_is_413_with_a_clear_message(client: TestClient) -> None:
    big = {"snapshot": ("big.yaml", b"#" * 30_000)}
    response = client.post("/consult/start", data={"csrf": csrf(client)}, files=big)
    assert response.status_code == 413 and "at most 20000 bytes" in response.text

    def chunks() -> Any:  # no Content-Length: counted as it arrives
        for _ in range(30):
            yield b"x" * 1_000

    streamed = client.post("/consult/start", content=chunks(), headers={"Content-Type": "text/plain"})
    assert streamed.status_code == 413
    api = client.post(f"{CDS}/any", content=b"{" + b" " * 30_000 + b"}", headers={"Content-Type": "application/json"})
    assert api.status_code == 413 and "at most 20000 bytes" in api.json()["problems"][0]


def test_hostile_text_is_escaped(client: TestClient) -> None:
    hostile = "<script>alert(1)</script>"
    page = client.get("/consult", params={"athlete_id": hostile, "date": "2026-11-24"})
    assert page.status_code == 200
    assert hostile not in page.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in page.text
    uploaded = start(client, f'athlete_id: "{hostile}"\ndate: 2026-11-24\n')
    assert hostile not in uploaded.text and "&lt;script&gt;" in uploaded.text
    report = start(client, f'athlete_id: "{hostile}"\ndate: 2026-11-24\n', path="/report/start")
    assert report.status_code == 200 and hostile not in report.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"


def test_an_invalid_upload_names_the_field_what_was_expected_and_what_was_given(client: TestClient) -> None:
    response = start(client, SNAPSHOT + "wellbeing: {sleep_h_avg_7d: lots}\n")
    assert response.status_code == 400
    assert "wellbeing.sleep_h_avg_7d: expected a number; got &#34;lots&#34;" in response.text
    nan = start(client, '{"athlete_id": "ana", "date": "2026-11-24", "running": {"week_km": NaN}}', "s.json")
    assert nan.status_code == 400 and "NaN is not a number" in nan.text
    bad_id = client.get("/consult", params={"athlete_id": "", "date": "2026-11-24"})
    assert bad_id.status_code == 400 and "athlete_id: expected non-empty text" in bad_id.text


def test_an_error_shows_a_generic_page_and_is_logged_not_sent(
    client: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> str:
        raise RuntimeError("internal detail 42")

    monkeypatch.setattr(client.app.state.advisor, "report", broken)  # type: ignore[attr-defined]
    with caplog.at_level(logging.ERROR, logger="runstrong.web"):
        response = start(client, SNAPSHOT, path="/report/start")
    assert response.status_code == 500 and "Something went wrong" in response.text
    assert "internal detail 42" not in response.text and "Traceback" not in response.text
    assert "internal detail 42" in caplog.text


def test_only_loopback_host_names_are_answered_on_loopback(client: TestClient) -> None:
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400  # DNS rebinding
    assert client.get("/", headers={"Host": "localhost:8765"}).status_code == 200
    assert client.get("/", headers={"Host": "[::1]:8765"}).status_code == 200
    assert BASE_URL.startswith("http://127.0.0.1")


def test_serve_refuses_beyond_loopback_without_a_token_and_warns_with_one(monkeypatch: pytest.MonkeyPatch) -> None:
    runner = CliRunner()
    refused = runner.invoke(cli, ["serve", "--host", "0.0.0.0"], env={"RUNSTRONG_TOKEN": ""})
    assert refused.exit_code == 2 and "needs a token (--token or RUNSTRONG_TOKEN)" in refused.output
    served: dict[str, Any] = {}
    monkeypatch.setattr("uvicorn.run", lambda app, **kwargs: served.update(kwargs))
    warned = runner.invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "9001"], env={"RUNSTRONG_TOKEN": TOKEN})
    assert warned.exit_code == 0, warned.output
    assert "warning: listening on 0.0.0.0" in warned.output and served == {
        "host": "0.0.0.0",
        "port": 9001,
        "log_level": "warning",
        "access_log": False,
    }


def test_serve_without_the_web_extra_exits_2_naming_it(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "fastapi" else real(name, *a))
    result = CliRunner().invoke(cli, ["serve"])
    assert result.exit_code == 2 and "runstrong[web]" in result.output and "fastapi" in result.output
