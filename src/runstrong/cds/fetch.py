"""Reading the patient's resources from the FHIR server named in the request, when prefetch does
not carry them: with the request's access token as a bearer token, a timeout, no redirects, a
cap on the size of each answer and on the pages of a Bundle followed (only on that server)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from runstrong.cds.discovery import QUERIES
from runstrong.cds.request import DataUnavailable, parse_json, resources
from runstrong.util.errors import Problem

TIMEOUT_S = 5.0
MAX_ANSWER_BYTES = 10_000_000
MAX_PAGES = 20


def _get(client: httpx.Client, url: str, params: dict[str, str] | None) -> tuple[int, bytes, str]:
    try:
        with client.stream("GET", url, params=params) as response:
            data = b""
            for chunk in response.iter_bytes():
                data += chunk
                if len(data) > MAX_ANSWER_BYTES:
                    raise DataUnavailable(
                        Problem("fhirServer", f"{url}: the answer is larger than {MAX_ANSWER_BYTES} bytes")
                    )
            return response.status_code, data, str(response.url)
    except httpx.HTTPError as error:
        raise DataUnavailable(Problem("fhirServer", f"cannot read {url}: {type(error).__name__}: {error}")) from None


def _next_page(bundle: Any, server: str) -> str | None:
    links = bundle.get("link") if isinstance(bundle, dict) else None
    for link in links if isinstance(links, list) else []:
        if isinstance(link, dict) and link.get("relation") == "next" and isinstance(link.get("url"), str):
            url: str = link["url"]
            return url if url.startswith(server) else None
    return None


def read_resources(server: str, token: str | None, key: str, patient_id: str) -> list[tuple[str, dict[str, Any]]]:
    """The resources of one prefetch key (`observations`, `conditions`, `patient`) read from the
    server. A Patient the server does not have is none; any other failure is DataUnavailable."""
    kind, params = QUERIES[key]
    base = server.rstrip("/") + "/"
    headers = {"Accept": "application/fhir+json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    found: list[tuple[str, dict[str, Any]]] = []
    with httpx.Client(timeout=TIMEOUT_S, follow_redirects=False, headers=headers) as client:
        if not params:
            status, data, url = _get(client, f"{base}{kind}/{quote(patient_id, safe='')}", None)
            if status in (404, 410):
                return []
            return resources(_answer(status, data, url), f"{kind}/{patient_id}")
        query = {name: value.replace("{patient}", patient_id) for name, value in params.items()}
        url, page = f"{base}{kind}", 0
        next_url: str | None = url
        while next_url is not None and page < MAX_PAGES:
            status, data, url = _get(client, next_url, query if page == 0 else None)
            bundle = _answer(status, data, url)
            found += resources(bundle, f"{kind} search, page {page + 1}")
            next_url, page = _next_page(bundle, base), page + 1
    return found


def _answer(status: int, data: bytes, url: str) -> Any:
    if status != 200:
        raise DataUnavailable(Problem("fhirServer", f"GET {url} answered HTTP {status}"))
    return parse_json(data, url)
