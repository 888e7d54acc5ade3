"""FHIR resources to a snapshot: Observations coded with a field path (or a LOINC code) carry
the fields, list items are Observations with components, red flags are coded Observations, the
injury history is Conditions, the Patient gives age and sex. Where each value came from is kept,
so that the snapshot format's own problems are reported on the resource element that caused them.

When a field is sent more than once (a FHIR server's history), the Observations of the latest
effective date are used: for a field, one value; for a list, every item of that date."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from runstrong.cds.codes import FIELD_SYSTEM, LOINC, LOINC_FIELDS, RED_FLAG_SYSTEM, UNUSED_STATUSES
from runstrong.cds.conditions import injury_item, patient_fields
from runstrong.cds.values import bad, given, read_value
from runstrong.snapshot.fields import ITEM_LIST, SCALAR_LIST, FieldSpec, catalogue
from runstrong.snapshot.validation import Snapshot, did_you_mean, validation_problems
from runstrong.util.errors import Problem, UserError

_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})")
#: How old (before the newest Observation) this week's data may be; sections it does not apply to.
MAX_AGE_DAYS = 7
TIMELESS = ("profile", "baselines")
#: Fields the request itself gives: the patient is the athlete, the date that of the data.
FROM_CONTEXT = ("athlete_id", "date")


@dataclass
class Entry:
    """What one Observation says about one field: a value, an item, or that the list is empty."""

    effective: str  # the date, or "" when the Observation has none
    where: str
    value: Any = None
    none: bool = False
    locations: dict[str, str] = field(default_factory=dict)  # item field -> where it was read


@dataclass
class Mapped:
    """The snapshot built from the resources and where each of its values came from."""

    snapshot: Snapshot
    locations: dict[str, str]
    observations_used: int = 0
    out_of_scope: str = ""  # why runstrong does not advise this patient, when it does not
    stale: dict[str, str] = field(default_factory=dict)  # field -> the date of its too old Observations


@cache
def fields() -> dict[str, FieldSpec]:
    """The snapshot fields an Observation may carry, by path."""
    return {p: s for p, s in catalogue().scalars.items() if not s.derived and p not in FROM_CONTEXT}


@cache
def item_fields(path: str) -> dict[str, FieldSpec]:
    """The fields of one item of a list of items, sent as components."""
    return {n: s for n, s in catalogue().lists[path].items() if not s.derived}


def effective_date(resource: dict[str, Any], where: str) -> str:
    """The day an Observation describes (effectiveDateTime, effectiveInstant, effectivePeriod)."""
    period = resource.get("effectivePeriod")
    candidates = [
        ("effectiveDateTime", resource.get("effectiveDateTime")),
        ("effectiveInstant", resource.get("effectiveInstant")),
        ("effectivePeriod.end", period.get("end") if isinstance(period, dict) else None),
        ("effectivePeriod.start", period.get("start") if isinstance(period, dict) else None),
    ]
    for name, value in candidates:
        if value is None:
            continue
        match = _DATE.match(value) if isinstance(value, str) else None
        if match is None:
            raise bad(f"{where}.{name}", f"expected a date with its day (YYYY-MM-DD...); got {given(value)}")
        try:
            return date.fromisoformat(match.group(1)).isoformat()
        except ValueError:
            raise bad(f"{where}.{name}", f"expected a real date; got {given(value)}") from None
    return ""


def _codings(element: dict[str, Any]) -> list[dict[str, Any]]:
    code = element.get("code")
    codings = code.get("coding") if isinstance(code, dict) else None
    return [c for c in codings if isinstance(c, dict)] if isinstance(codings, list) else []


def field_code(resource: dict[str, Any], where: str) -> str | None:
    """The field path an Observation carries, or None when it carries none of runstrong's."""
    for coding in _codings(resource):
        if coding.get("system") == FIELD_SYSTEM:
            path = coding.get("code")
            known = fields()
            if path in FROM_CONTEXT:
                raise bad(f"{where}.code", f"{path} is not sent as an Observation: it comes from the request")
            if not isinstance(path, str) or path not in known:
                hint = did_you_mean(str(path), list(known))
                advice = f"did you mean {hint!r}?" if hint else "see docs/cds-hooks.md for the field paths"
                raise bad(f"{where}.code", f"unknown runstrong field {given(path)}; {advice}")
            return path
    for coding in _codings(resource):
        if coding.get("system") == LOINC and coding.get("code") in LOINC_FIELDS:
            return LOINC_FIELDS[str(coding["code"])][0]
    return None


