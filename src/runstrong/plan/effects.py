"""The advice applied to the week through the `effects` each kept adjustment declares (never its
id): a referral's "meanwhile", fewer sessions, pain-free swaps, plyometrics stopped or started,
work added (training, rehab, home programme), hard-day sessions, heavy sessions, a deload's
lower intensity."""

from __future__ import annotations

from collections.abc import Mapping

from runstrong.advice.dose import Context, meanwhile, staged
from runstrong.advice.resolve import REFERRAL, Advice, Recommendation
from runstrong.plan.choose import Filters, item
from runstrong.plan.model import INTENSITIES, Item, Session, Week, day_index, hours_apart
from runstrong.plan.week import fill
from runstrong.rules.knowledge import KnowledgeBase

#: How many exercises one adjustment adds to the week at most.
ADDED_MAX = 2


def with_effect(advice: Advice, name: str, value: str | None = None) -> list[Recommendation]:
    """The kept adjustments declaring this effect (with this value), in priority order."""
    return [
        rec
        for rec in advice.recommendations
        if name in rec.adjustment.effects and (value is None or rec.adjustment.effects[name] == value)
    ]


def referral(knowledge: KnowledgeBase, week: Week, advice: Advice, ctx: Context, filters: Filters) -> None:
    """Until the athlete is assessed: no training at all (`nothing`), light upper-body and trunk work
    away from the referred sites, or light unloaded sessions with easy running (`reduced`)."""
    mode = meanwhile(advice)
    if mode is None:
        return
    programming = knowledge.programming
    assert programming is not None
    leg = bool(filters.referred & knowledge.site_parts("lower_limb")) or not advice.referred_sites
    words = knowledge.referral.meanwhile.get(mode, {}).get("plan", mode.replace("_", " "))
    if mode == "nothing" or (mode == "away_from_site" and leg):
        week.running_stopped = True
        week.notes.append(f"{words} (the referral): no running until a clinician has assessed it")
    elif mode == "reduced":
        week.runs_easy = True
        week.running_note = "every run easy until a clinician has assessed it"
    for session in list(week.sessions):
        session.shaped_by(REFERRAL)
        slots = session.slots if mode == "away_from_site" and not leg else []
        shape = programming.sessions["upper_trunk" if mode == "away_from_site" and leg else "light"]
        session.intensity, session.template, session.main, session.slots = "light", shape.key, [], []
        session.planned_contacts = 0
        if mode != "nothing":
            fill(knowledge, ctx, week, session, slots or list(shape.slots), filters)
            session.muscle_groups = sorted({g for i in session.main for g in knowledge.exercises[i.key].muscle_groups})
        if not session.main:
            week.sessions.remove(session)
            week.dropped.append({"day": session.day, "because": [REFERRAL], "why": words})
    week.applied_effect(REFERRAL, words)


def fewer_sessions(week: Week, advice: Advice) -> None:
    """Down to the advice's number of sessions: the hardest first, then the one closest to a hard run;
    at least one session stays."""
    for rec in with_effect(advice, "frequency", "down") + with_effect(advice, "volume", "down"):
        value = rec.params.get("sessions_per_week")
        if isinstance(value, int | float) and not isinstance(value, bool):
            target = max(1, int(value))
        elif rec.adjustment.effects.get("frequency") == "down":
            target = max(1, min(2, len(week.sessions) - 1))
        else:
            continue
        hard = week.calendar.hard_days()
        while len(week.sessions) > target:
            least = max(
                week.sessions,
                key=lambda s: (
                    INTENSITIES.index(s.intensity),
                    -min((hours_apart(s.day, d) for d in hard), default=168),
                ),
            )
            week.sessions.remove(least)
            week.dropped.append(
                {
                    "day": least.planned_day or least.day,
                    "because": [rec.adjustment.id],
                    "why": "the hardest session first",
                }
            )
        week.applied_effect(rec.adjustment.id, f"at most {target} gym session(s) this week")


