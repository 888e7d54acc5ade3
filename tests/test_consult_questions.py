"""The pieces under the consultation: answers and the partial snapshot, the three-valued
relevance of rules, and the questions (parsing, ordering)."""

from __future__ import annotations

from pathlib import Path

import pytest

from runstrong.consult.assessment import DERIVED_ITEM_FIELDS, DERIVED_ITEM_INPUTS
from runstrong.consult.dialogue import Consultation
from runstrong.consult.questions import Goals, Questioner, describe, flag_order, next_slot, parse_answer, question
from runstrong.consult.relevance import Relevance
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.model import RuleSet
from runstrong.rules.ruleset import load_ruleset
from runstrong.snapshot.fields import catalogue
from runstrong.snapshot.partial import MISSING, Partial, item_lists, red_flag_names
from runstrong.snapshot.validation import read_snapshot
from runstrong.util.paths import default_knowledge_dir

ROOT = Path(__file__).resolve().parent.parent

RULES = {
    "LV91-volume-jump": """\
when: ["derived.week_change_pct > 30"]
then: [{adjustment: hold-progression}]
examples:
  fires: [{name: jump, snapshot: {running: {week_km: 50, prev_week_km: 30}}}]
  does_not_fire: [{name: steady, snapshot: {running: {week_km: 30, prev_week_km: 30}}}]
""",
    "TD91-tendon-pain": """\
when: [{item: symptoms.tendon, as: t, where: ["pain_during_load > 5"]}]
then: [{adjustment: stop-painful-exercise, params: {site: "@t.site"}}]
examples:
  fires: [{name: six, snapshot: {symptoms: {tendon: [{site: achilles, pain_during_load: 6}]}}}]
  does_not_fire: [{name: four, snapshot: {symptoms: {tendon: [{site: achilles, pain_during_load: 4}]}}}]
""",
    "RF91-night-pain": """\
salience: 100
when: ["symptoms.red_flags has night_pain"]
then: [{adjustment: refer-to-clinician}]
examples:
  fires: [{name: night, snapshot: {symptoms: {red_flags: [night_pain]}}}]
  does_not_fire: [{name: none, snapshot: {symptoms: {red_flags: []}}}]
""",
    "GP91-high-sessions-close": """\
when:
  - {item: plan.gym_sessions, as: a, where: ["intensity == high"]}
  - {item: plan.gym_sessions, as: b, where: ["intensity == high"]}
  - {join: "days_apart(a.day, b.day) < 2"}
then: [{adjustment: reduce-frequency}]
examples:
  fires:
    - {name: mon-tue, snapshot: {plan: {gym_sessions: [{day: mon, intensity: high}, {day: tue, intensity: high}]}}}
  does_not_fire:
    - {name: mon-thu, snapshot: {plan: {gym_sessions: [{day: mon, intensity: high}, {day: thu, intensity: high}]}}}
""",
}


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    rules = tmp_path_factory.mktemp("rules")
    (rules / "ruleset.yaml").write_text('version: "0.1"\n')
    for stem, body in RULES.items():
        rule_id, name = stem.split("-", 1)
        header = f"id: {rule_id}\nname: {name}\ntitle: {name}\ngrade: H\nrationale: test\nevidence: [article-2025]\n"
        (rules / f"{stem}.yaml").write_text(header + body)
    return load_ruleset(rules, default_knowledge_dir())


def states(ruleset: RuleSet, answers: list[tuple[tuple, object]]) -> dict:
    partial = Partial()
    for slot, value in answers:
        partial.apply(slot, value)
    return Relevance(ruleset).assess(partial)


# -- three-valued relevance


def test_nothing_answered_every_rule_is_open(tiny: RuleSet) -> None:
    found = states(tiny, [])
    assert all(state.value is None for state in found.values())
    assert found["LV91"].needs == {("field", "running.week_km"), ("field", "running.prev_week_km")}
    assert found["RF91"].needs == {("list", "symptoms.red_flags")}


