"""The same input gives byte-identical output in processes with different hash seeds
(set and dict-of-str iteration order differs between them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from runstrong.snapshot.strict import load_yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
SCENARIOS = sorted((ROOT / "tests" / "scenarios").glob("*.yaml"))
SEEDS = ("1", "7")
# Snapshots where several rules merge params into one adjustment (collected lists among them).
EXTRA = [
    {"symptoms": {"red_flags": ["night_pain", "joint_swelling", "numbness_tingling"]}},
    {"wellbeing": {"sleep_h_avg_7d": 6.5, "fatigue": 4, "stress": 5, "sleep_h_last_night": 4}},
]


def _run(args: list[str], seed: str, cwd: Path) -> bytes:
    command = [sys.executable, "-c", "from runstrong.cli.main import main; main()", *args]
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return done.stdout


def _snapshots() -> list[dict]:
    found = [load_yaml(p.read_text(encoding="utf-8"), str(p))["snapshot"] for p in SCENARIOS]
    found += [load_yaml(p.read_text(encoding="utf-8"), str(p)) for p in EXAMPLES]
    found += [{"athlete_id": f"x{i}", "date": "2026-11-24", **extra} for i, extra in enumerate(EXTRA)]
    return found


COMMANDS = [["recommend", "-f", "json"], ["recommend", "-f", "markdown"], ["explain", "-f", "json"]]
COMMANDS += [["explain", "--audience", "clinician"]]
# Runs every command on every snapshot in one process, so that each seed costs one start-up.
DRIVER = """
import json, sys
from click.testing import CliRunner
from runstrong.cli.main import cli
for args in json.loads(sys.argv[1]):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, (args, result.output)
    sys.stdout.write(f"== {args}\\n{result.output}")
"""


def test_single_snapshot_commands_are_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    snapshot = tmp_path / "s.json"
    merged = {"athlete_id": "d", "date": "2026-11-24", **EXTRA[0], "wellbeing": EXTRA[1]["wellbeing"]}
    snapshot.write_text(json.dumps(merged), encoding="utf-8")
    runs = [
        [args[0], str(path), *args[1:]]
        for path in [snapshot, ROOT / "examples" / "achilles-flare-up.yaml"]
        for args in COMMANDS
    ]
    outputs = []
    for seed in SEEDS:
        command = [sys.executable, "-c", DRIVER, json.dumps(runs)]
        done = subprocess.run(command, cwd=tmp_path, env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True)
        assert done.returncode == 0, done.stderr.decode()
        outputs.append(done.stdout)
    assert outputs[0].count(b"\n== ") >= len(runs) - 1
    assert outputs[0] == outputs[1]


def test_batch_output_is_byte_identical_across_hash_seeds(tmp_path: Path) -> None:
    rows = tmp_path / "in.jsonl"
    rows.write_text("".join(json.dumps(s, default=str) + "\n" for s in _snapshots()), encoding="utf-8")
    outputs = []
    for seed in SEEDS:
        for suffix in ("jsonl", "csv"):
            out = tmp_path / f"out-{seed}.{suffix}"
            _run(["batch", str(rows), "-o", str(out), "-j", "2"], seed, tmp_path)
            outputs.append(out.read_bytes())
    assert outputs[0] and outputs[0] == outputs[2]
    assert outputs[1] and outputs[1] == outputs[3]
