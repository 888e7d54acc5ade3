"""The consultation dialogue, driven through click's CliRunner with scripted answers."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from conftest import bundled_ruleset
from runstrong.cli.main import cli
from runstrong.consult.dialogue import Consultation, answer_from, run_dialogue
from runstrong.consult.questions import flag_order
from runstrong.engine.evaluator import Evaluator
from runstrong.snapshot.fields import catalogue
from runstrong.snapshot.partial import Partial, item_lists, red_flag_names, snapshot_fields
from runstrong.snapshot.strict import load_yaml
from runstrong.snapshot.validation import read_snapshot, validate
from runstrong.util.paths import default_rules_dir

ROOT = Path(__file__).resolve().parent.parent
HEALTHY = ROOT / "examples" / "healthy-base-week4.yaml"
TINY_RULES = (
    "red-flags/RF02-night-or-rest-pain.yaml",
    "readiness/RD01-sleep-unknown.yaml",
    "gym-programming/GP01-progress-load.yaml",
)


def consult(args: list[str], answers: list[str]) -> str:
    result = CliRunner().invoke(
        cli, ["consult", "--athlete-id", "t", "--date", "2026-11-24", *args], input="".join(f"{a}\n" for a in answers)
    )
    assert result.exit_code == 0, result.output
    return result.output


def recommend_text(path: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["recommend", str(path), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def tiny(tmp_path: Path) -> list[str]:
    """A three-rule set (RF02 night/rest pain, RD01 sleep unknown, GP01 progress) for exact dialogues."""
    rules = tmp_path / "rules"
    for name in TINY_RULES:
        (rules / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(default_rules_dir() / name, rules / name)
    shutil.copy(default_rules_dir() / "ruleset.yaml", rules / "ruleset.yaml")
    return ["--rules", str(rules)]


def scripted(evaluator: Evaluator, snapshot: dict, base: Partial | None = None) -> list[str]:
    """The answers a complete snapshot gives, in the order the dialogue asks them."""
    consultation = Consultation(evaluator, base or Partial(), "t", "2026-11-24")
    answers: list[str] = []

    def ask() -> str:
        question = consultation.next_question()
        assert question is not None
        answers.append(answer_from(snapshot, question.slot, consultation.partial))
        return answers[-1]

    assert run_dialogue(consultation, ask, lambda _line: None)
    return answers


def after(output: str, marker: str) -> str:
    return output[output.index(marker) :]


def test_red_flag_first_leads_straight_to_a_referral() -> None:
    """The sex and age first (they decide which red flags the checklist names), then the checklist,
    most urgent first: chest pain with exercise, an emergency."""
    output = consult([], ["female", "30", "yes", "yes", "quit"])
    assert "Q1. Sex." in output and "Q2. Age in years." in output
    first, second = after(output, "Q3.").split("Q4.", 1)
    assert "Red-flag screen, most urgent first" in first and "missed periods" in first
    assert "Chest pain, pressure or tightness during or just after exercise?" in second
    assert "RED" in second.split("Q5.")[0]
    assert "Stop the affected loading and see a clinician" in second.split("Q5.")[0]
    assert "get emergency care now" in after(output, "Consultation stopped")


def test_a_man_is_not_asked_about_periods() -> None:
    """A known sex outside a red flag's applies_to takes it out of the checklist; the age is not
    asked when nothing left depends on it."""
    output = consult([], ["male", "yes", *["no"] * 16, "quit"])
    assert "Q2. Red-flag screen" in output
    assert "period" not in output.lower()


def test_final_advice_is_what_recommend_gives_for_the_saved_snapshot(tmp_path: Path, evaluator: Evaluator) -> None:
    saved = tmp_path / "saved.yaml"
    answers = scripted(evaluator, read_snapshot(HEALTHY))
    output = consult(["--save", str(saved)], answers)
    assert output.endswith(recommend_text(saved))
    assert "Add 5 %" in recommend_text(saved)


def test_healthy_runner_gets_progress_advice_without_every_question(evaluator: Evaluator) -> None:
    """Gates ("any tendon pain?" no) and relevance skip most of what could be asked."""
    snapshot = read_snapshot(HEALTHY)
    answers = scripted(evaluator, snapshot)
    every_question = (
        len(snapshot_fields())
        + len(red_flag_names())
        + sum(len(catalogue().lists[path]) + 1 for path in item_lists() for _item in _get(snapshot, path))
    )
    assert len(answers) < every_question
    output = consult([], answers)
    assert "Add 5 %" in after(output, "Consultation complete")


def test_healthy_runner_sees_progress_advice_within_20_answers(tmp_path: Path, evaluator: Evaluator) -> None:
    """Goal-directed order: after the red-flag questions, what readiness to progress needs (17
    answers since the energy-availability markers can hold progression back; 13 before them)."""
    saved = tmp_path / "saved.yaml"
    path = ROOT / "tests" / "scenarios" / "healthy-base-week4.yaml"
    scenario = load_yaml(path.read_text(encoding="utf-8"), str(path))
    answers = scripted(evaluator, validate(scenario["snapshot"]))
    output = consult(["--save", str(saved)], [*answers[:20], "advice", "quit"])
    advice = after(output, "Advice so far")
    assert "[progress-load;" in advice.split("Consultation stopped after 20 answer(s)")[0]
    assert output.endswith(recommend_text(saved))
    assert "Rules fired:" in after(output, "Consultation stopped") and "GP01" in after(output, "Consultation stopped")


def _get(snapshot: dict, path: str) -> list:
    node = snapshot
    for part in path.split("."):
        node = node.get(part, {})
    return node or []


def test_from_a_partial_snapshot_asks_only_what_is_missing(tmp_path: Path, evaluator: Evaluator) -> None:
    """Training log known; the clinician is asked about symptoms, wellbeing and the energy markers only."""
    snapshot = read_snapshot(HEALTHY)
    start = {key: value for key, value in snapshot.items() if key not in ("symptoms", "wellbeing")}
    path = tmp_path / "log.yaml"
    path.write_text(yaml.safe_dump(start))
    answers = scripted(evaluator, snapshot, Partial.from_snapshot(start))
    assert len(answers) <= 30
    output = consult(["--from", str(path)], answers)
    assert "Q1. Red-flag screen" in output  # the example's sex and age are known
    assert "running.week_km" not in output.split("Consultation complete")[0]
    assert "Add 5 %" in after(output, "Consultation complete")


def test_why_names_the_rules_that_need_the_answer(tiny: list[str]) -> None:
    output = consult(tiny, ["male", "why", "quit"])
    why = after(output, "Why ask")
    assert "RF02" in why and "GP01" in why
    assert "red-flag signs include pain that wakes you at night or pain at rest" in why
    assert "if it fires: Stop the affected loading and see a clinician" in why
    assert "refer-to-clinician" not in why


def test_why_the_sex_is_asked_first_names_the_red_flag_it_decides(tiny: list[str]) -> None:
    why = after(consult(tiny, ["why", "quit"]), "Why ask")
    assert "the red-flag checklist asks about missed periods only of female or other sex, aged up to 44" in why


def _no_until_night_pain() -> list[str]:
    """Answers "no" to each red flag the screen asks before night pain (most urgent first)."""
    return ["no"] * flag_order(bundled_ruleset().knowledge).index("night_pain")


def test_how_shows_the_fired_rules_and_matched_values(tiny: list[str]) -> None:
    output = consult(tiny, ["male", "yes", *_no_until_night_pain(), "yes", "how", "quit"])
    how = after(output, "Provisional advice:")
    assert "RF02 fired" in how
    assert "seen: Pain that wakes you at night reported" in how
    assert "gave: Stop the affected loading and see a clinician" in how


def test_back_revisits_the_previous_answer(tiny: list[str], tmp_path: Path) -> None:
    saved = tmp_path / "s.yaml"
    output = consult(
        [*tiny, "--save", str(saved)], ["male", "no", "back", "yes", *_no_until_night_pain(), "yes", "quit"]
    )
    assert output.count("Q2. Red-flag screen") == 2
    assert "Going back" in output
    assert yaml.safe_load(saved.read_text())["symptoms"]["red_flags"] == ["night_pain"]


def test_back_at_the_first_question_says_so(tiny: list[str]) -> None:
    assert "Nothing to go back to" in consult(tiny, ["back", "quit"])


@pytest.mark.parametrize("unknown", ["unknown", ""])
def test_unknown_is_accepted_and_recorded_as_missing(tiny: list[str], tmp_path: Path, unknown: str) -> None:
    saved = tmp_path / "s.yaml"
    output = consult([*tiny, "--save", str(saved)], [unknown, unknown, unknown, unknown, "quit"])
    snapshot = yaml.safe_load(saved.read_text())
    assert "symptoms" not in snapshot and "wellbeing" not in snapshot and "profile" not in snapshot
    # unknown sex and age rule no red flag out; unknown red flags already rule out progression
    # (GP01); unknown sleep holds it (RD01)
    assert "Consultation complete after 4 answer(s)" in output
    assert "Hold progression" in after(output, "Consultation complete")


def test_bad_answer_is_re_asked_with_the_reason(tiny: list[str], tmp_path: Path) -> None:
    saved = tmp_path / "s.yaml"
    output = consult([*tiny, "--save", str(saved)], ["male", "no", "abc", "20", "7.5", "quit"])
    assert "Average sleep over 7 days" in after(output, "Q3.")
    assert "'abc' is not a number; expected a number from 0 to 16 hours" in output
    assert "20 is out of range; expected a number from 0 to 16 hours" in output
    assert yaml.safe_load(saved.read_text())["wellbeing"]["sleep_h_avg_7d"] == 7.5


def test_tiny_rule_set_complete_dialogue(tiny: list[str], tmp_path: Path) -> None:
    """Every answer GP01 needs, then nothing more is asked; advice equals recommend."""
    saved = tmp_path / "s.yaml"
    answers = ["male", "no", "8", "base_strength", "no", "no", "no", "2", "3"]
    output = consult([*tiny, "--save", str(saved)], answers)
    assert "Consultation complete after 9 answer(s)" in output
    assert output.endswith(recommend_text(saved, "--rules", tiny[1]))
    assert "Add 5 %" in output.split("Consultation complete")[1]


def test_advice_command_shows_the_provisional_advice(tiny: list[str]) -> None:
    output = consult(tiny, ["advice", "quit"])
    assert "Advice so far: NOT ENOUGH INFORMATION" in output
    assert "hold-progression" in after(output, "Advice so far")


def test_end_of_input_stops_and_gives_the_advice_so_far(tiny: list[str]) -> None:
    output = consult(tiny, ["male"])
    assert "end of input" in output
    assert "Consultation stopped after 1 answer(s)" in output


def test_item_key_field_cannot_be_unknown(tmp_path: Path) -> None:
    start = tmp_path / "start.yaml"
    start.write_text("athlete_id: t\ndate: 2026-11-24\nsymptoms: {red_flags: []}\n")
    output = consult(["--from", str(start)], ["base_strength", "yes", "", "calf", "quit"])
    assert "the snapshot format needs a value here" in output


def test_from_stdin_is_refused() -> None:
    result = CliRunner().invoke(cli, ["consult", "--from", "-"], input="")
    assert result.exit_code == 2
    assert "standard input holds the answers" in result.output


def test_once_a_referral_is_certain_it_says_so_and_offers_to_finish(tmp_path: Path) -> None:
    saved = tmp_path / "saved.yaml"
    output = consult(["--save", str(saved)], ["male", "yes", "yes", "quit"])
    assert output.count("A referral to a clinician is now certain") == 1
    assert output.index("now certain") > output.index("Q3.")
    assert "RED: stop and get emergency care now" in after(output, "Consultation stopped")
    assert output.endswith(recommend_text(saved))
