"""How the advice differs between two evaluations (the athlete's, and one with a change applied):
the status, the advice added and dropped, and what changes in the advice kept (a number, the
reasons given, the referral's flags, urgency and sites), as data the words are made from."""

from __future__ import annotations

from typing import Any

from runstrong.advice.because import singular, words
from runstrong.advice.resolve import REFERRAL, Advice, Referral, resolve_advice
from runstrong.engine.records import Evaluation
from runstrong.rules.knowledge import KnowledgeBase
from runstrong.rules.model import RuleSet
from runstrong.snapshot.fields import phrase

#: Params said value by value (a reason given or taken away, a site added or dropped); any other
#: changed param is said as its value before and after (`20 % -> 30 %`, `Tuesday -> Thursday`).
LISTED = ("reason", "site")


def referral_brief(knowledge: KnowledgeBase, referral: Referral | None) -> dict[str, Any] | None:
    """How soon (`today`) and for what (each flag with its label) the athlete is referred: the
    parts of the result's `referral` that name it."""
    if referral is None:
        return None
    levels = knowledge.referral.urgency
    when = levels[referral.urgency]["when"] if referral.urgency in levels else referral.urgency.replace("_", " ")
    return {
        "when": when,
        "flags": [{"flag": flag, "label": knowledge.red_flags[flag].label} for flag in referral.flags],
    }


def _amount(knowledge: KnowledgeBase, name: str, value: Any, unit: str) -> str:
    """A param's value in words, a number with its unit (`20 %`, `1 day`)."""
    text = words(knowledge, name, value)
    if not unit or isinstance(value, bool) or not isinstance(value, (int, float)):
        return text
    return singular(f"{text}{unit}" if unit.startswith("/") else f"{text} {unit}")


def _item(knowledge: KnowledgeBase, name: str, value: Any) -> str:
    """One reason, or one site (`the knee`), in words."""
    return f"the {knowledge.site_label(value)}" if name == "site" else words(knowledge, name, value)


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def _param_details(
    knowledge: KnowledgeBase, adjustment_id: str, old: dict[str, Any], new: dict[str, Any]
) -> list[dict[str, Any]]:
    """Each param of a kept adjustment whose value changes, a missing one read as its default:
    its value before and after (`from`, `to`, in words), or for reasons and sites the ones
    `added` and `removed`."""
    adjustment = knowledge.adjustments[adjustment_id]
    details = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name, adjustment.defaults.get(name)), new.get(name, adjustment.defaults.get(name))
        if before == after:
            continue
        spec = adjustment.params.get(name)
        detail: dict[str, Any] = {
            "adjustment": adjustment_id,
            "param": name,
            "name": phrase(spec.description) if spec else name.replace("_", " "),
        }
        if name in LISTED:
            was, now = _as_list(before), _as_list(after)
            detail["added"] = [_item(knowledge, name, v) for v in now if v not in was]
            detail["removed"] = [_item(knowledge, name, v) for v in was if v not in now]
        else:
            unit = spec.unit if spec else ""
            detail["from"], detail["to"] = _amount(knowledge, name, before, unit), _amount(knowledge, name, after, unit)
        details.append(detail)
    return details


def _referral_details(knowledge: KnowledgeBase, old: Referral, new: Referral) -> list[dict[str, Any]]:
    """What changes in a referral kept by both: its flags, how soon, the sites it stops."""
    details: list[dict[str, Any]] = []
    flags = {
        "added": [knowledge.red_flags[f].label for f in new.flags if f not in old.flags],
        "removed": [knowledge.red_flags[f].label for f in old.flags if f not in new.flags],
    }
    if flags["added"] or flags["removed"]:
        details.append({"adjustment": REFERRAL, "param": "flag", "name": "red flags", **flags})
    before, after = referral_brief(knowledge, old), referral_brief(knowledge, new)
    if before and after and before["when"] != after["when"]:
        details.append(
            {
                "adjustment": REFERRAL,
                "param": "urgency",
                "name": "how soon",
                "from": before["when"],
                "to": after["when"],
            }
        )
    sites = {
        "added": [_item(knowledge, "site", s) for s in new.sites if s not in old.sites],
        "removed": [_item(knowledge, "site", s) for s in old.sites if s not in new.sites],
    }
    if sites["added"] or sites["removed"]:
        details.append({"adjustment": REFERRAL, "param": "site", "name": "sites", **sites})
    return details


def _params(advice: Advice) -> dict[str, dict[str, Any]]:
    return {rec.adjustment.id: rec.params for rec in advice.recommendations}


def advice_change(ruleset: RuleSet, before: Evaluation, after: Evaluation) -> dict[str, Any]:
    """How the advice differs between two evaluations: status, adjustments added and removed,
    the params changed (`params`, raw) and what that changes, in data for words (`details`),
    and the referral before and after (how soon, for which flags)."""
    knowledge = ruleset.knowledge
    old, new = resolve_advice(ruleset, before), resolve_advice(ruleset, after)
    old_params, new_params = _params(old), _params(new)
    params = {
        adjustment: {"from": old_params[adjustment], "to": new_params[adjustment]}
        for adjustment in old_params
        if adjustment in new_params and old_params[adjustment] != new_params[adjustment]
    }
    details = [
        detail
        for adjustment, change in params.items()
        if adjustment != REFERRAL
        for detail in _param_details(knowledge, adjustment, change["from"], change["to"])
    ]
    referral_changed = False
    if old.referral and new.referral:
        referral_changed = old.referral != new.referral
        details += _referral_details(knowledge, old.referral, new.referral)
    return {
        "status": [old.status, new.status],
        "added": [a for a in new_params if a not in old_params],
        "removed": [a for a in old_params if a not in new_params],
        "params": params,
        "details": details,
        "referral": [referral_brief(knowledge, old.referral), referral_brief(knowledge, new.referral)],
        "changes_advice": old.status != new.status
        or set(old_params) != set(new_params)
        or bool(params)
        or referral_changed,
    }
