"""Residency findings: endpoints outside the allowed regions, endpoints nobody can place."""

from __future__ import annotations

from typing import Callable

from ..model import Endpoint, Finding, Location
from ..policy import Policy
from .fingerprint import fingerprint

NOT_ALLOWED = "residency/region-not-allowed"
UNKNOWN = "residency/region-unknown"

LineText = Callable[[str, int], str]


def _where(endpoint: Endpoint) -> str:
    p = endpoint.placement
    bits = [b for b in (p.region, p.country) if b]
    where = "/".join(bits) if bits else "?"
    return f"{where}, jurisdiction {p.jurisdiction}"


def check_residency(endpoints: list[Endpoint], policy: Policy, line_text: LineText) -> list[Finding]:
    findings: list[Finding] = []
    for endpoint in endpoints:
        if endpoint.placement.jurisdiction == "internal":
            continue
        if endpoint.host and policy.exemption(endpoint.host):
            continue
        label = endpoint.host or endpoint.url or f"{endpoint.sdk} endpoint"
        ctx = "" if endpoint.context == "default" else f" [context {endpoint.context}]"
        if endpoint.placement.jurisdiction is None:
            why = endpoint.placement.note or "region unknown"
            if endpoint.unresolved:
                why += f" (unresolved: {', '.join(endpoint.unresolved[:3])})"
            message = f"{label}{ctx}: region cannot be determined: {why}"
            findings.extend(_at_locations(UNKNOWN, "warning", message, endpoint, line_text))
        elif policy.has_allowed and not policy.is_allowed(endpoint.placement):
            message = (f"{label}{ctx} is in {_where(endpoint)}, outside the allowed regions "
                       f"({', '.join(policy.allowed)})")
            findings.extend(_at_locations(NOT_ALLOWED, "error", message, endpoint, line_text))
    return findings


def _at_locations(rule: str, severity: str, message: str, endpoint: Endpoint, line_text: LineText) -> list[Finding]:
    out = []
    for location in endpoint.locations:
        out.append(Finding(
            rule=rule, severity=severity, message=message, path=location.path, line=location.line,
            column=location.column, endpoint=endpoint.id,
            fingerprint=fingerprint(rule, location, line_text(location.path, location.line),
                                    f"{endpoint.context}|{endpoint.host}|{endpoint.placement.region}"),
        ))
    return out


__all__ = ["check_residency", "NOT_ALLOWED", "UNKNOWN", "Location"]


def check_resources(resources, policy: Policy, line_text: LineText) -> list[Finding]:
    """Cloud resources (buckets, datasets, services) located outside the allowed regions."""
    findings: list[Finding] = []
    for resource in resources:
        loc = resource.location
        ctx = "" if resource.context == "default" else f" [{resource.context}]"
        key = f"{resource.context}|{resource.address}|{resource.placement.region}"
        p = resource.placement
        if p.jurisdiction is None:
            message = f"{resource.address}.{resource.attribute}{ctx}: location cannot be determined: {p.note}"
            rule, severity = UNKNOWN, "warning"
        elif policy.has_allowed and not policy.is_allowed(p):
            where = "/".join(x for x in (p.region, p.country) if x)
            message = (f"{resource.address}{ctx} is located in {where}, jurisdiction {p.jurisdiction}, "
                       f"outside the allowed regions ({', '.join(policy.allowed)})")
            rule, severity = NOT_ALLOWED, "error"
        else:
            continue
        findings.append(Finding(rule=rule, severity=severity, message=message, path=loc.path, line=loc.line,
                                column=loc.column, endpoint=None,
                                fingerprint=fingerprint(rule, loc, line_text(loc.path, loc.line), key)))
    return findings
