"""`because`: every rule says in plain words what it saw, and `rules check` vets the template."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from conftest import bundled_ruleset
from runstrong.advice.because import because_text, because_texts, number_words, singular, value_words
from runstrong.engine.evaluator import Evaluator
from runstrong.engine.records import Firing
from runstrong.rules.model import ALIAS, ATHLETE, THRESHOLD, Example, Rule, RuleSet, parse_placeholder
from runstrong.rules.model import template_placeholders as placeholders
from runstrong.rules.reader import RuleReader
from runstrong.rules.ruleset import load_ruleset
from runstrong.snapshot.fields import ENUM, SCALAR_LIST, catalogue
from runstrong.util.errors import RuleSetError
from runstrong.util.paths import default_knowledge_dir, default_rules_dir
from runstrong.util.yamlio import load_with_lines
from tiny_rules import SLEEP_RULE, write_rules

FIRES = [(rule, example) for rule in bundled_ruleset().rules for example in rule.examples if example.fires]

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def _firings(evaluator: Evaluator, rule: Rule, snapshot: dict[str, Any]) -> list[Firing]:
    return [f for f in evaluator.evaluate(snapshot).firings if f.rule.id == rule.id]


def _raw_value(firing: Firing, text: str) -> tuple[Any, bool]:
    """The value a placeholder names, looked up in the firing directly, and whether it is a percent."""
    placeholder = parse_placeholder(text, firing.rule.aliases)
    assert placeholder is not None and placeholder.kind != THRESHOLD
    if placeholder.kind == ATHLETE:
        return firing.athlete.get(placeholder.name), catalogue().scalars[placeholder.name].unit == "%"
    if placeholder.kind == ALIAS:
        return firing.items[placeholder.name].get(placeholder.field), False
    (item,) = [i for i in firing.items.values() if i["list"] == placeholder.name]
    return item.get(placeholder.field), False


def _shows(text: str, value: float, percent: bool) -> bool:
    tolerance = 0.5 if percent else 0.05 if abs(value) >= 1 else 0.005
    return any(abs(float(n) - value) <= tolerance for n in NUMBER.findall(text))


def test_every_bundled_rule_has_a_because(ruleset: RuleSet) -> None:
    assert all(rule.because for rule in ruleset.rules)


@pytest.mark.parametrize(("rule", "example"), FIRES, ids=[f"{r.id}_{e.name}" for r, e in FIRES])
def test_because_reads_as_words_with_the_matched_values(
    ruleset: RuleSet, evaluator: Evaluator, rule: Rule, example: Example
) -> None:
    firings = _firings(evaluator, rule, example.snapshot)
    assert firings
    for firing in firings:
        text = because_text(ruleset, firing)
        assert not re.search(r"[{}$_]|\[\d*\]|\bNone\b|\bunknown\b|\bholds\b", text), text
        assert text[:1] == text[:1].upper(), text
        assert len(text) <= 120, text
        for name in placeholders(rule.because):
            if name.startswith("$"):
                assert _shows(text, ruleset.threshold_value(name[1:]), False), (name, text)
                continue
            value, percent = _raw_value(firing, name)
            assert value is not None, (name, text)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                assert _shows(text, value, percent), (name, value, text)


def test_the_brief_example_reads_as_written(ruleset: RuleSet, evaluator: Evaluator) -> None:
    snapshot = {
        "athlete_id": "a",
        "date": "2026-01-05",
        "symptoms": {"tendon": [{"site": "achilles", "pain_during_load": 6}]},
    }
    (firing,) = _firings(evaluator, ruleset.rule("TD01"), snapshot)
    assert because_text(ruleset, firing) == "Achilles pain 6/10 during loading (acceptable up to 5/10)"


def test_a_list_tested_with_has_any_shows_only_what_the_rule_looked_for(ruleset: RuleSet, evaluator: Evaluator) -> None:
    snapshot = {"athlete_id": "a", "date": "2026-01-05", "symptoms": {"red_flags": ["numbness_tingling", "rest_pain"]}}
    (firing,) = _firings(evaluator, ruleset.rule("RF02"), snapshot)
    assert because_text(ruleset, firing) == "Pain at rest reported"


def test_a_percentage_next_to_its_limit_keeps_the_decimal_that_tells_them_apart(
    ruleset: RuleSet, evaluator: Evaluator
) -> None:
    snapshot = {"athlete_id": "a", "date": "2026-01-05", "running": {"week_km": 39.12, "prev_week_km": 30}}
    (firing,) = _firings(evaluator, ruleset.rule("LV01"), snapshot)
    assert because_text(ruleset, firing).startswith("Running distance up 30.4 % on last week (30 to 39.1 km)")


def test_because_texts_gives_each_pair_of_items_once(ruleset: RuleSet, evaluator: Evaluator) -> None:
    sessions = [
        {"day": "mon", "intensity": "high", "muscle_groups": ["quadriceps"]},
        {"day": "tue", "intensity": "high", "muscle_groups": ["quadriceps"]},
    ]
    snapshot = {"athlete_id": "a", "date": "2026-01-05", "plan": {"gym_sessions": sessions}}
    evaluation = evaluator.evaluate(snapshot)
    assert len(_firings(evaluator, ruleset.rule("GP02"), snapshot)) == 2  # a=Mon, b=Tue and a=Tue, b=Mon
    (text,) = because_texts(ruleset, evaluation.firings)["GP02"]
    assert re.fullmatch(r"High-intensity sessions on (Monday and Tuesday|Tuesday and Monday) work the same .*", text)


# ---------------------------------------------------------------- the check


def _tiny(tmp_path: Path, because: str, when: str | None = None) -> tuple[Path, int]:
    """The tiny SW01 rule with a `because` line added; the file and the line it is on."""
    folder = write_rules(tmp_path / "rules", "t1", 7, night_pain=False)
    path = folder / "SW01-short-sleep.yaml"
    text = SLEEP_RULE.format(limit=7)
    if when is not None:
        text = text.replace("  - wellbeing.sleep_h_avg_7d < 7\n", when)
    path.write_text(text + f"because: {because!r}\n", encoding="utf-8")
    return path, text.count("\n") + 1


def _problems(path: Path) -> list[str]:
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(path.parent, default_knowledge_dir())
    return [str(p) for p in caught.value.problems]


ANY_SLEEP = "  - any:\n      - wellbeing.sleep_h_avg_7d < 7\n      - wellbeing.fatigue >= 4\n"
TENDON = "  - item: symptoms.tendon\n    as: t\n    where: [pain_during_load > 5]\n"


@pytest.mark.parametrize(
    ("because", "when", "message"),
    [
        ("Sleep {wellbeing.sleep_avg} h", None, "unknown placeholder '{wellbeing.sleep_avg}'"),
        ("Sleep {x.level}", None, "unknown placeholder '{x.level}'"),
        ("Sleep under {$no_such_threshold} h", None, "'{$no_such_threshold}' names an unknown threshold"),
        ("Fatigue {wellbeing.fatigue}/5", None, "'{wellbeing.fatigue}' may be unknown when the rule fires"),
        ("Sleep {wellbeing.sleep_h_avg_7d} h", ANY_SLEEP, "'{wellbeing.sleep_h_avg_7d}' may be unknown"),
        ("Sleep {wellbeing.sleep_h_avg_7d h", None, "an unmatched '{' or '}'"),
        ("Sleep under $sleep_adequate_h h", None, "a '$' outside a placeholder"),
        ("Sleep {Sleep Hours}", None, "'{Sleep Hours}' is not a placeholder"),
        (
            "Soreness {symptoms.soreness.level}/10",
            None,
            "needs the rule to match exactly one item of symptoms.soreness",
        ),
        ("Pain {t.pain}/10", TENDON, "'{t.pain}' names no field of the items of symptoms.tendon"),
        ("Pain {t.pain_next_morning}/10", TENDON, "'{t.pain_next_morning}' may be unknown when the rule fires"),
    ],
)
def test_the_check_rejects_a_placeholder_it_cannot_fill(
    tmp_path: Path, because: str, when: str | None, message: str
) -> None:
    path, line = _tiny(tmp_path, because, when)
    problems = _problems(path)
    assert any(p.startswith(f"{path}:{line}:") and message in p for p in problems), problems


@pytest.mark.parametrize(
    ("because", "when", "text"),
    [
        ("7-day sleep {wellbeing.sleep_h_avg_7d} h (under {$sleep_adequate_h} h)", None, "7-day sleep 5 h (under 7 h)"),
        ("{t.site} pain {t.pain_during_load}/10", TENDON, "Achilles pain 6/10"),
    ],
)
def test_a_good_template_loads_and_fills_in(tmp_path: Path, because: str, when: str | None, text: str) -> None:
    path, _ = _tiny(tmp_path, because, when)
    ruleset = load_ruleset(path.parent, default_knowledge_dir(), check_examples=False)
    snapshot = {
        "athlete_id": "a",
        "date": "2026-01-05",
        "wellbeing": {"sleep_h_avg_7d": 5},
        "symptoms": {"tendon": [{"site": "achilles", "pain_during_load": 6}]},
    }
    (firing,) = Evaluator(ruleset).evaluate(snapshot).firings
    assert because_text(ruleset, firing) == text


def test_because_is_required_in_the_bundled_rule_set_only(ruleset: RuleSet, tmp_path: Path) -> None:
    rule = ruleset.rule("TD01")
    data = {key: value for key, value in load_with_lines(rule.file).items() if key != "because"}
    bundled = RuleReader(default_rules_dir() / "tendon" / rule.file.name, data, ruleset.knowledge, False)
    bundled.read()
    assert any("'because' is a required property" in str(p) for p in bundled.problems)
    elsewhere = RuleReader(tmp_path / rule.file.name, data, ruleset.knowledge, False)
    assert elsewhere.read() is not None and not elsewhere.problems


def test_without_a_template_the_title_explains(tmp_path: Path) -> None:
    ruleset = load_ruleset(write_rules(tmp_path / "rules", "t1", 7, night_pain=False), default_knowledge_dir())
    snapshot = {"athlete_id": "a", "date": "2026-01-05", "wellbeing": {"sleep_h_avg_7d": 5}}
    (firing,) = Evaluator(ruleset).evaluate(snapshot).firings
    assert because_text(ruleset, firing) == "Short sleep"


# ---------------------------------------------------------------- words and numbers


def test_every_enum_value_has_words(ruleset: RuleSet) -> None:
    fields = catalogue()
    specs = [(path, spec) for path, spec in fields.scalars.items()]
    specs += [(name, spec) for items in fields.lists.values() for name, spec in items.items()]
    for path, spec in specs:
        if spec.kind in (ENUM, SCALAR_LIST):
            for choice in spec.choices:
                text = value_words(ruleset.knowledge, path, choice)
                assert text and "_" not in text, (path, choice, text)
    assert value_words(ruleset.knowledge, "site", "patellar") == "patellar tendon"
    assert value_words(ruleset.knowledge, "region", "lower_back") == "lower back"
    assert value_words(ruleset.knowledge, "plan.phase", "base_strength") == "base strength"
    assert value_words(ruleset.knowledge, "day", "mon") == "Monday"


def test_one_takes_the_singular() -> None:
    assert singular("for 1 days, 1 reps and 1 injuries") == "for 1 day, 1 rep and 1 injury"
    assert singular("for 21 days, 0.1 years, 1.5 years") == "for 21 days, 0.1 years, 1.5 years"


def test_numbers_lose_their_trailing_noise() -> None:
    assert number_words(6.0) == "6"
    assert number_words(6.43) == "6.4"
    assert number_words(0.88) == "0.88"
    assert number_words(31.0, percent=True) == "31"
    assert number_words(30.43, percent=True) == "30"
    assert number_words(30.43, percent=True, limits=[30]) == "30.4"


VALUES = st.floats(-1000, 1000, allow_nan=False, allow_infinity=False)
WHOLE = st.integers(-1000, 1000).map(float)
TENTHS = st.integers(-10000, 10000).map(lambda n: n / 10)


@given(VALUES, st.booleans())
def test_a_number_reads_plainly_and_close_to_its_value(value: float, percent: bool) -> None:
    text = number_words(value, percent)
    assert re.fullmatch(r"-?\d+(\.\d*[1-9])?", text) and text != "-0", text
    tolerance = 0.5 if percent else 0.05 if abs(value) >= 1 else 0.005
    assert abs(float(text) - value) <= tolerance + 1e-9


@given(st.data(), st.booleans())
def test_a_number_never_looks_equal_to_a_limit_it_differs_from(data: st.DataObject, percent: bool) -> None:
    """A limit as thresholds are written (whole percentages, tenths otherwise) never shows the same
    as a value on the other side of it, and the order of the two is kept."""
    value = data.draw(VALUES)
    limit = data.draw(WHOLE if percent else TENTHS)
    assume(abs(value - limit) >= 1e-5)
    shown, shown_limit = float(number_words(value, percent, [limit])), float(number_words(limit, percent))
    assert shown_limit == limit
    assert shown != shown_limit and (shown > shown_limit) == (value > limit), (value, limit, shown)
