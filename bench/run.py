"""Benchmarks for `runstrong batch`, side by side with the baselines, in one run.

    uv run python bench/run.py                  # everything (memory at 1M rows takes a while)
    uv run python bench/run.py --memory 10000   # a quicker memory check

Reports, as Markdown on stdout:
  1. throughput: `runstrong batch -j 1` and `-j 2` against the naive experta baseline
     (bench/naive_experta.py) and plain Python (bench/plain_python.py), same rows, same rules;
     best of --rounds interleaved rounds; the fired rules of both baselines are checked against
     runstrong's;
  2. `runstrong recommend` cold start;
  3. cost per row as the rule set grows (x1, x4, x16: generated variants of every rule);
  4. cost per row as snapshots grow (up to N items in every list);
  5. peak RSS of `runstrong batch -j 1` at 10k / 100k / 1M rows streamed through stdin.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from naive_experta import NaiveEvaluator
from peak_memory import MEASURE
from plain_python import PlainEvaluator
from snapshots import random_snapshot, snapshots

from runstrong.advice.result import build_result
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.compiler import resolve
from runstrong.rules.conditions import AllOf, AnyOf, AtLeast, Compare, ItemMatch, Not
from runstrong.rules.model import RuleSet
from runstrong.rules.ruleset import load_ruleset
from runstrong.snapshot.validation import validate
from runstrong.util.paths import default_knowledge_dir, default_rules_dir, example_dir

RUNSTRONG = str(Path(sys.executable).parent / "runstrong")


def write_rows(path: Path, count: int, seed: int = 1, items: int = 2) -> None:
    with path.open("w", encoding="utf-8") as out:
        for snapshot in snapshots(count, seed, items):
            out.write(json.dumps(snapshot) + "\n")


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def batch_rate(source: Path, out: Path, jobs: int) -> tuple[float, float, float]:
    """rows/s as the batch summary states it (after start-up), the wall time, and the CPU time
    of the run and its worker processes."""
    started, cpu = time.perf_counter(), _cpu_of_children()
    done = subprocess.run(
        [RUNSTRONG, "batch", str(source), "-o", str(out), "-j", str(jobs)], capture_output=True, text=True, check=False
    )
    wall, cpu = time.perf_counter() - started, _cpu_of_children() - cpu
    match = re.search(r"(\d+) rows/s", done.stdout)
    if done.returncode not in (0, 3) or not match:
        raise RuntimeError(done.stdout + done.stderr)
    return float(match.group(1)), wall, cpu


def loop_rate(evaluate: Any, source: Path, out: Path) -> float:
    """rows/s of a baseline's batch loop: read a JSON line, evaluate, write a JSON line."""
    started = time.perf_counter()
    count = 0
    with source.open(encoding="utf-8") as lines, out.open("w", encoding="utf-8") as sink:
        for line in lines:
            sink.write(json.dumps(evaluate(json.loads(line))) + "\n")
            count += 1
    return count / (time.perf_counter() - started)


def check_same_rules(ruleset: RuleSet, rows: list[dict[str, Any]]) -> str:
    evaluator, naive, plain = Evaluator(ruleset), NaiveEvaluator(ruleset), PlainEvaluator(ruleset)
    differ = {"naive experta": 0, "plain Python": 0}
    for snapshot in rows:
        ours = sorted(set(evaluator.evaluate(snapshot).fired_rule_ids))
        differ["naive experta"] += naive.evaluate(snapshot)["rules"] != ours
        differ["plain Python"] += plain.evaluate(snapshot)["rules"] != ours
    return ", ".join(f"{name}: {count} of {len(rows)} rows differ" for name, count in differ.items())


