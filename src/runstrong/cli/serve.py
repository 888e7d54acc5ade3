"""`runstrong serve`: the web app and the CDS Hooks service, with uvicorn."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import click

from runstrong.cli.options import audit_option, ruleset_options, user_errors
from runstrong.util.errors import UserError

EXTRA = "web"
NEEDS = ("fastapi", "uvicorn", "jinja2", "multipart")


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on; beyond loopback needs --token."
)
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="Port to listen on.")
@click.option(
    "--token",
    envvar="RUNSTRONG_TOKEN",
    default=None,
    help="Bearer token every request must carry (pages sign in once); env RUNSTRONG_TOKEN.",
)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Athlete-history database: consultations for an athlete in it start from the history.",
)
@audit_option
@ruleset_options
@user_errors
def serve(
    host: str,
    port: int,
    token: str | None,
    db_path: Path | None,
    audit_log: Path | None,
    rules_dir: Path | None,
    knowledge_dir: Path | None,
) -> None:
    """Serve the consultation and report pages and the CDS Hooks service (http://127.0.0.1:8765).

    \b
    Pages:  /              upload a snapshot, or start a consultation for an athlete id
            /consult?athlete_id=ID   a consultation (the CDS cards link here)
    CDS Hooks: GET /cds-services (discovery), POST /cds-services/{id}, POST .../feedback

    It listens on 127.0.0.1 only, unless --host says otherwise; any other address needs --token
    (or RUNSTRONG_TOKEN), which every request must then carry as `Authorization: Bearer TOKEN`
    (browsers sign in once with it). Needs runstrong[web].
    """
    missing = [name for name in NEEDS if importlib.util.find_spec(name) is None]
    if missing:
        raise UserError(
            f"serve needs the optional web libraries ({', '.join(missing)} missing): install runstrong[{EXTRA}] "
            f"(pip install 'runstrong[{EXTRA}]' or uv sync --extra {EXTRA})"
        )
    for label, folder in (("--rules", rules_dir), ("--knowledge", knowledge_dir)):
        if folder is not None and not folder.is_dir():
            raise UserError(f"{label}: no such folder: {folder}")
    import uvicorn

    from runstrong.web.app import create_app
    from runstrong.web.config import WebConfig

    config = WebConfig(
        host=host,
        port=port,
        token=token or None,
        rules_dir=rules_dir,
        knowledge_dir=knowledge_dir,
        audit_log=audit_log,
        db_path=db_path,
    )
    app = create_app(config)
    if not config.loopback:
        click.echo(
            f"runstrong: warning: listening on {host}, beyond this computer; every request needs the token "
            "(and the traffic is not encrypted: put it behind HTTPS)",
            err=True,
        )
    click.echo(f"runstrong: serving on {config.base_url} (Ctrl-C to stop)", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)
