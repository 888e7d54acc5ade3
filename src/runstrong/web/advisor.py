"""The rule set behind the pages: loaded once per server, one evaluator shared behind a lock
(the engine is reset for each snapshot, so two requests must not evaluate at the same time).

Reports have an evaluator and a lock of their own: the explanation's counterfactuals re-run the
rules many times (a few hundred milliseconds), and the answers of a consultation must not wait
for them. The last reports are kept, so that the report a finished consultation shows is made
while its advice is read, and printing or downloading it again costs nothing."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from runstrong.advice.result import recommend
from runstrong.audit.log import AuditLog, audit_record, snapshot_digest
from runstrong.consult.dialogue import Consultation
from runstrong.engine.evaluator import Evaluator
from runstrong.explain.plan_blocks import plan_blocks
from runstrong.explain.render import render_explanation
from runstrong.explain.trace import explain
from runstrong.plan.build import build_plan
from runstrong.rules.ruleset import load_ruleset
from runstrong.snapshot.partial import Partial
from runstrong.snapshot.validation import Snapshot, validate
from runstrong.util.errors import UserError
from runstrong.util.paths import default_knowledge_dir, default_rules_dir
from runstrong.web.config import WebConfig
from runstrong.web.state import State

#: How many reports are kept (by snapshot and audience).
KEPT_REPORTS = 32


class Advisor:
    """Consultations, advice and reports for one server."""

    def __init__(self, config: WebConfig) -> None:
        self.config = config
        ruleset = load_ruleset(
            config.rules_dir or default_rules_dir(), config.knowledge_dir or default_knowledge_dir(), False
        )
        self.evaluator = Evaluator(ruleset)
        self.lock = threading.Lock()  # hold it around every use of the evaluator or a consultation
        self._audit_lock = threading.Lock()
        self._reporter = Evaluator(ruleset)
        self._report_lock = threading.Lock()
        self._reports: OrderedDict[tuple[str, str], str] = OrderedDict()

    @property
    def ruleset_label(self) -> str:
        ruleset = self.evaluator.ruleset
        return f"rule set {ruleset.version} ({ruleset.digest[:16]})"

    def consultation(self, state: State) -> Consultation:
        """The consultation a state stands for (call under the lock)."""
        return Consultation(
            self.evaluator, Partial.from_snapshot(state.base), state.athlete_id, state.date, list(state.answers)
        )

    def final_snapshot(self, consultation: Consultation) -> Snapshot:
        """The snapshot the answers make, through the snapshot format's validation (as `consult --save`)."""
        return validate(consultation.snapshot())

    def result(self, snapshot: Snapshot) -> dict[str, Any]:
        """What `runstrong recommend` gives for the snapshot (call under the lock)."""
        return recommend(self.evaluator, snapshot)

    def report(self, snapshot: Snapshot, audience: str = "clinician") -> str:
        """The HTML report of `runstrong explain -f html`, with the week's gym plan (thread-safe;
        needs no other lock)."""
        key = (snapshot_digest(snapshot), audience)
        with self._report_lock:
            if key not in self._reports:
                evaluation = self._reporter.evaluate(snapshot)
                doc = explain(self._reporter, evaluation)
                extra = plan_blocks(build_plan(self._reporter.ruleset, evaluation))
                figures = self._history_figures(snapshot["athlete_id"], date.fromisoformat(snapshot["date"]))
                self._reports[key] = render_explanation(doc, "html", audience, False, extra, figures)
                while len(self._reports) > KEPT_REPORTS:
                    self._reports.popitem(last=False)
            self._reports.move_to_end(key)
            return self._reports[key]

    def audit(self, snapshot: Snapshot, result: dict[str, Any], command: str) -> None:
        """Append the decision to the audit log, when the server keeps one."""
        if self.config.audit_log is not None:
            with self._audit_lock:
                AuditLog(self.config.audit_log).append([audit_record(snapshot, result, command)])

    def _history_figures(self, athlete_id: str, day: date, weeks: int = 12) -> list[tuple[str, str]] | None:
        """The history's plots (caption, SVG) for an athlete in the database, as `explain --athlete`
        draws them; None without a database, for an athlete not in it, or without matplotlib."""
        if self.config.db_path is None:
            return None
        from runstrong.history import queries
        from runstrong.history.db import connect
        from runstrong.history.plots import render_plots
        from runstrong.history.trends import collect_trends

        connection = connect(self.config.db_path)
        try:
            queries.require_athlete(connection, athlete_id)
            trends = collect_trends(connection, athlete_id, day, weeks)
            svg = render_plots(trends, "svg").decode()
        except UserError:  # not in the history, or the plots extra is not installed
            return None
        finally:
            connection.close()
        return [(f"{athlete_id}: the last {weeks} weeks from the history (runstrong history show)", svg)]

    def from_history(self, athlete_id: str, day: date) -> Snapshot | None:
        """The athlete's snapshot built from the history database, or None when the server has no
        database or the athlete is not in it (a database that cannot be read is a UserError)."""
        if self.config.db_path is None:
            return None
        from runstrong.history import queries
        from runstrong.history.builder import build_snapshot
        from runstrong.history.db import connect

        connection = connect(self.config.db_path)
        try:
            try:
                queries.require_athlete(connection, athlete_id)
            except UserError:
                return None
            return build_snapshot(connection, athlete_id, day)
        finally:
            connection.close()
