"""The JSON report (schema: ``flowscan/schemas/report.schema.json``)."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..model import Endpoint, Finding, Location, Report, Resource, Step, Suppression
from ..origins import origin_kind
from ..redact import redact
from ..roles import PRODUCTION
from .runinfo import RunInfo

SCHEMA_ID = "https://flowscan.dev/schemas/report-1.json"


def _step(step: Step) -> dict[str, Any]:
    return {"path": step.path, "line": step.line, "detail": step.detail}


def _location(location: Location, roles: dict[str, str]) -> dict[str, Any]:
    return {"path": location.path, "line": location.line, "column": location.column,
            "role": roles.get(location.path, PRODUCTION)}


def endpoint_dict(endpoint: Endpoint, roles: dict[str, str]) -> dict[str, Any]:
    p = endpoint.placement
    return {
        "id": endpoint.id,
        "provider": endpoint.provider,
        "host": endpoint.host,
        "url": endpoint.url,
        "region": p.region,
        "country": p.country,
        "jurisdiction": p.jurisdiction,
        "region_source": p.source,
        "region_note": p.note,
        "context": endpoint.context,
        "sdk": endpoint.sdk,
        "locations": [_location(location, roles) for location in endpoint.locations],
        "provenance": [_step(step) for step in endpoint.provenance],
        "chains": [[_step(step) for step in trail] for trail in endpoint.trails],
        "unresolved": list(endpoint.unresolved),
        "origin": origin_kind(endpoint.host, endpoint.unresolved),
        "exempt": endpoint.exempt,
        "reach": endpoint.reach,
        "switches": [{"path": s.path, "line": s.line, "setting": s.setting, "condition": s.condition,
                      "shipped": s.shipped, "taken": s.taken} for s in endpoint.switches],
    }


def resource_dict(resource: Resource, roles: dict[str, str]) -> dict[str, Any]:
    p = resource.placement
    return {
        "address": resource.address,
        "attribute": resource.attribute,
        "cloud": resource.cloud,
        "region": p.region,
        "country": p.country,
        "jurisdiction": p.jurisdiction,
        "region_note": p.note,
        "context": resource.context,
        "location": _location(resource.location, roles),
        "provenance": [_step(step) for step in resource.provenance],
    }


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule,
        "severity": finding.severity,
        "message": finding.message,
        "path": finding.path,
        "line": finding.line,
        "column": finding.column,
        "endpoint": finding.endpoint,
        "fingerprint": finding.fingerprint,
        "suppression": suppression_dict(finding.suppression) if finding.suppression else None,
    }


def suppression_dict(suppression: Suppression) -> dict[str, Any]:
    return {"kind": suppression.kind, "path": suppression.path, "line": suppression.line,
            "reason": suppression.reason, "owner": suppression.owner or None, "until": suppression.until or None}


def report_dict(report: Report) -> dict[str, Any]:
    c = report.coverage
    return {
        "schema": SCHEMA_ID,
        "tool": {"name": "flowscan", "version": __version__},
        "contexts": list(report.contexts),
        "policy": report.policy,
        "endpoints": [endpoint_dict(e, c.file_roles) for e in report.endpoints],
        "resources": [resource_dict(r, c.file_roles) for r in report.resources],
        "findings": [finding_dict(f) for f in report.findings],
        "coverage": {
            "files_scanned": list(c.files_scanned),
            "files_analyzed": list(c.files_analyzed),
            "files_skipped": [{"path": s.path, "reason": s.reason} for s in c.files_skipped],
            "parse_errors": [{"path": e.path, "line": e.line, "message": e.message} for e in c.parse_errors],
            "notes": list(c.notes),
            "roles": {role: dict(counts) for role, counts in c.roles.items()},
        },
        "summary": summary_counts(report),
    }


def summary_counts(report: Report) -> dict[str, int]:
    counts = {"endpoints": len(report.endpoints), "errors": 0, "warnings": 0, "notes": 0,
              "suppressed": sum(1 for f in report.findings if f.suppression is not None)}
    for finding in report.findings:
        key = {"error": "errors", "warning": "warnings", "note": "notes"}[finding.severity]
        counts[key] += 1
    return counts


def _redact_all(value: Any) -> Any:
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redact_all(v) for v in value]
    if isinstance(value, dict):
        return {k: _redact_all(v) for k, v in value.items()}
    return value


def render_json(report: Report, run: RunInfo | None = None) -> str:
    """Deterministic JSON: sorted keys, stable order of lists, secrets redacted. ``run`` adds
    the header that pins the run (commit, time, tool and catalog version, policy hash)."""
    data = report_dict(report)
    if run is not None:
        data["run"] = run.to_dict()
    return json.dumps(_redact_all(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
