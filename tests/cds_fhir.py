"""A snapshot written as the FHIR resources the CDS Hooks service reads (the inverse of
`runstrong.cds.fhir`, written independently of it from docs/cds-hooks.md), and requests built
from them."""

from __future__ import annotations

from typing import Any

from runstrong.snapshot.fields import ITEM_LIST, SCALAR_LIST, catalogue

FIELD = "urn:runstrong:field"
UNITS = {
    "km": "km",
    "steps/min": "/min",
    "hours": "h",
    "days": "d",
    "minutes": "min",
    "months": "mo",
    "%": "%",
    "m/s": "m/s",
    "cm": "cm",
    "s": "s",
}


def _code(code: str) -> dict[str, Any]:
    return {"coding": [{"system": FIELD, "code": code}]}


def _value(spec_kind: str, unit: str, value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"valueBoolean": value}
    if isinstance(value, str):
        return {"valueString": value}
    if spec_kind == "integer" and isinstance(value, int):
        return {"valueInteger": value}
    quantity: dict[str, Any] = {"value": value}
    if unit in UNITS:
        quantity.update({"unit": unit, "system": "http://unitsofmeasure.org", "code": UNITS[unit]})
    return {"valueQuantity": quantity}


def _leaves(node: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    found = []
    scalars = catalogue().scalars
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict) and path not in scalars:
            found += _leaves(value, path)
        else:
            found.append((path, value))
    return found


def _components(list_path: str, item: dict[str, Any]) -> list[dict[str, Any]]:
    specs = catalogue().lists[list_path]
    components = []
    for name, value in item.items():
        if specs[name].kind == SCALAR_LIST:
            if not value:
                components.append({"code": _code(name), "valueBoolean": False})
            components += [{"code": _code(name), "valueString": v} for v in value]
        else:
            components.append({"code": _code(name), **_value(specs[name].kind, specs[name].unit, value)})
    return components


def to_resources(
    snapshot: dict[str, Any], patient: str | None = None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(Observations, Conditions) that say what the snapshot says, each dated by its date."""
    patient = patient or snapshot["athlete_id"]
    observations: list[dict[str, Any]] = []
    conditions: list[dict[str, Any]] = []

    def observation(path: str, **value: Any) -> None:
        observations.append(
            {
                "resourceType": "Observation",
                "id": f"obs-{len(observations) + 1}",
                "status": "final",
                "subject": {"reference": f"Patient/{patient}"},
                "effectiveDateTime": snapshot["date"],
                "code": _code(path),
                **value,
            }
        )

    scalars = catalogue().scalars
    for path, value in _leaves({k: v for k, v in snapshot.items() if k not in ("athlete_id", "date", "provenance")}):
        kind = scalars[path].kind
        if path == "profile.injury_history" and value:
            for item in value:
                condition: dict[str, Any] = {
                    "resourceType": "Condition",
                    "id": f"injury-{len(conditions) + 1}",
                    "subject": {"reference": f"Patient/{patient}"},
                    "code": {"coding": [{"system": "urn:runstrong:injury", "code": item["type"]}]},
                }
                extensions = []
                if "months_ago" in item:
                    extensions.append({"url": "urn:runstrong:months_ago", "valueDecimal": item["months_ago"]})
                if "recurrences" in item:
                    extensions.append({"url": "urn:runstrong:recurrences", "valueInteger": item["recurrences"]})
                if extensions:
                    condition["extension"] = extensions
                if "bone_site" in item:
                    condition["bodySite"] = [
                        {"coding": [{"system": "urn:runstrong:bone-site", "code": item["bone_site"]}]}
                    ]
                conditions.append(condition)
        elif kind in (ITEM_LIST, SCALAR_LIST) and not value:
            observation(path, valueBoolean=False)
        elif kind == ITEM_LIST:
            for item in value:
                observation(path, component=_components(path, item))
        elif path == "symptoms.red_flags":
            for flag in value:
                observation(path, valueCodeableConcept={"coding": [{"system": "urn:runstrong:red-flag", "code": flag}]})
        elif kind == SCALAR_LIST:
            for day in value:
                observation(path, valueString=day)
        else:
            observation(path, **_value(kind, scalars[path].unit, value))
    return observations, conditions


def bundle(resources: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": len(resources),
        "entry": [{"fullUrl": f"urn:uuid:{r['id']}", "resource": r} for r in resources],
    }


def hook_request(snapshot: dict[str, Any], prefetch: bool = True, **extra: Any) -> dict[str, Any]:
    """A patient-view request for the snapshot's athlete, its data in prefetch (or not)."""
    observations, conditions = to_resources(snapshot)
    request: dict[str, Any] = {
        "hook": "patient-view",
        "hookInstance": "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea",
        "context": {"userId": "Practitioner/example", "patientId": snapshot["athlete_id"]},
        **extra,
    }
    if prefetch:
        request["prefetch"] = {"observations": bundle(observations), "conditions": bundle(conditions)}
    return request