def test_derived_value_is_decided_by_its_inputs(tiny: RuleSet) -> None:
    one_unknown = states(tiny, [(("field", "running.week_km"), MISSING)])["LV91"]
    assert one_unknown.decided and one_unknown.value is False  # unknown input: derived unknown
    jump = states(tiny, [(("field", "running.week_km"), 40), (("field", "running.prev_week_km"), 30)])["LV91"]
    assert jump.decided and jump.value is True


def test_red_flag_checklist(tiny: RuleSet) -> None:
    assert states(tiny, [(("list", "symptoms.red_flags"), False)])["RF91"].value is False
    opened = states(tiny, [(("list", "symptoms.red_flags"), True)])["RF91"]
    assert opened.value is None and opened.needs == {("flag", "night_pain")}
    found = states(tiny, [(("list", "symptoms.red_flags"), True), (("flag", "night_pain"), True)])["RF91"]
    assert found.decided and found.value is True
    assert states(tiny, [(("list", "symptoms.red_flags"), MISSING)])["RF91"].value is False


def test_a_rule_quoting_an_item_stays_open_while_another_item_could_match(tiny: RuleSet) -> None:
    tendon = "symptoms.tendon"
    answers = [
        (("list", tendon), True),
        (("item", tendon, 0, "site"), "achilles"),
        (("item", tendon, 0, "pain_during_load"), 6),
    ]
    fired = states(tiny, answers)["TD91"]
    assert fired.value is True and not fired.decided and fired.needs == {("more", tendon)}
    closed = states(tiny, [*answers, (("more", tendon), False)])["TD91"]
    assert closed.decided and closed.value is True


def test_joins_between_two_items(tiny: RuleSet) -> None:
    gym = "plan.gym_sessions"
    first = [
        (("list", gym), True),
        (("item", gym, 0, "day"), "mon"),
        (("item", gym, 0, "intensity"), "high"),
        (("more", gym), True),
        (("item", gym, 1, "day"), "tue"),
    ]
    open_rule = states(tiny, first)["GP91"]
    assert open_rule.value is None and ("item", gym, 1, "intensity") in open_rule.needs
    assert states(tiny, [*first, (("item", gym, 1, "intensity"), "high")])["GP91"].value is True
    light = states(tiny, [*first, (("item", gym, 1, "intensity"), "light"), (("more", gym), False)])
    assert light["GP91"].decided and light["GP91"].value is False


# -- ordering


def test_red_flags_come_first_and_an_open_item_is_finished_first(tiny: RuleSet) -> None:
    questioner = Questioner(Relevance(tiny))
    partial = Partial()
    assert questioner.next_question(partial, questioner.assess(partial)[1]).slot == ("list", "symptoms.red_flags")
    partial.apply(("list", "symptoms.red_flags"), False)
    partial.apply(("list", "symptoms.tendon"), True)
    needs = questioner.assess(partial)[1]
    assert next_slot(partial, needs) == ("item", "symptoms.tendon", 0, "site")


def test_no_question_once_every_rule_is_decided(tiny: RuleSet) -> None:
    questioner = Questioner(Relevance(tiny))
    partial = Partial()
    for slot in [("list", "symptoms.red_flags"), ("list", "symptoms.tendon"), ("list", "plan.gym_sessions")]:
        partial.apply(slot, False)
    partial.apply(("field", "running.week_km"), MISSING)
    assert questioner.next_question(partial, questioner.assess(partial)[1]) is None