def throughput(ruleset: RuleSet, work: Path, rows: int, rounds: int) -> list[str]:
    source = work / "rows.jsonl"
    write_rows(source, rows)
    naive, plain = NaiveEvaluator(ruleset), PlainEvaluator(ruleset)
    best: dict[str, float] = {}
    walls: dict[str, float] = {}

    cpus: dict[str, float] = {}

    def keep(name: str, rate: float, wall: float | None = None, cpu: float | None = None) -> None:
        best[name] = max(best.get(name, 0.0), rate)
        if wall is not None and cpu is not None:
            walls[name] = min(walls.get(name, float("inf")), wall)
            cpus[name] = min(cpus.get(name, float("inf")), cpu)

    for _ in range(rounds):
        keep("naive", loop_rate(naive.evaluate, source, work / "naive.jsonl"))
        keep("j1", *batch_rate(source, work / "j1.jsonl", 1))
        keep("j2", *batch_rate(source, work / "j2.jsonl", 2))
        keep("plain", loop_rate(plain.evaluate, source, work / "plain.jsonl"))
    same = (work / "j1.jsonl").read_bytes() == (work / "j2.jsonl").read_bytes()
    check = check_same_rules(ruleset, list(snapshots(min(rows, 500), 1)))
    return [
        f"### Throughput ({rows} random snapshots, {len(ruleset.rules)} rules, best of {rounds} interleaved rounds)",
        "",
        "| engine | rows/s | per row | vs naive experta |",
        "|---|---:|---:|---:|",
        *(
            f"| {label} | {best[key]:.0f} | {1e3 / best[key]:.2f} ms | {best[key] / best['naive']:.2f}× |"
            for key, label in (
                ("naive", "naive experta (section facts, Field validation, `reset()`)"),
                ("j1", "`runstrong batch -j 1` (full results)"),
                ("j2", "`runstrong batch -j 2` (full results)"),
                ("plain", "plain Python, no engine, no trace (lower bound)"),
            )
        ),
        "",
        f"- `-j 2` vs `-j 1`: {best['j2'] / best['j1']:.2f}×; "
        f"`-j 1` vs naive experta: {best['j1'] / best['naive']:.2f}×",
        f"- wall time with start-up: -j 1 {walls['j1']:.1f} s, -j 2 {walls['j2']:.1f} s; CPU time (all processes): "
        f"-j 1 {cpus['j1']:.1f} s, -j 2 {cpus['j2']:.1f} s (what -j 2 spends beyond -j 1 is its parallel overhead)",
        f"- load average now {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores: -j 2 can only be faster "
        "than -j 1 by as much as there is idle CPU",
        f"- `-j 1` and `-j 2` outputs byte-identical: {same}",
        f"- fired rules checked against runstrong: {check}",
        "",
    ]


