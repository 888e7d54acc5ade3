"""A realistic cohort for benchmarks: varied athletes, each reporting once a week.

Unlike `snapshots.py` (every field drawn uniformly from the JSON Schema), each athlete here has
a profile (age, sex, years of running and lifting, foot strike, an injury history), a phase of
training with a gym plan that fits it, running volume that moves a little from week to week,
and symptoms and wellbeing drawn from how people actually report them: most weeks mostly fine,
some sore or tired, a few with a tendon flare, the odd red flag. About 20 rules fire per row
with the bundled rule set (`bench/run.py --only cohort` prints the measured mean).
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from typing import Any

DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
GROUPS = ["posterior_chain", "quadriceps", "calves", "hips", "core", "upper_body"]
REGIONS = ["foot", "achilles", "calf", "shin", "knee", "quadriceps", "hamstring", "hip", "glute", "lower_back"]
INJURIES = [
    "shin_splints",
    "achilles_tendinopathy",
    "patellar_tendinopathy",
    "plantar_fasciitis",
    "bone_stress_injury",
    "itb_syndrome",
    "hamstring_strain",
    "calf_strain",
    "ankle_sprain",
    "other",
]
RED_FLAGS = [
    "night_pain",
    "rest_pain",
    "focal_bone_tenderness",
    "hop_pain",
    "joint_swelling",
    "numbness_tingling",
    "calf_swelling_warmth",
    "painkillers_to_run",
    "joint_giving_way",
    "pain_over_72h_after_run",
]
PHASES = ["base_strength", "base_strength", "power", "maintenance", "deload", "return_to_run"]
#: Weekly reports per athlete (so the dates span weeks).
WEEKS = 4
FIRST_MONDAY = datetime.date(2026, 11, 2)


def _sometimes(rng: random.Random, chance: float, value: Any) -> Any:
    return value if rng.random() < chance else None


def _profile(rng: random.Random) -> dict[str, Any]:
    sex = rng.choices(["female", "male", "other"], [48, 50, 2])[0]
    history = [
        {
            "type": rng.choice(INJURIES),
            "months_ago": rng.choice([2, 5, 9, 14, 30, 60]),
            "recurrences": rng.choice([0, 0, 0, 1]),
        }
        for _ in range(rng.choices([0, 1, 2, 3], [25, 35, 25, 15])[0])
    ]
    return {
        "age": rng.randint(17, 68),
        "sex": sex,
        "running_years": round(rng.uniform(0.5, 25), 1),
        "strength_training_years": rng.choice([0, 0.5, 1, 2, 4, 8]),
        "foot_strike": rng.choices(["rearfoot", "midfoot", "forefoot", "unknown"], [50, 25, 15, 10])[0],
        "injury_history": history,
    }


def _plan(rng: random.Random, phase: str, week: int) -> dict[str, Any]:
    sessions = []
    days = sorted(rng.sample(range(7), rng.choices([1, 2, 3, 4], [10, 40, 35, 15])[0]))
    for day in days:
        intensity = rng.choices(["light", "moderate", "high"], [20, 45, 35])[0]
        session: dict[str, Any] = {
            "day": DAYS[day],
            "intensity": intensity,
            "muscle_groups": sorted(rng.sample(GROUPS, rng.randint(2, 4)), key=GROUPS.index),
        }
        if rng.random() < 0.8:
            session["plyometric_contacts"] = rng.choice([0, 0, 20, 40, 80, 120])
        sessions.append(session)
    plan: dict[str, Any] = {
        "phase": phase,
        "weeks_in_phase": rng.randint(1, 8) + week,
        "weeks_since_deload": rng.randint(0, 6) + week,
        "gym_sessions": sessions,
        "key_run_days": sorted(rng.sample(DAYS, rng.choice([1, 2, 2, 3])), key=DAYS.index),
    }
    if rng.random() < 0.3:
        plan["race_in_days"] = rng.choice([5, 12, 20, 45, 90])
    return plan


def _running(rng: random.Random, base_km: float, cadence: float) -> dict[str, Any]:
    previous = round(base_km * rng.uniform(0.85, 1.1), 1)
    change = rng.choices([1.0, 1.08, 1.2, 1.35, 0.8], [30, 25, 20, 15, 10])[0]
    running = {
        "week_km": round(previous * change, 1),
        "prev_week_km": previous,
        "longest_run_30d_km": round(base_km * 0.3, 1),
        "planned_long_run_km": round(base_km * 0.3 * rng.choice([1.0, 1.1, 1.3]), 1),
        "cadence_spm": round(cadence + rng.choice([0, 0, -3, -8, 2]), 1),
        "cadence_baseline_spm": cadence,
    }
    return {key: value for key, value in running.items() if rng.random() < 0.92}


def _symptoms(rng: random.Random, history: list[dict[str, Any]]) -> dict[str, Any]:
    soreness = [
        {
            "region": rng.choice(REGIONS),
            "level": rng.choice([2, 3, 4, 5, 6, 7, 8]),
            "after_runs": rng.random() < 0.6,
            "trend": rng.choices(["rising", "stable", "falling"], [30, 45, 25])[0],
            "eases_with_warmup": rng.random() < 0.6,
            "duration_h": rng.choice([12, 24, 48, 80, 120]),
        }
        for _ in range(rng.choices([0, 1, 2, 3], [15, 30, 35, 20])[0])
    ]
    tendon_chance = 0.6 if any("tendinopathy" in h["type"] for h in history) else 0.25
    tendon = [
        {
            "site": rng.choice(["achilles", "patellar"]),
            "pain_during_load": rng.choice([1, 2, 3, 4, 5, 6]),
            "pain_next_morning": rng.choice([1, 2, 3, 4, 5]),
            "pain_baseline": rng.choice([0, 1, 2, 2]),
            "morning_stiffness_min": rng.choice([5, 10, 20, 40]),
            "days_persisting": rng.choice([3, 10, 20, 45]),
        }
        for _ in range(rng.random() < tendon_chance)
    ]
    sharp = [
        {"joint": rng.choice(["foot", "ankle", "knee", "hip", "lower_back"]), "level": rng.choice([2, 3, 5, 7])}
        for _ in range(rng.random() < 0.08)
    ]
    flags = sorted(rng.sample(RED_FLAGS, rng.choice([1, 1, 2]))) if rng.random() < 0.04 else []
    symptoms: dict[str, Any] = {
        "soreness": soreness,
        "tendon": tendon,
        "sharp_joint_pain": sharp,
        "red_flags": flags,
        "form_deteriorating": rng.random() < 0.2,
    }
    if rng.random() < 0.1:  # some weeks the symptoms questionnaire is not filled in
        for key in ("tendon", "sharp_joint_pain", "red_flags"):
            del symptoms[key]
    return symptoms


def _wellbeing(rng: random.Random, tired: bool) -> dict[str, Any]:
    sleep = round(rng.gauss(6.6 if tired else 7.4, 0.8), 1)
    wellbeing = {
        "sleep_h_avg_7d": min(max(sleep, 3.0), 11.0),
        "sleep_h_last_night": min(max(round(sleep + rng.gauss(0, 1), 1), 2.0), 12.0),
        "sleep_quality": rng.choice([2, 3, 3, 4, 4, 5]) - (1 if tired else 0),
        "sleep_disturbed": rng.random() < (0.3 if tired else 0.1),
        "fatigue": min(rng.choice([2, 2, 3, 3, 4]) + (1 if tired else 0), 5),
        "stress": rng.choice([1, 2, 3, 3, 4, 5]),
        "mood": rng.choice([2, 3, 4, 4, 5]),
        "low_mood_days": rng.choice([0, 0, 0, 0, 2, 5, 9, 16]),
    }
    wellbeing["sleep_quality"] = max(wellbeing["sleep_quality"], 1)
    if rng.random() < 0.06:  # the sleep questions skipped
        for key in ("sleep_h_avg_7d", "sleep_h_last_night", "sleep_quality"):
            del wellbeing[key]
    return wellbeing


def _energy(rng: random.Random, sex: str) -> dict[str, Any]:
    energy: dict[str, Any] = {
        "weight_loss_pct_3m": rng.choice([0, 0, 1, 2, 4, 7]),
        "disordered_eating_screen_positive": rng.random() < 0.05,
        "low_libido": rng.random() < 0.1,
    }
    if sex == "female":
        energy["menstrual_status"] = rng.choices(
            ["regular", "irregular", "absent", "hormonal_contraception"], [60, 15, 5, 20]
        )[0]
    elif sex == "male":
        energy["reduced_morning_erections"] = rng.random() < 0.08
    return {key: value for key, value in energy.items() if rng.random() < 0.8}


def _metrics(rng: random.Random) -> dict[str, Any]:
    left = rng.randint(12, 35)
    metrics = {
        "reps_above_target": rng.choice([-2, 0, 1, 2, 3]),
        "reps_at_fixed_load": {"current": rng.randint(6, 14), "previous": rng.randint(6, 14)},
        "bar_speed_mps": {"current": round(rng.uniform(0.5, 1.0), 2), "baseline": round(rng.uniform(0.6, 1.0), 2)},
        "heel_raise_reps": {"left": left, "right": max(left + rng.randint(-6, 6), 0)},
        "knee_to_wall_cm": {"left": rng.randint(5, 14), "right": rng.randint(5, 14)},
        "single_leg_asymmetry_pct": rng.choice([2, 4, 6, 9, 14]),
    }
    return {key: value for key, value in metrics.items() if rng.random() < 0.75}


def cohort(count: int, seed: int = 7) -> Iterator[dict[str, Any]]:
    """`count` snapshots: athletes `athlete-NNNNN`, each reporting on `WEEKS` Mondays in a row
    (so rows of one athlete are consecutive); the same rows for the same seed."""
    rng = random.Random(seed)
    produced = 0
    athlete = 0
    while produced < count:
        profile = _profile(rng)
        phase = rng.choice(PHASES)
        base_km = rng.choice([15, 25, 35, 45, 60, 80])
        cadence = float(rng.randint(158, 186))
        tired = rng.random() < 0.55
        for week in range(WEEKS):
            if produced == count:
                return
            snapshot: dict[str, Any] = {
                "athlete_id": f"athlete-{athlete:05d}",
                "date": (FIRST_MONDAY + datetime.timedelta(weeks=week)).isoformat(),
                "profile": profile,
                "plan": _plan(rng, phase, week),
                "running": _running(rng, base_km, cadence),
                "symptoms": _symptoms(rng, profile["injury_history"]),
                "wellbeing": _wellbeing(rng, tired and rng.random() < 0.8),
                "energy": _energy(rng, profile["sex"]),
                "metrics": _metrics(rng),
            }
            yield {key: value for key, value in snapshot.items() if value != {}}
            produced += 1
        athlete += 1
