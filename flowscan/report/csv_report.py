"""The sub-processor inventory as CSV: one row per provider, for spreadsheets and vendor lists."""

from __future__ import annotations

import csv
import io

from ..redact import redact
from .evidence import Evidence

COLUMNS = ("provider", "purpose", "hosts", "regions", "countries", "jurisdictions", "region_basis",
           "outside_policy", "contexts", "called_from")


def render_csv(evidence: Evidence) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in evidence.sub_processors:
        writer.writerow([redact(value) for value in (
            row.name, row.purpose, " ".join(row.hosts), " ".join(row.regions), " ".join(row.countries),
            " ".join(row.jurisdictions), "; ".join(row.basis), "yes" if row.outside_policy else "no",
            " ".join(row.contexts), " ".join(str(location) for location in row.locations),
        )])
    return buffer.getvalue()
