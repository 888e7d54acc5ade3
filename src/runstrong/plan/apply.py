"""Applying the resolved advice to the week (never re-deriving it): the referral, the painful
site's swaps, fewer sessions, deload and load changes, plyometrics, added work."""

from __future__ import annotations

from typing import Any

from runstrong.advice.resolve import REFERRAL, Advice, Recommendation, excluded_exercises
from runstrong.plan.choose import allowed, dose, template
from runstrong.plan.model import INTENSITIES, Session, Week, day_index
from runstrong.plan.week import rechoose
from runstrong.rules.knowledge import KnowledgeBase

UPPER = ["core", "upper_body"]
WARM_UP = {"activation-warmup": "warm-up", "mobility-cooldown": "cool-down"}


def kept(advice: Advice) -> dict[str, Recommendation]:
    return {rec.adjustment.id: rec for rec in advice.recommendations}


def param(rec: Recommendation, name: str) -> Any:
    return rec.params.get(name, rec.adjustment.defaults.get(name))


def protected(knowledge: KnowledgeBase, advice: Advice) -> tuple[set[str], set[str]]:
    """The referred sites and the stopped (painful) sites, each with every site inside it."""
    referred = {p for s in advice.referred_sites for p in knowledge.site_parts(s)}
    stopped: set[str] = set()
    for rec in advice.recommendations:
        if rec.adjustment.stops == "dynamic":
            stopped |= {p for s in rec.params.get("site") or [] for p in knowledge.site_parts(s)}
    return referred, stopped


def restrict(knowledge: KnowledgeBase, week: Week, advice: Advice) -> None:
    """What the referral lets continue until the athlete is seen: nothing at all (an emergency or
    same-day referral); light upper-body and trunk sessions with nothing loading a referred site;
    or light, jump-free sessions with running kept easy."""
    if REFERRAL not in kept(advice):
        return
    meanwhile = advice.referral.meanwhile if advice.referral else "away_from_site"
    words = knowledge.referral.meanwhile.get(meanwhile, {}).get("plan", meanwhile.replace("_", " "))
    if meanwhile == "nothing":
        for session in list(week.sessions):
            week.sessions.remove(session)
            week.dropped.append({"day": session.day, "because": [REFERRAL], "why": words})
        week.running_stopped = True
        week.applied_effect(REFERRAL, words)
        week.notes.append(f"{words} (the referral): every day is a rest day")
        return
    referred, stopped = protected(knowledge, advice)
    for session in list(week.sessions):
        if meanwhile == "away_from_site":
            session.muscle_groups = list(UPPER)
        session.intensity = "light"
        session.plyometric_contacts = 0
        rechoose(knowledge, week, session, referred, stopped)
        session.shaped_by(REFERRAL)
        if not session.exercises:
            week.sessions.remove(session)
            week.dropped.append(
                {"day": session.day, "because": [REFERRAL], "why": "nothing in it is compatible with the referral"}
            )
    week.applied_effect(REFERRAL, words)
    if meanwhile == "away_from_site" and (referred & knowledge.site_parts("lower_limb") or not advice.referred_sites):
        week.running_stopped = True  # the referral says: stop running until assessed
        week.notes.append("no running until a clinician has assessed it (the referral): every day is a rest day")


def swap_painful(knowledge: KnowledgeBase, week: Week, advice: Advice) -> None:
    """Exercises loading a stopped site are swapped for the site's variants (the advice's exercises)."""
    rec = kept(advice).get("stop-painful-exercise")
    if rec is None:
        return
    referred, stopped = protected(knowledge, advice)
    swaps: list[str] = []
    for session in week.sessions:
        result = []
        for exercise in session.exercises:
            if allowed(knowledge, exercise.key, referred, stopped):
                result.append(exercise)
                continue
            taken = {e.key for e in session.exercises} | {e.key for e in result}
            variant = next((k for k in rec.exercises if k not in taken), None)
            swaps.append(
                f"{exercise.name} -> {knowledge.exercises[variant].name if variant else 'dropped'} ({session.day})"
            )
            if variant:
                planned = dose(knowledge, week.phase, variant, session.intensity, [rec.adjustment.id])
                planned.new = True
                result.append(planned)
        if len(result) != len(session.exercises) or any(e.new and rec.adjustment.id in e.because for e in result):
            session.shaped_by(rec.adjustment.id)
        session.exercises = result
    sites = ", ".join(rec.params.get("site") or [])
    week.applied_effect(
        rec.adjustment.id, f"{sites}: " + ("; ".join(swaps) if swaps else "no planned exercise loads it")
    )


