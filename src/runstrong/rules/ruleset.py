"""Loading and checking a rule set: one YAML file per rule, cross-checked with the knowledge base."""

from __future__ import annotations

import hashlib
from pathlib import Path

from runstrong.rules.conflicts import unresolved_conflicts
from runstrong.rules.knowledge import load_knowledge
from runstrong.rules.model import RuleSet
from runstrong.rules.reader import RuleReader, rule_set_problems
from runstrong.util.errors import Problem, RuleSetError, UserError
from runstrong.util.yamlio import load_with_lines


def _digest(files: list[Path], roots: list[Path]) -> str:
    sha = hashlib.sha256()
    for file in files:
        root = next(r for r in roots if file.is_relative_to(r))
        sha.update(f"{root.name}/{file.relative_to(root).as_posix()}\n".encode())
        sha.update(file.read_bytes())
    return sha.hexdigest()[:16]


def load_ruleset(rules_dir: Path, knowledge_dir: Path, check_examples: bool = True) -> RuleSet:
    """Load, parse and cross-check a rule set; raise RuleSetError listing every problem.

    `check_examples` also validates every rule example as a snapshot (what `rules check` and the
    tests do); evaluating commands skip it to start faster.
    """
    knowledge = load_knowledge(knowledge_dir)
    problems: list[Problem] = []
    manifest = rules_dir / "ruleset.yaml"
    version = "unversioned"
    if manifest.is_file():
        meta = load_with_lines(manifest) or {}
        version = str(meta.get("version", version))
    else:
        problems.append(Problem(str(manifest), "missing: it names the rule set's version"))
    files = sorted(path for path in rules_dir.rglob("*.yaml") if path != manifest)
    if not files:
        problems.append(Problem(str(rules_dir), "no rule files found"))
    rules = []
    for file in files:
        try:
            data = load_with_lines(file)
        except UserError as error:
            problems += error.problems
            continue
        reader = RuleReader(file, data, knowledge, check_examples)
        rule = reader.read()
        problems += reader.problems
        if rule is not None:
            rules.append(rule)
    problems += rule_set_problems(rules)
    given = {action.adjustment for rule in rules for action in rule.then if action.adjustment}
    adjustments_file = knowledge_dir / "adjustments.yaml"
    problems += [
        Problem(
            str(adjustments_file),
            f"{a} and {b} can be given together and disagree on {effect}, with no resolution: "
            f"declare that one overrides or subsumes the other",
        )
        for a, b, effect in unresolved_conflicts(knowledge, given)
    ]
    if problems:
        raise RuleSetError(problems)
    rules.sort(key=lambda r: r.id)
    digest = _digest(sorted([manifest, *files]) + list(knowledge.files), [rules_dir, knowledge_dir])
    return RuleSet(version, tuple(rules), knowledge, digest, rules_dir)
