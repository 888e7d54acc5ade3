"""Loading and checking a rule set: one YAML file per rule, cross-checked with the knowledge base."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from runstrong.rules.conflicts import unresolved_conflicts
from runstrong.rules.crosscheck import RuleLines, rule_set_problems
from runstrong.rules.knowledge import load_knowledge
from runstrong.rules.model import RuleSet
from runstrong.rules.reader import RuleReader
from runstrong.util.errors import Problem, RuleSetError, UserError
from runstrong.util.located import schema_problems, utf8_problem
from runstrong.util.yamlio import load_with_lines

#: `rules/ruleset.yaml`: the rule set's version (text, so that 1.10 stays 1.10) and its name.
MANIFEST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version"],
    "additionalProperties": False,
    "properties": {"version": {"type": "string", "minLength": 1, "maxLength": 100}, "name": {"type": "string"}},
}


def _digest(files: list[Path], roots: list[Path]) -> str:
    sha = hashlib.sha256()
    for file in files:
        root = next(r for r in roots if file.is_relative_to(r))
        sha.update(f"{root.name}/{file.relative_to(root).as_posix()}\n".encode())
        sha.update(file.read_bytes())
    return sha.hexdigest()[:16]


def _load(file: Path, problems: list[Problem]) -> tuple[bool, Any]:
    """(True, data) for a YAML file that loads; (False, None) with its problem (a byte that is not
    UTF-8 named with its line and column) for one that does not."""
    try:
        return True, load_with_lines(file)
    except UserError as error:
        undecodable = utf8_problem(file)
        problems += [undecodable] if undecodable else error.problems
        return False, None


def _version(manifest: Path, problems: list[Problem]) -> str:
    if not manifest.is_file():
        problems.append(Problem(str(manifest), "missing: it names the rule set's version"))
        return "unversioned"
    loaded, meta = _load(manifest, problems)
    found = schema_problems(manifest, meta, MANIFEST_SCHEMA) if loaded else []
    for problem in found:
        if problem.message.startswith("version: expected text; got "):
            problem = Problem(problem.where, f'{problem.message} (write it in quotes, e.g. version: "1.0")')
        problems.append(problem)
    return str(meta["version"]) if loaded and not found else "unversioned"


def load_ruleset(rules_dir: Path, knowledge_dir: Path, check_examples: bool = True) -> RuleSet:
    """Load, parse and cross-check a rule set; raise RuleSetError listing every problem.

    `check_examples` also validates every rule example as a snapshot (what `rules check` and the
    tests do); evaluating commands skip it to start faster.
    """
    knowledge = load_knowledge(knowledge_dir)
    problems: list[Problem] = []
    manifest = rules_dir / "ruleset.yaml"
    version = _version(manifest, problems)
    files = sorted(path for path in rules_dir.rglob("*.yaml") if path != manifest)
    if not files:
        problems.append(Problem(str(rules_dir), "no rule files found"))
    rules = []
    lines: dict[Path, RuleLines] = {}
    for file in files:
        loaded, data = _load(file, problems)
        if not loaded:
            continue
        reader = RuleReader(file, data, knowledge, check_examples)
        rule = reader.read()
        problems += reader.problems
        if rule is not None:
            rules.append(rule)
            lines[file] = RuleLines(reader.id_line, reader.concluded_lines)
    problems += rule_set_problems(rules, lines)
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
