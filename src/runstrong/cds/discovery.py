"""The one service this server offers, as the discovery endpoint lists it, and the FHIR queries
it reads (as prefetch templates, and from the FHIR server when prefetch is missing)."""

from __future__ import annotations

from typing import Any

from runstrong.cds.codes import FIELD_SYSTEM, INJURY_SYSTEM, LOINC, LOINC_FIELDS

SERVICE_ID = "runstrong-patient-view"
#: prefetch key -> (resource type, search parameters with the patient as `{patient}`).
QUERIES: dict[str, tuple[str, dict[str, str]]] = {
    "patient": ("Patient", {}),
    "observations": (
        "Observation",
        {
            "patient": "{patient}",
            "code": ",".join([f"{FIELD_SYSTEM}|", *(f"{LOINC}|{code}" for code in LOINC_FIELDS)]),
        },
    ),
    "conditions": ("Condition", {"patient": "{patient}", "code": f"{INJURY_SYSTEM}|"}),
}


def prefetch_templates() -> dict[str, str]:
    """The prefetch templates, with the CDS Hooks token for the patient."""
    templates = {}
    for key, (kind, params) in QUERIES.items():
        if not params:
            templates[key] = f"{kind}/{{{{context.patientId}}}}"
            continue
        query = "&".join(
            f"{name}={value.replace('{patient}', '{{context.patientId}}')}" for name, value in params.items()
        )
        templates[key] = f"{kind}?{query}"
    return templates


def services() -> dict[str, Any]:
    """The discovery response: `{"services": [...]}`."""
    return {
        "services": [
            {
                "id": SERVICE_ID,
                "hook": "patient-view",
                "title": "runstrong: gym strength without raising overuse-injury risk",
                "description": (
                    "Reads the runner's training load, symptoms, red flags, sleep and injury history "
                    "(FHIR Observations and Conditions, see docs/cds-hooks.md) and gives this week's "
                    "training advice: a referral when a red flag is seen, the decreases, or train as planned. "
                    "Missing data is reported as not known, never as fine."
                ),
                "prefetch": prefetch_templates(),
            }
        ]
    }
