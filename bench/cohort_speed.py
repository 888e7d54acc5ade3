"""`runstrong batch` on a realistic cohort, side by side with an older commit, in one run.

    git archive 8b81e69 | tar -x -C /tmp/rs-base && (cd /tmp/rs-base && uv sync)     # the base
    git archive 5819dff | tar -x -C /tmp/rs-before && (cd /tmp/rs-before && uv sync) # optional
    uv run python bench/cohort_speed.py --base /tmp/rs-base --before /tmp/rs-before
    uv run python bench/cohort_speed.py --memory 10000,100000,1000000 --only memory

Reports, as Markdown on stdout:
  1. throughput: `runstrong batch -j 1` of this tree against the base tree's, on the same rows
     (the realistic cohort of bench/cohort.py and the random snapshots of bench/snapshots.py,
     each cut to what the base's snapshot schema knows), best of --rounds interleaved rounds, and
     the ratio; this tree's `--detail summary`, `--format parquet` and `-j 2` beside them;
  2. identical results: with --before, the --before tree and this one run on the same rows with
     the same rules (the --before tree's), their JSON Lines compared as parsed JSON;
  3. peak RSS of `runstrong batch - -j 1 --detail summary` with the cohort streamed through stdin;
  4. scaling (`--only scaling`): `-j 1` against `-j 2`, interleaved, full and summary results.
Each tree runs with its own environment (`TREE/.venv/bin/runstrong`) and its own bundled rules.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cohort import cohort
from peak_memory import MEASURE
from snapshots import snapshots

HERE = Path(__file__).resolve().parents[1]


def runstrong(tree: Path) -> str:
    return str(tree / ".venv" / "bin" / "runstrong")


def schema_of(tree: Path) -> dict[str, Any]:
    """The snapshot schema a tree ships (its place moved between commits)."""
    found = sorted((tree / "src").rglob("snapshot.schema.json"))
    return json.loads(found[0].read_text(encoding="utf-8"))


def fit(value: Any, schema: dict[str, Any]) -> Any:
    """`value` cut to what `schema` knows: unknown fields and enum values it lacks left out."""
    if isinstance(value, dict) and "properties" in schema:
        known = schema["properties"]
        return {key: fit(item, known[key]) for key, item in value.items() if key in known}
    if isinstance(value, list) and "items" in schema:
        items = schema["items"]
        if "enum" in items:
            return [item for item in value if item in items["enum"]]
        return [fit(item, items) for item in value]
    return value


def write_rows(path: Path, rows: Iterator[dict[str, Any]], schemas: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            for schema in schemas:
                row = fit(row, schema)
            out.write(json.dumps(row) + "\n")


def _cpu_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def batch(tree: Path, source: Path, out: Path, *extra: str, jobs: int = 1) -> tuple[float, float, list[str]]:
    """rows/s as the batch summary states it, the CPU time of the run, and the command."""
    command = [runstrong(tree), "batch", str(source), "-o", str(out), "-j", str(jobs), *extra]
    cpu = _cpu_of_children()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=tree)
    cpu = _cpu_of_children() - cpu
    match = re.search(r"(\d+) rows/s", done.stdout)
    if done.returncode not in (0, 3) or not match:
        raise RuntimeError(" ".join(command) + "\n" + done.stdout + done.stderr)
    return float(match.group(1)), cpu, command


def mean_fired(path: Path) -> float:
    counts = [len(json.loads(line)["fired"]) for line in path.read_text(encoding="utf-8").splitlines()]
    return statistics.mean(counts)


def throughput(base: Path, before: Path | None, work: Path, rows: int, rounds: int) -> list[str]:
    schemas = [schema_of(base), schema_of(HERE)]
    sets = {
        "realistic cohort (bench/cohort.py)": cohort(rows),
        "random snapshots (bench/snapshots.py)": snapshots(rows),
    }
    lines: list[str] = []
    for name, generated in sets.items():
        if lines:
            print("\n".join(lines), flush=True)
            lines = []
        source = work / "rows.jsonl"
        write_rows(source, generated, schemas)
        runs: dict[str, tuple[Path, list[str]]] = {  # the base and this tree's default back to back
            "base": (base, []),
            "full": (HERE, []),
            "summary": (HERE, ["--detail", "summary"]),
            "parquet": (HERE, ["--format", "parquet"]),
            **({"before": (before, [])} if before else {}),
        }
        best: dict[str, float] = {}
        cpu: dict[str, float] = {}
        commands: dict[str, list[str]] = {}
        paired: list[float] = []  # each round's full-results rate over the base's, run just before it
        for _ in range(rounds):
            rates: dict[str, float] = {}
            for key, (tree, extra) in runs.items():
                out = work / (f"{key}.parquet" if key == "parquet" else f"{key}.jsonl")
                rates[key], seconds, commands[key] = batch(tree, source, out, *extra)
                best[key] = max(best.get(key, 0.0), rates[key])
                cpu[key] = min(cpu.get(key, float("inf")), seconds)
            paired.append(rates["full"] / rates["base"])
        two, _, command_two = batch(HERE, source, work / "j2.jsonl", jobs=2)
        fired = mean_fired(work / "summary.jsonl")
        lines += [
            f"#### {name}: {rows} rows, {fired:.1f} rules fire per row on average (this tree's rules)",
            "",
            f"| run | rows/s (best of {rounds}) | CPU s, whole run (best of {rounds}) | vs base |",
            "|---|---:|---:|---:|",
            *(
                f"| {label} | {best[key]:.0f} | {cpu[key]:.1f} | {best[key] / best['base']:.2f}× |"
                for key, label in (
                    ("base", f"base `{base}` -j 1, full results"),
                    *((("before", f"before `{before}` -j 1, full results"),) if before else ()),
                    ("full", "this tree -j 1, full results (the default)"),
                    ("summary", "this tree -j 1, `--detail summary`"),
                    ("parquet", "this tree -j 1, `--format parquet`"),
                )
            ),
            f"| this tree `-j 2`, full results (once, after the rounds) | {two:.0f} | | {two / best['base']:.2f}× |",
            "",
            f"- full results, this tree vs base: **{best['full'] / best['base']:.2f}×** rows/s (best against "
            f"best); round by round (the two run back to back): {', '.join(f'{r:.2f}×' for r in paired)}, "
            f"median {statistics.median(paired):.2f}×; "
            f"`-j 2` vs `-j 1`: {two / best['full']:.2f}× (load average now {os.getloadavg()[0]:.2f} on "
            f"{os.cpu_count()} cores)",
            f"- commands: `{' '.join(commands['base'])}`; `{' '.join(commands['full'])}`; "
            f"`... --detail summary`; `... --format parquet`; `{' '.join(command_two)}`",
            "",
        ]
    return lines


def identical(before: Path, work: Path, rows: int) -> list[str]:
    """The --before tree and this one, same rows, same rules (the --before tree's)."""
    source = work / "same.jsonl"
    write_rows(source, cohort(rows), [schema_of(before), schema_of(HERE)])
    rules = ["--rules", str(before / "rules"), "--knowledge", str(before / "knowledge")]
    results = {}
    for key, tree in (("before", before), ("this", HERE)):
        out = work / f"same-{key}.jsonl"
        batch(tree, source, out, *rules)
        results[key] = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    same = results["before"] == results["this"]
    differ = sum(a != b for a, b in zip(results["before"], results["this"], strict=True))
    return [
        f"#### Identical results: `{before}` and this tree, {rows} cohort rows, the rules of `{before}`",
        "",
        f"- JSON Lines compared as parsed JSON (the results hold no timing fields): "
        f"{'identical' if same else 'DIFFERENT'} ({differ} of {len(results['this'])} rows differ)",
        f"- command: `runstrong batch {source.name} -o OUT -j 1 {' '.join(rules)}` in each tree",
        "- (results differ from the base's by design: the rule set has grown since it)",
        "",
    ]


GENERATE = """
import json, sys
sys.path.insert(0, {bench!r})
from cohort import cohort
out = sys.stdout
for snapshot in cohort(int(sys.argv[1]), 13):
    out.write(json.dumps(snapshot) + "\\n")
"""


def memory(work: Path, sizes: list[int]) -> list[str]:
    lines = [
        "#### Peak memory of `runstrong batch - -j 1 --detail summary`, the cohort streamed through stdin",
        "",
        "| rows | peak RSS | batch summary |",
        "|---:|---:|---|",
    ]
    for size in sizes:
        command = [runstrong(HERE), "batch", "-", "-o", str(work / "memory.jsonl"), "-j", "1", "--detail", "summary"]
        generate = GENERATE.format(bench=str(Path(__file__).resolve().parent))
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", MEASURE, generate, str(size), *command], capture_output=True, text=True, check=True
        )
        summary, timing, rss = done.stdout.splitlines()
        lines.append(f"| {size:,} | {int(rss) / 1024:.0f} MB | {summary.split(' (')[0]}; {timing} |")
        print(lines[-1], f"({time.monotonic() - started:.0f} s)", file=sys.stderr, flush=True)
    return [*lines, ""]


