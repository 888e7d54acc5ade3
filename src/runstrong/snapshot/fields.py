"""The catalogue of fields rules may name: snapshot fields, list items and derived values."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from runstrong.snapshot.validation import snapshot_schema

NUMBER, INTEGER, BOOLEAN, ENUM, TEXT, DATE = "number", "integer", "boolean", "enum", "text", "date"
SCALAR_LIST, ITEM_LIST = "scalar_list", "item_list"

#: The field an item of a list of plain values is known by in `where` conditions.
SCALAR_ITEM_FIELD = {"symptoms.red_flags": "flag", "plan.key_run_days": "day"}
#: What one item of such a list is.
SCALAR_ITEM_DESCRIPTION = {"symptoms.red_flags": "A red-flag sign.", "plan.key_run_days": "A day of hard running."}
#: How a part of a pair or a baseline is named from what its parent measures (`{}`).
PART_LABELS = {
    "mean": "usual {} over the last 28 days (mean)",
    "sd": "variation of {} over the last 28 days (SD)",
    "days": "days with data on {} over the last 28 days",
}


@dataclass(frozen=True)
class FieldSpec:
    """What a field holds: its kind, range or choices, unit and meaning."""

    path: str
    kind: str
    description: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    unit: str = ""
    derived: bool = False
    inputs: tuple[str, ...] = ()
    label: str = ""  # its plain name (`field_label`); the description's first phrase when empty

    @property
    def numeric(self) -> bool:
        return self.kind in (NUMBER, INTEGER)


#: The end of a description's first sentence (not the dot of "e.g." or "i.e.").
_SENTENCE_END = re.compile(r"(?<!\be\.g)(?<!\bi\.e)\.(\s|$)")
#: A trailing scale: "pain 0-10", "mood 1-5, 5 = very good".
_SCALE = re.compile(r",?\s+\d+(\.\d+)?\s*-\s*\d+(\.\d+)?(,\s*\d+\s*=.*)?$")


def phrase(description: str) -> str:
    """A description's first phrase, as a name: its first sentence up to a colon, without a
    trailing parenthesis or scale, lower case unless it starts with an acronym."""
    words = _outside_brackets(_SENTENCE_END.split(description, maxsplit=1)[0], ": ")
    words = re.sub(r"\s*\([^()]*\)$", "", words.strip())
    words = _SCALE.sub("", words).strip()
    first = words.split(" ", 1)[0]
    return words if len(first) > 1 and first.isupper() else words[:1].lower() + words[1:]


def _outside_brackets(text: str, separator: str) -> str:
    """`text` up to the first `separator` that is not inside parentheses."""
    depth = 0
    for index, char in enumerate(text):
        depth += (char == "(") - (char == ")")
        if depth == 0 and text.startswith(separator, index):
            return text[:index]
    return text


def _part_label(path: str, parent_description: str) -> str:
    """A part of a pair or of a baseline (`metrics.bar_speed_mps.current`, `baselines.fatigue.sd`),
    named with what its parent measures."""
    part = path.rpartition(".")[2]
    what = phrase(parent_description)
    template = PART_LABELS.get(part) if path.startswith("baselines.") else None
    return template.format(what) if template else f"{what} ({part})"


def _unit(description: str) -> str:
    match = re.search(r"\(([^()]*)\)\.?$", description)
    if match and not any(ch.isdigit() for ch in match.group(1)):
        return match.group(1)
    match = re.search(r"\b(\d+-\d+)\b", description)
    return f"/{match.group(1).split('-')[1]}" if match else ""


def _spec(path: str, schema: dict[str, Any]) -> FieldSpec:
    description = schema.get("description", "")
    if "enum" in schema:
        return FieldSpec(path, ENUM, description, choices=tuple(schema["enum"]))
    if schema.get("type") == "array":
        return FieldSpec(path, SCALAR_LIST, description, choices=tuple(schema["items"].get("enum", ())))
    kind = {"number": NUMBER, "integer": INTEGER, "boolean": BOOLEAN}.get(schema.get("type", ""), TEXT)
    if schema.get("format") == "date":
        kind = DATE
    return FieldSpec(
        path,
        kind,
        description,
        schema.get("minimum"),
        schema.get("maximum"),
        unit=_unit(description) if kind in (NUMBER, INTEGER) else "",
    )


def _walk(
    prefix: str, schema: dict[str, Any], scalars: dict[str, FieldSpec], lists: dict[str, dict[str, FieldSpec]]
) -> None:
    for name, sub in schema.get("properties", {}).items():
        path = f"{prefix}.{name}" if prefix else name
        if sub.get("type") == "object":
            _walk(path, sub, scalars, lists)
        elif prefix.count(".") == 1:  # a part of a pair or of a baseline
            spec = _spec(path, sub)
            scalars[path] = replace(spec, label=_part_label(path, schema.get("description", prefix)))
        elif sub.get("type") == "array":
            items = sub["items"]
            if items.get("type") == "object":
                scalars[path] = FieldSpec(path, ITEM_LIST, sub.get("description", ""))
                lists[path] = {f: _spec(f, s) for f, s in items["properties"].items()}
            else:
                scalars[path] = FieldSpec(
                    path, SCALAR_LIST, sub.get("description", ""), choices=tuple(items.get("enum", ()))
                )
                item_field = SCALAR_ITEM_FIELD.get(path)
                if item_field:
                    lists[path] = {
                        item_field: FieldSpec(
                            item_field, ENUM, SCALAR_ITEM_DESCRIPTION[path], choices=tuple(items.get("enum", ()))
                        )
                    }
        else:
            scalars[path] = _spec(path, sub)


DERIVED_FIELDS: dict[str, FieldSpec] = {
    spec.path: spec
    for spec in [
        FieldSpec(
            "derived.week_change_pct",
            NUMBER,
            "Week-on-week change in running distance.",
            unit="%",
            derived=True,
            inputs=("running.week_km", "running.prev_week_km"),
        ),
        FieldSpec(
            "derived.cadence_drop_pct",
            NUMBER,
            "Cadence drop from baseline (positive = lower).",
            unit="%",
            derived=True,
            inputs=("running.cadence_spm", "running.cadence_baseline_spm"),
        ),
        FieldSpec(
            "derived.long_run_spike_ratio",
            NUMBER,
            "Planned long run / longest run of the last 30 days.",
            unit="×",
            derived=True,
            inputs=("running.planned_long_run_km", "running.longest_run_30d_km"),
        ),
        FieldSpec(
            "derived.bar_speed_drop_pct",
            NUMBER,
            "Warm-up bar speed below baseline.",
            unit="%",
            derived=True,
            inputs=("metrics.bar_speed_mps.current", "metrics.bar_speed_mps.baseline"),
        ),
        FieldSpec(
            "derived.reps_at_fixed_load_change",
            NUMBER,
            "Change in reps at a fixed load (negative = fewer).",
            unit="reps",
            derived=True,
            inputs=("metrics.reps_at_fixed_load.current", "metrics.reps_at_fixed_load.previous"),
        ),
        FieldSpec(
            "derived.circuit_time_change_pct",
            NUMBER,
            "Change in circuit time (positive = slower).",
            unit="%",
            derived=True,
            inputs=("metrics.circuit_time_s.current", "metrics.circuit_time_s.previous"),
        ),
        FieldSpec(
            "derived.heel_raise_min_reps",
            NUMBER,
            "Single-leg heel raises on the weaker side.",
            unit="reps",
            derived=True,
            inputs=("metrics.heel_raise_reps.left", "metrics.heel_raise_reps.right"),
        ),
        FieldSpec(
            "derived.heel_raise_asymmetry_pct",
            NUMBER,
            "Side-to-side difference in heel raises.",
            unit="%",
            derived=True,
            inputs=("metrics.heel_raise_reps.left", "metrics.heel_raise_reps.right"),
        ),
        FieldSpec(
            "derived.knee_to_wall_min_cm",
            NUMBER,
            "Knee-to-wall distance on the stiffer side.",
            unit="cm",
            derived=True,
            inputs=("metrics.knee_to_wall_cm.left", "metrics.knee_to_wall_cm.right"),
        ),
        FieldSpec(
            "derived.gym_sessions_count",
            INTEGER,
            "Gym sessions planned this week.",
            unit="sessions",
            derived=True,
            inputs=("plan.gym_sessions",),
        ),
        FieldSpec(
            "derived.high_gym_sessions_count",
            INTEGER,
            "High-intensity gym sessions planned this week.",
            unit="sessions",
            derived=True,
            inputs=("plan.gym_sessions",),
        ),
        FieldSpec(
            "derived.strength_gym_sessions_count",
            INTEGER,
            "Strength sessions (moderate or high, or intensity not given) planned this week; light ones not counted.",
            unit="sessions",
            derived=True,
            inputs=("plan.gym_sessions",),
        ),
        FieldSpec(
            "derived.plyometric_contacts_week",
            INTEGER,
            "Plyometric foot contacts planned this week.",
            unit="contacts",
            derived=True,
            inputs=("plan.gym_sessions",),
        ),
        FieldSpec(
            "derived.recent_injury_count",
            INTEGER,
            "Injuries in the last 12 months.",
            unit="injuries",
            derived=True,
            inputs=("profile.injury_history",),
        ),
        *(
            FieldSpec(
                f"derived.{name}_baseline_sd",
                NUMBER,
                f"{what} the athlete's own baseline, in their standard deviations (positive = worse).",
                unit="SD",
                derived=True,
                inputs=(current, f"baselines.{metric}.mean", f"baselines.{metric}.sd"),
            )
            for name, what, current, metric in (
                ("sleep_below", "Sleep last night below", "wellbeing.sleep_h_last_night", "sleep_h"),
                ("fatigue_above", "Fatigue above", "wellbeing.fatigue", "fatigue"),
                ("soreness_above", "Worst soreness above", "symptoms.soreness", "soreness"),
                ("tendon_pain_above", "Worst tendon pain during loading above", "symptoms.tendon", "tendon_pain"),
                ("cadence_below", "Cadence below", "running.cadence_spm", "cadence_spm"),
            )
        ),
    ]
}

DERIVED_ITEM_FIELDS: dict[str, dict[str, FieldSpec]] = {
    "symptoms.tendon": {
        "next_morning_above_baseline": FieldSpec(
            "next_morning_above_baseline",
            NUMBER,
            "Next-morning pain minus the pre-session baseline.",
            unit="/10",
            derived=True,
        ),
    },
}


@dataclass(frozen=True)
class FieldCatalogue:
    """Scalar fields (snapshot and derived) and the item fields of each list."""

    scalars: dict[str, FieldSpec]
    lists: dict[str, dict[str, FieldSpec]]


@cache
def catalogue() -> FieldCatalogue:
    """The field catalogue, read from the snapshot schema plus the derived values."""
    scalars: dict[str, FieldSpec] = {}
    lists: dict[str, dict[str, FieldSpec]] = {}
    _walk("", snapshot_schema(), scalars, lists)
    scalars.update(DERIVED_FIELDS)
    for path, extra in DERIVED_ITEM_FIELDS.items():
        lists[path] = {**lists[path], **extra}
    return FieldCatalogue(scalars, lists)


def field_label(path: str) -> str:
    """A field's plain name: a complete phrase, unique among the fields (`[i]` indices ignored).
    An item field named in one word is named with its list (`symptoms.soreness.level` -> soreness level)."""
    head = re.sub(r"\[\d+\]", "", path)
    spec = catalogue().scalars.get(head)
    if spec is None and "." in head:
        list_path, _, item_field = head.rpartition(".")
        spec = catalogue().lists.get(list_path, {}).get(item_field)
    if spec is None:
        return " ".join(head.split(".")[-2:]).replace("_", " ")
    words = spec.label or phrase(spec.description)
    if len(words.split()) < 2 and head.count(".") >= 2:
        parts = [re.sub(r"_(mps|s|cm|km|h|spm|pct|min)$", "", part) for part in head.split(".")[-2:]]
        words = " ".join(part.replace("_", " ") for part in parts)
    return words
