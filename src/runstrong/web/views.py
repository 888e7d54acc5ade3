"""What the consultation page shows, taken from a `Consultation`: the question and the answers it
accepts, why it is asked, how the advice so far was reached, and the advice itself."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from runstrong.consult.dialogue import Consultation
from runstrong.consult.questions import Question, describe
from runstrong.snapshot.fields import BOOLEAN, ENUM, INTEGER, NUMBER, SCALAR_LIST
from runstrong.snapshot.partial import MISSING, Slot

#: How many of the fields not known the advice names (the report lists them all).
UNKNOWN_NAMED = 5
#: How each kind of field is answered on the page.
WIDGETS = {BOOLEAN: "yes-no", ENUM: "choice", SCALAR_LIST: "choices", NUMBER: "number", INTEGER: "number"}


@dataclass(frozen=True)
class QuestionView:
    """One question as the page asks it."""

    number: int
    text: str
    label: str
    accepts: str  # what a valid answer is, in words
    widget: str  # yes-no, choice, choices, number or text
    choices: tuple[str, ...]
    unit: str
    key: bool  # `unknown` not allowed
    slot_value: Slot  # the slot it fills

    @property
    def slot(self) -> str:
        """The slot as JSON, shown on the form (`data-slot`) for scripts and tests."""
        return json.dumps(list(self.slot_value), separators=(",", ":"))


def question_view(asked: Question, number: int) -> QuestionView:
    spec = asked.spec
    return QuestionView(
        number=number,
        text=asked.text,
        label=asked.label,
        accepts=describe(spec) + ("" if asked.key else "; or unknown"),
        widget=WIDGETS.get(spec.kind, "text"),
        choices=tuple(spec.choices),
        unit=spec.unit if spec.unit and not spec.unit.startswith("/") else "",
        key=asked.key,
        slot_value=asked.slot,
    )


def answer_words(value: Any) -> str:
    """An answer as the page lists it."""
    if value is MISSING:
        return "unknown"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def advice_view(result: dict[str, Any]) -> dict[str, Any]:
    """The advice: its status, and each recommendation with what it is based on."""
    return {
        "status": result["status"],
        "status_words": result["summary"]["headline"],
        "adjustments": " ".join(rec["adjustment"] for rec in result["recommendations"]),
        "recommendations": [
            {
                "do": rec["do"],
                "title": rec["title"],
                "adjustment": rec["adjustment"],
                "because": rec["because"],
                "rules": ", ".join(f"{r['id']} [{r['grade']}]" for r in rec["rules"]),
                "exercises": "; ".join(
                    f"{e['name']} ({e['prescription']})" if e.get("prescription") else e["name"]
                    for e in rec["exercises"]
                ),
            }
            for rec in result["recommendations"]
        ],
        "unknown": len(result["unknown"]),
        "unknown_named": [entry["label"] for entry in result["unknown"][:UNKNOWN_NAMED]],
    }


def consultation_view(consultation: Consultation) -> dict[str, Any]:
    """Everything the consultation page shows besides the forms' own fields."""
    asked = consultation.next_question()
    result = consultation.result()
    partial, ask = consultation.partial, consultation.questioner.question
    return {
        "athlete_id": consultation.athlete_id,
        "date": consultation.date,
        "question": question_view(asked, len(consultation.history) + 1) if asked else None,
        "why": consultation.why(asked) if asked else [],
        "how": consultation.how(),
        "advice": advice_view(result),
        "referral_certain": bool(consultation.referral_certain()) and asked is not None,
        "answers": [
            {"number": number, "text": ask(slot, partial).text, "answer": answer_words(value)}
            for number, (slot, value) in enumerate(consultation.history, 1)
        ],
        "done": asked is None,
    }
