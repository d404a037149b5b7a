"""The line every console report ends with (``12 endpoints, 3 errors, 2 warnings``), and its
colour; without rich, so a hook run with nothing to show prints it without loading rich."""

from __future__ import annotations

from ..model import Report
from .json_report import summary_counts


def summary_line(report: Report) -> tuple[str, str]:
    """The summary text and its rich style (red for an unsuppressed error, yellow for a warning)."""
    counts = summary_counts(report)
    parts = [f"{counts['endpoints']} endpoints", f"{counts['errors']} errors", f"{counts['warnings']} warnings"]
    if counts["notes"]:
        parts.append(f"{counts['notes']} notes")
    if counts["suppressed"]:
        parts.append(f"{counts['suppressed']} of them suppressed inline")
    live = [f.severity for f in report.findings if f.suppression is None]
    style = "bold red" if "error" in live else ("yellow" if "warning" in live else "green")
    return ", ".join(parts), style
