"""Residency: endpoints and cloud resources outside the allowed regions, and those nobody can place.

``residency/region-not-allowed`` (error): an endpoint or resource whose placement the policy
does not allow; ``residency/region-unknown`` (warning): one whose jurisdiction cannot be
determined. Internal endpoints and exempted hosts are never reported.
"""

from __future__ import annotations

from ..model import Endpoint, Location, Resource
from ..origins import why_unplaced
from ..policy import Policy
from .base import Check, Findings, ScanFacts

NOT_ALLOWED = "residency/region-not-allowed"
UNKNOWN = "residency/region-unknown"


class EndpointResidency(Check):
    rules = (NOT_ALLOWED, UNKNOWN)
    reads = frozenset({"endpoints"})

    def run(self, facts: ScanFacts, out: Findings) -> None:
        for endpoint in facts.endpoints:
            found = _endpoint_finding(endpoint, facts.policy)
            if found is None:
                continue
            rule, message = found
            key = f"{endpoint.context}|{endpoint.host}|{endpoint.placement.region}"
            if endpoint.host is None and endpoint.locations:
                # One row of unknown destinations (grouped by where the value comes from): one finding.
                # Its first unresolved part names that origin (a host-less value always has one: urls.split_url).
                others = [str(loc) for loc in endpoint.locations[1:]]
                if others:
                    message += f"; also called at {', '.join(others[:5])}" + (" …" if len(others) > 5 else "")
                out.add(rule, message, endpoint.locations[0], key=f"{key}|{endpoint.unresolved[0]}",
                        endpoint=endpoint.id)
                continue
            for location in endpoint.locations:
                out.add(rule, message, location, key=key, endpoint=endpoint.id)


class ResourceResidency(Check):
    rules = (NOT_ALLOWED, UNKNOWN)
    reads = frozenset({"resources"})

    def run(self, facts: ScanFacts, out: Findings) -> None:
        for resource in facts.resources:
            found = _resource_finding(resource, facts.policy)
            if found is not None:
                rule, message = found
                key = f"{resource.context}|{resource.address}|{resource.placement.region}"
                out.add(rule, message, resource.location, key=key)


def _endpoint_finding(endpoint: Endpoint, policy: Policy) -> tuple[str, str] | None:
    placement = endpoint.placement
    if endpoint.host and policy.exemption(endpoint.host):  # internal ones: policy.is_allowed
        return None
    label = endpoint.host or endpoint.url or f"{endpoint.sdk} endpoint"
    ctx = "" if endpoint.context == "default" else f" [context {endpoint.context}]"
    if placement.jurisdiction is None:
        answer = why_unplaced(endpoint.host, endpoint.unresolved)
        why = answer or placement.note or "region unknown"
        if endpoint.unresolved and (answer is None or len(endpoint.unresolved) > 1):
            why += f" (unresolved: {', '.join(endpoint.unresolved[:3])})"
        return UNKNOWN, f"{label}{ctx}: region cannot be determined: {why}"
    if policy.has_allowed and not policy.is_allowed(placement):
        return NOT_ALLOWED, (f"{label}{ctx} is in {_where(endpoint)}, outside the allowed regions "
                             f"({', '.join(policy.allowed)})")
    return None


def _resource_finding(resource: Resource, policy: Policy) -> tuple[str, str] | None:
    placement = resource.placement
    ctx = "" if resource.context == "default" else f" [{resource.context}]"
    if placement.jurisdiction is None:
        return UNKNOWN, f"{resource.address}.{resource.attribute}{ctx}: location cannot be determined: {placement.note}"
    if policy.has_allowed and not policy.is_allowed(placement):
        where = "/".join(x for x in (placement.region, placement.country) if x)
        return NOT_ALLOWED, (f"{resource.address}{ctx} is located in {where}, jurisdiction {placement.jurisdiction}, "
                             f"outside the allowed regions ({', '.join(policy.allowed)})")
    return None


def _where(endpoint: Endpoint) -> str:
    p = endpoint.placement
    bits = [b for b in (p.region, p.country) if b]
    where = "/".join(bits) if bits else "?"
    return f"{where}, jurisdiction {p.jurisdiction}"


__all__ = ["EndpointResidency", "ResourceResidency", "NOT_ALLOWED", "UNKNOWN", "Location"]
