"""The state projected for the next week of a block: a week later, the race a week closer (the
recovery after it), the phase and the deload count moved on, and what the week's advice leads to
if it is followed (a deload eases fatigue, a managed tendon or soreness settles a step and is at
the stage the week loaded it, a one-off running spike is over, the walk-run stage moves on when
its runs go well, a week more of lifting). Each assumption is said in words; red flags and
missing data stay as they were."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from runstrong.advice.dose_context import threshold
from runstrong.advice.resolve import REFERRAL, Advice
from runstrong.rules.knowledge import KnowledgeBase

ORDER = ("base_strength", "power", "maintenance")
#: Walk-run sessions in a week (every other day).
RUNS_A_WEEK = 3
#: How far a managed symptom settles in a week of following the advice (points on its 0-10 scale).
SETTLE_POINTS = 1


def _typical(knowledge: KnowledgeBase, phase: str, bound: str) -> int:
    return int(knowledge.phases.get(phase, {}).get("typical_weeks", {}).get(bound, 0))


def deload_week(advice: Advice, snapshot: dict[str, Any]) -> bool:
    """The week is a deload: the advice cuts its volume, or the phase is a deload."""
    phase = (snapshot.get("plan") or {}).get("phase")
    return phase == "deload" or any(r.adjustment.effects.get("volume") == "down" for r in advice.recommendations)


def _phase(knowledge: KnowledgeBase, plan: dict[str, Any], advice: Advice, why: list[str]) -> None:
    """The phase of the next week: the advice's advance, the race's maintenance and power weeks,
    then each phase's typical length; after a deload week, base strength."""
    phase = str(plan.get("phase") or "base_strength")
    weeks_in = int(plan.get("weeks_in_phase") or 0) + 1
    race = plan.get("race_in_days")
    to_race = None if race is None else int(race) // 7
    following = knowledge.phases.get(phase, {}).get("next")
    new = phase
    if phase == "deload":
        new, reason = "base_strength", "base strength after the deload phase (assumed)"
    elif any(r.adjustment.effects.get("phase") == "advance" for r in advice.recommendations) and following:
        new, reason = str(following), f"{following} after this week's advice to advance"
    elif to_race is not None and phase in ORDER[:2] and to_race <= _typical(knowledge, "maintenance", "min"):
        new, reason = (
            "maintenance",
            f"maintenance for the last {_typical(knowledge, 'maintenance', 'min')} weeks before the race",
        )
    elif (
        to_race is not None
        and phase == "base_strength"
        and to_race <= sum(_typical(knowledge, p, "min") for p in ("maintenance", "power"))
    ):
        new, reason = "power", "power before the race's maintenance weeks"
    elif following and weeks_in >= _typical(knowledge, phase, "max") and not (phase == "maintenance" and to_race):
        new, reason = str(following), f"{following} after {weeks_in} weeks of {phase.replace('_', ' ')}"
    if new != phase:
        why.append(f"phase: {reason.replace('_', ' ')}")
        plan.update(phase=new, weeks_in_phase=0)
    else:
        plan.update(phase=phase, weeks_in_phase=weeks_in)


def _deloads(knowledge: KnowledgeBase, plan: dict[str, Any], was_deload: bool, first: bool, why: list[str]) -> None:
    """Weeks since the last deload: 1 after a deload week, else one more; unknown is taken as due
    in the first projected week; a taper before a race stands in for a deload."""
    due = threshold(knowledge, "deload_due_weeks") or 6
    since = plan.get("weeks_since_deload")
    if was_deload:
        since = 1
    elif since is None:
        since = due if first else None
        if first:
            why.append("the weeks since the last deload are not known: a deload is taken as due")
    else:
        since = int(since) + 1
    race = plan.get("race_in_days")
    no_new = threshold(knowledge, "race_no_new_work_days")
    if since is not None and race is not None and int(race) <= no_new and since >= due:
        since = due - 1
        why.append("no deload in the last weeks before the race: the taper unloads instead")
    if since is None:
        plan.pop("weeks_since_deload", None)
    else:
        plan["weeks_since_deload"] = min(int(since), 104)


def _settle(data: dict[str, Any], advice: Advice, was_deload: bool, why: list[str]) -> None:
    """Symptoms the advice manages settle a step; fatigue eases after a deload; a one-off spike is
    over. Nothing settles while a referral waits for the assessment."""
    if any(rec.adjustment.id == REFERRAL for rec in advice.recommendations):
        why.append("until a clinician has assessed it, the symptoms and the referral are taken as they are")
        return
    symptoms = data.get("symptoms") or {}
    settled = []
    for tendon in symptoms.get("tendon") or []:
        low = tendon.get("pain_baseline", 0)
        if tendon.get("pain_during_load", 0) > low:
            tendon["pain_during_load"] = max(low, tendon["pain_during_load"] - SETTLE_POINTS)
            settled.append(f"{tendon.get('site', 'tendon')} pain {tendon['pain_during_load']}/10")
        if "pain_next_morning" in tendon and "pain_baseline" in tendon:
            tendon["pain_next_morning"] = min(tendon["pain_next_morning"], tendon["pain_baseline"])
        if tendon.get("trend") == "rising":
            tendon["trend"] = "stable"
    for item in [*(symptoms.get("soreness") or []), *(symptoms.get("sharp_joint_pain") or [])]:
        if item.get("level", 0) > 0:
            item["level"] = max(0, item["level"] - 2 * SETTLE_POINTS)
            settled.append(f"{item.get('region') or item.get('joint')} {item['level']}/10")
        if item.get("trend") == "rising":
            item["trend"] = "stable"
    if settled:
        why.append("if the advice is followed, symptoms settle a step: " + ", ".join(settled))
    if was_deload:
        _rested(data, why)
    running = data.get("running") or {}
    if "week_km" in running:
        running["prev_week_km"] = running["week_km"]
    running.pop("max_run_spike_ratio", None)
    if "planned_long_run_km" in running and "longest_run_30d_km" in running:
        running["longest_run_30d_km"] = max(running["longest_run_30d_km"], running["planned_long_run_km"])
    if running:
        why.append("running held at this week's distance, no new spike")


