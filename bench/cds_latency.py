"""How long a CDS Hooks call takes, beside `recommend` on the same snapshot, in one run.

    uv run python bench/cds_latency.py              # tests/scenarios/*.yaml (or examples/)
    uv run python bench/cds_latency.py --repeat 50

Each snapshot is written as the FHIR resources the service reads (tests/cds_fhir.py) and sent
three ways, each `--repeat` times, interleaved: `recommend` on the snapshot (the engine alone);
the service's call on the request's bytes (strict JSON, FHIR to snapshot, the snapshot format,
the engine, the card); and a POST through FastAPI's test client (routing and JSON too). Prints
Markdown on stdout (medians and p95 in ms, and the ratios to `recommend`); writes no file.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from consult_latency import scenarios
from fastapi import FastAPI

from cds_fhir import hook_request
from runstrong.advice.result import recommend
from runstrong.cds.service import CdsService
from runstrong.engine.evaluator import Evaluator
from runstrong.rules.ruleset import load_ruleset
from runstrong.util.paths import default_knowledge_dir, default_rules_dir
from runstrong.web.cds_routes import cds_router
from runstrong.web.config import WebConfig

with warnings.catch_warnings():  # Starlette asks for httpx2 for its test client; httpx still works
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
    from fastapi.testclient import TestClient

ROOT = Path(__file__).resolve().parent.parent


def _ms(work: Callable[[], Any]) -> float:
    start = time.perf_counter()
    work()
    return (time.perf_counter() - start) * 1000


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=20, help="calls per snapshot and way (default 20)")
    args = parser.parse_args()
    ruleset = load_ruleset(default_rules_dir(), default_knowledge_dir(), check_examples=False)
    evaluator = Evaluator(ruleset)
    service = CdsService(ruleset, "http://127.0.0.1:8765", None)
    app = FastAPI()
    app.include_router(cds_router(WebConfig()))
    client = TestClient(app)
    headers = {"Content-Type": "application/json"}
    times: dict[str, list[float]] = {"recommend": [], "service call": [], "HTTP POST": []}
    snapshots = scenarios()
    for _, snapshot in snapshots:
        body = json.dumps(hook_request(snapshot)).encode()
        ways: dict[str, Callable[[], Any]] = {
            "recommend": lambda snapshot=snapshot: recommend(evaluator, snapshot),
            "service call": lambda body=body: service.call(body),
            "HTTP POST": lambda body=body: client.post(
                "/cds-services/runstrong-patient-view", content=body, headers=headers
            ),
        }
        for _ in range(args.repeat):
            for way, work in ways.items():
                times[way].append(_ms(work))
    base = statistics.median(times["recommend"])
    print(f"# CDS Hooks latency ({len(snapshots)} snapshots x {args.repeat}, Python {platform.python_version()})\n")
    print("| way | median ms | p95 ms | median / recommend |")
    print("|---|---|---|---|")
    for way, values in times.items():
        print(
            f"| {way} | {statistics.median(values):.2f} | {_p95(values):.2f} | {statistics.median(values) / base:.2f} |"
        )


if __name__ == "__main__":
    main()
