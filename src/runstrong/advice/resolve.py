"""From firings to advice: merge each adjustment's params, then resolve the advice by the
catalogue's data: a referral holds back everything that is not compatible with it, advice the
planned week gives nothing to act on is dropped, `overrides` suppress, `subsumes` fold one
instruction into another, and no kept exercise loads a site that the advice stops or refers,
nor is one it excludes or takes a position it avoids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runstrong.engine.records import Evaluation, Firing
from runstrong.rules.conditions import Compare
from runstrong.rules.knowledge import Adjustment, KnowledgeBase
from runstrong.rules.model import RuleSet, leaves
from runstrong.rules.referral_model import MEANWHILE, URGENCIES, RedFlag

REFERRAL = "refer-to-clinician"
#: Why advice the referral holds back is not given (the cautions stand: the referral covers them).
REFERRAL_HOLDS = "held back until the athlete has been assessed (the referral covers it)"
INSUFFICIENT = "insufficient-data"
#: How cautious each status is: advice may only move up this scale as a symptom worsens.
STATUS_RANK = {"green": 0, INSUFFICIENT: 1, "amber": 2, "red": 3}
#: The kinds of exercise a stopped (painful) site no longer takes: loading it, jumping on it,
#: rolling it; isometric holds and mobility stay.
STOPPED_KINDS = ("strength", "plyometric", "power", "soft_tissue")
#: Item fields that name the body site of a symptom.
SITE_FIELDS = ("site", "joint", "region")


@dataclass
class Recommendation:
    """One adjustment the rules gave, with the rules behind it and its merged params."""

    adjustment: Adjustment
    rules: list[str] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    suppressed_by: list[str] = field(default_factory=list)
    reason: str = ""
    firings: list[Firing] = field(default_factory=list)
    exercises: list[str] = field(default_factory=list)


@dataclass
class Advice:
    """The resolved advice for one snapshot."""

    status: str
    recommendations: list[Recommendation]
    suppressed: list[Recommendation]
    referred_sites: list[str] = field(default_factory=list)
    urgency: str = ""  # emergency | same_day | this_week, with a referral
    red_flags: list[str] = field(default_factory=list)  # the snapshot's red flags the knowledge base knows
    referral: Referral | None = None


@dataclass(frozen=True)
class Referral:
    """Who should see the athlete, how soon, and what may continue meanwhile: from every red flag
    behind the referral (the snapshot's and the findings its rules name), most urgent first."""

    flags: tuple[str, ...]
    urgency: str
    assessors: tuple[str, ...]
    also: tuple[str, ...]
    meanwhile: str
    sites: tuple[str, ...]


def _param_value(ruleset: RuleSet, value: Any, firing: Firing) -> Any:
    if isinstance(value, str) and value.startswith("$"):
        return ruleset.threshold_value(value[1:])
    if isinstance(value, str) and value.startswith("@"):
        alias, _, name = value[1:].partition(".")
        return firing.items.get(alias, {}).get(name)
    return value


def _merge(merge: str, old: Any, new: Any) -> Any:
    if new is None:
        return old
    if merge == "collect":
        values = old if isinstance(old, list) else []
        added = new if isinstance(new, list) else [new]
        return sorted({*values, *added}, key=str)
    if old is None:
        return new
    return max(old, new) if merge == "max" else min(old, new)


def _collect(ruleset: RuleSet, evaluation: Evaluation) -> dict[str, Recommendation]:
    catalogue = ruleset.knowledge.adjustments
    given: dict[str, Recommendation] = {}
    for firing in evaluation.firings:
        for action in firing.rule.then:
            if action.adjustment is None:
                continue
            adjustment = catalogue[action.adjustment]
            rec = given.get(action.adjustment)
            if rec is None:
                rec = given[action.adjustment] = Recommendation(adjustment)
            if firing.rule.id not in rec.rules:
                rec.rules.append(firing.rule.id)
            if firing not in rec.firings:
                rec.firings.append(firing)
            for name, value in action.params:
                spec = adjustment.params[name]
                rec.params[name] = _merge(spec.merge, rec.params.get(name), _param_value(ruleset, value, firing))
    return given


def _red_flags(knowledge: KnowledgeBase, evaluation: Evaluation) -> list[str]:
    """The snapshot's red flags, without one whose `applies_to` a known sex or age rules out."""
    flags = evaluation.snapshot.get("symptoms", {}).get("red_flags") or []
    return [flag for flag in flags if flag in knowledge.red_flags and _applies(knowledge.red_flags[flag], evaluation)]


def _applies(flag: RedFlag, evaluation: Evaluation) -> bool:
    return flag.applies_to is None or not flag.applies_to.excludes(evaluation.athlete)


def _referral_sites(knowledge: KnowledgeBase, referral: Recommendation, flags: list[str]) -> list[str]:
    """The sites whose loading the referral stops: its red flags' sites and the painful items it
    fired on; none (a referral that is not about one site) when neither says."""
    sites = set(referral.params.get("site") or [])
    given = [*flags, *(referral.params.get("flag") or [])]
    sites |= {knowledge.red_flags[flag].site for flag in given if flag in knowledge.red_flags}
    sites.discard("none")
    for firing in referral.firings:
        for item in firing.items.values():
            sites |= {item[name] for name in SITE_FIELDS if isinstance(item.get(name), str)}
    return sorted(sites)


def _referral(knowledge: KnowledgeBase, referral: Recommendation, flags: list[str], sites: list[str]) -> Referral:
    """The referral's flags in order of urgency (the catalogue's order within a level), the most
    urgent level, the assessors of every flag (most urgent first), the most restrictive meanwhile."""
    given = [*flags, *(f for f in referral.params.get("flag") or [] if f not in flags)]
    entries = knowledge.red_flags
    covered = {other for f in given if f in entries for other in entries[f].includes}
    given = [f for f in given if f not in covered]
    order = list(entries)  # the catalogue's order within a level: the same words whatever the snapshot's order
    ordered = sorted(
        (f for f in given if f in entries), key=lambda f: (URGENCIES.index(entries[f].urgency), order.index(f))
    )
    if not ordered:  # a rule set without a referral model: the cautious defaults
        return Referral((), URGENCIES[-1], ("sports_physician",), (), "away_from_site", tuple(sites))
    assessors = dict.fromkeys(who for f in ordered for who in entries[f].assessors)
    also = dict.fromkeys(who for f in ordered for who in entries[f].also if who not in assessors)
    meanwhile = min((entries[f].meanwhile for f in ordered), key=MEANWHILE.index)
    return Referral(tuple(ordered), entries[ordered[0]].urgency, tuple(assessors), tuple(also), meanwhile, tuple(sites))


def _suppress(rec: Recommendation, by: str, reason: str) -> None:
    if by not in rec.suppressed_by:
        rec.suppressed_by.append(by)
    rec.reason = rec.reason or reason


def _loads_any(knowledge: KnowledgeBase, exercise: str, sites: set[str]) -> bool:
    return bool(set(knowledge.exercises[exercise].loads) & sites)


def excluded_exercises(knowledge: KnowledgeBase, recs: list[Recommendation]) -> dict[str, Adjustment]:
    """Every exercise the kept advice rules out, with the adjustment ruling it out: the ones an
    adjustment `excludes` by key and the ones taking a position it `avoid_positions`."""
    found: dict[str, Adjustment] = {}
    for rec in recs:
        avoided = set(rec.adjustment.avoid_positions)
        for key, exercise in knowledge.exercises.items():
            if key in rec.adjustment.excludes or avoided & set(exercise.positions):
                found.setdefault(key, rec.adjustment)
    return found


def _exercises(
    knowledge: KnowledgeBase, rec: Recommendation, referred: set[str], stopped: set[str], excluded: set[str]
) -> list[str]:
    """The rec's exercises for its site, without any that load a referred site, that load a
    stopped (painful) site with strength, jumping or soft-tissue work, or that kept advice excludes."""
    sites = [s for s in rec.params.get("site") or [] if s in rec.adjustment.site_exercises]
    keys = [k for s in sites for k in rec.adjustment.site_exercises[s]] or list(rec.adjustment.exercises)
    kept: list[str] = []
    for key in dict.fromkeys(keys):
        if key in excluded or _loads_any(knowledge, key, referred):
            continue
        if knowledge.exercises[key].kind in STOPPED_KINDS and _loads_any(knowledge, key, stopped):
            continue
        kept.append(key)
    return kept


def _only_missing_data(ruleset: RuleSet, rec: Recommendation) -> bool:
    """Every rule behind this rec fired only because data was missing (its conditions are all
    `is unknown`)."""
    return all(
        all(isinstance(leaf, Compare) and leaf.op == "is unknown" for leaf in leaves(ruleset.rule(rule_id).when))
        for rule_id in rec.rules
    )


def resolve_advice(ruleset: RuleSet, evaluation: Evaluation) -> Advice:
    """Collect adjustments in firing order, merge params, and resolve them by the catalogue."""
    knowledge = ruleset.knowledge
    given = _collect(ruleset, evaluation)
    flags = _red_flags(knowledge, evaluation)
    referred: set[str] = set()
    referral: Referral | None = None
    if REFERRAL in given:
        sites = _referral_sites(knowledge, given[REFERRAL], flags)
        given[REFERRAL].params["site"] = sites
        referral = _referral(knowledge, given[REFERRAL], flags, sites)
        referred = {part for site in sites for part in knowledge.site_parts(site)}
        # nothing continues until an emergency or same-day assessment: no other advice beside it;
        # running advice stays only while the referral lets running go on
        running_on = referral.meanwhile == "reduced" or (
            referral.meanwhile == "away_from_site" and not referred & knowledge.site_parts("lower_limb")
        )
        held = (
            ("suppress", "away_from_site", "keep", "while_running")
            if referral.meanwhile == "nothing"
            else (("suppress",) if running_on else ("suppress", "while_running"))
        )
        for rec in given.values():
            if rec.adjustment.id != REFERRAL and rec.adjustment.with_referral in held:
                _suppress(rec, REFERRAL, REFERRAL_HOLDS)
    for rec in given.values():
        needs = rec.adjustment.applies_when
        judged = needs in ruleset.conclusions  # a rule set that cannot judge it keeps the advice
        if needs and judged and not rec.suppressed_by and needs not in evaluation.conclusions:
            _suppress(rec, "plan", "the planned week gives it nothing to act on")
    active = [rec for rec in given.values() if not rec.suppressed_by]
    for rec in active:
        for overridden in rec.adjustment.overrides:
            if overridden in given:
                reason = REFERRAL_HOLDS if rec.adjustment.id == REFERRAL else f"overridden by “{rec.adjustment.title}”"
                _suppress(given[overridden], rec.adjustment.id, reason)
    for rec in sorted(given.values(), key=lambda r: r.adjustment.priority):
        if rec.suppressed_by:
            continue
        for folded_id in rec.adjustment.subsumes:
            folded = given.get(folded_id)
            if folded is None or folded.suppressed_by:
                continue
            _suppress(folded, rec.adjustment.id, f"included in “{rec.adjustment.title}”")
            for name, value in folded.params.items():
                if name in rec.adjustment.params:
                    rec.params[name] = _merge(rec.adjustment.params[name].merge, rec.params.get(name), value)
    kept = [rec for rec in given.values() if not rec.suppressed_by]
    stopped: set[str] = set()
    for rec in kept:
        if rec.adjustment.stops == "dynamic":
            stopped |= {part for site in rec.params.get("site") or [] for part in knowledge.site_parts(site)}
    excluders = excluded_exercises(knowledge, kept)
    for rec in kept:
        rec.exercises = _exercises(knowledge, rec, referred, stopped, set(excluders))
    for rec in kept:
        if rec.adjustment.with_referral == "away_from_site" and referred and not rec.exercises:
            _suppress(rec, REFERRAL, "every exercise it lists loads the referred site")
        listed = set(rec.adjustment.exercises) | {k for keys in rec.adjustment.site_exercises.values() for k in keys}
        if listed and not rec.exercises and listed <= set(excluders):
            by = excluders[sorted(listed)[0]]
            _suppress(rec, by.id, f"every exercise it lists is left out by “{by.title}”")
    kept = [rec for rec in kept if not rec.suppressed_by]
    suppressed = [rec for rec in given.values() if rec.suppressed_by]
    status = max((rec.adjustment.status for rec in kept), key=STATUS_RANK.__getitem__, default="green")
    cautions = [rec for rec in kept if rec.adjustment.direction == "decrease"]
    if status == "amber" and all(_only_missing_data(ruleset, rec) for rec in cautions):
        status = INSUFFICIENT
    kept.sort(key=lambda r: (r.adjustment.priority, r.adjustment.id))
    sites = list(given[REFERRAL].params["site"]) if REFERRAL in given else []
    urgency = referral.urgency if referral else ""
    return Advice(status, kept, suppressed, sites, urgency, flags, referral)
