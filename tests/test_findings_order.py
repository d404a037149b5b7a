"""Findings come out in one order, and two findings that share a cause's fingerprint keep
fingerprints of their own: a baseline matches each once, so a second copy of a violation is new."""

from __future__ import annotations

from flowscan.checks.findings import sorted_findings
from flowscan.model import Finding


def _finding(path: str, line: int, fingerprint: str) -> Finding:
    return Finding("residency/region-not-allowed", "error", "api.openai.com is outside eu", path, line, None, fingerprint)


def test_repeated_fingerprints_are_numbered_in_report_order() -> None:
    findings = sorted_findings([_finding("b.py", 3, "f"), _finding("a.py", 9, "f"), _finding("a.py", 2, "f"),
                                _finding("a.py", 5, "g")])
    assert [(f.path, f.line, f.fingerprint) for f in findings] == [
        ("a.py", 2, "f"), ("a.py", 5, "g"), ("a.py", 9, "f-1"), ("b.py", 3, "f-2")]