def _distance_to_key_run(week: Week, session: Session) -> int:
    if not week.key_run_days:
        return 99
    return min(
        min(abs(day_index(session.day) - day_index(k)), 7 - abs(day_index(session.day) - day_index(k)))
        for k in week.key_run_days
    )


def reduce_sessions(week: Week, advice: Advice) -> None:
    """Fewer sessions: drop the one that matters least (closest to a hard run, then the hardest)."""
    recs = kept(advice)
    targets: list[tuple[str, int]] = []
    for adjustment in ("insert-deload", "reduce-frequency"):
        rec = recs.get(adjustment)
        value = rec.params.get("sessions_per_week") if rec else None
        if rec and isinstance(value, int | float):
            targets.append((adjustment, int(value)))
        elif adjustment == "reduce-frequency" and rec:
            targets.append((adjustment, min(2, len(week.sessions) - 1)))
    for adjustment, target in targets:
        target = max(1, target)
        while len(week.sessions) > target:
            least = min(
                week.sessions,
                key=lambda s: (_distance_to_key_run(week, s), -INTENSITIES.index(s.intensity), -day_index(s.day)),
            )
            week.sessions.remove(least)
            week.dropped.append(
                {
                    "day": least.day,
                    "intensity": least.intensity,
                    "because": [adjustment],
                    "why": "the session that matters least: closest to a hard run, then the hardest",
                }
            )
        dropped = [d["day"] for d in week.dropped if adjustment in d["because"]]
        week.applied_effect(
            adjustment,
            f"at most {target} session(s): "
            + (f"dropped {', '.join(dropped)}" if dropped else "the week already fits"),
        )
    rec = recs.get("maintenance-phase")
    if rec:
        most = int(param(rec, "sessions_per_week") or 1)
        high = [s for s in week.sessions if s.intensity == "high"]
        for session in high[most:]:
            session.intensity = "light"
            session.shaped_by(rec.adjustment.id)
        week.applied_effect(rec.adjustment.id, f"at most {most} heavy session(s) a week")
    rec = recs.get("no-high-intensity")
    if rec:
        capped = [session for session in week.sessions if session.intensity == "high"]
        for session in capped:
            session.intensity = "moderate"
            session.notes.append("intensity lowered from high to moderate: technique before load")
            session.shaped_by(rec.adjustment.id)
        effect = f"high -> moderate on {', '.join(s.day for s in capped)}" if capped else "no high session planned"
        week.applied_effect(rec.adjustment.id, effect)


def emphasise_upper_body(knowledge: KnowledgeBase, week: Week, advice: Advice) -> None:
    """Sessions still on a key run day become upper body and trunk (and at most moderate)."""
    rec = kept(advice).get("upper-body-core-emphasis")
    if rec is None:
        return
    changed = []
    for session in week.sessions:
        if week.key_run_days and session.day in week.key_run_days:
            session.muscle_groups = list(UPPER)
            session.intensity = "light" if session.intensity == "light" else "moderate"
            picks = rec.exercises[:3] or []
            session.exercises = [dose(knowledge, week.phase, k, session.intensity, [rec.adjustment.id]) for k in picks]
            session.shaped_by(rec.adjustment.id)
            changed.append(session.day)
    effect = f"upper body and trunk on {', '.join(changed)}" if changed else "no gym session is left on a key run day"
    week.applied_effect(rec.adjustment.id, effect)


