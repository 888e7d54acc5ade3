"""The words of `runstrong explain` a clinician or coach reads: what would change the advice is
said as a boundary (`more than 14 days`), what it changes in plain words, each line once; sources
by a short label never cut mid-word; red flags and the referral by their labels; what a referral
holds back is said to wait for the assessment."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pytest

from explain_cases import example_snapshots
from runstrong.engine.evaluator import Evaluator
from runstrong.explain.render import render_explanation
from runstrong.explain.trace import explain
from runstrong.explain.whatif import WhatIf
from runstrong.rules.citations import citation_year
from runstrong.rules.model import RuleSet
from runstrong.snapshot.validation import Snapshot, validate

BASE = {"athlete_id": "t", "date": "2026-11-24"}
SYMPTOMS_NONE = {"soreness": [], "tendon": [], "sharp_joint_pain": [], "red_flags": []}
#: A count said with a plural unit (`1 times`), not a decimal (`1.1 times`).
ONE_PLURAL = re.compile(r"(?<![\d.])1 (times|days|weeks|months|years|reps|hours|minutes|sessions|injuries)\b")
#: A "what would change" line: `If <changes>: <effect> (<rule titles>).` (one line once wrapped).
WHATIF = re.compile(r"^- (If .*)$", re.MULTILINE)


def _snapshot(**parts: Any) -> Snapshot:
    return validate({**BASE, **parts})


def _example(ruleset: RuleSet, rule_id: str, name: str) -> Snapshot:
    return next(e.snapshot for e in ruleset.rule(rule_id).examples if e.name == name)


def _text(evaluator: Evaluator, snapshot: Snapshot, audience: str = "coach", trace: bool = False) -> str:
    return render_explanation(explain(evaluator, evaluator.evaluate(snapshot)), "text", audience, trace)


def _unwrapped(text: str) -> str:
    """The text with each wrapped list entry on one line."""
    return re.sub(r"\n {2,}(?=\S)(?!- )", " ", text)


def _whatif_lines(text: str) -> list[str]:
    """The lines of the section "What would change the advice" (none without it)."""
    if "\nWhat would change the advice\n" not in text:
        return []
    section = _unwrapped(text.split("\nWhat would change the advice\n", 1)[1])
    return WHATIF.findall(section.split("\n\n")[1])


@cache
def _near_misses() -> tuple[tuple[str, Snapshot], ...]:
    """The examples and each rule's first does-not-fire example: athletes a change away from a rule."""
    from conftest import bundled_ruleset

    cases = example_snapshots()
    for rule in bundled_ruleset().rules:
        example = next(e for e in rule.examples if not e.fires)
        cases.append((f"{rule.id}:{example.name}", example.snapshot))
    return tuple(cases)


@pytest.fixture(scope="module")
def explained(evaluator: Evaluator) -> list[tuple[str, dict[str, Any]]]:
    return [(name, explain(evaluator, evaluator.evaluate(snapshot))) for name, snapshot in _near_misses()]


# 1. what would change: the boundary in words ------------------------------------------------


def test_a_change_is_said_as_the_boundary_of_its_threshold(evaluator: Evaluator) -> None:
    tendon = {"site": "achilles", "pain_during_load": 6, "days_persisting": 10, "trend": "stable"}
    text = _unwrapped(_text(evaluator, _snapshot(symptoms={**SYMPTOMS_NONE, "tendon": [tendon]})))
    assert "If days the symptoms have persisted were more than 14 days (now 10 days):" in text
    assert "14.1" not in text
    mild = {**tendon, "pain_during_load": 3}
    text = _unwrapped(_text(evaluator, _snapshot(symptoms={**SYMPTOMS_NONE, "tendon": [mild]})))
    assert "If pain during loading were above 5/10 (now 3/10)" in text and "5.1/10" not in text


def test_a_count_past_zero_is_at_least_one_time(evaluator: Evaluator) -> None:
    history = [{"type": "bone_stress_injury", "months_ago": 6, "recurrences": 0}]
    text = _unwrapped(_text(evaluator, _snapshot(profile={"injury_history": history})))
    assert "If how many times it came back were at least 1 time (now 0 times)" in text
    assert not ONE_PLURAL.search(text)


def test_an_upper_limit_is_said_as_less_than(ruleset: RuleSet, evaluator: Evaluator) -> None:
    ready = _example(ruleset, "RR01", "criteria-met")
    found = WhatIf(evaluator, evaluator.evaluate(ready)).for_rule(ruleset.rule("RR01"))
    assert found is not None
    change = next(c for c in found["changes"] if c["path"] == "return_to_run.pain_free_walk_min")
    assert change["to"] == 29.9 and change["bound"] == {"op": "<", "value": 30}
    text = _unwrapped(_text(evaluator, ready))
    assert "longest brisk walk that stays pain-free, during and the day after were less than 30 minutes" in text
    assert "29.9" not in text
    trace = _unwrapped(_text(evaluator, ready, "clinician", trace=True))
    assert "return_to_run.pain_free_walk_min were less than 30 minutes" in trace


