"""The consultation pages: start from an upload or an athlete id, answer one question at a time
(the same question engine as `runstrong consult`), and download the snapshot, the advice and the
report. Every answer is re-evaluated on the server from the page's signed state."""

from __future__ import annotations

import datetime
import json
import re
from typing import Any

import yaml
from fastapi import APIRouter, Request
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import HTMLResponse, Response

from runstrong.advice.render import render_json
from runstrong.consult.dialogue import UNKNOWN_WORDS, Consultation
from runstrong.consult.questions import parse_answer
from runstrong.snapshot.partial import MISSING, Slot
from runstrong.snapshot.validation import validate
from runstrong.util.errors import Problem, UserError
from runstrong.web.advisor import Advisor
from runstrong.web.pages import field, render, uploaded_snapshot
from runstrong.web.report import report_page
from runstrong.web.state import State
from runstrong.web.views import WIDGETS, consultation_view

#: What the buttons of a question send (`action`): an answer, or a move.
MOVES = ("back", "finish", "continue")


def _advisor(request: Request) -> Advisor:
    advisor: Advisor = request.app.state.advisor
    return advisor


def _state(request: Request, form: FormData) -> State:
    state: State = request.app.state.signer.decode(field(form, "state"))
    return state


def _answer_text(action: str, form: FormData, widget: str) -> str:
    if action in ("yes", "no"):
        return action
    if action.startswith("choice:"):
        return action.removeprefix("choice:")
    if widget == "choices":
        chosen = [value for value in form.getlist("choice") if isinstance(value, str)]
        return " ".join(chosen) or "none"
    return field(form, "answer")


def apply_action(consultation: Consultation, action: str, asked_slot: Slot | None, form: FormData) -> str | None:
    """Record what the page sent (`asked_slot`: the question the page asked, from its signed
    state); returns the error to show with the same question, if any."""
    if action == "back":
        consultation.back()
        return None
    if asked_slot is None or action in MOVES:
        return None
    asked = consultation.questioner.question(asked_slot, consultation.partial)
    if action == "unknown":
        text = "unknown"
    elif action in ("yes", "no", "answer") or action.startswith("choice:"):
        text = _answer_text(action, form, WIDGETS.get(asked.spec.kind, "text"))
    else:
        raise UserError(Problem("action", f"expected an answer, unknown, back or finish; got {action[:40]!r}"))
    if text.strip().lower() in UNKNOWN_WORDS and text.strip():
        if asked.key:
            return f"{asked.label}: the snapshot format needs a value here; answer it, or go back"
        consultation.answer(asked.slot, MISSING)
        return None
    if not text.strip():
        return f"{asked.label}: no answer given; answer, or press Unknown"
    try:
        value = parse_answer(asked.spec, text)
    except ValueError as error:
        return f"{asked.label}: {error}"
    consultation.answer(asked.slot, value)
    return None


def _file_name(state: State, suffix: str) -> str:
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", state.athlete_id).strip("._")[:60] or "athlete"
    return f"{name}-{state.date}{suffix}"


def _download(text: str, kind: str, name: str) -> Response:
    return Response(text, media_type=kind, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def consult_router() -> APIRouter:
    router = APIRouter()

    def page(request: Request, state: State, action: str = "", form: FormData | None = None) -> Any:
        """Apply the page's action and build the next page's context (under the engine lock)."""
        advisor = _advisor(request)
        with advisor.lock:
            consultation = advisor.consultation(state)
            error = apply_action(consultation, action, state.asked, form) if form is not None and action else None
            view = consultation_view(consultation)
            stopped = action == "finish" and not view["done"]
            final = advisor.final_snapshot(consultation) if (view["done"] or stopped) and not error else None
            # once per decision, not per view of it, and never for a GET (a link can make a browser send one)
            if final is not None and action != "continue" and request.method == "POST":
                advisor.audit(final, advisor.result(final), "web-consult")
        answers = list(consultation.history)
        asked = view["question"].slot_value if view["question"] else None
        signed = request.app.state.signer.encode(State(state.base, state.athlete_id, state.date, answers, asked))
        return {**view, "state": signed, "error": error, "stopped": stopped, "final_snapshot": final}

    def respond(request: Request, context: dict[str, Any]) -> Response:
        """The page; once the advice is final, its report is made after the page is sent."""
        final = context.pop("final_snapshot")
        later = BackgroundTask(_advisor(request).report, final) if final is not None else None
        return render(request, "consult.html", context, status=400 if context["error"] else 200, background=later)

    async def show(request: Request, state: State, notice: str = "") -> Response:
        context = await run_in_threadpool(page, request, state)
        return respond(request, {**context, "notice": notice})

    @router.get("/consult", response_class=HTMLResponse)
    async def start_for_athlete(request: Request, athlete_id: str = "", date: str = "") -> Response:
        day = date or datetime.date.today().isoformat()
        validate({"athlete_id": athlete_id, "date": day})  # the id and date as the snapshot format takes them
        history = await run_in_threadpool(_advisor(request).from_history, athlete_id, datetime.date.fromisoformat(day))
        notice = (
            "Started from the history of this athlete: only what it does not say is asked."
            if history
            else "A new consultation (no history for this athlete on this server)."
        )
        return await show(request, State(history or {}, athlete_id, day), notice)

    @router.post("/consult/start", response_class=HTMLResponse)
    async def start_from_upload(request: Request) -> Response:
        snapshot = await uploaded_snapshot(await request.form())
        return await show(request, State(snapshot, snapshot["athlete_id"], snapshot["date"]))

    @router.post("/consult", response_class=HTMLResponse)
    async def answer(request: Request) -> Response:
        form = await request.form()
        state = _state(request, form)
        action = field(form, "action")
        context = await run_in_threadpool(page, request, state, action, form)
        return respond(request, context)

    @router.post("/consult/download")
    async def download(request: Request) -> Response:
        form = await request.form()
        state = _state(request, form)
        what = field(form, "what")
        advisor = _advisor(request)

        def build() -> Response:
            with advisor.lock:
                snapshot = advisor.final_snapshot(advisor.consultation(state))
                result = advisor.result(snapshot) if what == "advice" else None
            if what == "snapshot":
                text = yaml.safe_dump(snapshot, sort_keys=False, allow_unicode=True)
                return _download(text, "application/yaml", _file_name(state, ".yaml"))
            if result is not None:
                return _download(render_json(result), "application/json", _file_name(state, ".json"))
            if what == "report":  # made with the report's own evaluator: no engine lock held
                return _download(advisor.report(snapshot), "text/html", _file_name(state, "-report.html"))
            raise UserError(Problem("what", f"expected snapshot, advice or report; got {json.dumps(what[:40])}"))

        return await run_in_threadpool(build)

    @router.post("/consult/report", response_class=HTMLResponse)
    async def consultation_report(request: Request) -> Response:
        form = await request.form()
        return await report_page(request, _state(request, form))

    @router.post("/report/start", response_class=HTMLResponse)
    async def report_from_upload(request: Request) -> Response:
        snapshot = await uploaded_snapshot(await request.form())
        return await report_page(request, State(snapshot, snapshot["athlete_id"], snapshot["date"]), "web-report")

    return router
