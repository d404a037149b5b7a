"""Inline suppressions: ``flowscan: ignore[rule] reason`` and the accountable
``flowscan: allow[rule] reason="..." owner=team until=YYYY-MM-DD``.

A directive sits in a comment (``#`` in Python, YAML, HCL, .env and Dockerfiles; ``//`` in
HCL too) on the finding's line or the line above; for a finding about an endpoint, a
directive on a line of the endpoint's provenance (the ``.env`` line that sets its URL)
covers it as well. A suppressed finding stays in the report and its counts, marked with
its :class:`~flowscan.model.Suppression`; it no longer fails the gate.

Fail closed: an ``allow`` without a reason or an owner, or with an unreadable ``until``,
suppresses nothing and is itself a ``policy/invalid-allowance`` finding; an ``allow`` past
its ``until`` date suppresses nothing and is a ``policy/expired-allowance`` finding.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING

from .model import Finding, Location, Suppression

if TYPE_CHECKING:
    from .checks.base import LineText
    from .model import Report
    from .policy import Policy
    from .repopaths import PathBase

INVALID = "policy/invalid-allowance"
EXPIRED = "policy/expired-allowance"
RULES = (INVALID, EXPIRED)  # reported by this pass over the findings, not by a check

DIRECTIVE = re.compile(r"(?:#|//)\s*flowscan:\s*(ignore|allow)\[([^\]]*)\]\s*(.*)$")
_FIELD = re.compile(r'(\w+)=(?:"([^"]*)"|(\S+))')


@dataclass(frozen=True)
class Directive:
    suppression: Suppression
    rules: frozenset[str]
    problem: str = ""  # why an allow is invalid; empty when it is usable
    expired: bool = False

    @property
    def usable(self) -> bool:
        return not self.problem and not self.expired


def today(explicit: date | None = None) -> date:
    """The date allowances are checked against: ``explicit``, else ``SOURCE_DATE_EPOCH``
    (reproducible runs and tests), else today in UTC."""
    if explicit is not None:
        return explicit
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc).date()
    return datetime.now(tz=timezone.utc).date()


def parse_line(path: str, line: int, text: str, on: date) -> Directive | None:
    """The directive in one source line, or None."""
    match = DIRECTIVE.search(text)
    if match is None:
        return None
    kind, rule_list, rest = match.group(1), match.group(2), match.group(3).strip()
    rules = frozenset(r.strip() for r in rule_list.split(",") if r.strip())
    if kind == "ignore":
        return Directive(Suppression("ignore", path, line, rest), rules, "" if rules else "names no rule")
    fields = {m.group(1): m.group(2) if m.group(2) is not None else m.group(3) for m in _FIELD.finditer(rest)}
    reason, owner, until = (fields.get(k, "").strip() for k in ("reason", "owner", "until"))
    suppression = Suppression("allow", path, line, reason, owner, until)
    missing = [name for name, value in (("a rule", rules), ("reason=", reason), ("owner=", owner)) if not value]
    if missing:
        return Directive(suppression, rules, f"allow without {' and '.join(missing)}")
    if until:
        try:
            expires = date.fromisoformat(until)
        except ValueError:
            return Directive(suppression, rules, f"until={until} is not a date (YYYY-MM-DD)")
        if expires < on:
            return Directive(suppression, rules, expired=True)
    return Directive(suppression, rules)


def find_directives(sources: dict[str, bytes], on: date) -> dict[tuple[str, int], Directive]:
    """Every directive in the scanned files, by (path, line). Only files mentioning
    ``flowscan:`` are split into lines."""
    found: dict[tuple[str, int], Directive] = {}
    for path, data in sources.items():
        if b"flowscan:" not in data:
            continue
        for number, text in enumerate(data.decode("utf-8", "replace").splitlines(), start=1):
            if "flowscan:" in text:
                directive = parse_line(path, number, text, on)
                if directive is not None:
                    found[(path, number)] = directive
    return found


def apply_suppressions(report: Report, sources: dict[str, bytes], policy: Policy, line_text: LineText,
                       on: date, paths: PathBase | None = None) -> None:
    """Mark the findings a usable directive covers; report invalid and expired allowances."""
    from .checks.base import Findings
    from .checks.findings import sorted_findings
    from .rules_index import rule_severities

    directives = find_directives(sources, on)
    if not directives:
        return
    endpoints = {e.id: e for e in report.endpoints}
    for finding in report.findings:
        places = [(finding.path, finding.line)]
        endpoint = endpoints.get(finding.endpoint or "")
        if endpoint is not None:
            places += [(step.path, step.line) for step in endpoint.provenance]
        finding.suppression = _covering(finding.rule, places, directives)
    out = Findings(rule_severities(), policy.severities, line_text, paths)
    for (path, line), directive in sorted(directives.items()):
        names = ", ".join(sorted(directive.rules))
        if directive.problem:
            out.add(INVALID, f"flowscan: {directive.suppression.kind}[{names}] suppresses nothing: {directive.problem}",
                    Location(path, line), key=names)
        elif directive.expired:
            s = directive.suppression
            out.add(EXPIRED, f"the allowance for {names} (owner {s.owner}: {s.reason}) expired on {s.until}; "
                             f"its findings are reported again", Location(path, line), key=names)
    if out.found:
        report.findings = sorted_findings(report.findings + out.found)


def _covering(rule: str, places: list[tuple[str, int]], directives: dict[tuple[str, int], Directive]
              ) -> Suppression | None:
    for path, line in places:
        for at in (line, line - 1):
            directive = directives.get((path, at))
            if directive is not None and directive.usable and rule in directive.rules:
                return directive.suppression
    return None


def gate_findings(findings: list[Finding]) -> list[Finding]:
    """The findings that can fail the gate: those no directive suppresses."""
    return [f for f in findings if f.suppression is None]
