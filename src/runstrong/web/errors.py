"""Error responses: pages for people, JSON (`{"error", "problems"}`, as the CDS Hooks routes answer)
for the API. A user's mistake names the field, what was expected and what was given; anything
else is a generic 500 page, with the traceback in the server's log and never sent to the client."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from jinja2 import Environment
from starlette.exceptions import HTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response

from runstrong.util.errors import UserError
from runstrong.web.security import CsrfError, is_api

log = logging.getLogger("runstrong.web")

TITLES = {400: "Not accepted", 401: "Sign in", 403: "Refused", 404: "No such page", 405: "Not allowed here"}


class ErrorPages:
    """Builds error responses with the app's templates."""

    def __init__(self, env: Environment) -> None:
        self.env = env

    def page(self, status: int, title: str, message: str, problems: list[str] | None = None) -> HTMLResponse:
        text = self.env.get_template("error.html").render(
            status=status, title=title, message=message, problems=problems or []
        )
        return HTMLResponse(text, status_code=status)

    def refuse(self, status: int, title: str, message: str, path: str) -> Response:
        """A refused request, before the app: JSON for the API, a page otherwise."""
        if is_api(path):
            return JSONResponse({"error": title.lower(), "problems": [message]}, status_code=status)
        return self.page(status, title, message[:1].upper() + message[1:] + ".")

    def install(self, app: FastAPI) -> None:
        """Register the handlers: user errors, CSRF, HTTP errors, bad forms, and everything else."""

        async def user_error(request: Request, error: Exception) -> Response:
            assert isinstance(error, UserError)
            problems = [str(problem) for problem in error.problems]
            if is_api(request.url.path):
                return JSONResponse({"error": "bad request", "problems": problems}, status_code=400)
            return self.page(400, "Not accepted", "Please correct this and try again:", problems)

        async def csrf_error(request: Request, error: Exception) -> Response:
            return self.page(
                403,
                "Form refused",
                "This form did not carry this browser session's security token (CSRF check). Reload the "
                "page and send it again; if you signed in again meanwhile, start from the home page.",
            )

        async def http_error(request: Request, error: Exception) -> Response:
            assert isinstance(error, HTTPException)
            if is_api(request.url.path):
                return await http_exception_handler(request, error)
            title = TITLES.get(error.status_code, "Error")
            return self.page(error.status_code, title, str(error.detail))

        async def bad_form(request: Request, error: Exception) -> Response:
            assert isinstance(error, RequestValidationError)
            if is_api(request.url.path):
                return await request_validation_exception_handler(request, error)
            problems = [_form_problem(entry) for entry in error.errors()]
            return self.page(400, "Not accepted", "The form was incomplete:", problems)

        async def server_error(request: Request, error: Exception) -> Response:
            log.exception("error serving %s %s", request.method, request.url.path, exc_info=error)
            if is_api(request.url.path):
                return JSONResponse(
                    {"error": "internal error", "problems": ["the server failed; see its log"]}, status_code=500
                )
            return self.page(
                500, "Something went wrong", "The server failed on this request; it is in the server's log."
            )

        app.add_exception_handler(UserError, user_error)
        app.add_exception_handler(CsrfError, csrf_error)
        app.add_exception_handler(HTTPException, http_error)
        app.add_exception_handler(RequestValidationError, bad_form)
        app.add_exception_handler(Exception, server_error)


def _form_problem(entry: Any) -> str:
    where = ".".join(str(part) for part in entry.get("loc", ())[1:]) or "form"
    return f"{where}: {entry.get('msg', 'not valid')}"
