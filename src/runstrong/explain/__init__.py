"""Explanations: traces, why-not, what would change, audience rendering, and rule-set impact and coverage."""
