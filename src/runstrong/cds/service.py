"""One call of the service: the request read, the resources from prefetch or the FHIR server,
the snapshot through the same strict boundary as the command line, the advice, the card, and the
decision in the audit log."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from runstrong.advice.result import recommend
from runstrong.audit.log import AuditLog, audit_record
from runstrong.cds.cards import card
from runstrong.cds.discovery import SERVICE_ID
from runstrong.cds.fetch import read_resources
from runstrong.cds.fhir import Mapped, located_problems, to_snapshot
from runstrong.cds.request import BadRequest, DataUnavailable, HookRequest, hook_request, parse_json, resources
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.model import RuleSet
from runstrong.util.errors import Problem, UserError

#: The command an audit line of a CDS Hooks decision names.
AUDIT_COMMAND = "cds-hooks"
#: What is not known when a prefetch key can be read neither from prefetch nor from the server.
UNREAD = {"conditions": "the injury history (Conditions)", "patient": "age and sex (the Patient)"}
Reader = Callable[[str, str | None, str, str], list[tuple[str, dict[str, Any]]]]


class CdsService:
    """The patient-view service: one evaluator, used by one request at a time."""

    def __init__(
        self, ruleset: RuleSet, base_url: str, audit_log: Path | None, reader: Reader = read_resources
    ) -> None:
        self.evaluator = Evaluator(ruleset)
        self.base_url = base_url
        self.audit_log = audit_log
        self.reader = reader
        self._lock = threading.Lock()

    def _resources(self, request: HookRequest) -> tuple[list[tuple[str, dict[str, Any]]], list[str]]:
        """Observations, Conditions and the Patient, from prefetch or else from the FHIR server,
        and what the server could not give. Observations are needed: without them (not in
        prefetch, and no server to give them) the call fails with 412; without the others the
        injury history, age and sex stay unknown."""
        found: list[tuple[str, dict[str, Any]]] = []
        unread: list[str] = []
        for key in ("observations", "conditions", "patient"):
            value = request.prefetch.get(key)
            if value is not None:
                found += resources(value, f"prefetch.{key}")
            elif request.fhir_server is not None:
                try:
                    found += self.reader(request.fhir_server, request.access_token, key, request.patient_id)
                except DataUnavailable as error:
                    if key == "observations":
                        raise
                    unread += [f"{UNREAD[key]}: {problem.message}" for problem in error.problems]
            elif key == "observations":
                raise DataUnavailable(
                    Problem(
                        "prefetch.observations",
                        "the patient's Observations are needed: not in prefetch, and no fhirServer to read them from",
                    )
                )
        return found, unread

    def snapshot(self, body: bytes) -> tuple[HookRequest, Mapped, list[str]]:
        """The request, the snapshot its resources describe (checked by the snapshot format) and
        what the FHIR server could not give."""
        request = hook_request(parse_json(body, "(request)"))
        today = datetime.now(UTC).date().isoformat()
        try:
            found, unread = self._resources(request)
            mapped = to_snapshot(request.patient_id, found, today)
        except UserError as error:
            if isinstance(error, (BadRequest, DataUnavailable)):
                raise
            raise BadRequest(error.problems) from None  # the resources do not map to a snapshot
        problems = located_problems(mapped)
        if problems:
            raise BadRequest(problems)
        return request, mapped, unread

    def call(self, body: bytes) -> dict[str, Any]:
        """The cards for one patient-view request (none when runstrong has nothing on the patient)."""
        request, mapped, unread = self.snapshot(body)
        if mapped.out_of_scope or not mapped.observations_used:
            return {"cards": []}
        with self._lock:
            result = recommend(self.evaluator, mapped.snapshot)
        cards = [card(result, self.base_url, request.patient_id, stale=mapped.stale, unread=unread)]
        if self.audit_log is not None:
            record = audit_record(mapped.snapshot, result, AUDIT_COMMAND)
            record["cds"] = {
                "service": SERVICE_ID,
                "hook_instance": request.hook_instance,
                "cards": [c["uuid"] for c in cards],
            }
            AuditLog(self.audit_log).append([record])
        return {"cards": cards}
