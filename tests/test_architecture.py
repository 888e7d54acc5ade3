"""The package layout is the data path: import-linter's contracts (pyproject.toml) hold."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "runstrong"


def test_the_import_contracts_hold() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    run = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "0 broken" in run.stdout


def test_each_subpackage_says_its_one_job_and_few_modules_stay_loose() -> None:
    subpackages = [p for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()]
    assert len(subpackages) >= 9
    for package in subpackages:
        docstring = (package / "__init__.py").read_text(encoding="utf-8").strip()
        assert docstring.startswith('"""') and len(docstring) > 40, package.name
    loose = [p.name for p in PACKAGE.glob("*.py")]
    assert len(loose) <= 4, loose


def test_no_module_grows_past_about_400_lines() -> None:
    sizes = {
        p.relative_to(PACKAGE).as_posix(): len(p.read_text(encoding="utf-8").splitlines())
        for p in PACKAGE.rglob("*.py")
    }
    assert not {name: n for name, n in sizes.items() if n > 420}