def _place(week: Week, session: Session | None, new: Item) -> str:
    """Put an item in the daily home programme (home goals) or the session; where it went."""
    if new.dose.setting == "home":
        if all(i.key != new.key for i in week.daily):
            week.daily.append(new)
        return "every day at home" if "day" in new.dose.frequency else new.dose.frequency
    if session is None:
        return ""
    session.main.append(new)
    return session.day


def swaps(knowledge: KnowledgeBase, week: Week, advice: Advice, ctx: Context, filters: Filters) -> None:
    """Exercises the advice stops (a painful site, jumping) swapped for its pain-free variants;
    then anything still not allowed (excluded, a position avoided, a referred site) taken out."""
    stop_jumping = bool(with_effect(advice, "plyometrics", "stop"))
    for rec in with_effect(advice, "exercises", "substitute"):
        done: list[str] = []
        for session in week.sessions:
            for old in list(session.main):
                jumping = rec.adjustment.effects.get("plyometrics") == "stop" and old.equipment == "plyometric"
                if not (jumping or (filters.why_not(knowledge, old.key) == "it loads a painful site")):
                    continue
                session.main.remove(old)
                taken = session.exercise_keys() | {i.key for i in week.daily}
                variant = next(
                    (k for k in rec.exercises if k not in taken and filters.allowed(knowledge, k, advised=True)), None
                )
                if variant:
                    new = item(knowledge, ctx, variant, [rec.adjustment.id], session.part())
                    new.swap_for, new.rehab = old.name, True
                    where = _place(week, session, new)
                    done.append(f"{old.name} -> {new.name} ({where})")
                else:
                    done.append(f"{old.name} stopped ({session.day})")
                session.shaped_by(rec.adjustment.id)
        week.applied_effect(rec.adjustment.id, "; ".join(done) if done else "nothing in the week needed a swap")
    for session in week.sessions:
        for old in list(session.main):
            why = filters.why_not(knowledge, old.key)
            if why or (stop_jumping and old.equipment == "plyometric"):
                session.main.remove(old)
                session.notes.append(f"{old.name} left out: {why or 'no jumping this week'}")
        _refill(knowledge, week, session, ctx, filters)


def _refill(knowledge: KnowledgeBase, week: Week, session: Session, ctx: Context, filters: Filters) -> None:
    """A session the swaps left nearly empty gets pain-free work from a light session's slots."""
    programming = knowledge.programming
    assert programming is not None
    if len(session.main) >= 2 or session.template == "upper_trunk":
        return
    before = {i.key for i in session.main}
    fill(knowledge, ctx, week, session, list(programming.sessions["light"].slots), filters)
    added = [i.name for i in session.main if i.key not in before]
    if added:
        session.notes.append(f"filled with pain-free work: {', '.join(added)}")
        session.muscle_groups = sorted({g for i in session.main for g in knowledge.exercises[i.key].muscle_groups})


def _session_for(knowledge: KnowledgeBase, week: Week, new: Item, used: list[Session]) -> Session | None:
    """The session an added exercise fits best: one with its slot, then its muscle groups, not
    already given this adjustment's work, never one on a hard run day for leg work."""
    groups = set(knowledge.exercises[new.key].muscle_groups)
    hard = week.calendar.hard_days()
    options = [s for s in week.sessions if s.template != "upper_trunk"]
    jumping = new.equipment == "plyometric"

    def near_hard(s: Session) -> int:
        return -min((hours_apart(s.day, d) for d in hard), default=168)

    return min(
        options,
        key=lambda s: (
            s in used,
            s.day in hard,
            jumping and not s.contacts(),
            near_hard(s) if jumping else 0,
            jumping and s.intensity == "high",
            new.slot not in {i.slot for i in s.main},
            -len(groups & set(s.muscle_groups)),
            INTENSITIES.index(s.intensity),
            day_index(s.day),
        ),
        default=None,
    )