def test_a_derived_value_is_moved_to_its_boundary(ruleset: RuleSet, evaluator: Evaluator) -> None:
    """A week-on-week rise of more than 30 % from 17 km is more than 22.1 km, not `22.1 km`."""
    whatif = WhatIf(evaluator, evaluator.evaluate(_snapshot(running={"week_km": 18, "prev_week_km": 17})))
    found = whatif.for_rule(ruleset.rule("LV01"))
    assert found is not None
    [change] = found["changes"]
    limit = ruleset.threshold_value("week_km_spike_pct")
    assert change["bound"]["op"] == ">" and change["bound"]["value"] == pytest.approx(17 * (1 + limit / 100))
    assert change["to"] > change["bound"]["value"]


def test_every_bound_said_is_true_of_the_value_checked(explained: list[tuple[str, dict[str, Any]]]) -> None:
    """The verified value lies past the bound the words give, and no line names a bare value
    where a bound is known."""
    checked = 0
    for name, doc in explained:
        for whatif in doc["what_would_change"]:
            for change in whatif["changes"]:
                bound = change.get("bound")
                if bound is None:
                    continue
                value, limit = change["to"], bound["value"]
                assert {"<": value < limit, "<=": value <= limit, ">": value > limit, ">=": value >= limit}[
                    bound["op"]
                ], (name, change)
                checked += 1
    assert checked > 100


def test_no_count_of_one_is_plural_anywhere(explained: list[tuple[str, dict[str, Any]]]) -> None:
    for name, doc in explained:
        for audience in ("clinician", "coach", "athlete"):
            for trace in (False, True):
                assert not ONE_PLURAL.search(render_explanation(doc, "text", audience, trace)), (name, audience)


# 2. what the change does to the advice, in plain words -------------------------------------


def test_what_changes_in_kept_advice_is_said_in_words(evaluator: Evaluator) -> None:
    flare = next(s for n, s in example_snapshots() if n == "achilles-flare-up.yaml")
    text = _unwrapped(_text(evaluator, flare, "clinician"))
    assert "changes the numbers" not in text
    assert re.search(r"changes how much lighter the loads are in “insert a deload week” \(20 % -> \d+ %\)", text)
    periods = next(s for n, s in example_snapshots() if n == "missed-periods.yaml")
    text = _unwrapped(_text(evaluator, periods, "clinician"))
    assert "adds signs of low energy availability (REDs) to the referral" in text
    assert "changes the numbers" not in text and "changes the details of “referral" not in text


def test_a_change_to_kept_advice_never_names_advice_it_adds_or_drops(
    explained: list[tuple[str, dict[str, Any]]],
) -> None:
    for name, doc in explained:
        for whatif in doc["what_would_change"]:
            advice = whatif["advice"]
            changed = {d["adjustment"] for d in advice["details"]} | set(advice["params"])
            assert not changed & set(advice["added"] + advice["removed"]), (name, whatif["rule"])
        for audience in ("clinician", "coach"):
            text = render_explanation(doc, "text", audience)
            assert "changes the numbers" not in text and "changes the params" not in text, (name, audience)


# 3. each line once ------------------------------------------------------------------------


def test_two_rules_with_the_same_change_and_effect_make_one_line(evaluator: Evaluator) -> None:
    night = next(s for n, s in example_snapshots() if n == "night-pain.yaml")
    lines = _whatif_lines(_text(evaluator, night))
    [both] = [line for line in lines if "Overreaching risk - insert a deload" in line]
    assert "Two or more weak fatigue signals - overreaching risk" in both
    tendon = {"site": "achilles", "pain_during_load": 3, "days_persisting": 20}
    lines = _whatif_lines(_text(evaluator, _snapshot(symptoms={**SYMPTOMS_NONE, "tendon": [tendon]})))
    assert len([line for line in lines if line.startswith("If pain during loading were above 5/10")]) == 1


def test_no_two_lines_say_the_same(explained: list[tuple[str, dict[str, Any]]]) -> None:
    """The same changes with the same effect are said once, whichever rules they make fire."""
    lines = 0
    for name, doc in explained:
        for audience in ("clinician", "coach"):
            said = [
                re.sub(r" \((?:[^()]|\([^()]*\))*\)\.$", "", line)  # without the rules' titles
                for line in _whatif_lines(render_explanation(doc, "text", audience))
            ]
            assert len(said) == len(set(said)), (name, audience)
            lines += len(said)
    assert lines > 200


# 4. sources by a short label --------------------------------------------------------------


