"""Test clients of the CDS Hooks routes: on a bare FastAPI app, and the example requests."""

from __future__ import annotations

import json
import warnings
from pathlib import Path
from typing import Any

from fastapi import FastAPI

with warnings.catch_warnings():  # Starlette asks for httpx2 for its test client; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

from runstrong.web.cds_routes import cds_router
from runstrong.web.config import WebConfig

DATA = Path(__file__).resolve().parent / "data" / "cds"
SERVICE = "/cds-services/runstrong-patient-view"


def client(config: WebConfig | None = None) -> TestClient:
    """A client of a bare app holding only the CDS Hooks router."""
    app = FastAPI()
    app.include_router(cds_router(config or WebConfig()))
    return TestClient(app)


def example(name: str) -> dict[str, Any]:
    """One of the example requests in tests/data/cds."""
    data: dict[str, Any] = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    return data


def post(test_client: TestClient, body: Any, path: str = SERVICE) -> Any:
    """POST a request (a dict, or JSON text as it is) and return the response."""
    text = body if isinstance(body, str) else json.dumps(body)
    return test_client.post(path, content=text, headers={"Content-Type": "application/json"})
