"""What stands between the network and the pages: the bearer token, the host check, the session
cookie and its CSRF token, the request-size limit and the security headers of every response.

Two plain ASGI middlewares (no body is read twice, nothing is buffered beyond the limit) and the
CSRF check, a dependency of every form route. The JSON CDS Hooks endpoints need no CSRF token
(they take no cookies' word for anything) but the bearer token whenever one is set.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import Request
from starlette.datastructures import MutableHeaders
from starlette.responses import Response

from runstrong.web.config import LOOPBACK_HOSTS, WebConfig

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]
#: Builds the response for a refused request: (status, title, message, path) -> Response.
Refusal = Callable[[int, str, str, str], Response]
#: Builds the sign-in page: (session id, the path asked for) -> Response.
LoginPage = Callable[[str, str], Response]

SESSION_COOKIE = "runstrong_session"
AUTH_COOKIE = "runstrong_auth"
CSRF_FIELD = "csrf"
#: Paths served without the token: the form that asks for it.
OPEN_PATHS = ("/login",)
#: The name Starlette's TestClient sends as the host (tests only ever reach the app in-process).
TEST_CLIENT_HOST = "testserver"
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
}


class CsrfError(Exception):
    """A form posted without this session's CSRF token."""


def is_api(path: str) -> bool:
    """The JSON endpoints (CDS Hooks): errors in JSON, no CSRF token, no login form."""
    return path == "/cds-services" or path.startswith("/cds-services/")


def auth_cookie_value(token: str) -> str:
    """What the login cookie holds: derived from the token, never the token itself."""
    return hmac.new(token.encode(), b"runstrong login cookie", hashlib.sha256).hexdigest()


def csrf_token(secret: bytes, session_id: str) -> str:
    """The CSRF token of one browser session."""
    return hmac.new(secret, f"csrf:{session_id}".encode(), hashlib.sha256).hexdigest()


def _host_name(host_header: str) -> str:
    if host_header.startswith("["):  # [::1]:8765
        return host_header[1 : host_header.find("]")] if "]" in host_header else host_header
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def _bearer(headers: dict[str, str]) -> str | None:
    scheme, _, value = headers.get("authorization", "").partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


class Gate:
    """Host check, bearer token or login cookie, the session cookie, and the security headers."""

    def __init__(self, app: ASGIApp, config: WebConfig, refuse: Refusal, login_page: LoginPage) -> None:
        self.app = app
        self.config = config
        self.refuse = refuse
        self.login_page = login_page
        self.cookie = auth_cookie_value(config.token) if config.token else None

    def _allowed(self, headers: dict[str, str], cookies: dict[str, str], path: str, method: str) -> bool:
        token = self.config.token
        if token is None or path in OPEN_PATHS or method == "OPTIONS":  # a CORS preflight carries no credentials
            return True
        given = _bearer(headers)
        if given is not None:
            return hmac.compare_digest(given.encode(), token.encode())
        assert self.cookie is not None
        return hmac.compare_digest(cookies.get(AUTH_COOKIE, "").encode(), self.cookie.encode())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        path = scope["path"]
        new_session = None
        cookies = Request(scope).cookies
        session = cookies.get(SESSION_COOKIE, "")
        if len(session) < 32 or not session.isascii():
            session = new_session = secrets.token_urlsafe(32)
        scope.setdefault("state", {})["session_id"] = session
        scope["state"]["session_from_cookie"] = new_session is None

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                out = MutableHeaders(scope=message)
                for name, value in HEADERS.items():
                    out.setdefault(name, value)
                if not path.startswith("/static/"):
                    out.setdefault("Cache-Control", "no-store")
                if new_session is not None and not is_api(path):
                    out.append("Set-Cookie", f"{SESSION_COOKIE}={new_session}; Path=/; HttpOnly; SameSite=Strict")
            await send(message)

        response: Response | None = None
        if self.config.loopback and _host_name(headers.get("host", "")) not in (*LOOPBACK_HOSTS, TEST_CLIENT_HOST):
            response = self.refuse(
                400, "Host not allowed", "This server answers only to 127.0.0.1, localhost or [::1].", path
            )
        elif not self._allowed(headers, cookies, path, scope["method"]):
            html = not is_api(path) and "text/html" in headers.get("accept", "") and scope["method"] == "GET"
            response = (
                self.login_page(
                    session, path + (f"?{query}" if (query := scope["query_string"].decode("latin-1")) else "")
                )
                if html
                else self.refuse(401, "Token required", "send the server's token: Authorization: Bearer <token>", path)
            )
            response.headers["WWW-Authenticate"] = "Bearer"
        if response is not None:
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


class BodyLimit:
    """Refuses a request body over the limit with 413, before the app reads any of it."""

    def __init__(self, app: ASGIApp, max_bytes: int, refuse: Refusal) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.refuse = refuse

    def _too_large(self, size: str, path: str) -> Response:
        return self.refuse(
            413,
            "Request too large",
            f"the request body is {size}; this server accepts at most {self.max_bytes} bytes "
            "(a snapshot is a few kilobytes)",
            path,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_bytes):
            await self._too_large(f"{length.decode('latin-1')} bytes", scope["path"])(scope, receive, send)
            return
        chunks: list[bytes] = []
        total = 0
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_bytes:
                await self._too_large(f"over {self.max_bytes} bytes", scope["path"])(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


async def check_csrf(request: Request) -> AsyncIterator[None]:
    """A dependency of every form route: a POST must carry this session's CSRF token. The form's
    uploaded files are closed once the response is sent (or the form refused)."""
    if request.method != "POST":
        yield
        return
    form = await request.form()
    try:
        given = form.get(CSRF_FIELD)
        expected = csrf_token(request.app.state.secret, request.state.session_id)
        if not request.state.session_from_cookie or not isinstance(given, str):
            raise CsrfError
        if not hmac.compare_digest(given.encode(), expected.encode()):
            raise CsrfError
        yield
    finally:
        await form.close()


def form_token(request: Request) -> str:
    """The CSRF token to put in this page's forms."""
    secret: bytes = request.app.state.secret
    return csrf_token(secret, request.state.session_id)
