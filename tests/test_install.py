"""The built wheel installs with only the core and runs: in a fresh environment with uv's
overrides, and as a uv tool."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv to build and install the wheel")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(["uv", "build", "--wheel", "-q", "-o", str(out)], cwd=ROOT, check=True)
    (built,) = out.glob("runstrong-*.whl")
    return built


def _example(python: Path) -> str:
    code = "from runstrong.util.paths import example_dir; print(example_dir() / 'achilles-flare-up.yaml')"
    return subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_the_core_install_runs_recommend_and_names_a_missing_extra(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run(["uv", "venv", "-q", "--python", sys.executable, str(venv)], check=True)
    python = venv / "bin" / "python"
    install = ["uv", "pip", "install", "-q", "--python", str(python), "--override", str(ROOT / "overrides.txt")]
    subprocess.run([*install, str(wheel)], check=True)
    installed = subprocess.run(["uv", "pip", "list", "--python", str(python)], capture_output=True, text=True)
    assert "dask" not in installed.stdout and "pytest" not in installed.stdout
    runstrong = venv / "bin" / "runstrong"
    example = _example(python)
    assert "/_bundled/examples/" in example
    advice = subprocess.run([str(runstrong), "recommend", example], capture_output=True, text=True)
    assert advice.returncode == 0 and advice.stdout.startswith("ana, 2026-11-24: AMBER"), advice.stderr
    dask = subprocess.run(
        [str(runstrong), "batch", example, "-o", str(tmp_path / "o.jsonl"), "--dask", "local"],
        capture_output=True,
        text=True,
    )
    assert dask.returncode == 2 and "runstrong[dask]" in dask.stderr and "Traceback" not in dask.stderr


def test_uv_tool_install_with_the_shipped_overrides(wheel: Path, tmp_path: Path) -> None:
    env = {**os.environ, "UV_TOOL_DIR": str(tmp_path / "tools"), "UV_TOOL_BIN_DIR": str(tmp_path / "bin")}
    subprocess.run(
        [
            "uv",
            "tool",
            "install",
            "-q",
            "--python",
            sys.executable,
            "--overrides",
            str(ROOT / "overrides.txt"),
            str(wheel),
        ],
        check=True,
        env=env,
    )
    result = subprocess.run([str(tmp_path / "bin" / "runstrong"), "rules", "check"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("ok: "), result.stderr
