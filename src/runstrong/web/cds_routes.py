"""The CDS Hooks endpoints: discovery, the patient-view service and its feedback.

Status codes: 200 with cards; 400 for a request that is not one this service can read (the body
names each problem: the field, or the resource element, what was expected and what was given);
404 for a service this server does not offer, or feedback on a card it never gave; 412 when the
patient's Observations are neither in prefetch nor readable from a FHIR server; 413 for a body
over the size limit; 503 for feedback when no audit log is kept; 403 for a browser's call from
another origin when CORS is off.

CORS: browser-based CDS clients need it. The answers carry `Access-Control-Allow-Origin: *` only
when the server requires a bearer token (`WebConfig.token`): without one, any web page open on the
clinician's machine could call the service and write to its audit log. A browser marks every
cross-origin call with an `Origin` header, even one it sends without a preflight (a form's POST),
so without a token such calls are refused (403) before anything is read or written. Clients that
are not browsers send no `Origin` and are served as usual; the body is read as JSON whatever its
Content-Type says."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from runstrong.cds.discovery import SERVICE_ID, services
from runstrong.cds.feedback import UnknownCard, record_feedback
from runstrong.cds.request import BadRequest, DataUnavailable
from runstrong.cds.service import CdsService
from runstrong.rules.ruleset import load_ruleset
from runstrong.util.errors import UserError
from runstrong.util.paths import default_knowledge_dir, default_rules_dir
from runstrong.web.config import WebConfig

STATUS_OF = {BadRequest: 400, UnknownCard: 404, DataUnavailable: 412}
ERROR_OF = {400: "bad request", 404: "not found", 412: "precondition failed"}


def _cors(config: WebConfig) -> dict[str, str]:
    if config.token is None:
        return {}
    return {
        "Access-Control-Allow-Origin": "*",
        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
        "Access-Control-Allow-Headers": "Authorization, Content-Type",
        "Access-Control-Max-Age": "600",
    }


def _error(status: int, error: str, problems: list[str], headers: dict[str, str]) -> JSONResponse:
    return JSONResponse({"error": error, "problems": problems}, status_code=status, headers=headers)


def cds_router(config: WebConfig) -> APIRouter:
    """The CDS Hooks routes for one server (the rule set is loaded once, here)."""
    ruleset = load_ruleset(
        config.rules_dir or default_rules_dir(), config.knowledge_dir or default_knowledge_dir(), check_examples=False
    )
    service = CdsService(ruleset, config.base_url, config.audit_log)
    cors = _cors(config)
    router = APIRouter()

    async def body_of(request: Request) -> bytes | JSONResponse:
        origin = request.headers.get("origin")
        if origin is not None and not cors and urlsplit(origin).netloc != request.headers.get("host"):
            return _error(
                403,
                "forbidden",
                [f"a call from {origin}: calls from other web pages need the server to require a token (CORS)"],
                cors,
            )
        body = await request.body()
        if len(body) > config.max_request_bytes:
            return _error(413, "too large", [f"the body is over {config.max_request_bytes} bytes"], cors)
        return body

    def unknown_service(service_id: str) -> JSONResponse:
        return _error(404, "not found", [f"no CDS service {service_id!r}; this server offers {SERVICE_ID!r}"], cors)

    async def answer(work: Any, body: bytes) -> JSONResponse:
        try:
            return JSONResponse(await run_in_threadpool(work, body), headers=cors)
        except UserError as error:
            status = next((code for kind, code in STATUS_OF.items() if isinstance(error, kind)), 400)
            return _error(status, ERROR_OF[status], [str(problem) for problem in error.problems], cors)

    @router.get("/cds-services")
    def discovery() -> JSONResponse:
        return JSONResponse(services(), headers=cors)

    @router.post("/cds-services/{service_id}")
    async def call(service_id: str, request: Request) -> Response:
        if service_id != SERVICE_ID:
            return unknown_service(service_id)
        body = await body_of(request)
        return body if isinstance(body, JSONResponse) else await answer(service.call, body)

    @router.post("/cds-services/{service_id}/feedback")
    async def feedback(service_id: str, request: Request) -> Response:
        if service_id != SERVICE_ID:
            return unknown_service(service_id)
        body = await body_of(request)
        if isinstance(body, JSONResponse):
            return body
        log = config.audit_log
        if log is None:
            return _error(503, "no audit log", ["this server keeps no audit log, so feedback cannot be recorded"], cors)
        return await answer(lambda data: {"recorded": record_feedback(log, data)}, body)

    @router.options("/cds-services")
    @router.options("/cds-services/{service_id}")
    @router.options("/cds-services/{service_id}/feedback")
    def preflight() -> Response:
        return Response(status_code=204 if cors else 403, headers=cors)

    return router
