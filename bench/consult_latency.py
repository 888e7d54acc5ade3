"""How long `runstrong consult` takes to re-evaluate after each answer, and how many questions a
full consultation asks.

    uv run python bench/consult_latency.py                  # tests/scenarios/*.yaml (or examples/)
    uv run python bench/consult_latency.py --random 200     # plus 200 random snapshots

Each snapshot is replayed through the dialogue (the answer to every question read from the
snapshot). The time per answer is the time from an answer to the next question: recording the
answer, the provisional advice (the engine on the partial snapshot) and the three-valued
re-evaluation that picks the next question. "Advice final after" is the number of answers after
which the provisional status and adjustments no longer change. Prints Markdown on stdout;
writes no file.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from snapshots import random_snapshot

from runstrong.advice.result import recommend
from runstrong.consult.dialogue import Consultation, answer_from, run_dialogue
from runstrong.consult.relevance import Relevance
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.ruleset import load_ruleset
from runstrong.snapshot.fields import catalogue
from runstrong.snapshot.partial import Partial, item_lists, red_flag_names, snapshot_fields
from runstrong.snapshot.strict import load_yaml
from runstrong.snapshot.validation import validate
from runstrong.util.paths import default_knowledge_dir, default_rules_dir

ROOT = Path(__file__).resolve().parent.parent


def scenarios() -> list[tuple[str, dict[str, Any]]]:
    folder = ROOT / "tests" / "scenarios"
    files = sorted(folder.glob("*.yaml")) or sorted((ROOT / "examples").glob("*.yaml"))
    found = []
    for file in files:
        data = load_yaml(file.read_text(encoding="utf-8"), str(file))
        found.append((file.stem, validate(data.get("snapshot", data))))
    return found


def _present(snapshot: dict[str, Any]) -> int:
    count = 0
    for path in snapshot_fields():
        node: Any = snapshot
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        count += node is not None
    return count


def _longest(snapshot: dict[str, Any]) -> int:
    """Every question the dialogue could ask for this snapshot: each field, red flag, and each
    field of each item plus its "another?"."""
    total = len(snapshot_fields()) + len(red_flag_names())
    for path in item_lists():
        node: Any = snapshot
        for part in path.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        fields = [f for f, spec in catalogue().lists[path].items() if not spec.derived]
        total += len(node or ()) * (len(fields) + 1)
    return total


def replay(evaluator: Evaluator, snapshot: dict[str, Any]) -> tuple[int, list[float], int]:
    """Answers asked, seconds from each answer to the next question (or to the end), and the
    number of answers after which the provisional advice (status and adjustments) is final."""
    consultation = Consultation(evaluator, Partial(), snapshot["athlete_id"], str(snapshot["date"]))
    times: list[float] = []
    last: list[float] = []
    advice: list[tuple[str, frozenset[str]]] = []

    def ask() -> str:
        now = time.perf_counter()
        if last:
            times.append(now - last[0])
        status, adjustments = consultation.summary()
        advice.append((status, frozenset(adjustments)))
        question = consultation.next_question()
        assert question is not None
        answer = answer_from(snapshot, question.slot, consultation.partial)
        last[:] = [time.perf_counter()]
        return answer

    run_dialogue(consultation, ask, lambda _line: None)
    if last:
        times.append(time.perf_counter() - last[0])
    status, adjustments = consultation.summary()
    final = (status, frozenset(adjustments))
    settled = len(advice)
    while settled > 0 and advice[settled - 1] == final:
        settled -= 1
    return len(consultation.history), times, settled


def split(evaluator: Evaluator, snapshot: dict[str, Any]) -> tuple[list[float], list[float]]:
    """For each state of a replayed consultation: seconds of the three-valued evaluation of every
    rule, and of the engine run for the provisional advice."""
    relevance = Relevance(evaluator.ruleset)
    consultation = Consultation(evaluator, Partial(), snapshot["athlete_id"], str(snapshot["date"]))
    assess: list[float] = []
    engine: list[float] = []

    def ask() -> str:
        partial = consultation.partial
        start = time.perf_counter()
        relevance.assess(partial)
        assess.append(time.perf_counter() - start)
        start = time.perf_counter()
        recommend(evaluator, consultation.snapshot())
        engine.append(time.perf_counter() - start)
        question = consultation.next_question()
        assert question is not None
        return answer_from(snapshot, question.slot, consultation.partial)

    run_dialogue(consultation, ask, lambda _line: None)
    return assess, engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--random", type=int, default=0, help="also replay this many random snapshots")
    args = parser.parse_args()
    ruleset = load_ruleset(default_rules_dir(), default_knowledge_dir())
    evaluator = Evaluator(ruleset)
    print(
        f"# consult: questions and re-evaluation time per answer\n\n{len(ruleset.rules)} rules, "
        f"{len(snapshot_fields())} snapshot fields; Python {platform.python_version()} on {platform.machine()}\n"
    )
    print(
        "| scenario | fields given | answers asked | could ask | advice final after | "
        "median ms/answer | max ms/answer |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    everything: list[float] = []
    for name, snapshot in scenarios():
        asked, times, settled = replay(evaluator, snapshot)
        everything += times
        print(
            f"| {name} | {_present(snapshot)} | {asked} | {_longest(snapshot)} | {settled} | "
            f"{statistics.median(times) * 1000:.1f} | {max(times) * 1000:.1f} |"
        )
    if args.random:
        import random

        rng = random.Random(1)
        counts = []
        for _ in range(args.random):
            asked, times, _settled = replay(evaluator, validate(random_snapshot(rng, items=2, present=0.8)))
            counts.append(asked)
            everything += times
        print(
            f"\n{args.random} random snapshots: {statistics.mean(counts):.1f} answers on average "
            f"(min {min(counts)}, max {max(counts)})"
        )
    assess: list[float] = []
    engine: list[float] = []
    for _name, snapshot in scenarios():
        parts = split(evaluator, snapshot)
        assess += parts[0]
        engine += parts[1]
    print(
        f"\nOf which, over the scenarios: three-valued evaluation of every rule median "
        f"{statistics.median(assess) * 1000:.2f} ms, engine run for the provisional advice median "
        f"{statistics.median(engine) * 1000:.2f} ms."
    )
    everything.sort()
    p95 = everything[int(len(everything) * 0.95)]
    print(
        f"\nAll answers ({len(everything)}): median {statistics.median(everything) * 1000:.1f} ms, "
        f"p95 {p95 * 1000:.1f} ms, max {everything[-1] * 1000:.1f} ms per answer."
    )


if __name__ == "__main__":
    main()
