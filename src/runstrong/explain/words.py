"""Explanation pieces in words: values with units, field labels, thresholds, conditions, changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from runstrong.advice.because import join_words
from runstrong.advice.resolve import REFERRAL
from runstrong.explain.document import Item
from runstrong.snapshot.fields import field_label

RESULT_MARK = {"true": "✓", "false": "✗", "unknown": "?"}


RESULT_WORD = {"true": "holds", "false": "fails", "unknown": "unknown"}


def number(value: Any) -> str:
    """A value for people: floats without trailing noise, lists joined, unknown spelt out."""
    if value is None:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, list):
        return ", ".join(number(v) for v in value) if value else "none"
    if isinstance(value, dict):
        return "; ".join(f"{k} {number(v)}" for k, v in value.items())
    return str(value)


def singular(unit: str) -> str:
    """The unit of one: `times` -> `time`, `injuries` -> `injury` (units that are not a plural
    word, such as `km`, `h` or `sessions/week`, stay as they are)."""
    if len(unit) < 3 or not unit.isalpha() or not unit.endswith("s"):
        return unit
    return unit[:-3] + "y" if unit.endswith("ies") else unit[:-1]


def with_unit(value: Any, unit: str) -> str:
    text = number(value)
    if not unit or value is None or isinstance(value, (bool, list, dict)):
        return text
    if value == 1:
        unit = singular(unit)
    return f"{text}{unit}" if unit.startswith("/") or unit == "%" else f"{text} {unit}"


#: A bound in words, for amounts and (`/10`, `/5`) for scores.
BOUND_WORDS = {">": "more than", ">=": "at least", "<": "less than", "<=": "at most"}
SCORE_BOUND_WORDS = {">": "above", ">=": "at least", "<": "below", "<=": "at most"}


def bound_words(bound: dict[str, Any], unit: str) -> str:
    """`{op: >, value: 14}` in days -> `more than 14 days`; on a score, `above 5/10`."""
    words = SCORE_BOUND_WORDS if unit.startswith("/") else BOUND_WORDS
    return f"{words[bound['op']]} {with_unit(bound['value'], unit)}"


def threshold_words(threshold: dict[str, Any] | None, audience: str) -> str:
    if not threshold:
        return ""
    value = with_unit(threshold["value"], threshold["unit"])
    if audience == "clinician":
        return f"${threshold['name']} = {value} (source {threshold['source']}, grade {threshold['grade']})"
    return f"{threshold['name'].replace('_', ' ')} = {value}"


def condition_line(outcome: dict[str, Any], audience: str) -> str:
    """`[✓] field op $t: value seen; threshold ...` for one leaf condition outcome."""
    mark = RESULT_MARK[outcome["result"]]
    parts = [f"[{mark}] {outcome['text']}"]
    if outcome["kind"] == "compare" and outcome.get("applies", True):
        parts.append(f"seen {with_unit(outcome.get('value'), outcome.get('unit', ''))}")
    elif outcome["kind"] == "join" and "value" in outcome:
        parts.append(
            f"seen {number(outcome['value']['left'])} vs {number(outcome['value']['right'])}"
            f" ({', '.join(f'{k}={v}' for k, v in outcome.get('bound_items', {}).items())})"
        )
    elif outcome["kind"] in ("item", "no_item"):
        if outcome.get("bound"):
            bound = next(i for i in outcome["items"] if i["item"] == outcome["bound"])
            verb = "matched" if outcome["result"] == "true" else "checked"
            parts.append(f"{verb} {bound['item']} ({number(bound['fields'])})")
        elif outcome["kind"] == "no_item" and "items" in outcome:
            parts.append(f"{len(outcome['items'])} item(s) checked")
    elif outcome["kind"] == "concluded" and outcome.get("concluded_by"):
        parts.append(f"concluded by {', '.join(outcome['concluded_by'])}")
    threshold = threshold_words(outcome.get("threshold"), audience)
    if threshold:
        parts.append(f"threshold {threshold}")
    if outcome.get("note"):
        parts.append(outcome["note"])
    line = "; ".join(parts)
    return line + f" -> {RESULT_WORD[outcome['result']]}"


def _item_check(check: dict[str, Any]) -> str:
    """`level > $soreness_low_max (4/10 vs 3/10) ✓`: one `where` test of one item."""
    seen = with_unit(check.get("value"), check.get("unit", ""))
    threshold = check.get("threshold")
    against = f" vs {with_unit(threshold['value'], threshold['unit'])}" if threshold else ""
    detail = f" ({seen}{against})" if not check["text"].endswith("known") else ""
    return f"{check['text']}{detail} {RESULT_MARK[check['result']]}"


def bound_item_checks(outcome: dict[str, Any]) -> str:
    """The `where` tests of the item an item condition was bound to ('' when none)."""
    bound = next((i for i in outcome.get("items", []) if i["item"] == outcome.get("bound")), None)
    return ", ".join(_item_check(check) for check in bound["where"]) if bound else ""


def outcome_items(outcome: dict[str, Any], audience: str) -> Item:
    """A condition outcome (possibly a tree, with item details and chains) as a list item."""
    if "children" in outcome:
        return (
            f"[{RESULT_MARK[outcome['result']]}] {outcome['text']}",
            [outcome_items(child, audience) for child in outcome["children"]],
        )
    children: list[Item] = []
    if outcome.get("bound"):
        bound = next(i for i in outcome["items"] if i["item"] == outcome["bound"])
        children += [condition_line(check, audience) for check in bound["where"]]
    elif outcome["kind"] in ("item", "no_item"):
        for item in outcome.get("items", []):
            checks = ", ".join(_item_check(c) for c in item["where"])
            children.append(f"{item['item']} ({number(item['fields'])}): {checks}")
    for chained in outcome.get("chain", []):
        children.append(rule_trace_item(chained, audience))
    return (condition_line(outcome, audience), children) if children else condition_line(outcome, audience)


def rule_trace_item(rule: dict[str, Any], audience: str) -> Item:
    """A fired rule with the conditions of each of its firings."""
    head = f"{rule['rule']} [grade {rule['grade']}] {rule['title']}"
    children: list[Item] = []
    for number_, firing in enumerate(rule["firings"], 1):
        conditions: list[Item] = [outcome_items(c, audience) for c in firing["conditions"]]
        if len(rule["firings"]) > 1:
            children.append((f"match {number_}", conditions))
        else:
            children += conditions
    return (head, children)


def change_words(change: dict[str, Any], audience: str = "coach") -> str:
    """'X were Y (now Z, so that <condition>)'; in plain words for the athlete. Y is the
    boundary past which the condition holds (`more than 14 days`) when there is one."""
    name = field_label(change["path"]) if audience == "athlete" else change["path"]
    if isinstance(change["to"], list):
        return f"{name} included {number(change['to'])} (now unknown)"
    unit = change.get("unit", "")
    now = with_unit(change["now"], unit)
    to = bound_words(change["bound"], unit) if change.get("bound") else with_unit(change["to"], unit)
    plain_words = audience == "athlete" or not (change.get("via") or "$" in change["condition"])
    return f"{name} were {to} (now {now}{'' if plain_words else ', so that ' + change['condition']})"


def lower_first(title: str) -> str:
    """A title inside a sentence: its first letter in lower case, unless it starts with an
    acronym (`Insert a deload week` -> `insert a deload week`; `ITB ...` stays)."""
    first = title.split(" ", 1)[0]
    return title if len(first) > 1 and first.isupper() else title[:1].lower() + title[1:]


def referral_name(referral: dict[str, Any]) -> str:
    """A referral (the result's `referral`) named by how soon and what for: `Referral today: a
    swollen, warm calf`."""
    flags = join_words([flag["label"] for flag in referral["flags"]])
    return f"Referral {referral['when']}" + (f": {flags}" if referral["flags"] else "")


def _listed(values: list[str]) -> str:
    return "; ".join(values)


def detail_words(detail: dict[str, Any], names: Callable[[Any], str]) -> str:
    """What one change to kept advice does, in words: `changes how much to cut working loads in
    “reduce gym load” (20 % -> 30 %)`, `gives “hold progression” another reason (...)`,
    `adds a limp to the referral`."""
    whose = "the referral" if detail["adjustment"] == REFERRAL else names([detail["adjustment"]])
    if "from" in detail:
        what = "how soon the athlete should be seen" if detail["param"] == "urgency" else f"{detail['name']} in {whose}"
        return f"changes {what} ({detail['from']} -> {detail['to']})"
    added, removed = detail["added"], detail["removed"]
    parts = []
    if detail["param"] == "reason":  # a reason given is the rule's, named with the line
        if added:
            parts.append(f"gives {whose} {'another reason' if len(added) == 1 else 'more reasons'}")
        if removed:
            parts.append(f"takes {'a reason' if len(removed) == 1 else 'reasons'} from {whose} ({_listed(removed)})")
    elif detail["param"] == "site":
        if added:
            parts.append(f"extends {whose} to {join_words(added)}")
        if removed:
            parts.append(f"takes {join_words(removed)} out of {whose}")
    else:
        if added:
            parts.append(f"adds {join_words(added)} to {whose}")
        if removed:
            parts.append(f"takes {join_words(removed)} out of {whose}")
    return "; ".join(parts)


def advice_effects(advice: dict[str, Any], names: Callable[[Any], str]) -> list[str]:
    """What a verified change does to the advice: adds, drops, what it changes in the advice
    kept (in words, never as `params`), status."""
    effect = []
    if advice["added"]:
        effect.append(f"adds {names(advice['added'])}")
    if advice["removed"]:
        effect.append(f"drops {names(advice['removed'])}")
    effect += [detail_words(detail, names) for detail in advice["details"]]
    described = {detail["adjustment"] for detail in advice["details"]}
    unsaid = [adjustment for adjustment in advice["params"] if adjustment not in described]
    if unsaid:
        effect.append(f"changes the details of {names(unsaid)}")
    if advice["status"][0] != advice["status"][1]:
        effect.append(f"status {advice['status'][0]} -> {advice['status'][1]}")
    return effect


def whatif_sentence(whatif: dict[str, Any], audience: str) -> str:
    """'SW02 (title) would fire if X were Y (now Z): adds reduce-load'."""
    changes = " and ".join(change_words(c, audience) for c in whatif["changes"])
    effect = advice_effects(whatif["advice"], ", ".join)
    tail = f": {'; '.join(effect)}" if effect else ": the advice would stay the same"
    if audience == "athlete":
        return f"{whatif['title']}: this would apply if {changes}"
    return f"{whatif['rule']} ({whatif['title']}) would fire if {changes}{tail}"