def _item(resource: dict[str, Any], path: str, where: str) -> tuple[dict[str, Any], dict[str, str]]:
    specs = item_fields(path)
    item: dict[str, Any] = {}
    locations: dict[str, str] = {}
    for index, component in enumerate(resource["component"]):
        at = f"{where}.component[{index}]"
        if not isinstance(component, dict):
            raise bad(at, f"expected a component (an object); got {given(component)}")
        names = [c.get("code") for c in _codings(component) if c.get("system") == FIELD_SYSTEM]
        name = str(names[0]).removeprefix(f"{path}.") if names else None
        if name is None or name not in specs:
            hint = did_you_mean(str(name), list(specs)) if name else None
            advice = f"did you mean {hint!r}?" if hint else f"expected one of: {', '.join(specs)}"
            raise bad(f"{at}.code", f"not a field of {path}: {given(name)}; {advice}")
        spec = specs[name]
        if spec.kind == SCALAR_LIST and component.get("valueBoolean") is False:
            item.setdefault(name, [])  # muscle_groups known to be none
            continue
        if spec.kind == SCALAR_LIST:  # muscle_groups: one component per value
            read = read_value(component, FieldSpec(name, "enum", "", choices=spec.choices), name, at)
            if read is not None:
                item.setdefault(name, []).append(read[0])
                locations[f"{name}[{len(item[name]) - 1}]"] = read[1]
            continue
        if name in item:
            raise bad(f"{at}.code", f"{name} is given twice in this {path} item")
        read = read_value(component, spec, name, at)
        if read is not None:
            item[name], locations[name] = read
    return item, locations


def _list_value(resource: dict[str, Any], path: str, where: str) -> Any:
    """One value of a list of plain values: a red flag's code, a key run day."""
    if path == "symptoms.red_flags":
        concept = resource.get("valueCodeableConcept")
        codings = concept.get("coding") if isinstance(concept, dict) else None
        codes = [c.get("code") for c in codings or [] if isinstance(c, dict) and c.get("system") == RED_FLAG_SYSTEM]
        if not codes:
            raise bad(
                f"{where}.valueCodeableConcept",
                f"expected a coding of {RED_FLAG_SYSTEM} (a red flag), or valueBoolean false for none; "
                f"got {given(concept)}",
            )
        return codes[0]
    read = read_value(resource, FieldSpec(path, "enum", ""), path, where)
    return None if read is None else read[0]


def observation_entry(resource: dict[str, Any], path: str, where: str) -> Entry | None:
    """What one Observation says about its field (None: a dataAbsentReason, the field unknown)."""
    entry = Entry(effective_date(resource, where), where)
    spec = fields()[path]
    if spec.kind in (ITEM_LIST, SCALAR_LIST):
        if resource.get("valueBoolean") is False and "component" not in resource:
            entry.none = True
        elif spec.kind == ITEM_LIST:
            extra = [key for key in resource if key.startswith("value")]
            if extra and "component" in resource:
                raise bad(where, f"expected components or valueBoolean false (none), not both; got {extra[0]} too")
            if not isinstance(resource.get("component"), list) or not resource["component"]:
                raise bad(where, f"expected components (the fields of one {path} item), or valueBoolean false for none")
            entry.value, entry.locations = _item(resource, path, where)
        else:
            entry.value = _list_value(resource, path, where)
            if entry.value is None:
                return None
        return entry
    read = read_value(resource, spec, path, where)
    if read is None:
        return None
    entry.value, entry.locations[""] = read
    return entry


def _drop_stale(mapped: Mapped, by_path: dict[str, list[Entry]]) -> None:
    """This week's fields (not the profile, not the baselines) from Observations more than
    `MAX_AGE_DAYS` older than the snapshot's date are not used: old news is not known now."""
    newest = date.fromisoformat(mapped.snapshot["date"])
    for path in list(by_path):
        effective = _latest(by_path[path])[0].effective
        if path.split(".")[0] in TIMELESS or not effective:
            continue
        if (newest - date.fromisoformat(effective)).days > MAX_AGE_DAYS:
            mapped.stale[path] = effective
            del by_path[path]


