"""The HTML evidence report: one self-contained file (inline CSS, JS and SVG; no network, no
external fonts), readable offline and printable to PDF, with anchors a questionnaire can link."""

from __future__ import annotations

from html import escape
from pathlib import Path

from ..redact import redact
from ..rules_index import rule_docs
from .evidence import BASIS, Evidence, allowance_lines, left_out_by_role, suppression_text
from .excerpts import Excerpts
from .flowpicture import VERDICT_COLOURS, flow_svg
from .markdown import anchor
from .runinfo import RunInfo

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1200px;color:#212121;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;width:100%;margin:.5em 0}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top}
th{background:#f5f5f5}code{font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;background:#f6f8fa;padding:0 2px}
.verdict{font-size:1.1em;font-weight:600;padding:.6em;border-left:4px solid #546e7a;background:#fafafa}
.outside{color:#c62828;font-weight:600}.graph{overflow-x:auto;border:1px solid #eee}
#filter{width:100%;padding:6px;margin:.3em 0;font:inherit}details{margin:.3em 0}
.legend span{margin-right:1em}.muted{color:#616161}
@media print{#filter{display:none}details{display:block}details>*{display:block}}
"""

_JS = """
document.getElementById('filter').addEventListener('input',function(e){
  var q=e.target.value.toLowerCase();
  document.querySelectorAll('#inventory tbody tr').forEach(function(r){
    r.style.display=r.textContent.toLowerCase().indexOf(q)>=0?'':'none';});
});
"""


def render_html(evidence: Evidence, run: RunInfo) -> str:
    report = evidence.report
    title = f"Residency evidence: {Path(report.root).name or report.root}"
    body = [f"<h1>{_e(title)}</h1>", _header(run, report), _summary(evidence), _graph(evidence),
            _inventory(evidence), _runtime(evidence), _resources(evidence), _endpoints(evidence),
            _findings(evidence), _allowances(evidence), _coverage(evidence)]
    page = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; img-src data:\">"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>\n"
        + "\n".join(part for part in body if part)
        + f"\n<script>{_JS}</script></body></html>\n"
    )
    return redact(page)


def _header(run: RunInfo, report) -> str:
    commit = "not a git checkout" if run.commit is None else run.commit + (
        " (uncommitted changes)" if run.dirty else " (clean)" if run.dirty is False else "")
    policy = (f"{run.policy_file} (sha256 {run.policy_sha256})" if run.policy_file else "none (inventory only)")
    rows = [("Tool", f"flowscan {run.tool_version}"), ("Rules catalog", f"sha256 {run.catalog_sha256[:16]}"),
            ("Commit", commit), ("Generated (UTC)", run.time), ("Policy", policy),
            ("Allowed regions", ", ".join(report.policy.get("allowed", [])) or "none"), ("Command", run.command)]
    return "<table class=\"run\">" + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows) + "</table>"


def _summary(evidence: Evidence) -> str:
    report, s = evidence.report, evidence.severities
    items = [f"Outbound endpoints: {len(report.endpoints)} ({len(evidence.runtime_destinations)} decided at run time)",
             f"Sub-processors: {len(evidence.sub_processors)}",
             f"Jurisdictions: {', '.join(evidence.jurisdictions) or 'none'}",
             f"Cloud resources with a location: {len(report.resources)}",
             f"Findings: {s['error']} errors, {s['warning']} warnings, {s['note']} notes"]
    return (f"<h2 id=\"summary\">Summary</h2><p class=\"verdict\">{_e(evidence.verdict)}</p><ul>"
            + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>")


def _graph(evidence: Evidence) -> str:
    legend = "".join(f'<span style="color:{colour}">● {_e(name)}</span>' for name, colour in VERDICT_COLOURS.items())
    return ("<h2 id=\"graph\">Where data goes</h2><p class=\"legend\">Code → config → hosts (coloured by policy verdict: "
            f"{legend}) → regions (coloured by jurisdiction).</p><div class=\"graph\">{flow_svg(evidence.report)}</div>")


def _inventory(evidence: Evidence) -> str:
    rows = []
    for r in evidence.sub_processors:
        flag = (' <span class="outside">outside policy</span>' if r.outside_policy else "") + (
            f' <span class="muted">exempt: {_e("; ".join(r.exempt))}</span>' if r.exempt else "")
        called = ", ".join(f"<code>{_e(str(loc))}</code>" for loc in r.locations[:5]) + (
            f" and {len(r.locations) - 5} more" if len(r.locations) > 5 else "")
        hosts = ", ".join(f'<a href="#{anchor(e)}">{_e(e.host or "?")}</a>' for e in _first_per_host(r.endpoints))
        rows.append(f'<tr id="sp-{_e(r.key)}"><td>{_e(r.name)}{flag}</td><td>{_e(r.purpose)}</td><td>{hosts}</td>'
                    f"<td>{_e(', '.join(r.regions))}</td><td>{_e(', '.join(r.countries))}</td>"
                    f"<td>{_e(', '.join(r.jurisdictions))}</td><td>{_e('; '.join(r.basis))}</td><td>{called}</td></tr>")
    head = "".join(f"<th>{h}</th>" for h in ("Provider", "Purpose", "Hosts", "Regions", "Countries", "Jurisdiction",
                                             "How the region is known", "Called from"))
    return ("<h2 id=\"sub-processors\">Sub-processors</h2>"
            "<input id=\"filter\" type=\"search\" placeholder=\"Filter: provider, host, region, jurisdiction…\" "
            "aria-label=\"filter the inventory\">"
            f"<table id=\"inventory\"><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _first_per_host(endpoints) -> list:
    seen: dict[str, object] = {}
    for endpoint in endpoints:
        seen.setdefault(endpoint.host, endpoint)
    return [seen[h] for h in sorted(seen)]


def _runtime(evidence: Evidence) -> str:
    if not evidence.runtime_destinations:
        return ""
    rows = "".join(
        f"<tr id=\"{anchor(e)}\"><td>{_e('; '.join(e.unresolved) or e.url or 'unknown')}</td>"
        f"<td>{', '.join(f'<code>{_e(str(loc))}</code>' for loc in e.locations[:5])}</td></tr>"
        for e in evidence.runtime_destinations)
    return ("<h2 id=\"runtime\">Destinations decided at run time</h2><table><thead><tr><th>Origin</th><th>Calls</th>"
            f"</tr></thead><tbody>{rows}</tbody></table>")


def _resources(evidence: Evidence) -> str:
    resources = evidence.report.resources
    if not resources:
        return ""
    rows = "".join(f"<tr><td><code>{_e(r.address)}</code></td><td>{_e(r.cloud or '?')}</td>"
                   f"<td>{_e(r.placement.region or 'unknown')}</td><td>{_e(r.placement.jurisdiction or 'unknown')}</td>"
                   f"<td><code>{_e(str(r.location))}</code></td></tr>" for r in resources)
    return ("<h2 id=\"resources\">Cloud resources</h2><table><thead><tr><th>Resource</th><th>Cloud</th><th>Region</th>"
            f"<th>Jurisdiction</th><th>Where</th></tr></thead><tbody>{rows}</tbody></table>")


def _endpoints(evidence: Evidence) -> str:
    excerpts = Excerpts(Path(evidence.report.root))
    parts = ["<h2 id=\"evidence\">Evidence per endpoint</h2>"]
    for e in evidence.report.endpoints:
        if e.host is None:
            continue
        p = e.placement
        steps = "".join(
            f"<li><code>{_e(s.path)}:{s.line}</code> {_e(s.detail)}"
            + (f"<br><code>{_e(excerpts.line(s.path, s.line))}</code>" if excerpts.line(s.path, s.line) else "")
            + "</li>" for s in e.provenance)
        calls = "".join(f"<li><code>{_e(str(loc))}</code> <code>{_e(excerpts.line(loc.path, loc.line))}</code></li>"
                        for loc in e.locations)
        parts.append(
            f"<details id=\"{anchor(e)}\" open><summary><b>{_e(e.host)}</b> ({_e(e.context)}): "
            f"{_e(p.region or 'region unknown')}, {_e(p.country or '?')}, {_e(p.jurisdiction or 'unknown')}"
            f" <span class=\"muted\">{_e(BASIS.get(p.source, p.source))}</span></summary>"
            + (f"<p class=\"muted\">{_e(p.note)}</p>" if p.note else "")
            + f"<p>Called at:</p><ul>{calls}</ul>"
            + (f"<p>How flowscan knows:</p><ol>{steps}</ol>" if steps else "")
            + "</details>")
    return "".join(parts)


def _findings(evidence: Evidence) -> str:
    findings = evidence.report.findings
    if not findings:
        return "<h2 id=\"findings\">Findings</h2><p>None.</p>"
    docs = rule_docs()
    parts = ["<h2 id=\"findings\">Findings</h2>"]
    for rule in sorted({f.rule for f in findings}):
        doc = docs.get(rule)
        parts.append(f"<h3>{_e(rule)}</h3>" + (f"<p>{_e(doc.summary)}</p><p><b>Fix:</b> {_e(doc.fix)}</p>" if doc else ""))
        parts.append("<ul>" + "".join(
            f"<li><b>{_e(f.severity)}</b> <code>{_e(f.path)}:{f.line}</code> {_e(f.message)}"
            + (f" <i class=\"muted\">suppressed: {_e(suppression_text(f))}</i>" if f.suppression else "") + "</li>"
            for f in findings if f.rule == rule) + "</ul>")
    return "".join(parts)


def _allowances(evidence: Evidence) -> str:
    return ("<h2 id=\"allowances\">Declarations and exemptions</h2><ul>"
            + "".join(f"<li>{_e(i)}</li>" for i in allowance_lines(evidence.report)) + "</ul>")


def _coverage(evidence: Evidence) -> str:
    c = evidence.report.coverage
    items = [f"Files scanned: {len(c.files_scanned)}; analysed in depth: {len(c.files_analyzed)}"]
    items += [f"Skipped {s.path}: {s.reason}" for s in c.files_skipped]
    items += [f"Could not be parsed {e.path}:{e.line}: {e.message}" for e in c.parse_errors]
    items += left_out_by_role(evidence.report)
    items += list(c.notes)
    return ("<h2 id=\"coverage\">Coverage: the limits of this claim</h2><ul>"
            + "".join(f"<li>{_e(i)}</li>" for i in items) + "</ul>")


def _e(text: str) -> str:
    return escape(text, quote=True)
