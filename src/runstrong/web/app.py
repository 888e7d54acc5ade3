"""The web app: `create_app(config)` builds the pages, the CDS Hooks service and the security
around both (see `runstrong.web.security`); `runstrong serve` runs it with uvicorn."""

from __future__ import annotations

import secrets
from importlib.resources import files

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader
from starlette.responses import HTMLResponse, Response

from runstrong import __version__
from runstrong.util.errors import UserError
from runstrong.web.advisor import Advisor
from runstrong.web.config import WebConfig
from runstrong.web.consult_routes import consult_router
from runstrong.web.errors import ErrorPages
from runstrong.web.pages import pages_router
from runstrong.web.security import BodyLimit, Gate, check_csrf, csrf_token
from runstrong.web.state import StateSigner


def include_cds_service(app: FastAPI, config: WebConfig) -> None:
    """The CDS Hooks routes (`/cds-services`, written in `runstrong.web.cds_routes`)."""
    from runstrong.web.cds_routes import cds_router

    app.include_router(cds_router(config))


def create_app(config: WebConfig) -> FastAPI:
    """The app for one server. A host other than loopback needs a token (UserError otherwise)."""
    if not config.loopback and not config.token:
        raise UserError(
            f"--host {config.host}: serving beyond this computer needs a token (--token or RUNSTRONG_TOKEN)"
        )
    env = Environment(loader=PackageLoader("runstrong.web", "templates"), autoescape=True)
    app = FastAPI(title="runstrong", version=__version__, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.config = config
    app.state.secret = secrets.token_bytes(32)
    app.state.signer = StateSigner(app.state.secret)
    app.state.advisor = Advisor(config)
    app.state.templates = Jinja2Templates(env=env)
    errors = ErrorPages(env)
    errors.install(app)

    def login_page(session_id: str, path: str) -> Response:
        text = env.get_template("login.html").render(
            csrf=csrf_token(app.state.secret, session_id), next=path, wrong=False
        )
        return HTMLResponse(text, status_code=401)

    app.mount("/static", StaticFiles(directory=str(files("runstrong.web") / "static")), name="static")
    forms = [Depends(check_csrf)]
    app.include_router(pages_router(), dependencies=forms)
    app.include_router(consult_router(), dependencies=forms)
    include_cds_service(app, config)
    app.add_middleware(BodyLimit, max_bytes=config.max_request_bytes, refuse=errors.refuse)
    app.add_middleware(Gate, config=config, refuse=errors.refuse, login_page=login_page)
    return app
