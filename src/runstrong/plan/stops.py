"""Whether the plyometric advice allows jumping the plan would add: the rules evaluated again on
the snapshot with the week's sessions and their foot contacts as its planned week, and the reason
in words when the advice they give stops jumping."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from runstrong.advice.because import because_texts
from runstrong.advice.resolve import resolve_advice
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.model import RuleSet
from runstrong.snapshot.validation import validate


def plyometric_stop(ruleset: RuleSet, snapshot: dict[str, Any]) -> Callable[[list[dict[str, Any]]], str]:
    """A check for a week's planned sessions: why the advice would stop their jumping, or empty."""

    def stops(sessions: list[dict[str, Any]]) -> str:
        data = copy.deepcopy(snapshot)
        data.setdefault("plan", {})["gym_sessions"] = sessions
        advice = resolve_advice(ruleset, Evaluator(ruleset).evaluate(validate(data)))
        for rec in advice.recommendations:
            if rec.adjustment.effects.get("plyometrics") == "stop":
                texts = [t for found in because_texts(ruleset, rec.firings).values() for t in found]
                why = f" ({'; '.join(texts)})" if texts else ""
                return f"no jumping yet: {rec.adjustment.title[0].lower()}{rec.adjustment.title[1:]}{why}"
        return ""

    return stops
