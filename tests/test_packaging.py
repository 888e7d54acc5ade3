"""The wheel carries the bundled rule set, knowledge base, examples and snapshot schema."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("uv") is None, reason="needs uv to build the wheel")
def test_the_wheel_bundles_rules_knowledge_and_examples(tmp_path: Path) -> None:
    subprocess.run(["uv", "build", "--wheel", "-q", "-o", str(tmp_path)], cwd=ROOT, check=True)
    (wheel,) = tmp_path.glob("runstrong-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("rules", "knowledge", "examples"):
        shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / folder).rglob("*.yaml")}
        assert shipped, folder
        assert {f"runstrong/_bundled/{name}" for name in shipped} <= names
    assert "runstrong/snapshot/snapshot.schema.json" in names
    web = ROOT / "src" / "runstrong" / "web"
    pages = {p.relative_to(web.parent.parent).as_posix() for p in (web / "templates").glob("*.html")}
    assets = {p.relative_to(web.parent.parent).as_posix() for p in (web / "static").glob("*.*")}
    assert pages and assets and pages | assets <= names  # the web app's templates and static files
