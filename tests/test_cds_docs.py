"""docs/cds-hooks.md stays true: its example request gives the card it shows, and its error
examples are what the service says."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from cds_client import client, post

GUIDE = Path(__file__).resolve().parent.parent / "docs" / "cds-hooks.md"


def _blocks() -> list[tuple[str, str]]:
    """(language, text) of each fenced block of the guide."""
    blocks: list[tuple[str, str]] = []
    language, lines = None, []
    for line in GUIDE.read_text(encoding="utf-8").splitlines():
        if line.startswith("```") and language is None:
            language, lines = line[3:], []
        elif line.startswith("```"):
            blocks.append((language or "", "\n".join(lines)))
            language = None
        elif language is not None:
            lines.append(line)
    return blocks


def _request() -> dict[str, Any]:
    found: dict[str, Any] = next(json.loads(t) for k, t in _blocks() if k == "json" and '"patient-view"' in t)
    return found


def test_the_guides_example_request_gives_the_card_it_shows() -> None:
    shown = next(json.loads(t) for k, t in _blocks() if k == "json" and t.startswith('{\n  "cards"'))["cards"][0]
    given = post(client(), _request()).json()["cards"][0]
    for key in ("summary", "indicator", "links", "overrideReasons"):
        assert given[key] == shown[key], key
    assert given["detail"].split("**What to do**")[0] == shown["detail"].split("**What to do**")[0]


def _changed(resource_id: str, path: list[Any], value: Any) -> dict[str, Any]:
    request = copy.deepcopy(_request())
    for entry in request["prefetch"]["observations"]["entry"]:
        if entry["resource"]["id"] == resource_id:
            node = entry["resource"]
            for key in path[:-1]:
                node = node[key]
            node[path[-1]] = value
    return request


def test_the_guides_error_examples_are_what_the_service_says() -> None:
    shown = next(t for k, t in _blocks() if not k and t.startswith("Observation/ana-week")).splitlines()
    requests = [
        json.dumps(_changed("ana-week", ["valueQuantity", "value"], float("nan"))),  # json.dumps writes NaN
        _changed("ana-achilles", ["component", 1, "valueInteger"], 12),
        _changed("ana-week", ["valueQuantity"], {"value": 54, "unit": "kg", "code": "kg"}),
        _changed("ana-week", ["code", "coding", 0, "code"], "running.week_kms"),
        _changed("ana-prev-week", ["subject", "reference"], "Patient/bob"),
    ]
    cds = client()
    said = []
    for request in requests:
        response = post(cds, request)
        assert response.status_code == 400
        said += response.json()["problems"]
    assert said == shown
    without = _request()
    del without["prefetch"]
    response = post(cds, without)
    assert response.status_code == 412
    assert json.dumps(response.json()) in [t for k, t in _blocks() if k == "json"]
