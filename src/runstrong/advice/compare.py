"""How the advice differs between two results: status, adjustments added and removed, params."""

from __future__ import annotations

from typing import Any


def compare_results(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """How the advice differs between two results: status, adjustments, params."""
    old_recs = {r["adjustment"]: r for r in old["recommendations"]}
    new_recs = {r["adjustment"]: r for r in new["recommendations"]}
    params = {
        a: {"from": old_recs[a]["params"], "to": new_recs[a]["params"]}
        for a in old_recs
        if a in new_recs and old_recs[a]["params"] != new_recs[a]["params"]
    }
    added = [a for a in new_recs if a not in old_recs]
    removed = [a for a in old_recs if a not in new_recs]
    return {
        "status": [old["status"], new["status"]],
        "added": added,
        "removed": removed,
        "params": params,
        "changed": old["status"] != new["status"] or bool(added or removed or params),
    }


def params_change(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Only what changed between two params: `percent 20 -> 10; reason + "..."`."""
    parts = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        if isinstance(before, list) or isinstance(after, list):
            added = [v for v in after or [] if v not in (before or [])]
            removed = [v for v in before or [] if v not in (after or [])]
            parts.append(f"{name} " + " ".join([*(f"+ {v!r}" for v in added), *(f"- {v!r}" for v in removed)]))
        else:
            parts.append(f"{name} {before} -> {after}")
    return "; ".join(parts)
