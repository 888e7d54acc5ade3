"""Tiny rule sets written to a temporary folder, for exact checks of explain/audit/impact."""

from __future__ import annotations

from pathlib import Path

SLEEP_RULE = """\
id: SW01
name: short-sleep
title: Short sleep
grade: H
when:
  - wellbeing.sleep_h_avg_7d < {limit}
then:
  - adjustment: reduce-load
    params: {{percent: 10}}
rationale: test rule
evidence: [milewski-2014]
examples:
  fires:
    - name: five-hours
      snapshot: {{wellbeing: {{sleep_h_avg_7d: 5}}}}
  does_not_fire:
    - name: nine-hours
      snapshot: {{wellbeing: {{sleep_h_avg_7d: 9}}}}
"""

NIGHT_PAIN_RULE = """\
id: RF02
name: night-pain
title: Night pain
salience: 100
grade: C
when:
  - symptoms.red_flags has night_pain
then:
  - adjustment: refer-to-clinician
rationale: test rule
evidence: [practitioner-consensus]
examples:
  fires:
    - name: night-pain
      snapshot: {symptoms: {red_flags: [night_pain]}}
  does_not_fire:
    - name: no-flags
      snapshot: {symptoms: {red_flags: []}}
"""


def write_rules(folder: Path, version: str, sleep_limit: float, night_pain: bool) -> Path:
    """A rule set with SW01 (sleep below `sleep_limit` -> reduce-load) and optionally RF02."""
    folder.mkdir(parents=True)
    (folder / "ruleset.yaml").write_text(f"version: '{version}'\n", encoding="utf-8")
    (folder / "SW01-short-sleep.yaml").write_text(SLEEP_RULE.format(limit=sleep_limit), encoding="utf-8")
    if night_pain:
        (folder / "RF02-night-pain.yaml").write_text(NIGHT_PAIN_RULE, encoding="utf-8")
    return folder