def scaling(work: Path, rows: int, rounds: int) -> list[str]:
    """`-j 1` against `-j 2` on the same cohort rows, full and summary results, interleaved."""
    source = work / "scaling.jsonl"
    write_rows(source, cohort(rows), [schema_of(HERE)])
    runs = {(jobs, detail): None for detail in ("full", "summary") for jobs in (1, 2)}
    best: dict[tuple[int, str], float] = {}
    cpu: dict[tuple[int, str], float] = {}
    paired: dict[str, list[float]] = {"full": [], "summary": []}  # each round's -j 2 over its -j 1
    for _ in range(rounds):
        rates: dict[tuple[int, str], float] = {}
        for jobs, detail in runs:
            rate, seconds, _ = batch(HERE, source, work / "scaling-out.jsonl", "--detail", detail, jobs=jobs)
            rates[jobs, detail] = rate
            best[jobs, detail] = max(best.get((jobs, detail), 0.0), rate)
            cpu[jobs, detail] = min(cpu.get((jobs, detail), float("inf")), seconds)
        for detail in paired:
            paired[detail].append(rates[2, detail] / rates[1, detail])
    lines = [
        f"#### `-j 2` against `-j 1`: {rows} cohort rows, best of {rounds} interleaved rounds",
        "",
        "| results | `-j 1` rows/s | `-j 2` rows/s | `-j 2` / `-j 1` | round by round (median) "
        "| CPU s `-j 1` / `-j 2` |",
        "|---|---:|---:|---:|---|---:|",
    ]
    for detail in ("full", "summary"):
        one, two = best[1, detail], best[2, detail]
        rounds_text = ", ".join(f"{r:.2f}×" for r in paired[detail])
        lines.append(
            f"| {detail} | {one:.0f} | {two:.0f} | **{two / one:.2f}×** | {rounds_text} "
            f"({statistics.median(paired[detail]):.2f}×) | {cpu[1, detail]:.1f} / {cpu[2, detail]:.1f} |"
        )
    lines += [
        "",
        f"- command: `runstrong batch ROWS -o OUT -j 1|2 --detail full|summary`; load average now "
        f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores",
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base", type=Path, default=Path("/tmp/rs-base"), help="the tree to compare with")
    parser.add_argument("--before", type=Path, default=None, help="a tree whose results must be identical")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--memory", default="10000,100000", help="row counts, comma-separated")
    parser.add_argument("--only", default="throughput,identical", help="throughput, identical, memory, scaling")
    args = parser.parse_args()
    print(f"### `uv run python bench/cohort_speed.py {' '.join(sys.argv[1:])}`".rstrip() + "\n")
    print(
        f"{platform.python_implementation()} {platform.python_version()}, {os.cpu_count()} cores, load average "
        f"before the run {os.getloadavg()[0]:.2f}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        for name in args.only.split(","):
            if name == "throughput":
                print("\n".join(throughput(args.base, args.before, work, args.rows, args.rounds)), flush=True)
            elif name == "identical" and args.before:
                print("\n".join(identical(args.before, work, args.rows)), flush=True)
            elif name == "scaling":
                print("\n".join(scaling(work, args.rows, args.rounds)), flush=True)
            elif name == "memory":
                print("\n".join(memory(work, [int(size) for size in args.memory.split(",")])), flush=True)
    print(f"load average after the run {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
