"""The Markdown evidence report: which sub-processors, where, and how flowscan knows.

Written for a reviewer answering a security questionnaire, who should not need the code: a
header that pins the run, a one-sentence verdict, the sub-processor inventory, the chain of
values behind every endpoint, the findings with their fix, and the limits of the claim.
"""

from __future__ import annotations

from pathlib import Path

from ..model import Endpoint, Report
from ..redact import redact
from ..rules_index import rule_docs
from .evidence import BASIS, Evidence, allowance_lines, left_out_by_role, suppression_text
from .excerpts import Excerpts
from .runinfo import RunInfo


def render_markdown(evidence: Evidence, run: RunInfo) -> str:
    report = evidence.report
    excerpts = Excerpts(Path(report.root))
    out: list[str] = [f"# Residency evidence: {_text(Path(report.root).name or report.root)}", ""]
    out += _header(run, report)
    out += _summary(evidence)
    out += _sub_processors(evidence)
    out += _runtime(evidence)
    out += _resources(report)
    out += _endpoint_evidence(evidence, excerpts)
    out += _findings(report)
    out += _allowances(report)
    out += _coverage(report)
    return redact("\n".join(out).rstrip() + "\n")


def anchor(endpoint: Endpoint) -> str:
    return f"endpoint-{endpoint.id}"


def _header(run: RunInfo, report: Report) -> list[str]:
    commit = "not a git checkout" if run.commit is None else run.commit + (
        " (uncommitted changes)" if run.dirty else " (clean)" if run.dirty is False else "")
    policy = (f"`{run.policy_file}` (sha256 `{run.policy_sha256}`)" if run.policy_file
              else "none (inventory only)")
    rows = [
        ("Tool", f"flowscan {run.tool_version}"),
        ("Rules catalog", f"sha256 `{run.catalog_sha256[:16]}`"),
        ("Commit", commit),
        ("Generated (UTC)", run.time),
        ("Policy", policy),
        ("Allowed regions", ", ".join(report.policy.get("allowed", [])) or "none"),
        ("Command", f"`{run.command}`"),
    ]
    return ["| | |", "|---|---|", *[f"| {k} | {_text(v)} |" for k, v in rows], ""]


def _summary(evidence: Evidence) -> list[str]:
    report = evidence.report
    s = evidence.severities
    lines = ["## Summary", "", f"**{_text(evidence.verdict)}**", ""]
    lines.append(f"- Outbound endpoints: {len(report.endpoints)} "
                 f"({sum(len(r.hosts) for r in evidence.sub_processors)} hosts, "
                 f"{len(evidence.runtime_destinations)} decided at run time)")
    lines.append(f"- Sub-processors: {len(evidence.sub_processors)}")
    lines.append(f"- Jurisdictions: {', '.join(evidence.jurisdictions) or 'none'}")
    lines.append(f"- Cloud resources with a location: {len(report.resources)}")
    lines.append(f"- Findings: {s['error']} errors, {s['warning']} warnings, {s['note']} notes")
    lines.append(f"- Deployment contexts: {', '.join(report.contexts)}")
    return [*lines, ""]


def _sub_processors(evidence: Evidence) -> list[str]:
    lines = ["## Sub-processors", ""]
    if not evidence.sub_processors:
        return [*lines, "No outbound host was found.", ""]
    lines += ["| Provider | Purpose | Hosts | Regions | Countries | Jurisdiction | How the region is known | Called from |",
              "|---|---|---|---|---|---|---|---|"]
    for row in evidence.sub_processors:
        flag = (" **(outside policy)**" if row.outside_policy else "") + (
            f" (exempt: {'; '.join(row.exempt)})" if row.exempt else "")
        called = ", ".join(f"`{loc}`" for loc in row.locations[:5]) + (
            f" and {len(row.locations) - 5} more" if len(row.locations) > 5 else "")
        lines.append("| " + " | ".join([
            f'<a id="sp-{_slug(row.key)}"></a>{_text(row.name)}{flag}', _text(row.purpose),
            _text(", ".join(row.hosts)), _text(", ".join(row.regions)), _text(", ".join(row.countries)),
            _text(", ".join(row.jurisdictions)), _text("; ".join(row.basis)), called or "-",
        ]) + " |")
    return [*lines, ""]


def _runtime(evidence: Evidence) -> list[str]:
    if not evidence.runtime_destinations:
        return []
    lines = ["## Destinations decided at run time", "",
             "The host of these calls is not in the repository; the origin says what decides it.", "",
             "| Origin | Calls |", "|---|---|"]
    for endpoint in evidence.runtime_destinations:
        origin = "; ".join(endpoint.unresolved) or endpoint.url or "unknown"
        calls = ", ".join(f"`{loc}`" for loc in endpoint.locations[:5])
        lines.append(f"| {_text(origin)} | {calls} |")
    return [*lines, ""]