def change_loads(week: Week, advice: Advice) -> None:
    """Deload (about two-thirds of the sets, loads down), reduce-load, hold, progress."""
    recs = kept(advice)
    deload = recs.get("insert-deload")
    if deload:
        percent = param(deload, "percent") or 20
        lowered = deload_week(week, week.sets_before, percent, deload.adjustment.id)
        week.applied_effect(
            deload.adjustment.id,
            f"sets cut to about two-thirds ({week.total_sets()} of {week.sets_before} planned), loads -{percent} %, "
            f"no jumping" + (f"; intensity lowered one step: {', '.join(lowered)}" if lowered else ""),
        )
    for adjustment, sign in (("reduce-load", -1), ("progress-load", 1)):
        rec = recs.get(adjustment)
        if rec is None or (deload and sign < 0):
            continue
        percent = param(rec, "percent") or 5
        targets = set(rec.exercises)
        for session in week.sessions:
            for exercise in session.exercises:
                if sign > 0 and (exercise.new or exercise.kind != "strength"):
                    continue
                if sign > 0 and targets and not any(exercise.key == t for t in targets) and exercise.kind != "strength":
                    continue
                exercise.load_change_pct = sign * percent
                exercise.because.append(adjustment)
                session.shaped_by(adjustment)
        week.applied_effect(adjustment, f"loads {'+' if sign > 0 else '-'}{percent} % on the strength exercises")
    hold = recs.get("hold-progression")
    if hold:
        for session in week.sessions:
            for exercise in session.exercises:
                exercise.load_change_pct = min(exercise.load_change_pct, 0)
                exercise.because.append(hold.adjustment.id)
            session.shaped_by(hold.adjustment.id)
        week.applied_effect(hold.adjustment.id, "last week repeated: loads 0 %, no new exercise")


def deload_week(week: Week, before: int, percent: float, because: str) -> list[str]:
    """A deload: each session's intensity one step lower (high -> moderate, moderate -> light), sets
    cut to about two-thirds and the week's total to at most two-thirds of `before` (the week
    before), loads -`percent` %. Returns the sessions whose intensity was lowered."""
    lowered = []
    for session in week.sessions:
        step = INTENSITIES.index(session.intensity)
        if step > 0:
            lower = INTENSITIES[step - 1]
            lowered.append(f"{session.day} {session.intensity} -> {lower}")
            session.notes.append(f"intensity lowered from {session.intensity} to {lower}: a deload week")
            session.intensity = lower
        for exercise in session.exercises:
            exercise.sets = max(1, round(exercise.sets * 2 / 3))
            exercise.load_change_pct = -percent
            exercise.because.append(because)
        session.shaped_by(because)
    cap_sets(week, round(before * 2 / 3))
    return lowered


def cap_sets(week: Week, limit: int) -> None:
    """Take sets off (the exercise with the most first, then added work, then the last exercise of
    a session) until the week holds at most `limit` sets; a session keeps at least one exercise."""
    while week.total_sets() > limit:
        exercises = [(s, e) for s in week.ordered() for e in s.exercises]
        most = max(exercises, key=lambda p: p[1].sets, default=None)
        if most and most[1].sets > 1:
            most[1].sets -= 1
            continue
        removable = [(s, e) for s, e in exercises if len(s.exercises) > 1]
        if not removable:
            return
        session, exercise = next(((s, e) for s, e in reversed(removable) if e.new), removable[-1])
        session.exercises.remove(exercise)


