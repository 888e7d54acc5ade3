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