def test_every_source_has_a_short_label_in_whole_words_with_its_year(ruleset: RuleSet) -> None:
    labels = {}
    for key, evidence in ruleset.knowledge.evidence.items():
        label, citation = evidence.label, " ".join(evidence.citation.split())
        labels[key] = label
        assert "..." not in label and "…" not in label, key
        who = re.sub(r" (\d{4}[a-z]?|\(undated\)|\(this project\)|\(not a publication\))$", "", label)
        for word in re.findall(r"[\w'-]+", who.replace(" et al.", "").replace(" & ", " ")):
            assert re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", f"{citation} {evidence.short}"), (key, word)
        project = label.endswith(("(this project)", "(not a publication)"))
        year = citation_year(citation)
        if year and not project:
            assert re.search(rf" {year}[a-z]?$", label), (key, label)
        elif not project:
            assert label.endswith("(undated)"), (key, label)
        key_year = re.search(r"-(\d{4})[a-z]?$", key)
        if key_year and not project:
            assert key_year.group(1) in label, (key, label)
    assert len(set(labels.values())) == len(labels), "two sources share a label"
    assert labels["silbernagel-2007"] == "Silbernagel et al. 2007"
    assert labels["silbernagel-crossley-2015"] == "Silbernagel & Crossley 2015"
    assert labels["gabbett-2016"] == "Gabbett 2016"
    assert labels["frandsen-2025"] == "Frandsen et al. 2025"
    assert labels["pelliccia-2021"] == "Pelliccia et al. 2021"  # not the 2020 of the guideline's title
    assert (labels["nice-2020"], labels["acsm-2009"], labels["aaos-2009"]) == ("NICE 2020", "ACSM 2009", "AAOS 2009")
    assert labels["bone-stress-red-flags"] == "runstrong referral checklist (this project)"
    assert labels["nsca-plyometrics"] == "Potach & Chu (undated)"
    assert labels["article-2025"] == "“Gym training” 2025"


def test_the_advice_names_its_sources_by_their_labels(evaluator: Evaluator) -> None:
    calf = _snapshot(symptoms={**SYMPTOMS_NONE, "red_flags": ["calf_swelling_warmth"]})
    text = _unwrapped(_text(evaluator, calf))
    assert "Sources: NICE 2020 (grade C); runstrong referral checklist (this project) (grade H)" in text
    assert "..." not in text


# 5. red flags by their labels, only those that can apply ------------------------------------


def test_red_flags_are_named_by_their_labels(evaluator: Evaluator) -> None:
    calf = _snapshot(symptoms={**SYMPTOMS_NONE, "red_flags": ["calf_swelling_warmth"]})
    text = _text(evaluator, calf, "clinician")
    assert "Red flags reported: a swollen, warm calf." in text and "calf swelling warmth" not in text


def test_a_red_flag_that_cannot_apply_is_not_listed_as_reported(evaluator: Evaluator) -> None:
    man = {"sex": "male", "age": 30}
    both = _snapshot(profile=man, symptoms={**SYMPTOMS_NONE, "red_flags": ["missed_periods", "night_pain"]})
    text = _text(evaluator, both, "clinician")
    assert "Red flags reported: pain that wakes you at night." in text and "missed periods" not in text
    alone = _snapshot(profile=man, symptoms={**SYMPTOMS_NONE, "red_flags": ["missed_periods"]})
    assert "Red-flag checklist: answered, none reported." in _text(evaluator, alone, "clinician")


# 6. the referral by how soon and what for ----------------------------------------------------


@pytest.mark.parametrize(
    ("rule_id", "example", "name"),
    [
        ("RF06", "swollen-warm-calf", "Referral today: a swollen, warm calf"),
        ("EA01", "no-periods-for-three-months", "Referral this week: signs of low energy availability (REDs)"),
        (
            "EA03",
            "positive-eating-screen",
            "Referral this week: a positive screen for disordered eating",
        ),
    ],
)
def test_a_kept_referral_is_named_from_the_referral(
    ruleset: RuleSet, evaluator: Evaluator, rule_id: str, example: str, name: str
) -> None:
    snapshot = _example(ruleset, rule_id, example)
    for audience in ("clinician", "coach"):
        text = _unwrapped(_text(evaluator, snapshot, audience, trace=True))
        assert f"\n{name} " in text, audience
        assert "Stop the affected loading and see a clinician" not in text, audience


def test_a_referral_a_change_would_give_is_named_from_that_referral(evaluator: Evaluator) -> None:
    joint = {"joint": "knee", "level": 5}
    text = _unwrapped(_text(evaluator, _snapshot(symptoms={**SYMPTOMS_NONE, "sharp_joint_pain": [joint]})))
    assert "adds “referral this week: severe sharp joint pain”" in text
    assert "stop the affected loading and see a clinician" not in text


# 7. held back until assessed ------------------------------------------------------------------


def test_advice_a_referral_holds_back_waits_for_the_assessment(evaluator: Evaluator) -> None:
    night = _snapshot(symptoms={**SYMPTOMS_NONE, "red_flags": ["night_pain"]}, wellbeing={"sleep_h_avg_7d": 6})
    for audience in ("clinician", "coach"):
        text = _unwrapped(_text(evaluator, night, audience))
        assert "held back until the athlete has been assessed (the referral covers it)" in text
        assert "held back by the referral" not in text.lower()