def added_work(
    knowledge: KnowledgeBase, week: Week, advice: Advice, ctx: Context, filters: Filters, rules: Mapping[str, object]
) -> None:
    """Training (`add`) and rehab work the advice gives: into the session with its slot (in place of
    the default exercise there), or the daily home programme; no new training exercise in a week
    the advice holds (`new_work: none`), close to a race or beyond a novice's few a week."""
    holds = [r.adjustment.title for r in with_effect(advice, "new_work", "none")]
    reason = str(rules.get("no_new") or "") or (f"no new exercise this week ({holds[0]})" if holds else "")
    room = rules.get("max_new")
    added_count = 0
    for rec in with_effect(advice, "exercises"):
        kind = rec.adjustment.effects["exercises"]
        if kind not in ("add", "rehab"):
            continue
        if kind == "add" and reason:
            week.applied_effect(rec.adjustment.id, f"nothing added: {reason}")
            continue
        keys = staged(knowledge, rec)
        present = [
            k for k in keys if any(k in s.exercise_keys() for s in week.sessions) or k in {i.key for i in week.daily}
        ]
        if kind == "add" and present:
            names = ", ".join(knowledge.exercises[k].name for k in present)
            week.applied_effect(rec.adjustment.id, f"already in the week: {names}")
            continue
        placed: list[str] = _mark(week, rec, present) if kind == "rehab" else []
        used: list[Session] = []
        wanted = [k for k in keys if k not in present and filters.allowed(knowledge, k, advised=kind == "rehab")]
        for key in wanted[:ADDED_MAX]:
            if kind == "add" and isinstance(room, int) and added_count >= room:
                placed.append(f"{knowledge.exercises[key].name} left for a later week (a few new lifts at a time)")
                continue
            new = item(knowledge, ctx, key, [rec.adjustment.id])
            new.new, new.rehab = kind == "add", kind == "rehab"
            sessions = _sessions(knowledge, week, new, used)
            for session in sessions:
                same = next(
                    (
                        i
                        for i in session.main
                        if i.slot == new.slot and i.key not in keys and not (i.new or i.rehab or i.swap_for)
                    ),
                    None,
                )
                if same is not None:
                    session.main.remove(same)
                copy = item(knowledge, ctx, key, [rec.adjustment.id], session.part())
                copy.new, copy.rehab = new.new, new.rehab
                session.main.append(copy)
                session.shaped_by(rec.adjustment.id)
                used.append(session)
            where = ", ".join(s.day for s in sessions) if sessions else _place(week, None, new)
            if sessions and (new.dose.per_week or 1) > len(sessions):
                where += (
                    f"; {len(sessions)} of the {new.dose.per_week} sessions a week its dose asks for fit 48 h apart"
                )
            if where:
                placed.append(f"{new.name} added ({where})")
                added_count += kind == "add"
        week.applied_effect(rec.adjustment.id, "; ".join(placed) if placed else "already in the week")


def _mark(week: Week, rec: Recommendation, present: list[str]) -> list[str]:
    """Rehab work already in the week is the advice's: marked so, never swapped away; where it is."""
    days: dict[str, list[str]] = {}
    for session in week.ordered():
        for entry in session.main:
            if entry.key in present:
                entry.rehab = True
                entry.because.append(rec.adjustment.id)
                session.shaped_by(rec.adjustment.id)
                days.setdefault(entry.name, []).append(session.day)
    return [f"{name} kept ({', '.join(on)})" for name, on in days.items()]


def _sessions(knowledge: KnowledgeBase, week: Week, new: Item, used: list[Session]) -> list[Session]:
    """The sessions a gym item goes in: its goal's sessions a week (spaced 48 h), else one."""
    if new.dose.setting == "home":
        return []
    count = new.dose.per_week or 1
    chosen: list[Session] = []
    for _ in range(max(1, count)):
        session = _session_for(knowledge, week, new, used + chosen)
        if session is None or session in chosen or any(hours_apart(session.day, c.day) < 48 for c in chosen):
            break
        chosen.append(session)
    return chosen


