"""``--strict``: configuration a residency decision depends on that flowscan could not read
fails the gate.

Without it, a Terraform, Bicep, CloudFormation, Kubernetes, compose, Helm, Dockerfile, ``.env``
or settings file that does not parse is a ``scan/parse-error`` warning (``--fail-on warning``
catches it). With it, that finding takes the rule's ``strict`` variant (an error), and so does
such a file left unread for its size or because it could not be read: the gate cannot pass on
an inventory with a hole where the deployment is described. Python files keep their warning.
"""

from __future__ import annotations

from pathlib import Path

from .checks.coverage import PARSE_ERROR
from .checks.fingerprint import fingerprint
from .discover import classify
from .model import Finding, Location, Report

STRICT_VARIANT = "strict"
CONFIG_KINDS = frozenset({"terraform", "bicep", "json", "yaml", "helm-template", "dotenv", "dockerfile", "toml"})


def _unread(reason: str) -> bool:
    """A skip that leaves a hole: unreadable, too large, over the per-file budget (limits.py,
    budget.py, discover.py). Exclusions, git's ignores, tool folders and files of no kind
    flowscan reads (a YAML file that is no manifest) are not holes."""
    return reason.startswith(("cannot read", "larger than")) or reason.endswith("not read")


def is_config(path: str) -> bool:
    return classify(path) in CONFIG_KINDS


def apply_strict(report: Report) -> int:
    """Raise unparsed or unread configuration to the strict severity; returns how many findings
    that makes. Reading the severity from the rule's data keeps ``rules show`` truthful."""
    from .rules_index import rule_docs

    severity = rule_docs()[PARSE_ERROR].variants[STRICT_VARIANT]
    count = 0
    reported = set()
    for finding in report.findings:
        if finding.rule == PARSE_ERROR and is_config(finding.path):
            finding.severity = severity
            reported.add(finding.path)
            count += 1
    added = []
    for error in report.coverage.parse_errors:  # the rule may be off in the policy: strict still holds
        if error.path not in reported and is_config(error.path):
            reported.add(error.path)
            added.append(_finding(report, severity, f"could not parse {error.path}: {error.message}",
                                  error.path, error.line, ""))
    for skipped in report.coverage.files_skipped:
        if skipped.path not in reported and is_config(skipped.path) and _unread(skipped.reason):
            added.append(_finding(report, severity, f"did not read {skipped.path}: {skipped.reason}",
                                  skipped.path, 0, skipped.reason))
    if added:
        from .checks.findings import sorted_findings

        report.findings = sorted_findings(report.findings + added)
    return count + len(added)


def _finding(report: Report, severity: str, message: str, path: str, line: int, key: str) -> Finding:
    text = _line_text(Path(report.root) / path, line)
    return Finding(PARSE_ERROR, severity, message, path, line, None,
                   fingerprint(PARSE_ERROR, Location(path, line), text, key))


def _line_text(file: Path, line: int) -> str:
    if line < 1:
        return ""
    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return ""
    return lines[line - 1] if line <= len(lines) else ""
