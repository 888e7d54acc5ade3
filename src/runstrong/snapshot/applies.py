"""Who a rule, a red flag or a snapshot field can apply to: some sexes and an age range.

An unknown sex or age never rules a thing out (it may still apply); a known value outside does.
A field that does not apply to an athlete is neither known nor unknown for the rules.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SEX, AGE = "profile.sex", "profile.age"


@dataclass(frozen=True)
class AppliesTo:
    """The sexes (empty: any) and the inclusive age range (None: open) a thing applies to.
    `age_min_text` and `age_max_text` are the bounds as written (a number or a `$threshold`)."""

    sex: tuple[str, ...] = ()
    age_min: float | None = None
    age_max: float | None = None
    age_min_text: str = ""
    age_max_text: str = ""

    @property
    def gates(self) -> tuple[str, ...]:
        """The profile fields this depends on."""
        return (*((SEX,) if self.sex else ()), *((AGE,) if self.has_age else ()))

    @property
    def has_age(self) -> bool:
        return self.age_min is not None or self.age_max is not None

    def rules_out(self, sex: Any, age: Any) -> bool:
        """Whether a known sex or age falls outside (None: unknown, never rules out)."""
        if sex is not None and self.sex and sex not in self.sex:
            return True
        if age is None or isinstance(age, bool) or not isinstance(age, (int, float)):
            return False
        return (self.age_min is not None and age < self.age_min) or (self.age_max is not None and age > self.age_max)

    def excludes(self, athlete: Mapping[str, Any]) -> bool:
        """`rules_out` for the sex and age of athlete values keyed by dotted path."""
        return self.rules_out(athlete.get(SEX), athlete.get(AGE))

    def words(self) -> str:
        """Who it applies to, in words: "female or other sex, aged up to 44"."""
        parts = [f"{' or '.join(self.sex)} sex"] if self.sex else []
        if self.age_min is not None and self.age_max is not None:
            parts.append(f"aged {_number(self.age_min)} to {_number(self.age_max)}")
        elif self.age_min is not None:
            parts.append(f"aged {_number(self.age_min)} or over")
        elif self.age_max is not None:
            parts.append(f"aged up to {_number(self.age_max)}")
        return ", ".join(parts) or "everyone"


def _number(value: float) -> str:
    return f"{value:g}"


def excluded_fields(athlete: Mapping[str, Any], applies: Mapping[str, AppliesTo]) -> set[str]:
    """The fields of `applies` that do not apply to the athlete (known sex or age outside)."""
    return {path for path, rule in applies.items() if rule.excludes(athlete)}