def hard_day_sessions(knowledge: KnowledgeBase, week: Week, advice: Advice, ctx: Context, filters: Filters) -> None:
    """A session still on a hard running day becomes upper body and trunk, at most moderate."""
    programming = knowledge.programming
    assert programming is not None
    for rec in with_effect(advice, "exercises", "hard_days"):
        changed = []
        for session in week.sessions:
            if session.day not in week.calendar.hard_days():
                continue
            shape = programming.sessions["upper_trunk"]
            session.template, session.main, session.slots = shape.key, [], list(shape.slots)
            session.intensity = "light" if session.intensity == "light" else "moderate"
            for key in [k for k in rec.exercises if filters.allowed(knowledge, k)][: shape.exercises]:
                session.main.append(item(knowledge, ctx, key, [rec.adjustment.id]))
            session.muscle_groups = sorted({g for i in session.main for g in knowledge.exercises[i.key].muscle_groups})
            session.shaped_by(rec.adjustment.id)
            changed.append(session.day)
        week.applied_effect(
            rec.adjustment.id,
            f"upper body and trunk on {', '.join(changed)}" if changed else "no gym session is left on a hard run day",
        )


def intensity(week: Week, advice: Advice) -> None:
    """At most the advice's number of heavy sessions; a deload lowers every session one step."""
    for rec in with_effect(advice, "heavy_sessions", "limit"):
        most = int(rec.params.get("sessions_per_week", rec.adjustment.defaults.get("sessions_per_week", 1)))
        for session in [s for s in week.sessions if s.intensity == "high"][most:]:
            session.intensity = "moderate"
            session.notes.append(f"made moderate: at most {most} heavy session(s) a week")
            session.shaped_by(rec.adjustment.id)
        week.applied_effect(rec.adjustment.id, f"at most {most} heavy session(s) a week")
    for rec in with_effect(advice, "intensity", "moderate"):
        capped = [s for s in week.sessions if s.intensity == "high"]
        for session in capped:
            session.intensity = "moderate"
            session.notes.append("high made moderate: no high-intensity session yet")
            session.shaped_by(rec.adjustment.id)
        days = ", ".join(s.day for s in capped)
        week.applied_effect(
            rec.adjustment.id, f"high -> moderate on {days}" if capped else "no high session in the week"
        )
    lowering = with_effect(advice, "intensity", "down")
    if week.phase == "deload" and not lowering:
        _lower(week)
    for rec in lowering:
        lowered = _lower(week)
        for session in week.sessions:
            session.shaped_by(rec.adjustment.id)
        effect = (
            "about two-thirds of each exercise's usual sets (two at least for a main lift), lighter loads, no jumping"
        )
        week.applied_effect(rec.adjustment.id, effect + (f"; {', '.join(lowered)}" if lowered else ""))


def _lower(week: Week) -> list[str]:
    """A deload week: every session one intensity step lower; what changed."""
    lowered = []
    for session in week.sessions:
        step = INTENSITIES.index(session.intensity)
        if step:
            lowered.append(f"{session.day} {session.intensity} -> {INTENSITIES[step - 1]}")
            session.notes.append(f"{session.intensity} made {INTENSITIES[step - 1]}: a deload week")
            session.intensity = INTENSITIES[step - 1]
    return lowered


def heavy_days_only(knowledge: KnowledgeBase, week: Week, ctx: Context, filters: Filters) -> None:
    """A heavy lift left in a session the calendar made easier waits for a high-intensity day: the
    slot gets a lift at a non-heavy dose (a deload keeps its lifts, at its own lighter dose)."""
    if ctx.deload_pct is not None:
        return
    for session in week.sessions:
        for old in [i for i in session.main if i.dose.high_only and session.intensity != "high"]:
            session.main.remove(old)
            added = fill(knowledge, ctx, week, session, [old.slot], filters)
            instead = f": {added[0].name} instead" if added else ""
            session.notes.append(f"{old.name} waits for a high-intensity day{instead}")
