"""``--format text``: one line per finding, ``path:line:col: severity rule message``, the
format editors and CI log matchers read (column 1 when the column is not known). A
suppressed finding says so at the end of its line."""

from __future__ import annotations

from ..model import Report
from ..redact import redact


def render_text(report: Report) -> str:
    lines = []
    for finding in report.findings:
        line = (f"{finding.path}:{max(1, finding.line)}:{max(1, finding.column)}: {finding.severity} {finding.rule} "
                f"{redact(finding.message)}")
        if finding.suppression is not None:
            line += f" [suppressed: {finding.suppression.kind} at {finding.suppression.path}:{finding.suppression.line}]"
        lines.append(line)
    return "".join(line + "\n" for line in lines)
