"""Inventory summaries of a JSON report, and their comparison with checked-in ones ("no loss").

A summary holds the endpoint, resource and per-rule finding counts, the sorted inventory
lines and their SHA-256. An endpoint line is ``host|region|context|provider`` followed by
its residency fields ``country|jurisdiction|region_source`` (a host that is not known
statically is ``?``: the label of its hole says how far resolution got, which is not part of
the inventory); a resource line starts with
``resource `` and has ``address|attribute|cloud|region|context|country|jurisdiction``.
Paths and line numbers are left out, so moving code does not count as a change.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from pathlib import Path
from typing import Any

INVENTORY_DIR = Path(__file__).resolve().parent.parent / "inventory"
MAX_DIFF_LINES = 30
COMPARED = ("endpoints", "resources", "findings_by_rule", "inventory_sha256")


def _field(value: Any) -> str:
    return "-" if value is None else str(value)


def endpoint_line(endpoint: dict[str, Any]) -> str:
    host = endpoint.get("host") or "?"
    keys = ("region", "context", "provider", "country", "jurisdiction", "region_source")
    return "|".join([_field(host), *(_field(endpoint.get(k)) for k in keys)])


def resource_line(resource: dict[str, Any]) -> str:
    keys = ("address", "attribute", "cloud", "region", "context", "country", "jurisdiction")
    return "resource " + "|".join(_field(resource.get(k)) for k in keys)


def summarize(report: dict[str, Any]) -> dict[str, Any]:
    endpoints = report.get("endpoints", [])
    resources = report.get("resources", [])
    lines = sorted(endpoint_line(e) for e in endpoints) + sorted(resource_line(r) for r in resources)
    return {
        "endpoints": len(endpoints),
        "resources": len(resources),
        "findings_by_rule": dict(sorted(Counter(f["rule"] for f in report.get("findings", [])).items())),
        "inventory_sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest(),
        "inventory": lines,
    }


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """What differs between two summaries, as printable lines (empty when equal)."""
    if all(expected.get(k) == actual.get(k) for k in COMPARED):
        return []
    out = []
    for key in ("endpoints", "resources"):
        if expected.get(key) != actual.get(key):
            out.append(f"{key}: {expected.get(key)} -> {actual.get(key)}")
    old_rules, new_rules = expected.get("findings_by_rule", {}), actual.get("findings_by_rule", {})
    for rule in sorted(set(old_rules) | set(new_rules)):
        if old_rules.get(rule, 0) != new_rules.get(rule, 0):
            out.append(f"findings {rule}: {old_rules.get(rule, 0)} -> {new_rules.get(rule, 0)}")
    old_lines, new_lines = Counter(expected.get("inventory", [])), Counter(actual.get("inventory", []))
    changed = [f"- {line}" for line in sorted((old_lines - new_lines).elements())]
    changed += [f"+ {line}" for line in sorted((new_lines - old_lines).elements())]
    out.extend(changed[:MAX_DIFF_LINES])
    if len(changed) > MAX_DIFF_LINES:
        out.append(f"... and {len(changed) - MAX_DIFF_LINES} more inventory lines")
    return out or ["inventory hash differs"]


def short(summary: dict[str, Any]) -> str:
    return f"{summary['endpoints']} ep, {summary['resources']} res, {summary['inventory_sha256'][:8]}"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def save(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def check(name: str, summary: dict[str, Any], update: bool) -> tuple[str, list[str]]:
    """Compare (or with ``update`` write) ``inventory/<name>.json``: a table cell and the differences."""
    path = INVENTORY_DIR / f"{name}.json"
    if update:
        save(path, summary)
        return f"written ({short(summary)})", []
    expected = load(path)
    if expected is None:
        return f"– no baseline ({short(summary)})", []
    diff = differences(expected, summary)
    return (f"✗ differs ({short(summary)})", diff) if diff else (f"✓ same ({short(summary)})", [])
