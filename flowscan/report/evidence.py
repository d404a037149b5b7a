"""The residency evidence a reviewer reads: sub-processors, a verdict, the limits of the claim.

One model for every human-facing evidence format (Markdown, HTML, CSV): each format only lays
it out, so they tell the same story.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..model import Endpoint, Finding, Location, Report

NOT_ALLOWED = "residency/region-not-allowed"
REGION_UNKNOWN = "residency/region-unknown"

# How a placement was decided, in a reviewer's words (Placement.source).
BASIS = {
    "host": "inferred from the host name",
    "argument": "inferred from a region argument in code or config",
    "declared": "declared in the policy",
    "provider": "the provider's documented single region",
    "resource": "the location of the cloud resource that serves the host, in infrastructure code",
    "unknown": "unknown",
}


@dataclass
class SubProcessor:
    """One provider (or, for hosts in no catalog entry, one host) the application sends data to."""

    key: str  # anchor: provider id, or ``host:<host>``
    name: str
    purpose: str
    hosts: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    jurisdictions: list[str] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)
    contexts: list[str] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    endpoints: list[Endpoint] = field(default_factory=list)
    outside_policy: bool = False
    exempt: list[str] = field(default_factory=list)  # "host: the policy's reason"


@dataclass
class Evidence:
    report: Report
    sub_processors: list[SubProcessor]
    runtime_destinations: list[Endpoint]  # the host is decided at run time
    verdict: str
    severities: Counter
    provider_names: dict[str, str] = field(default_factory=dict)

    def provider_name(self, endpoint: Endpoint) -> str:
        if endpoint.provider is None:
            return "not in the catalog"
        return self.provider_names.get(endpoint.provider, endpoint.provider)

    @property
    def jurisdictions(self) -> list[str]:
        return sorted({j for s in self.sub_processors for j in s.jurisdictions})


def build_evidence(report: Report, provider_names: dict[str, str], purposes: dict[str, str]) -> Evidence:
    outside_ids = {f.endpoint for f in report.findings if f.rule == NOT_ALLOWED and f.endpoint and f.suppression is None}
    groups: dict[str, SubProcessor] = {}
    runtime: list[Endpoint] = []
    for endpoint in report.endpoints:
        if endpoint.host is None:
            runtime.append(endpoint)
            continue
        key = endpoint.provider or f"host:{endpoint.host}"
        row = groups.get(key)
        if row is None:
            name = provider_names.get(endpoint.provider or "", endpoint.provider or endpoint.host)
            purpose = purposes.get(endpoint.provider or "", "unknown (host not in the catalog)")
            row = groups[key] = SubProcessor(key=key, name=name, purpose=purpose)
        p = endpoint.placement
        _add(row.hosts, endpoint.host)
        _add(row.regions, p.region or "unknown")
        _add(row.countries, p.country or "unknown")
        _add(row.jurisdictions, p.jurisdiction or "unknown")
        _add(row.basis, BASIS.get(p.source, p.source))
        _add(row.contexts, endpoint.context)
        for location in endpoint.locations:
            _add(row.locations, location)
        row.endpoints.append(endpoint)
        if endpoint.exempt:
            _add(row.exempt, f"{endpoint.host}: {endpoint.exempt}")
        row.outside_policy = row.outside_policy or endpoint.id in outside_ids
    rows = sorted(groups.values(), key=lambda r: (r.name.lower(), r.key))
    for row in rows:
        for values in (row.hosts, row.regions, row.countries, row.jurisdictions, row.basis, row.contexts):
            values.sort()
        row.locations.sort()
    severities = Counter(f.severity for f in report.findings if f.suppression is None)
    return Evidence(report, rows, runtime, verdict(report, rows, runtime), severities, provider_names)


def verdict(report: Report, rows: list[SubProcessor], runtime: list[Endpoint]) -> str:
    """The residency answer in one sentence."""
    allowed = ", ".join(report.policy["allowed"])  # Policy.to_dict always writes it
    endpoints = [e for r in rows for e in r.endpoints]
    hosts = {e.host for e in endpoints}
    flagged = {f.endpoint: f for f in report.findings if f.rule == NOT_ALLOWED and f.endpoint}
    outside = sorted({e.host for e in endpoints if e.id in flagged and flagged[e.id].suppression is None})
    allowed_inline = sorted({e.host for e in endpoints if e.id in flagged and flagged[e.id].suppression is not None}
                            - set(outside))
    exempt = sorted({e.host for e in endpoints if e.exempt})
    unplaced = sorted({e.host for e in endpoints if e.placement.jurisdiction is None and not e.exempt})
    if not allowed:
        head = (f"{len(hosts)} outbound hosts found; no residency policy is set, so none is judged "
                f"(add residency.allowed to flowscan.yaml or pass --allow)")
    elif not outside and not unplaced:
        head = f"All {len(hosts)} outbound hosts resolve to allowed regions ({allowed}) or internal hosts"
    else:
        parts = [f"{len(outside)} outside the allowed regions ({allowed}): {_few(outside)}"] if outside else []
        if unplaced:
            parts.append(f"{len(unplaced)} could not be placed: {_few(unplaced)}")
        head = f"Of {len(hosts)} outbound hosts, " + "; ".join(parts)
    if allowed and allowed_inline:
        head += f"; {len(allowed_inline)} outside the allowed regions are allowed inline with a reason: {_few(allowed_inline)}"
    if allowed and exempt:
        head += f"; {len(exempt)} exempt by the policy: {_few(exempt)}"
    if runtime:
        head += f"; {len(runtime)} more destinations are decided at run time and cannot be judged from the code"
    return head + "."


def _few(items: list[str], most: int = 6) -> str:
    return ", ".join(items[:most]) + (f" and {len(items) - most} more" if len(items) > most else "")


def _add(values: list, value) -> None:
    if value not in values:
        values.append(value)


def left_out_by_role(report: Report) -> list[str]:
    """What the report leaves out because of code roles (tests, examples, ...), and how to see it."""
    out = []
    for role, counts in sorted(report.coverage.roles.items()):
        if counts.get("call_sites_hidden") or counts.get("findings_hidden"):
            out.append(f"{counts['call_sites_hidden']} endpoint call sites and {counts['findings_hidden']} findings "
                       f"in {counts['files']} {role} files are not in this report (--include {role}, or --all-code)")
    return out


def allowance_lines(report: Report) -> list[str]:
    """The policy's declared regions and exempted hosts, and the inline suppressions, each with
    its reason (and, for an ``allow``, its owner and expiry)."""
    policy = report.policy
    lines = [f"Declared: {d['host']} in {d.get('region') or '?'} ({d.get('jurisdiction') or '?'}): "
             f"{d.get('reason') or 'no reason given'}" for d in policy.get("endpoints", [])]
    lines += [f"Exempt: {e['host']}: {e.get('reason') or 'no reason given'}" for e in policy.get("exempt", [])]
    lines += [f"Suppressed {f.rule} at {f.path}:{f.line}: {suppression_text(f)}" for f in report.findings if f.suppression]
    return lines or ["The policy declares no endpoint region and exempts no host; no finding is suppressed inline."]


def suppression_text(finding: Finding) -> str:
    s = finding.suppression
    if s is None:
        return ""
    who = f" by {s.owner}" if s.owner else ""
    until = f" until {s.until}" if s.until else ""
    return f"{s.kind}{who}{until} ({s.path}:{s.line}): {s.reason or 'no reason given'}"
