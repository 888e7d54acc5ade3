"""Safety as properties over generated athletes, not as examples."""

from __future__ import annotations

import copy
import json
from typing import Any

from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from runstrong.advice.render import render_json
from runstrong.advice.result import recommend
from runstrong.cli.main import cli
from runstrong.engine.evaluator import Evaluator
from runstrong.snapshot.fields import catalogue
from runstrong.snapshot.validation import snapshot_schema, validate
from strategies import snapshots

RED_FLAGS = snapshot_schema()["properties"]["symptoms"]["properties"]["red_flags"]["items"]["enum"]
STATUS_RANK = {"green": 0, "insufficient-data": 1, "amber": 2, "red": 3}
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _advice(result: dict[str, Any]) -> tuple[str, set[str], set[str]]:
    given_ids = {r["adjustment"] for r in result["recommendations"]}
    increases = {r["adjustment"] for r in result["recommendations"] if r["direction"] == "increase"}
    return result["status"], given_ids, increases


@FAST
@given(snapshots)
def test_any_valid_snapshot_runs_and_is_deterministic(evaluator: Evaluator, snapshot: dict[str, Any]) -> None:
    first = render_json(recommend(evaluator, validate(snapshot)))
    second = render_json(recommend(evaluator, validate(copy.deepcopy(snapshot))))
    assert first == second


@FAST
@given(snapshots)
def test_advice_never_holds_an_increase_and_a_decrease(evaluator: Evaluator, snapshot: dict[str, Any]) -> None:
    directions = {r["direction"] for r in recommend(evaluator, validate(snapshot))["recommendations"]}
    assert not {"increase", "decrease"} <= directions


@FAST
@given(snapshots, st.sampled_from(RED_FLAGS))
def test_a_red_flag_always_refers_and_never_progresses(
    evaluator: Evaluator, snapshot: dict[str, Any], flag: str
) -> None:
    """Every red flag that can apply to the athlete (`applies_to`: missed periods not for a man,
    nor from 45) refers; an unknown sex or age never rules one out."""
    applies = evaluator.ruleset.knowledge.red_flags[flag].applies_to
    profile = snapshot.get("profile", {})
    assume(applies is None or not applies.rules_out(profile.get("sex"), profile.get("age")))
    symptoms = snapshot.setdefault("symptoms", {})
    symptoms["red_flags"] = sorted({*symptoms.get("red_flags", []), flag})
    status, given_ids, increases = _advice(recommend(evaluator, validate(snapshot)))
    assert "refer-to-clinician" in given_ids
    assert status == "red"
    assert not increases


#: The snapshot format's upper bounds, so a worsened symptom stays a valid snapshot.
_MAX = {
    **{name: spec.maximum for name, spec in catalogue().scalars.items() if spec.maximum is not None},
    **{
        f"{path}.{name}": spec.maximum
        for path, fields in catalogue().lists.items()
        for name, spec in fields.items()
        if spec.maximum is not None
    },
}


