"""The report page: `runstrong explain -f html`'s self-contained report (the advice with the
actions first, the explanation and evidence, the week's gym plan), with a toolbar to print it,
download it or go back, which the print stylesheet hides."""

from __future__ import annotations

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse

from runstrong.web.advisor import Advisor
from runstrong.web.security import form_token
from runstrong.web.state import State


def with_toolbar(report: str, toolbar: str) -> str:
    """The report with the toolbar first in its body and the web stylesheet after its own."""
    head, body = report.split("<body>", 1)
    head = head.replace("</head>", '<link rel="stylesheet" href="/static/report.css"></head>', 1)
    return f"{head}<body>\n{toolbar}{body}"


async def report_page(request: Request, state: State, command: str = "") -> HTMLResponse:
    """The report for a state's snapshot (its answers applied); `command` names the audit line."""
    advisor: Advisor = request.app.state.advisor

    def build() -> str:
        with advisor.lock:
            snapshot = advisor.final_snapshot(advisor.consultation(state))
            if command:
                advisor.audit(snapshot, advisor.result(snapshot), command)
        return advisor.report(snapshot)

    report = await run_in_threadpool(build)
    toolbar = request.app.state.templates.env.get_template("report_toolbar.html").render(
        state=request.app.state.signer.encode(state), csrf=form_token(request)
    )
    return HTMLResponse(with_toolbar(report, toolbar))
