"""A CDS Hooks request, read strictly: JSON without NaN or Infinity (named on the resource element
that holds them), no key given twice; the hook, its instance, the patient, prefetch and the FHIR
server checked; the resources of a prefetch value listed with their names (`Observation/o1`)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from runstrong.cds.values import given
from runstrong.snapshot.strict import decode, no_repeated_keys
from runstrong.util.errors import Problem, UserError

HOOK = "patient-view"


class BadRequest(UserError):
    """A request that is not a CDS Hooks request this service can read (HTTP 400)."""


class DataUnavailable(UserError):
    """The data the advice needs cannot be had from prefetch or the FHIR server (HTTP 412)."""


class NotANumber:
    """Where the JSON held NaN, Infinity or a number too large to be one: reported with its place."""

    def __init__(self, text: str) -> None:
        self.text = text


def _float(text: str) -> float | NotANumber:
    value = float(text)
    return value if math.isfinite(value) else NotANumber(text)


def _int(text: str) -> int | NotANumber:
    return NotANumber(text) if len(text.lstrip("-")) > 18 else int(text)


def _not_numbers(value: Any, where: str, found: list[Problem]) -> None:
    if isinstance(value, NotANumber):
        found.append(Problem(where or "(request)", f"expected a number, got {json.dumps(value.text)}"))
    elif isinstance(value, dict):
        kind, ident = value.get("resourceType"), value.get("id")
        if isinstance(kind, str) and isinstance(ident, str):
            where = f"{kind}/{ident}"
        for key, item in value.items():
            _not_numbers(item, f"{where}.{key}" if where else key, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _not_numbers(item, f"{where}[{index}]", found)


def parse_json(data: bytes, source: str) -> Any:
    """Strict JSON from bytes; a NaN or an Infinity anywhere is an error naming its resource."""
    try:
        text = decode(data, source)
        parsed = json.loads(
            text, object_pairs_hook=no_repeated_keys, parse_constant=NotANumber, parse_float=_float, parse_int=_int
        )
    except UserError as error:
        raise BadRequest(error.problems) from None
    except json.JSONDecodeError as error:
        raise BadRequest(
            Problem(source, f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})")
        ) from None
    except (ValueError, RecursionError) as error:
        raise BadRequest(Problem(source, f"not valid JSON: {error}")) from None
    found: list[Problem] = []
    _not_numbers(parsed, "", found)
    if found:
        raise BadRequest(found)
    return parsed


@dataclass(frozen=True)
class HookRequest:
    """What the service needs from a patient-view request."""

    hook_instance: str
    patient_id: str
    prefetch: dict[str, Any]
    fhir_server: str | None
    access_token: str | None


def _text(data: dict[str, Any], key: str, where: str, problems: list[Problem], required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        problems.append(Problem(where, f"expected text; got {given(value) if key in data else 'nothing'}"))
        return None
    return value


def hook_request(data: Any) -> HookRequest:
    """The request's parts, or BadRequest naming every problem with it."""
    if not isinstance(data, dict):
        raise BadRequest(Problem("(request)", f"expected a JSON object (a CDS Hooks request); got {given(data)}"))
    problems: list[Problem] = []
    hook = _text(data, "hook", "hook", problems)
    if hook is not None and hook != HOOK:
        problems.append(Problem("hook", f"this service answers the {HOOK} hook; got {given(hook)}"))
    instance = _text(data, "hookInstance", "hookInstance", problems)
    context = data.get("context")
    patient = None
    if isinstance(context, dict):
        patient = _text(context, "patientId", "context.patientId", problems)
    else:
        problems.append(Problem("context", f"expected an object with patientId; got {given(context)}"))
    prefetch = data.get("prefetch", {})
    if prefetch is None:
        prefetch = {}
    if not isinstance(prefetch, dict):
        problems.append(Problem("prefetch", f"expected an object of prefetched resources; got {given(prefetch)}"))
    server = _text(data, "fhirServer", "fhirServer", problems, required=False)
    if server is not None and not server.startswith(("http://", "https://")):
        problems.append(Problem("fhirServer", f"expected an http:// or https:// address; got {given(server)}"))
    token = None
    authorization = data.get("fhirAuthorization")
    if authorization is not None:
        if isinstance(authorization, dict):
            token = _text(authorization, "access_token", "fhirAuthorization.access_token", problems)
        else:
            problems.append(
                Problem("fhirAuthorization", f"expected an object with access_token; got {given(authorization)}")
            )
    if problems:
        raise BadRequest(problems)
    assert instance is not None and patient is not None  # checked above
    return HookRequest(instance, patient, prefetch if isinstance(prefetch, dict) else {}, server, token)


def resources(value: Any, where: str) -> list[tuple[str, dict[str, Any]]]:
    """The resources of a prefetch value or a FHIR server's answer (a Bundle, or one resource),
    each with its name: `Observation/o1`, or its place in the Bundle when it has no id."""
    if not isinstance(value, dict) or not isinstance(value.get("resourceType"), str):
        raise BadRequest(Problem(where, f"expected a FHIR resource or Bundle; got {given(value)}"))
    if value["resourceType"] != "Bundle":
        return [(_name(value, where), value)]
    entries = value.get("entry", [])
    if not isinstance(entries, list):
        raise BadRequest(Problem(f"{where}.entry", f"expected a list of entries; got {given(entries)}"))
    found = []
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        at = f"{where}.entry[{index}].resource"
        if not isinstance(resource, dict) or not isinstance(resource.get("resourceType"), str):
            raise BadRequest(Problem(at, f"expected a FHIR resource; got {given(resource)}"))
        search = entry.get("search")
        if isinstance(search, dict) and search.get("mode") == "outcome":
            continue  # an OperationOutcome about the search, not the patient's data
        found.append((_name(resource, at), resource))
    return found


def _name(resource: dict[str, Any], where: str) -> str:
    ident = resource.get("id")
    return f"{resource['resourceType']}/{ident}" if isinstance(ident, str) and ident else where