def _set(snapshot: Snapshot, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node = snapshot
    for part in parents:
        node = node.setdefault(part, {})
    node[last] = value


def _latest(entries: list[Entry]) -> list[Entry]:
    newest = max(entry.effective for entry in entries)
    return [entry for entry in entries if entry.effective == newest]


def _place(mapped: Mapped, path: str, entries: list[Entry]) -> None:
    """Put the latest of what the Observations say about one field into the snapshot."""
    latest = _latest(entries)
    spec = fields()[path]
    if spec.kind not in (ITEM_LIST, SCALAR_LIST):
        if any(entry.value != latest[0].value for entry in latest):
            names = " and ".join(entry.where for entry in latest[:2])
            raise bad(names, f"{path} is given twice with different values and the same effective date")
        _set(mapped.snapshot, path, latest[0].value)
        mapped.locations[path] = latest[0].locations[""]
        return
    items = [entry for entry in latest if not entry.none]
    if items and len(items) < len(latest):
        names = " and ".join([next(e.where for e in latest if e.none), items[0].where])
        raise bad(names, f"{path}: one Observation says none and another gives an item, of the same date")
    values: list[Any] = []
    for entry in items:
        if spec.kind == SCALAR_LIST and entry.value in values:
            continue  # a red flag or a day recorded twice is one
        mapped.locations[f"{path}[{len(values)}]"] = entry.where
        for name, where in entry.locations.items():
            mapped.locations[f"{path}[{len(values)}].{name}"] = where
        values.append(entry.value)
    _set(mapped.snapshot, path, values)


def _subject(resource: dict[str, Any], where: str, patient_id: str) -> None:
    subject = resource.get("subject")
    reference = subject.get("reference") if isinstance(subject, dict) else None
    if reference is not None and reference != f"Patient/{patient_id}":
        raise bad(
            f"{where}.subject.reference",
            f"expected Patient/{patient_id} (the patient in context); got {given(reference)}",
        )


def to_snapshot(patient_id: str, resources: list[tuple[str, dict[str, Any]]], today: str) -> Mapped:
    """The snapshot the resources describe, dated by the newest Observation used (else `today`)."""
    problems: list[Problem] = []
    by_path: dict[str, list[Entry]] = {}
    conditions: list[tuple[str, dict[str, Any]]] = []
    patients: list[tuple[str, dict[str, Any]]] = []
    for where, resource in resources:
        kind = resource.get("resourceType")
        try:
            if kind in ("Observation", "Condition"):
                _subject(resource, where, patient_id)
            if kind == "Observation" and resource.get("status") not in UNUSED_STATUSES:
                path = field_code(resource, where)
                entry = observation_entry(resource, path, where) if path else None
                if path and entry:
                    by_path.setdefault(path, []).append(entry)
            elif kind == "Condition":
                conditions.append((where, resource))
            elif kind == "Patient":
                patients.append((where, resource))
        except UserError as error:
            problems += error.problems
    mapped = Mapped({"athlete_id": patient_id}, {"athlete_id": "context.patientId"})
    dates = [entry.effective for entries in by_path.values() for entry in _latest(entries) if entry.effective]
    mapped.snapshot["date"] = max(dates, default=today)
    mapped.locations["date"] = "the newest effective date of the Observations used"
    mapped.observations_used = sum(len(_latest(entries)) for entries in by_path.values())
    _drop_stale(mapped, by_path)
    for path in sorted(by_path):
        try:
            _place(mapped, path, by_path[path])
        except UserError as error:
            problems += error.problems
    try:
        _injuries(mapped, conditions)
        for where, resource in patients:
            patient_fields(mapped, where, resource, patient_id)
    except UserError as error:
        problems += error.problems
    if problems:
        raise UserError(problems)
    return mapped


def _injuries(mapped: Mapped, conditions: list[tuple[str, dict[str, Any]]]) -> None:
    """Coded Conditions are the injury history; they win over an Observation saying there is none."""
    items = [(where, found) for where, resource in conditions if (found := injury_item(resource, where, mapped))]
    if not items:
        return
    history = mapped.snapshot.setdefault("profile", {})["injury_history"] = []
    for index, (where, (item, locations)) in enumerate(items):
        history.append(item)
        mapped.locations[f"profile.injury_history[{index}]"] = where
        for name, at in locations.items():
            mapped.locations[f"profile.injury_history[{index}].{name}"] = at


def located_problems(mapped: Mapped) -> list[Problem]:
    """The snapshot format's problems with the snapshot, each named by the resource element it
    came from and the field: `Observation/o3.valueQuantity.value (wellbeing.mood): expected ...`."""
    problems = []
    for problem in validation_problems(mapped.snapshot):
        where = problem.where
        while where and where not in mapped.locations:
            where = re.sub(r"(\[\d+\]|\.[^.\[]+)$", "", where) if re.search(r"[.\[]", where) else ""
        origin = mapped.locations.get(where, "")
        problems.append(Problem(f"{origin} ({problem.where})" if origin else problem.where, problem.message))
    return problems
