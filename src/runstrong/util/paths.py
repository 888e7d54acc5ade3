"""Where the bundled rule set and knowledge base live, in a source tree or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent


def _bundled(name: str) -> Path:
    installed = _PACKAGE / "_bundled" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent.parent / name


def default_rules_dir() -> Path:
    """The rule set shipped with runstrong."""
    return _bundled("rules")


def default_knowledge_dir() -> Path:
    """The knowledge base shipped with runstrong."""
    return _bundled("knowledge")


def example_dir() -> Path:
    """Example snapshots shipped with runstrong."""
    return _bundled("examples")