#: Where the fatigue signs a deload is for are taken to be after it (a typical week).
RESTED = {"fatigue": 2, "stress": 2, "mood": 4}


def _rested(data: dict[str, Any], why: list[str]) -> None:
    """After a deload week the fatigue signs it was for are taken as eased: fatigue, stress and mood
    typical again, cadence back to its baseline, form no longer slipping. Sleep is taken as it was."""
    wellbeing = data.get("wellbeing") or {}
    for name, typical in RESTED.items():
        if name in wellbeing:
            wellbeing[name] = min(wellbeing[name], typical) if name != "mood" else max(wellbeing[name], typical)
    if "low_mood_days" in wellbeing:
        wellbeing["low_mood_days"] = 0
    running = data.get("running") or {}
    if "cadence_baseline_spm" in running and "cadence_spm" in running:
        running["cadence_spm"] = running["cadence_baseline_spm"]
    symptoms = data.get("symptoms") or {}
    if symptoms.get("form_deteriorating"):
        symptoms["form_deteriorating"] = False
    why.append("after the deload week, fatigue, stress, mood and cadence back to usual (sleep as it was)")


def _lifting(data: dict[str, Any], why: list[str]) -> None:
    """A week more of lifting: the training age moves on (when it is known)."""
    profile = data.get("profile") or {}
    years = profile.get("strength_training_years")
    if isinstance(years, int | float) and not isinstance(years, bool):
        profile["strength_training_years"] = round(years + 1 / 52, 4)
        why.append("a week more of lifting")


def _walk_run(data: dict[str, Any], advice: Advice, why: list[str]) -> None:
    """The walk-run stage: the next one when the advice moves it on, and the stage's runs (every
    other day) counted as completed without symptoms when the advice is followed."""
    rtr = data.get("return_to_run") or {}
    stage = rtr.get("walk_run_stage")
    if not isinstance(stage, int) or isinstance(stage, bool):
        return
    running = [r.adjustment.effects.get("running") for r in advice.recommendations]
    if "stop" in running:
        return
    runs = RUNS_A_WEEK
    if "up" in running:
        rtr.update(walk_run_stage=min(stage + 1, 20), stage_completions=runs)
        why.append(f"walk-run stage {stage + 1}, its {runs} runs this week without symptoms")
    elif stage > 0:
        rtr["stage_completions"] = min(int(rtr.get("stage_completions") or 0) + runs, 50)
        why.append(f"walk-run stage {stage} run {runs} more times without symptoms")


def _stages(data: dict[str, Any], stages: dict[str, str], why: list[str]) -> None:
    """Each tendon at the loading stage the week gave it."""
    for tendon in (data.get("symptoms") or {}).get("tendon") or []:
        stage = stages.get(tendon.get("site", ""))
        if stage and tendon.get("loading_stage") != stage:
            tendon["loading_stage"] = stage
            why.append(f"{str(tendon.get('site')).replace('_', ' ')} tendon at the {stage.replace('_', ' ')} stage")


def _taper(knowledge: KnowledgeBase, plan: dict[str, Any], why: list[str]) -> None:
    """In the last days before the race the planned heavy leg sessions are moderate (the taper)."""
    programming = knowledge.programming
    race = plan.get("race_in_days")
    if programming is None or race is None or int(race) >= int(programming.modifiers["taper"]["last_heavy_days"]):
        return
    changed = False
    for session in plan.get("gym_sessions") or []:
        if session.get("intensity") == "high":
            session["intensity"], changed = "moderate", True
    if changed:
        why.append("the taper: the planned high sessions moderate in the race's last days")


def next_state(
    knowledge: KnowledgeBase,
    snapshot: dict[str, Any],
    advice: Advice,
    first: bool,
    stages: dict[str, str] | None = None,
) -> tuple[dict[str, Any], list[str]]:
    """The snapshot projected a week on from `snapshot` and its advice (and the tendon stages the
    week loaded), and the assumptions made."""
    data = copy.deepcopy(snapshot)
    data.pop("provenance", None)
    data.pop("baselines", None)
    why: list[str] = []
    data["date"] = str(dt.date.fromisoformat(str(snapshot["date"])) + dt.timedelta(weeks=1))
    plan = data.setdefault("plan", {})
    was_deload = deload_week(advice, snapshot)
    race = plan.get("race_in_days")
    if race is not None and int(race) - 7 < 0:
        plan.pop("race_in_days")
        plan.update(phase="deload", weeks_in_phase=0)
        why.append("after the race: the recovery weeks, every run easy")
    else:
        if race is not None:
            plan["race_in_days"] = int(race) - 7
        _phase(knowledge, plan, advice, why)
        _taper(knowledge, plan, why)
    _deloads(knowledge, plan, was_deload, first, why)
    _settle(data, advice, was_deload, why)
    _stages(data, stages or {}, why)
    _walk_run(data, advice, why)
    _lifting(data, why)
    return data, why