def plyometrics(knowledge: KnowledgeBase, week: Week, advice: Advice) -> None:
    recs = kept(advice)
    for adjustment in ("insert-deload", "pause-plyometrics", REFERRAL):
        if adjustment in recs:
            for session in week.sessions:
                if session.plyometric_contacts or any(e.kind == "plyometric" for e in session.exercises):
                    session.shaped_by(adjustment)
                session.plyometric_contacts = 0
                session.exercises = [e for e in session.exercises if e.kind != "plyometric"]
            if adjustment == "pause-plyometrics":
                week.applied_effect(adjustment, "no plyometric contacts this week")
    rec = recs.get("start-plyometrics")
    if rec is None:
        return
    contacts = int(template(knowledge, week.phase)["plyometric_contacts"].get("beginner", 0))
    hop = next((k for k in rec.exercises if knowledge.exercises[k].kind == "plyometric"), None)
    candidates = sorted(
        week.sessions, key=lambda s: (-_distance_to_key_run(week, s), INTENSITIES.index(s.intensity), day_index(s.day))
    )
    if not (contacts and hop and candidates):
        week.applied_effect(rec.adjustment.id, "the phase's beginner dose is 0 contacts or no session takes it")
        return
    session = candidates[0]
    planned = dose(knowledge, week.phase, hop, session.intensity, [rec.adjustment.id])
    planned.sets, planned.reps, planned.new = 4, max(1, contacts // 4), True
    session.exercises.append(planned)
    session.plyometric_contacts += contacts
    session.shaped_by(rec.adjustment.id)
    week.applied_effect(rec.adjustment.id, f"{contacts} contacts ({planned.name}) on {session.day}")


def add_work(knowledge: KnowledgeBase, week: Week, advice: Advice) -> None:
    """Adjustments that add exercises put up to two of theirs into the best-matching session;
    warm-up and cool-down advice goes into every session's notes; slow-eccentric sets the tempo."""
    handled = {
        REFERRAL,
        "stop-painful-exercise",
        "insert-deload",
        "reduce-load",
        "reduce-frequency",
        "progress-load",
        "hold-progression",
        "start-plyometrics",
        "pause-plyometrics",
        "upper-body-core-emphasis",
        "maintenance-phase",
        "no-high-intensity",
        "move-gym-to-easy-days",
        "space-high-load-sessions",
    }
    for rec in advice.recommendations:
        adjustment = rec.adjustment.id
        if adjustment in handled:
            continue
        names = [knowledge.exercises[k].name for k in rec.exercises]
        if adjustment in WARM_UP and rec.exercises and week.sessions:
            for session in week.sessions:
                session.notes.append(f"{WARM_UP[adjustment]}: {', '.join(names)}")
                session.shaped_by(adjustment)
            week.applied_effect(adjustment, f"{WARM_UP[adjustment]} in every session: {', '.join(names)}")
        elif adjustment == "slow-eccentric-loading" and week.sessions:
            for session in week.sessions:
                for exercise in session.exercises:
                    if exercise.kind == "strength":
                        exercise.tempo = "4-1-1"
                        exercise.because.append(adjustment)
                session.shaped_by(adjustment)
            week.applied_effect(adjustment, "strength exercises lowered over 4 s (tempo 4-1-1)")
        elif rec.exercises and week.sessions:
            added = _add(knowledge, week, rec)
            week.applied_effect(
                adjustment, f"added {', '.join(added)}" if added else "its exercises are already in the week"
            )
        else:
            week.applied_effect(
                adjustment, "no change to the gym sessions (see `runstrong recommend` for the instruction)"
            )


def _add(knowledge: KnowledgeBase, week: Week, rec: Recommendation) -> list[str]:
    added = []
    present = {e.key for s in week.sessions for e in s.exercises}
    for key in [k for k in rec.exercises if k not in present][:2]:
        groups = set(knowledge.exercises[key].muscle_groups)
        session = max(
            week.sessions,
            key=lambda s: (len(groups & set(s.muscle_groups)), -INTENSITIES.index(s.intensity), -day_index(s.day)),
        )
        planned = dose(knowledge, week.phase, key, session.intensity, [rec.adjustment.id])
        planned.new = True
        session.exercises.append(planned)
        session.shaped_by(rec.adjustment.id)
        added.append(f"{planned.name} ({session.day})")
    return added


def leave_out_excluded(knowledge: KnowledgeBase, week: Week, advice: Advice) -> None:
    """Take out of every session the exercises a kept adjustment rules out (`excludes`, or a
    position in its `avoid_positions`), e.g. heel drops below a step and end-range calf stretches
    under an insertional Achilles; the warm-up and cool-down are the advice's own exercises."""
    excluders = {key: adj.id for key, adj in excluded_exercises(knowledge, advice.recommendations).items()}
    for session in week.sessions:
        left_out = [e for e in session.exercises if e.key in excluders]
        if not left_out:
            continue
        session.exercises = [e for e in session.exercises if e.key not in excluders]
        for exercise in left_out:
            session.shaped_by(excluders[exercise.key])
            session.notes.append(f"{knowledge.exercises[exercise.key].name} left out ({excluders[exercise.key]})")
