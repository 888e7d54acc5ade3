"""Conditions as the injury history, and the Patient's age and sex."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from runstrong.cds.codes import BONE_SITE_SYSTEM, INJURY_SYSTEM, MONTHS_AGO_EXTENSION, RECURRENCES_EXTENSION
from runstrong.cds.values import bad, given

if TYPE_CHECKING:
    from runstrong.cds.fhir import Mapped

#: Condition.verificationStatus codes that mean the injury is not one.
NOT_AN_INJURY = ("entered-in-error", "refuted")
#: Patient.gender -> profile.sex (`unknown` leaves the sex unknown).
SEX_OF_GENDER = {"female": "female", "male": "male", "other": "other"}
DAYS_PER_MONTH = 365.25 / 12
AGE_RANGE = (12, 100)


def _codes(concept: Any, system: str | None = None) -> list[Any]:
    codings = concept.get("coding") if isinstance(concept, dict) else None
    return [
        c.get("code") for c in codings or [] if isinstance(c, dict) and (system is None or c.get("system") == system)
    ]


def _day(value: Any, where: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise bad(where, f"expected a date (YYYY-MM-DD...); got {given(value)}") from None


def _extension(resource: dict[str, Any], url: str, where: str) -> tuple[Any, str] | None:
    extensions = resource.get("extension")
    for index, extension in enumerate(extensions if isinstance(extensions, list) else []):
        if isinstance(extension, dict) and extension.get("url") == url:
            keys = [k for k in extension if k.startswith("value")]
            if len(keys) != 1:
                raise bad(f"{where}.extension[{index}]", f"expected one value[x] for {url}; got {len(keys)}")
            return extension[keys[0]], f"{where}.extension[{index}].{keys[0]}"
    return None


def injury_item(resource: dict[str, Any], where: str, mapped: Mapped) -> tuple[dict[str, Any], dict[str, str]] | None:
    """One item of `profile.injury_history` from a Condition coded in urn:runstrong:injury (None
    for any other Condition, and for one entered in error or refuted)."""
    if any(code in NOT_AN_INJURY for code in _codes(resource.get("verificationStatus"))):
        return None
    codes = _codes(resource.get("code"), INJURY_SYSTEM)
    if not codes:
        return None
    item: dict[str, Any] = {"type": codes[0]}
    locations = {"type": f"{where}.code"}
    months = _extension(resource, MONTHS_AGO_EXTENSION, where)
    onset = resource.get("onsetDateTime")
    if months is not None and onset is not None:
        raise bad(where, f"expected either onsetDateTime or the {MONTHS_AGO_EXTENSION} extension; got both")
    if months is not None:
        item["months_ago"], locations["months_ago"] = months
    elif onset is not None:
        at = f"{where}.onsetDateTime"
        days = (date.fromisoformat(mapped.snapshot["date"]) - _day(onset, at)).days
        item["months_ago"], locations["months_ago"] = round(days / DAYS_PER_MONTH, 1), at
    recurrences = _extension(resource, RECURRENCES_EXTENSION, where)
    if recurrences is not None:
        item["recurrences"], locations["recurrences"] = recurrences
    sites = resource.get("bodySite")
    for index, concept in enumerate(sites if isinstance(sites, list) else []):
        bone = _codes(concept, BONE_SITE_SYSTEM)
        if bone:
            item["bone_site"], locations["bone_site"] = bone[0], f"{where}.bodySite[{index}]"
    return item, locations


def patient_fields(mapped: Mapped, where: str, patient: dict[str, Any], patient_id: str) -> None:
    """Age (at the snapshot's date) and sex from the Patient, where no Observation gave them."""
    if "id" in patient and patient["id"] != patient_id:
        raise bad(f"{where}.id", f"expected {patient_id} (the patient in context); got {given(patient['id'])}")
    profile = mapped.snapshot.get("profile", {})
    sex = SEX_OF_GENDER.get(str(patient.get("gender")))
    if sex and "sex" not in profile:
        mapped.snapshot.setdefault("profile", {})["sex"] = sex
        mapped.locations["profile.sex"] = f"{where}.gender"
    born = patient.get("birthDate")
    if "age" in profile or not (isinstance(born, str) and len(born) == 10):
        return  # a year or a month of birth alone does not give the age
    at = f"{where}.birthDate"
    birth, today = _day(born, at), date.fromisoformat(mapped.snapshot["date"])
    age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
    if not AGE_RANGE[0] <= age <= AGE_RANGE[1]:
        mapped.out_of_scope = f"the patient is {age} (from {at}); runstrong advises athletes aged 12 to 100"
        return
    mapped.snapshot.setdefault("profile", {})["age"] = age
    mapped.locations["profile.age"] = at