GOAL_RULES = {
    "GP93-progress": """\
when: ["metrics.reps_above_target >= 1", "wellbeing.sleep_h_avg_7d >= 7"]
then: [{adjustment: progress-load}]
examples:
  fires: [{name: ready, snapshot: {metrics: {reps_above_target: 2}, wellbeing: {sleep_h_avg_7d: 8}}}]
  does_not_fire: [{name: short-sleep, snapshot: {metrics: {reps_above_target: 2}, wellbeing: {sleep_h_avg_7d: 6}}}]
""",
    "RD92-sleep-unknown": """\
when: ["wellbeing.sleep_h_avg_7d is unknown"]
then: [{adjustment: hold-progression}]
examples:
  fires: [{name: unknown, snapshot: {}}]
  does_not_fire: [{name: known, snapshot: {wellbeing: {sleep_h_avg_7d: 8}}}]
""",
    "LV92-volume-jump": """\
salience: 100
when: ["derived.week_change_pct > 30"]
then: [{adjustment: reduce-load}]
examples:
  fires: [{name: jump, snapshot: {running: {week_km: 50, prev_week_km: 30}}}]
  does_not_fire: [{name: steady, snapshot: {running: {week_km: 30, prev_week_km: 30}}}]
""",
    "GP92-deload-overdue": """\
salience: 100
when: ["plan.weeks_since_deload >= 8"]
then: [{adjustment: activation-warmup}]
examples:
  fires: [{name: overdue, snapshot: {plan: {weeks_since_deload: 9}}}]
  does_not_fire: [{name: recent, snapshot: {plan: {weeks_since_deload: 2}}}]
""",
}


@pytest.fixture(scope="module")
def goal_rules(tmp_path_factory: pytest.TempPathFactory) -> RuleSet:
    """An increase (GP93), what holds it back while sleep is unknown (RD92), a decrease (LV92)
    and a neutral rule (GP92, on a field earlier in the snapshot format); the last two weigh
    more by salience."""
    rules = tmp_path_factory.mktemp("goal-rules")
    (rules / "ruleset.yaml").write_text('version: "0.1"\n')
    for stem, body in GOAL_RULES.items():
        rule_id, name = stem.split("-", 1)
        header = f"id: {rule_id}\nname: {name}\ntitle: {name}\ngrade: H\nrationale: test\nevidence: [article-2025]\n"
        (rules / f"{stem}.yaml").write_text(header + body)
    return load_ruleset(rules, default_knowledge_dir())


def test_goal_directed_order_asks_what_progression_needs_first(goal_rules: RuleSet) -> None:
    consultation = Consultation(Evaluator(goal_rules), Partial(), "t", "2026-11-24")
    states, needs = consultation.assessment()
    goals = consultation.questioner.goals(states, frozenset({"RD92"}))
    assert goals == Goals(progress=frozenset({"GP93", "RD92"}), status=frozenset({"RD92"}))
    # by salience alone the heavier rules' fields would come first (ties in the format's order)
    assert next_slot(consultation.partial, needs) == ("field", "plan.weeks_since_deload")
    asked = []
    for answer in (8, 2):
        slot = consultation.next_question().slot
        asked.append(slot[1])
        consultation.answer(slot, answer)
    assert asked == ["wellbeing.sleep_h_avg_7d", "metrics.reps_above_target"]
    assert consultation.summary() == ("green", ("progress-load",))
    # progress is in the advice: next, what could overturn it (the decrease), before the neutral rule
    assert consultation.next_question().slot == ("field", "running.week_km")
    consultation.answer(("field", "running.week_km"), MISSING)
    assert consultation.next_question().slot == ("field", "plan.weeks_since_deload")


# -- answers


@pytest.mark.parametrize(
    ("path", "text", "value"),
    [
        ("wellbeing.sleep_h_avg_7d", "7.5", 7.5),
        ("wellbeing.sleep_h_avg_7d", "7", 7),
        ("wellbeing.fatigue", "3", 3),
        ("symptoms.form_deteriorating", "Y", True),
        ("symptoms.form_deteriorating", "no", False),
        ("plan.phase", "base", "base_strength"),
        ("plan.key_run_days", "tue, sat", ["tue", "sat"]),
        ("plan.key_run_days", "none", []),
        ("metrics.reps_above_target", "-1", -1),
    ],
)
def test_parse_answer(path: str, text: str, value: object) -> None:
    assert parse_answer(catalogue().scalars[path], text) == value