def _resources(report: Report) -> list[str]:
    if not report.resources:
        return []
    lines = ["## Cloud resources", "", "| Resource | Cloud | Region | Country | Jurisdiction | Where |",
             "|---|---|---|---|---|---|"]
    for r in report.resources:
        p = r.placement
        lines.append(f"| `{_text(r.address)}` | {_text(r.cloud or '?')} | {_text(p.region or 'unknown')} | "
                     f"{_text(p.country or 'unknown')} | {_text(p.jurisdiction or 'unknown')} | `{r.location}` |")
    return [*lines, ""]


def _endpoint_evidence(evidence: Evidence, excerpts: Excerpts) -> list[str]:
    lines = ["## Evidence per endpoint", ""]
    report = evidence.report
    for endpoint in report.endpoints:
        p = endpoint.placement
        title = endpoint.host or "host decided at run time"
        lines.append(f'### <a id="{anchor(endpoint)}"></a>{_text(title)} ({_text(endpoint.context)})')
        lines.append("")
        lines.append(f"- Provider: {_text(evidence.provider_name(endpoint))}")
        lines.append(f"- Region: {_text(p.region or 'unknown')}, country {_text(p.country or 'unknown')}, "
                     f"jurisdiction {_text(p.jurisdiction or 'unknown')} ({BASIS.get(p.source, p.source)})")
        if p.note:
            lines.append(f"- Note: {_text(p.note)}")
        if endpoint.url:
            lines.append(f"- URL: `{_code(endpoint.url)}`")
        for location in endpoint.locations:
            lines.append(f"- Called at `{location}`: `{_code(excerpts.line(location.path, location.line))}`")
        if endpoint.provenance:
            lines.append("- How flowscan knows (each value from where it is written to the call):")
            shown: set[tuple[str, int]] = {(loc.path, loc.line) for loc in endpoint.locations}
            for i, step in enumerate(endpoint.provenance, 1):
                excerpt = "" if (step.path, step.line) in shown else excerpts.line(step.path, step.line)
                shown.add((step.path, step.line))
                lines.append(f"  {i}. `{step.path}:{step.line}` {_text(step.detail)}"
                             + (f": `{_code(excerpt)}`" if excerpt else ""))
        if endpoint.unresolved:
            lines.append(f"- Not resolved: {_text('; '.join(endpoint.unresolved))}")
        lines.append("")
    return lines


def _findings(report: Report) -> list[str]:
    lines = ["## Findings", ""]
    if not report.findings:
        return [*lines, "None.", ""]
    docs = rule_docs()
    by_rule: dict[str, list] = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    for rule in sorted(by_rule):
        doc = docs.get(rule)
        lines.append(f"### {rule}")
        lines.append("")
        if doc is not None:
            lines += [_text(doc.summary), "", f"Fix: {_text(doc.fix)}", ""]
        for f in by_rule[rule]:
            note = f" _(suppressed: {_text(suppression_text(f))})_" if f.suppression else ""
            lines.append(f"- **{f.severity}** `{f.path}:{f.line}`: {_text(f.message)}{note}")
        lines.append("")
    return lines


def _allowances(report: Report) -> list[str]:
    return ["## Declarations and exemptions", "", *[f"- {_text(line)}" for line in allowance_lines(report)], ""]


def _coverage(report: Report) -> list[str]:
    c = report.coverage
    lines = ["## Coverage: the limits of this claim", "",
             f"- Files scanned: {len(c.files_scanned)}; analysed in depth: {len(c.files_analyzed)}"]
    if c.files_skipped:
        lines.append(f"- Skipped ({len(c.files_skipped)}):")
        lines += [f"  - `{s.path}`: {_text(s.reason)}" for s in c.files_skipped]
    if c.parse_errors:
        lines.append(f"- Could not be parsed ({len(c.parse_errors)}):")
        lines += [f"  - `{e.path}:{e.line}`: {_text(e.message)}" for e in c.parse_errors]
    lines += [f"- {_text(line)}" for line in left_out_by_role(report)]
    if c.notes:
        lines.append("- Notes:")
        lines += [f"  - {_text(note)}" for note in c.notes]
    return [*lines, ""]


def _slug(text: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-." else "-" for ch in text.lower())


def _text(text: str) -> str:
    """Markdown-safe prose: no HTML, no table breaks."""
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("|", "\\|").replace("\n", " ")


def _code(text: str) -> str:
    return text.replace("`", "'").replace("|", "\\|").replace("\n", " ")
