"""Work the advice adds: training (`exercises: add`) into the session with its slot, rehab
(`exercises: rehab`) into as many sessions a week as its goal asks or the daily home programme,
one programme for adjustments that are alternatives, a rehab programme's exercises brought in a
few at a time, and the extra short sessions a protocol needs when the week has too few."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from runstrong.advice.dose import Context
from runstrong.advice.dose_context import staged
from runstrong.advice.resolve import Advice, Recommendation
from runstrong.plan.choose import Filters, item
from runstrong.plan.coverage import one_of
from runstrong.plan.effects import alternative, with_effect
from runstrong.plan.model import DAYS, INTENSITIES, Applied, Holding, Item, Session, Week, hours_apart
from runstrong.rules.knowledge import KnowledgeBase

#: A rehab programme's gym exercises in its first week; one more each week after.
REHAB_FIRST = 3


def instead(knowledge: KnowledgeBase, advice: Advice) -> dict[str, str]:
    """Adjustments kept beside the one they are the alternative to (for the same site): id -> the
    title of the one the week follows."""
    programming = knowledge.programming
    kept = {rec.adjustment.id: rec for rec in advice.recommendations}
    found: dict[str, str] = {}
    for pair in (programming.alternatives or {}).get("adjustments", []) if programming else []:
        first, other = kept.get(pair["first"]), kept.get(pair["instead"])
        if first and other and ("site" not in pair or pair["site"] in (first.params.get("site") or [])):
            found[other.adjustment.id] = first.adjustment.title
    return found


def _present(week: Week) -> set[str]:
    return {k for s in week.sessions for k in s.exercise_keys()} | {i.key for i in week.daily}


def _session_for(knowledge: KnowledgeBase, week: Week, new: Item, used: list[Session]) -> Session | None:
    """The session an added exercise fits best: one with its slot, then its muscle groups, not
    already given this adjustment's work; jumping goes farthest from the hard runs."""
    groups = set(knowledge.exercises[new.key].muscle_groups)
    hard = week.calendar.hard_days()
    options = [s for s in week.sessions if s.template not in ("upper_trunk", "lightened")]

    def near_hard(s: Session) -> int:
        return -min((hours_apart(s.day, d) for d in hard if s.day), default=168)

    return min(
        options,
        key=lambda s: (
            s in used,
            new.jumping and not s.contacts(),
            near_hard(s) if new.jumping or new.heavy else 0,
            new.slot not in {i.slot for i in s.main},
            sum(i.slot == new.slot for i in s.main),
            -len(groups & set(s.muscle_groups)),
            INTENSITIES.index(s.intensity),
            DAYS.index(s.day) if s.day else 0,
        ),
        default=None,
    )


def _sessions(knowledge: KnowledgeBase, week: Week, new: Item, used: list[Session]) -> list[Session]:
    """The sessions a gym item goes in: its goal's sessions a week, else one (spread over the
    sessions the adjustment's other exercises went in)."""
    if new.dose.setting == "home":
        return []
    chosen: list[Session] = []
    for _ in range(max(1, new.dose.per_week or 1)):
        session = _session_for(knowledge, week, new, chosen + used)
        if session is None or session in chosen:
            break
        chosen.append(session)
    return chosen


def _mark(week: Week, rec: Recommendation, present: list[str]) -> list[Holding]:
    """Rehab work already in the week is the advice's: marked so, never swapped away; where it is."""
    found: list[Holding] = []
    for key in present:
        for entry in [i for i in week.daily if i.key == key]:
            entry.because.append(rec.adjustment.id)
            found.append(Holding(rec.adjustment.id, key, f"{entry.name} kept"))
        for session in [s for s in week.ordered() if key in {i.key for i in s.main}]:
            for entry in session.main:
                if entry.key == key:
                    entry.rehab = True
                    entry.because.append(rec.adjustment.id)
                    name = entry.name
            session.shaped_by(rec.adjustment.id)
            found.append(Holding(rec.adjustment.id, key, f"{name} kept"))
    return list(dict.fromkeys(found))


def _add(
    knowledge: KnowledgeBase, ctx: Context, week: Week, rec: Recommendation, key: str, used: list[Session]
) -> Holding | None:
    """One exercise into its sessions (in place of the default exercise of its slot for rehab) or
    the home programme; where it went (None: nowhere)."""
    kind = rec.adjustment.effects["exercises"]
    new = item(knowledge, ctx, key, [rec.adjustment.id], previous=False)
    new.new, new.rehab = kind == "add", kind == "rehab"
    sessions = _sessions(knowledge, week, new, used)
    used += sessions
    keys = set(rec.exercises)
    for session in sessions:
        same = next((i for i in session.main if i.slot == new.slot and i.key not in keys and not _advised(i)), None)
        if same is not None and kind == "rehab":
            session.main.remove(same)
        copy = item(knowledge, ctx, key, [rec.adjustment.id], session.part(), previous=False)
        copy.new, copy.rehab = new.new, new.rehab
        session.main.append(copy)
        session.shaped_by(rec.adjustment.id)
    if sessions:
        return Holding(rec.adjustment.id, key, f"{new.name} added")
    if new.dose.setting == "home":
        if all(i.key != key for i in week.daily):
            week.daily.append(new)
        return Holding(rec.adjustment.id, key, f"{new.name} added")
    week.leave_out(rec.adjustment.id, f"{new.name}: no gym session this week to put it in")
    return None


