"""The code systems the service reads and writes, the LOINC codes it accepts, and the units of
each field (UCUM) with the few conversions it makes."""

from __future__ import annotations

#: Observations carry snapshot fields coded in this system, the code being the field path.
FIELD_SYSTEM = "urn:runstrong:field"
#: The values of `symptoms.red_flags` Observations (their valueCodeableConcept).
RED_FLAG_SYSTEM = "urn:runstrong:red-flag"
#: Conditions in the injury history: the code is the injury type of the snapshot format.
INJURY_SYSTEM = "urn:runstrong:injury"
#: Extensions of such a Condition: months since the injury, and how often it came back.
MONTHS_AGO_EXTENSION = "urn:runstrong:months_ago"
RECURRENCES_EXTENSION = "urn:runstrong:recurrences"
#: A bone stress injury's site, in the Condition's bodySite (the snapshot's bone site values).
BONE_SITE_SYSTEM = "urn:runstrong:bone-site"
#: The reasons a clinician may give for overriding a card.
OVERRIDE_SYSTEM = "urn:runstrong:override-reason"
LOINC = "http://loinc.org"

#: LOINC codes accepted in place of a field code (each checked against LOINC's own display name).
#: Not Age (30525-0): an age Observation is the age when it was recorded; the age comes from
#: Patient.birthDate at the snapshot's date instead.
LOINC_FIELDS: dict[str, tuple[str, str]] = {
    "93832-4": ("wellbeing.sleep_h_last_night", "Sleep duration"),
}

#: The UCUM code of each unit the field catalogue names.
UCUM_OF_UNIT: dict[str, str] = {
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
#: Fields whose unit the catalogue does not name.
UCUM_OF_FIELD: dict[str, str] = {"profile.age": "a"}
#: (unit given, unit of the field) -> factor: a quantity in minutes for a field in hours, ...
CONVERSIONS: dict[tuple[str, str], float] = {
    ("min", "h"): 1 / 60,
    ("h", "min"): 60.0,
    ("m", "km"): 1 / 1000,
}
#: Observations in these states are not used (FHIR R4 ObservationStatus).
UNUSED_STATUSES = ("entered-in-error", "cancelled")