def _worsenings(snapshot: dict[str, Any]) -> list[tuple[str, Any]]:
    """Every way to make exactly one reported symptom worse: (label, mutate function)."""
    options: list[tuple[str, Any]] = []
    symptoms, wellbeing = snapshot.get("symptoms", {}), snapshot.get("wellbeing", {})

    def bump(d: dict[str, Any], key: str, step: float, low: float, high: float) -> Any:
        return lambda: d.__setitem__(key, max(low, min(high, d[key] + step)))

    for i, item in enumerate(symptoms.get("soreness", [])):
        for key, step, high in (("level", 2, 10), ("duration_h", 48, _MAX["symptoms.soreness.duration_h"])):
            if key in item:
                options.append((f"soreness[{i}].{key}", bump(item, key, step, 0, high)))
        if item.get("trend") in ("falling", "stable"):
            worse = {"falling": "stable", "stable": "rising"}[item["trend"]]
            options.append((f"soreness[{i}].trend", lambda item=item, worse=worse: item.__setitem__("trend", worse)))
        if item.get("eases_with_warmup") is True:
            options.append(
                (f"soreness[{i}].eases_with_warmup", lambda item=item: item.__setitem__("eases_with_warmup", False))
            )
    for i, item in enumerate(symptoms.get("tendon", [])):
        for key, step, high in (
            ("pain_during_load", 2, 10),
            ("pain_next_morning", 2, 10),
            ("morning_stiffness_min", 20, _MAX["symptoms.tendon.morning_stiffness_min"]),
            ("days_persisting", 7, _MAX["symptoms.tendon.days_persisting"]),
        ):
            if key in item:
                options.append((f"tendon[{i}].{key}", bump(item, key, step, 0, high)))
    for i, item in enumerate(symptoms.get("sharp_joint_pain", [])):
        if "level" in item:
            options.append((f"sharp_joint_pain[{i}].level", bump(item, "level", 2, 0, 10)))
    for key, step, low, high in (
        ("sleep_h_avg_7d", -1.5, 0, 16),
        ("sleep_h_last_night", -2, 0, 16),
        ("sleep_quality", -1, 1, 5),
        ("fatigue", 1, 1, 5),
        ("stress", 1, 1, 5),
        ("mood", -1, 1, 5),
        ("low_mood_days", 5, 0, _MAX["wellbeing.low_mood_days"]),
    ):
        if key in wellbeing:
            options.append((f"wellbeing.{key}", bump(wellbeing, key, step, low, high)))
    new_items = (
        ("soreness", {"region": "calf", "level": 5, "trend": "rising", "after_runs": True}),
        ("tendon", {"site": "achilles", "pain_during_load": 5, "pain_next_morning": 4, "pain_baseline": 1}),
        ("sharp_joint_pain", {"joint": "knee", "level": 4}),
    )
    for key, item in new_items:
        if key in symptoms:
            options.append((f"new {key}", lambda key=key, item=item: symptoms[key].append(dict(item))))
    running = snapshot.get("running", {})
    if "cadence_spm" in running:
        options.append(("running.cadence_spm", bump(running, "cadence_spm", -8, 120, 230)))
    for holder, key in ((wellbeing, "sleep_disturbed"), (symptoms, "form_deteriorating")):
        if holder.get(key) is False:
            options.append((key, lambda holder=holder, key=key: holder.__setitem__(key, True)))
    return options


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshots, st.data())
def test_a_worse_symptom_never_gives_less_cautious_advice(
    evaluator: Evaluator, snapshot: dict[str, Any], data: st.DataObject
) -> None:
    before = _advice(recommend(evaluator, validate(snapshot)))
    worse = copy.deepcopy(snapshot)
    options = _worsenings(worse)
    if not options:
        return
    label, mutate = data.draw(st.sampled_from(options), label="worsening")
    mutate()
    after = _advice(recommend(evaluator, validate(worse)))
    assert STATUS_RANK[after[0]] >= STATUS_RANK[before[0]], (label, before, after)
    assert after[2] <= before[2], (label, before[2], after[2])


BREAKAGES = [
    ("wellbeing.sleep_h_avg_7d", {"wellbeing": {"sleep_h_avg_7d": 30}}),
    ("wellbeing.fatigue", {"wellbeing": {"fatigue": "tired"}}),
    ("symptoms.soreness[0].level", {"symptoms": {"soreness": [{"region": "calf", "level": -1}]}}),
    ("running.cadance_spm", {"running": {"cadance_spm": 170}}),
    ("plan.phase", {"plan": {"phase": "peak"}}),
    ("date", {"date": "24/11/2026"}),
]


@settings(max_examples=40, deadline=None)
@given(snapshots, st.sampled_from(BREAKAGES))
def test_an_invalid_snapshot_exits_2_naming_the_field(snapshot: dict[str, Any], breakage: tuple[str, Any]) -> None:
    path, patch = breakage
    for section, value in patch.items():
        if isinstance(value, dict):
            snapshot[section] = {**snapshot.get(section, {}), **value}
        else:
            snapshot[section] = value
    result = CliRunner().invoke(cli, ["recommend", "-"], input=json.dumps(snapshot))
    assert result.exit_code == 2
    assert path in result.stderr
    assert "Traceback" not in result.output
