"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import json
from typing import Any

from .. import __version__
from ..model import Report, Suppression
from ..redact import redact
from ..rules_index import rule_docs

SRCROOT = "%SRCROOT%"  # every artifact uri is relative to the repository root (flowscan.repopaths)
_LEVEL = {"error": "error", "warning": "warning", "note": "note"}
# GitHub code scanning ranks alerts by properties.security-severity (0.1-3.9 low, 4.0-6.9 medium,
# 7.0-8.9 high, 9.0+ critical); from the rule's documented severity.
SECURITY_SEVERITY = {"error": "7.5", "warning": "5.0", "note": "2.0"}
_FAMILY_TAGS = {"residency": ["privacy", "data-residency"], "policy": ["privacy", "suppression"],
                "scan": ["coverage"], "caching": ["performance", "llm-serving"], "serving": ["reliability", "llm-serving"],
                "fallback": ["privacy", "data-residency", "llm"]}


def sarif_dict(report: Report) -> dict[str, Any]:
    docs = rule_docs()
    used = sorted({f.rule for f in report.findings} | set(docs))
    rules = []
    for rule_id in used:
        doc = docs.get(rule_id)
        entry: dict[str, Any] = {"id": rule_id, "name": rule_id.replace("/", "-")}
        if doc is not None:
            entry["shortDescription"] = {"text": doc.summary}
            entry["fullDescription"] = {"text": doc.why}
            entry["help"] = {"text": doc.fix, "markdown": _help_markdown(doc)}
            entry["properties"] = {"tags": _tags(rule_id),
                                   "security-severity": SECURITY_SEVERITY[doc.severity]}
            entry["defaultConfiguration"] = {"level": _LEVEL[doc.severity]}
            if doc.references:
                entry["helpUri"] = doc.references[0]
        rules.append(entry)
    index = {rule_id: i for i, rule_id in enumerate(used)}
    endpoints = {e.id: e for e in report.endpoints}
    results = []
    for finding in report.findings:
        result: dict[str, Any] = {
            "ruleId": finding.rule,
            "ruleIndex": index[finding.rule],
            "level": _LEVEL[finding.severity],
            "message": {"text": redact(finding.message)},
            "locations": [{"physicalLocation": {
                "artifactLocation": {"uri": finding.path, "uriBaseId": SRCROOT},
                "region": {"startLine": max(1, finding.line), **({"startColumn": finding.column} if finding.column else {})},
            }}],
            "partialFingerprints": {"flowscan/v1": finding.fingerprint},
        }
        if finding.suppression is not None:
            result["suppressions"] = [_suppression(finding.suppression)]
        endpoint = endpoints.get(finding.endpoint or "")
        if endpoint is not None and endpoint.trails:
            result["codeFlows"] = [{"threadFlows": [{"locations": [
                {"location": {
                    "physicalLocation": {"artifactLocation": {"uri": step.path, "uriBaseId": SRCROOT},
                                         "region": {"startLine": max(1, step.line)}},
                    "message": {"text": redact(step.detail)},
                }} for step in trail]}]} for trail in endpoint.trails[:5]]
            result["properties"] = {"endpoint": endpoint.id, "host": endpoint.host, "region": endpoint.placement.region,
                                    "jurisdiction": endpoint.placement.jurisdiction, "context": endpoint.context}
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "flowscan", "version": __version__, "informationUri": "https://github.com/flowscan/flowscan",
                                "rules": rules}},
            "originalUriBaseIds": {SRCROOT: _source_root(report)},
            "results": results,
            "properties": {"exemptEndpoints": sorted(
                ({"host": e.host, "reason": e.exempt, "context": e.context} for e in report.endpoints if e.exempt),
                key=lambda x: (x["host"] or "", x["context"]))},
            "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": [
                {"level": "warning", "message": {"text": f"could not parse {e.path}: {e.message}"},
                 "locations": [{"physicalLocation": {"artifactLocation": {"uri": e.path, "uriBaseId": SRCROOT}}}]}
                for e in report.coverage.parse_errors]}],
        }],
    }


def _source_root(report: Report) -> dict[str, Any]:
    """The base every uri is relative to: the repository root, as an absolute ``file:`` URI
    ending in ``/`` (SARIF 2.1.0 §3.14.14), so a viewer on this machine resolves each file."""
    from pathlib import Path

    entry: dict[str, Any] = {"description": {"text": "The repository root (the scan root outside a repository); "
                                                     "every uri is relative to it."}}
    root = Path(report.root).resolve()
    if root.is_dir():
        entry["uri"] = root.as_uri().rstrip("/") + "/"
    return entry


def _help_markdown(doc) -> str:
    references = "".join(f"\n- <{url}>" for url in doc.references)
    return (f"**{doc.summary}**\n\n**Why it matters.** {doc.why}\n\n**How to fix.** {doc.fix}"
            + (f"\n\n**References**{references}" if references else ""))


def _tags(rule_id: str) -> list[str]:
    return ["security", *_FAMILY_TAGS.get(rule_id.partition("/")[0], [])]


def _suppression(suppression: Suppression) -> dict[str, Any]:
    """An inline comment as a SARIF suppression (kind inSource), with owner and expiry as properties."""
    entry: dict[str, Any] = {
        "kind": "inSource", "status": "accepted", "justification": redact(suppression.reason),
        "location": {"physicalLocation": {"artifactLocation": {"uri": suppression.path, "uriBaseId": SRCROOT},
                                          "region": {"startLine": suppression.line}}},
    }
    properties = {k: v for k, v in (("owner", suppression.owner), ("until", suppression.until)) if v}
    if properties:
        entry["properties"] = properties
    return entry


def render_sarif(report: Report) -> str:
    return json.dumps(sarif_dict(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