def cold_start(rounds: int = 5) -> list[str]:
    example = str(example_dir() / "healthy-base-week4.yaml")
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        subprocess.run([RUNSTRONG, "recommend", example], capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return [
        "### `runstrong recommend` cold start",
        "",
        f"best {min(times):.2f} s, median {sorted(times)[len(times) // 2]:.2f} s of {rounds} runs "
        "(process start, imports, loading and checking the rule set, building the engine, one evaluation)",
        "",
    ]


def _shift(condition: Any, ruleset: RuleSet, delta: float) -> Any:
    if isinstance(condition, (AllOf, AnyOf)):
        return dataclasses.replace(condition, items=tuple(_shift(c, ruleset, delta) for c in condition.items))
    if isinstance(condition, AtLeast):
        return dataclasses.replace(condition, items=tuple(_shift(c, ruleset, delta) for c in condition.items))
    if isinstance(condition, Not):
        return dataclasses.replace(condition, item=_shift(condition.item, ruleset, delta))
    if isinstance(condition, ItemMatch):
        return dataclasses.replace(condition, where=tuple(_shift(c, ruleset, delta) for c in condition.where))
    if isinstance(condition, Compare) and condition.operand is not None:
        value = resolve(ruleset, condition.operand)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return dataclasses.replace(condition, operand=value + delta)
    return condition


def grown_ruleset(ruleset: RuleSet, factor: int) -> RuleSet:
    """`factor` times the rules: each rule plus variants whose numeric limits differ by a hair
    (distinct predicates for the engine, nearly the same firings)."""
    rules = list(ruleset.rules)
    for copy in range(1, factor):
        rules += [
            dataclasses.replace(rule, id=f"{rule.id}v{copy}", when=_shift(rule.when, ruleset, copy * 1e-9))
            for rule in ruleset.rules
        ]
    return dataclasses.replace(ruleset, rules=tuple(rules))


def per_row_us(evaluate: Any, rows: list[dict[str, Any]], rounds: int = 2) -> float:
    """CPU time per row (less disturbed by other processes than wall time), best of `rounds`."""
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for row in rows:
            evaluate(row)
        best = min(best, (time.process_time() - started) / len(rows) * 1e6)
    return best


def runstrong_row(ruleset: RuleSet) -> Any:
    evaluator = Evaluator(ruleset)
    return lambda row: json.dumps(build_result(ruleset, evaluator.evaluate(validate(row))), sort_keys=True)


def rule_growth(ruleset: RuleSet, count: int) -> list[str]:
    rows = list(snapshots(count, 2))
    lines = [
        f"### CPU time per row as the rule set grows ({count} snapshots, best of 2)",
        "",
        "| rules | runstrong (validate + evaluate + full result) | naive experta | plain Python | engine build |",
        "|---:|---:|---:|---:|---:|",
    ]
    for factor in (1, 4, 16):
        grown = grown_ruleset(ruleset, factor)
        started = time.perf_counter()
        ours = runstrong_row(grown)
        build = time.perf_counter() - started
        naive = NaiveEvaluator(grown)
        lines.append(
            f"| {len(grown.rules)} (×{factor}) | {per_row_us(ours, rows) / 1e3:.2f} ms | "
            f"{per_row_us(naive.evaluate, rows) / 1e3:.2f} ms | "
            f"{per_row_us(PlainEvaluator(grown).evaluate, rows) / 1e3:.2f} ms | {build:.2f} s |"
        )
    return [*lines, ""]


def snapshot_growth(ruleset: RuleSet, count: int) -> list[str]:
    ours, naive, plain = runstrong_row(ruleset), NaiveEvaluator(ruleset), PlainEvaluator(ruleset)
    lines = [
        f"### CPU time per row as snapshots grow ({count} snapshots, {len(ruleset.rules)} rules, best of 2)",
        "",
        "| items per list (up to) | facts per snapshot (mean) | runstrong | naive experta | plain Python |",
        "|---:|---:|---:|---:|---:|",
    ]
    for items in (0, 2, 8, 32):
        rng = random.Random(3)
        rows = [random_snapshot(rng, items) for _ in range(count)]
        facts = (
            sum(
                1
                + sum(
                    len(v)
                    for section in row.values()
                    if isinstance(section, dict)
                    for v in section.values()
                    if isinstance(v, list)
                )
                for row in rows
            )
            / count
        )
        lines.append(
            f"| {items} | {facts:.1f} | {per_row_us(ours, rows) / 1e3:.2f} ms | "
            f"{per_row_us(naive.evaluate, rows) / 1e3:.2f} ms | {per_row_us(plain.evaluate, rows) / 1e3:.2f} ms |"
        )
    return [*lines, ""]


GENERATE = """
import json, sys
sys.path.insert(0, {bench!r})
from snapshots import snapshots
out = sys.stdout
for snapshot in snapshots(int(sys.argv[1]), 9):
    out.write(json.dumps(snapshot) + "\\n")
"""


def one_rule_set(work: Path) -> Path:
    """A rule set of one rule (RF02), so that a million rows take minutes, not hours."""
    folder = work / "one-rule"
    folder.mkdir(exist_ok=True)
    shutil.copy(default_rules_dir() / "ruleset.yaml", folder / "ruleset.yaml")
    shutil.copy(next(default_rules_dir().glob("*/RF02-*.yaml")), folder)
    return folder


def memory(work: Path, sizes: list[int]) -> list[str]:
    rules = one_rule_set(work)
    lines = [
        "### Peak memory of `runstrong batch -j 1`, rows streamed through stdin",
        "",
        "| rows | rule set | peak RSS | batch summary |",
        "|---:|---|---:|---|",
    ]
    for label, extra in (("bundled", []), ("one rule (RF02)", ["--rules", str(rules)])):
        for size in sizes:
            if label == "bundled" and size > 100_000:
                continue
            command = [RUNSTRONG, "batch", "-", "-o", str(work / "memory.csv"), "-j", "1", *extra]
            generate = GENERATE.format(bench=str(Path(__file__).resolve().parent))
            done = subprocess.run(
                [sys.executable, "-c", MEASURE, generate, str(size), *command],
                capture_output=True,
                text=True,
                check=True,
            )
            summary, timing, rss = done.stdout.splitlines()
            lines.append(f"| {size:,} | {label} | {int(rss) / 1024:.0f} MB | {summary.split(' (')[0]}; {timing} |")
            print(lines[-1], file=sys.stderr, flush=True)
    return [*lines, ""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=2000, help="rows for the throughput runs")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--growth-rows", type=int, default=100)
    parser.add_argument("--memory", default="10000,100000,1000000", help="row counts, comma-separated")
    parser.add_argument(
        "--only", default="throughput,coldstart,rules,snapshots,memory", help="sections to run, comma-separated"
    )
    args = parser.parse_args()
    ruleset = load_ruleset(default_rules_dir(), default_knowledge_dir())
    load = os.getloadavg()
    print(f"## `uv run python bench/run.py {' '.join(sys.argv[1:])}`".rstrip() + "\n")
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, "
        f"load average before the run {load[0]:.2f}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        sections = {
            "throughput": lambda: throughput(ruleset, work, args.rows, args.rounds),
            "coldstart": cold_start,
            "rules": lambda: rule_growth(ruleset, args.growth_rows),
            "snapshots": lambda: snapshot_growth(ruleset, args.growth_rows),
            "memory": lambda: memory(work, [int(size) for size in args.memory.split(",")]),
        }
        for name in args.only.split(","):
            print("\n".join(sections[name]()), flush=True)
    print(f"load average after the run {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