def _advised(entry: Item) -> bool:
    return entry.new or entry.rehab or bool(entry.swap_for)


def added_work(
    knowledge: KnowledgeBase,
    week: Week,
    advice: Advice,
    ctx: Context,
    filters: Filters,
    rules: Mapping[str, object],
    weeks: Callable[[str], int],
) -> None:
    """Training (`add`) and rehab work the advice gives: every exercise it lists into the week, or
    why not; no new training exercise in a week the advice holds (`new_work: none`), close to a
    race or beyond a novice's few a week; a rehab programme a few exercises at a time."""
    holds = [r.adjustment.title for r in with_effect(advice, "new_work", "none")]
    reason = str(rules.get("no_new") or "") or (f"no new exercise this week ({holds[0]})" if holds else "")
    room, added_count = rules.get("max_new"), 0
    skip = instead(knowledge, advice)
    for rec in with_effect(advice, "exercises"):
        kind, rid = rec.adjustment.effects["exercises"], rec.adjustment.id
        if kind not in ("add", "rehab"):
            continue
        keys = staged(knowledge, rec)
        if rid in skip:
            week.applied_effect(
                rid, f"one programme at a time: the week follows “{skip[rid]}” (swap them if you prefer)"
            )
            for key in keys:
                week.leave_out(rid, f"{knowledge.exercises[key].name}: not on top of “{skip[rid]}”")
            continue
        present = [k for k in keys if k in _present(week)]
        clauses: list[list[str | Session] | Holding] = [*_mark(week, rec, present)] if kind == "rehab" else []
        if kind == "add" and present:
            names = ", ".join(knowledge.exercises[k].name for k in present)
            clauses.append([f"already in the week: {names}"])
        gym, one = 0, one_of(knowledge, rec)
        used: list[Session] = []
        for key in [k for k in keys if k not in present]:
            name = knowledge.exercises[key].name
            if one and (present or gym):
                break
            why = filters.why_not(knowledge, key) or ("" if kind == "rehab" else _not_new(filters, knowledge, key))
            if why:
                week.leave_out(rid, f"{name}: {why}")
                continue
            if (same := alternative(knowledge, key, _present(week))) and same != key:
                week.leave_out(rid, f"{name}: {knowledge.exercises[same].name} is the same programme")
                continue
            if kind == "add" and reason:
                week.leave_out(rid, f"{name}: {reason}")
                continue
            if kind == "add" and isinstance(room, int) and added_count >= room:
                week.leave_out(rid, f"{name}: a later week (a few new lifts at a time)")
                continue
            home = item(knowledge, ctx, key).dose.setting == "home"
            if kind == "rehab" and not home and gym >= REHAB_FIRST + weeks(rid) - 1:
                week.leave_out(rid, f"{name}: from a later week of the programme (one more each week)")
                continue
            placed = _add(knowledge, ctx, week, rec, key, used)
            gym += not home
            added_count += kind == "add" and bool(placed) and key not in week.known
            clauses += [placed] if placed else []
        week.applied.append(Applied(rid, clauses or [["nothing added"]]))


def _not_new(filters: Filters, knowledge: KnowledgeBase, key: str) -> str:
    if key in filters.leave_out:
        return "not yet for this athlete (the simpler lifts first)"
    if provokes := filters.provokes(knowledge, key):
        return f"it would stack on “{provokes}”"
    return ""


def shortfall(week: Week, allowed: Callable[[Session, str], bool], extra: Callable[[list[Item]], Session]) -> None:
    """A gym protocol asking for more sessions a week than hold it gets short extra sessions on days
    that keep the week's rules; what still does not fit is said."""
    wanted: dict[str, tuple[list[Item], list[Session]]] = {}
    for session in week.ordered():
        for entry in session.main:
            if entry.rehab and (entry.dose.per_week or 1) > 1:
                items, holding = wanted.setdefault(next(iter(entry.because), entry.key), ([], []))
                if entry.key not in {i.key for i in items}:
                    items.append(entry)
                if session not in holding:
                    holding.append(session)
    for rid, (items, holding) in wanted.items():
        per_week = max(i.dose.per_week or 1 for i in items)
        while len(holding) < per_week:
            session = extra(items)
            day = next((d for d in week.days() if allowed(session, d)), None)
            if day is None:
                break
            session.day = session.planned_day = day
            week.sessions.append(session)
            holding.append(session)
        if len(holding) < per_week:
            names = " and ".join(i.name for i in items)
            n = len(holding)
            fit = f"{'none' if n == 0 else f'only {n}'} of the {per_week} sessions a week the dose asks for"
            week.leave_out(
                rid,
                f"{names}: {fit} {'fits' if n == 1 else 'fit'} away from the hard runs and the days either side "
                "(an easy day in place of a key run would make room)",
            )
