"""What ``flowscan explain TARGET`` shows: the resources, endpoints or finding a target names
(a host, an endpoint id, a Terraform resource address or a finding fingerprint), for the
console tree and the JSON alike."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .graph import FlowGraph
    from .model import Endpoint, Finding, Report, Resource


@dataclass
class Explained:
    resources: list[Resource] = field(default_factory=list)
    endpoints: list[Endpoint] = field(default_factory=list)
    finding: Finding | None = None  # a fingerprint of a finding with no endpoint or resource (a parse error)

    @property
    def empty(self) -> bool:
        return not (self.resources or self.endpoints or self.finding)


def explain_target(report: Report, target: str) -> Explained:
    by_fingerprint = {f.fingerprint: f for f in report.findings}
    chosen = by_fingerprint.get(target)
    resources = [r for r in report.resources if r.address == target or
                 (chosen is not None and (r.location.path, r.location.line) == (chosen.path, chosen.line))]
    if resources:
        return Explained(resources=resources)
    if chosen is not None:
        if chosen.endpoint is None:
            return Explained(finding=chosen)
        return Explained(endpoints=[e for e in report.endpoints if e.id == chosen.endpoint])
    return Explained(endpoints=[e for e in report.endpoints if e.host == target.lower() or e.id == target])


def findings_of(report: Report, endpoint: Endpoint) -> list[Finding]:
    return [f for f in report.findings if f.endpoint == endpoint.id]


def explain_json(report: Report, graph: FlowGraph, target: str, explained: Explained) -> str:
    """The same selection as JSON (keys sorted, secrets redacted): each endpoint as in the JSON
    report, with the locations that feed it and its findings."""
    from .report.json_report import _redact_all, endpoint_dict, finding_dict, resource_dict

    roles = report.coverage.file_roles
    data: dict[str, Any] = {
        "target": target,
        "resources": [resource_dict(r, roles) for r in explained.resources],
        "endpoints": [{**endpoint_dict(e, roles), "sources": graph.sources_of(e.id),
                       "findings": [finding_dict(f) for f in findings_of(report, e)]} for e in explained.endpoints],
        "finding": finding_dict(explained.finding) if explained.finding is not None else None,
    }
    return json.dumps(_redact_all(data), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
