"""The home page, the sign-in form, and what every page route shares: rendering a template with
the session's CSRF token, reading an uploaded snapshot through the strict input boundary."""

from __future__ import annotations

import hmac
from typing import Any

from fastapi import APIRouter, Request
from starlette.background import BackgroundTask
from starlette.datastructures import FormData, UploadFile
from starlette.responses import HTMLResponse, RedirectResponse, Response

from runstrong.snapshot.strict import decode
from runstrong.snapshot.validation import Snapshot, parse_snapshot
from runstrong.util.errors import UserError
from runstrong.web.security import AUTH_COOKIE, auth_cookie_value, form_token


def render(
    request: Request,
    template: str,
    context: dict[str, Any],
    status: int = 200,
    background: BackgroundTask | None = None,
) -> HTMLResponse:
    """A page from the app's templates (autoescaped), with the CSRF token its forms carry."""
    app = request.app
    page: HTMLResponse = app.state.templates.TemplateResponse(
        request,
        template,
        {"csrf": form_token(request), "ruleset": app.state.advisor.ruleset_label, **context},
        status_code=status,
        background=background,
    )
    return page


def field(form: FormData, name: str) -> str:
    """A text field of a form ('' when absent); a file where text is expected is a user error."""
    value = form.get(name, "")
    if not isinstance(value, str):
        raise UserError(f"form field {name!r}: expected text; got a file")
    return value


async def uploaded_snapshot(form: FormData) -> Snapshot:
    """The snapshot uploaded as a file (`snapshot`) or pasted (`text`), validated like the CLI's."""
    upload = form.get("snapshot")
    if isinstance(upload, UploadFile) and upload.filename:
        name = upload.filename.replace("\\", "/").rsplit("/", 1)[-1] or "upload"
        data = await upload.read()
        return parse_snapshot(decode(data, name), name)
    text = field(form, "text")
    if not text.strip():
        raise UserError("snapshot: choose a snapshot file (YAML or JSON) or paste one")
    return parse_snapshot(text, "pasted snapshot")


def local_path(target: str) -> str:
    """A path on this server to go back to after signing in (anything else: the home page)."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def pages_router() -> APIRouter:
    router = APIRouter()

    @router.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> Response:
        return render(request, "home.html", {})

    @router.get("/login", response_class=HTMLResponse)
    async def login_form(request: Request, next: str = "/") -> Response:
        return render(request, "login.html", {"next": local_path(next), "wrong": False})

    @router.post("/login")
    async def login(request: Request) -> Response:
        form = await request.form()
        token = request.app.state.config.token
        target = local_path(field(form, "next"))
        if token is None:
            return RedirectResponse(target, status_code=303)
        if not hmac.compare_digest(field(form, "token").encode(), token.encode()):
            return render(request, "login.html", {"next": target, "wrong": True}, status=401)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(AUTH_COOKIE, auth_cookie_value(token), httponly=True, samesite="strict", path="/")
        return response

    return router