@pytest.mark.parametrize(
    ("path", "text", "reason"),
    [
        ("wellbeing.sleep_h_avg_7d", "17", "17 is out of range; expected a number from 0 to 16 hours"),
        ("wellbeing.sleep_h_avg_7d", "lots", "'lots' is not a number"),
        ("wellbeing.fatigue", "2.5", "'2.5' is not a whole number"),
        ("wellbeing.sleep_h_avg_7d", "nan", "expected a number from 0 to 16"),
        ("symptoms.form_deteriorating", "maybe", "answer yes or no"),
        ("plan.key_run_days", "tue funday", "'funday' is not one of"),
    ],
)
def test_bad_answers_say_why(path: str, text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason.replace("(", r"\(")):
        parse_answer(catalogue().scalars[path], text)


def test_questions_show_meaning_unit_and_range(ruleset: RuleSet) -> None:
    knowledge = ruleset.knowledge
    sleep = question(("field", "wellbeing.sleep_h_avg_7d"), knowledge)
    assert sleep.text == "Average sleep over 7 days (hours)."
    assert describe(sleep.spec) == "a number from 0 to 16 hours"
    heel = question(("field", "metrics.heel_raise_reps.left"), knowledge)
    assert heel.text == "Single-leg heel raises to fatigue (left), in reps."
    item = question(("item", "symptoms.soreness", 1, "trend"), knowledge)
    assert item.text.startswith("Sore area 2:") and describe(item.spec) == "one of rising stable falling"
    assert question(("item", "symptoms.soreness", 0, "region"), knowledge).key


def test_the_red_flag_screen_asks_the_most_urgent_first(ruleset: RuleSet) -> None:
    order = flag_order(ruleset.knowledge)
    urgency = [ruleset.knowledge.red_flags[flag].urgency for flag in order]
    assert urgency == sorted(urgency, key=["emergency", "same_day", "this_week"].index)
    assert order[0] == "exertional_chest_pain" and set(order) == set(red_flag_names())
    for flag in order:
        assert question(("flag", flag), ruleset.knowledge).text.endswith("?")


# -- the partial snapshot


def test_a_snapshot_survives_the_round_trip() -> None:
    snapshot = read_snapshot(ROOT / "examples" / "healthy-base-week4.yaml")
    partial = Partial.from_snapshot(snapshot)
    assert partial.snapshot(snapshot["athlete_id"], snapshot["date"]) == snapshot


def test_red_flag_list_recorded() -> None:
    partial = Partial()
    partial.apply(("list", "symptoms.red_flags"), True)
    assert partial.red_flags() is None  # nothing answered yet: unknown
    for name in red_flag_names():
        partial.apply(("flag", name), False)
    assert partial.red_flags() == []
    partial.apply(("flag", "limp"), MISSING)
    assert partial.red_flags() is None  # none found, one unknown: the list is unknown
    partial.apply(("flag", "hop_pain"), True)
    assert partial.red_flags() == ["hop_pain"]


def test_an_item_without_its_key_is_left_out() -> None:
    partial = Partial()
    partial.apply(("list", "symptoms.soreness"), True)
    assert partial.snapshot("a", "2026-11-24")["symptoms"]["soreness"] == []


def test_derived_tables_name_real_fields() -> None:
    fields = catalogue()
    for name, (item_fields, _missing) in DERIVED_ITEM_FIELDS.items():
        lists = [path for path in fields.scalars[name].inputs if path in item_lists()]
        assert len(lists) == 1
        assert set(item_fields) <= set(fields.lists[lists[0]])
    for (path, name), inputs in DERIVED_ITEM_INPUTS.items():
        assert fields.lists[path][name].derived and set(inputs) <= set(fields.lists[path])
    assert all(spec.inputs for spec in fields.scalars.values() if spec.derived)


def test_a_copy_keeps_unknown_answers_unknown() -> None:
    """Items read with --from have their absent fields recorded as unknown; copies keep that."""
    partial = Partial.from_snapshot(
        {"athlete_id": "a", "date": "2026-11-24", "symptoms": {"soreness": [{"region": "foot"}]}}
    )
    assert partial.copy().snapshot("a", "2026-11-24")["symptoms"]["soreness"] == [{"region": "foot"}]
