"""Findings after the checks: the source lines they quote, and one stable order with
unique fingerprints."""

from __future__ import annotations

from ..model import Finding


class LineCache:
    """Source lines for fingerprints and messages; remembers each line it gave out (the
    result cache checks those lines are unchanged before reusing a report)."""

    def __init__(self, sources: dict[str, bytes]):
        self.sources = sources
        self.cache: dict[str, list[str]] = {}
        self.read: dict[str, dict[int, str]] = {}

    def text(self, path: str, line: int) -> str:
        if path not in self.cache:
            data = self.sources.get(path, b"")
            self.cache[path] = data.decode("utf-8", "replace").splitlines()
        lines = self.cache[path]
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        self.read.setdefault(path, {})[line] = text
        return text


def sorted_findings(findings: list[Finding]) -> list[Finding]:
    findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule, f.message))
    seen: dict[str, int] = {}
    for finding in findings:
        n = seen.get(finding.fingerprint, 0)
        seen[finding.fingerprint] = n + 1
        if n:
            finding.fingerprint = f"{finding.fingerprint}-{n}"
    return findings
