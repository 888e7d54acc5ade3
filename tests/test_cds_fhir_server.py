"""Reading the patient's resources from a real FHIR server when prefetch does not carry them: a
tiny server (the standard library's http.server, in a thread) serving FHIR Bundles."""

from __future__ import annotations

import copy
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from cds_client import TestClient, client, example, post

TOKEN = "token-for-ana"


class FhirServer:
    """Observation and Condition searches and Patient reads for one patient, from a request's
    prefetch; the Observations in two pages (a `next` link); every request recorded."""

    def __init__(self, prefetch: dict[str, Any]) -> None:
        self.prefetch = prefetch
        self.requests: list[tuple[str, dict[str, list[str]], str | None]] = []
        self.refused: set[str] = set()  # paths answered 400 (a search the server does not support)
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = parse_qs(url.query)
                server.requests.append((url.path, query, self.headers.get("Authorization")))
                status, body = server.answer(url.path, query, self.headers.get("Authorization"))
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/fhir+json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.http.server_address[1]}/fhir"

    def answer(self, path: str, query: dict[str, list[str]], authorization: str | None) -> tuple[int, Any]:
        if path in self.refused:
            return 400, {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "not-supported"}]}
        if authorization != f"Bearer {TOKEN}":
            return 401, {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "login"}]}
        if path == "/fhir/Patient/ana":
            return 404, {"resourceType": "OperationOutcome", "issue": [{"severity": "error", "code": "not-found"}]}
        if path == "/fhir/Condition" and query.get("patient") == ["ana"]:
            return 200, self.prefetch["conditions"]
        if path == "/fhir/Observation" and query.get("patient") == ["ana"]:
            entries = self.prefetch["observations"]["entry"]
            half = len(entries) // 2
            if query.get("page") == ["2"]:
                return 200, {"resourceType": "Bundle", "type": "searchset", "entry": entries[half:]}
            assert query["code"] == ["urn:runstrong:field|,http://loinc.org|93832-4"]
            first = {"resourceType": "Bundle", "type": "searchset", "entry": entries[:half]}
            first["link"] = [{"relation": "next", "url": f"{self.base}/Observation?patient=ana&page=2"}]
            return 200, first
        return 404, {"resourceType": "OperationOutcome"}


@pytest.fixture
def fhir() -> Iterator[FhirServer]:
    server = FhirServer(example("achilles-flare-up")["prefetch"])
    thread = threading.Thread(target=server.http.serve_forever, daemon=True)
    thread.start()
    yield server
    server.http.shutdown()
    server.http.server_close()
    thread.join()


@pytest.fixture(scope="module")
def cds() -> TestClient:
    return client()


def _from_server(server: str, token: str = TOKEN) -> dict[str, Any]:
    request = example("achilles-flare-up")
    del request["prefetch"]
    request["fhirServer"] = server
    request["fhirAuthorization"] = {
        "access_token": token,
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/*.read",
        "subject": "runstrong",
    }
    return request


def test_without_prefetch_the_service_reads_the_fhir_server_with_the_bearer_token(
    cds: TestClient, fhir: FhirServer
) -> None:
    from_prefetch = post(cds, example("achilles-flare-up")).json()["cards"][0]
    response = post(cds, _from_server(fhir.base))
    assert response.status_code == 200, response.text
    [card] = response.json()["cards"]
    for key in ("summary", "indicator", "detail", "source", "links"):
        assert card[key] == from_prefetch[key]
    paths = [(path, query.get("page")) for path, query, _ in fhir.requests]
    assert sorted(paths, key=str) == sorted(
        [
            ("/fhir/Observation", None),
            ("/fhir/Observation", ["2"]),
            ("/fhir/Condition", None),
            ("/fhir/Patient/ana", None),
        ],
        key=str,
    )
    assert {authorization for _, _, authorization in fhir.requests} == {f"Bearer {TOKEN}"}


def test_prefetch_that_is_there_is_used_and_only_the_rest_is_read(cds: TestClient, fhir: FhirServer) -> None:
    request = _from_server(fhir.base)
    request["prefetch"] = {"observations": copy.deepcopy(fhir.prefetch["observations"])}
    assert post(cds, request).status_code == 200
    assert sorted(path for path, _, _ in fhir.requests) == ["/fhir/Condition", "/fhir/Patient/ana"]


def test_a_fhir_server_that_refuses_or_cannot_be_reached_is_412(cds: TestClient, fhir: FhirServer) -> None:
    response = post(cds, _from_server(fhir.base, token="wrong"))
    assert response.status_code == 412
    assert "answered HTTP 401" in response.json()["problems"][0]
    fhir.http.shutdown()
    fhir.http.server_close()
    response = post(cds, _from_server(fhir.base))
    assert response.status_code == 412
    assert "cannot read" in response.json()["problems"][0]


def test_nan_from_the_fhir_server_is_named_on_its_resource(cds: TestClient, fhir: FhirServer) -> None:
    entries = fhir.prefetch["observations"]["entry"]
    entries[0]["resource"]["valueQuantity"]["value"] = float("nan")  # the server's json.dumps writes NaN
    response = post(cds, _from_server(fhir.base))
    assert response.status_code == 400
    assert response.json()["problems"] == ['Observation/obs-1.valueQuantity.value: expected a number, got "NaN"']


def test_conditions_the_server_cannot_give_leave_the_injury_history_unknown_and_the_card_says_so(
    cds: TestClient, fhir: FhirServer
) -> None:
    fhir.refused.add("/fhir/Condition")
    response = post(cds, _from_server(fhir.base))
    assert response.status_code == 200, response.text
    detail = response.json()["cards"][0]["detail"]
    unread = detail.split("**Not read from the FHIR server** (so not known)")[1]
    assert "the injury history (Conditions): GET " in unread and "/fhir/Condition" in unread and "HTTP 400" in unread
    assert "past running injuries" in detail.split("**Not known**")[1]
    fhir.refused.add("/fhir/Observation")
    assert post(cds, _from_server(fhir.base)).status_code == 412  # the Observations are needed
