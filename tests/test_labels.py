"""Every field's plain name (`field_label`) is a complete phrase that names one field: no label
is cut mid-phrase or shared by two fields, and none that an output shows is."""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from runstrong.advice.render import render_text
from runstrong.advice.result import recommend
from runstrong.engine.evaluator import Evaluator
from runstrong.explain.render import render_explanation
from runstrong.explain.trace import explain
from runstrong.snapshot.fields import catalogue, field_label
from runstrong.snapshot.validation import read_snapshot, validate
from runstrong.util.paths import example_dir
from strategies import snapshots

#: A phrase cut short: an abbreviation, a comma, colon or open bracket at its end.
CUT = re.compile(r"(\be\.?g\.?|\bi\.?e\.?|\betc\.?|[,:;(\-/])$", re.IGNORECASE)


def every_field() -> list[str]:
    fields = catalogue()
    return [*fields.scalars, *(f"{path}.{name}" for path, items in fields.lists.items() for name in items)]


def incomplete(label: str) -> str | None:
    """Why a label is not a complete phrase (None when it is)."""
    if not label or label != label.strip():
        return "empty or padded"
    if label.count("(") != label.count(")"):
        return "unbalanced parentheses"
    if CUT.search(label):
        return "ends mid-phrase"
    if label[:1].isupper() and not label.split(" ", 1)[0].isupper():
        return "starts with a capital (labels are written into sentences)"
    return None


def test_every_label_is_a_complete_phrase() -> None:
    problems = {path: why for path in every_field() if (why := incomplete(field_label(path)))}
    assert not problems


def test_no_two_fields_share_a_label() -> None:
    labels = Counter(field_label(path) for path in every_field())
    assert not [label for label, count in labels.items() if count > 1]


def test_the_labels_once_cut_or_bare_name_their_fields() -> None:
    assert field_label("energy.disordered_eating_screen_positive") == "a positive screen for disordered eating"
    assert field_label("baselines.fatigue.mean") == "usual daily fatigue over the last 28 days (mean)"
    assert field_label("baselines.sleep_h.sd") == "variation of nightly sleep over the last 28 days (SD)"
    assert field_label("baselines.cadence_spm.sd") != field_label("baselines.sleep_h.sd")


def test_the_incomplete_check_catches_the_old_labels() -> None:
    assert incomplete("A positive screen for disordered eating (e.g")
    assert incomplete("how it came back,")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(snapshots)
def test_no_not_known_list_shows_a_label_cut_mid_phrase(evaluator: Evaluator, data: dict[str, Any]) -> None:
    result = recommend(evaluator, validate(data))
    assert not [entry["label"] for entry in result["unknown"] if incomplete(entry["label"])]
    assert "(e.g" not in render_text(result)


@pytest.mark.parametrize("example", sorted(path.name for path in example_dir().glob("*.yaml")))
def test_the_explanation_lists_every_field_not_known_in_complete_words(evaluator: Evaluator, example: str) -> None:
    snapshot = read_snapshot(example_dir() / example)
    doc = explain(evaluator, evaluator.evaluate(snapshot))
    text = render_explanation(doc, "text", "clinician")
    page = render_explanation(doc, "html", "clinician")
    assert "--format json" not in text + page  # a clinician on the web page cannot type a command
    text, page = " ".join(text.lower().split()), " ".join(page.lower().split())
    for entry in doc["missing"]:
        label = field_label(entry["field"]).lower()
        assert not incomplete(label) and label in text and html.escape(label) in page
