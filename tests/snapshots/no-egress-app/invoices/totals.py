"""Invoice totals from a local CSV export; nothing leaves the machine."""
import csv
from decimal import Decimal
from pathlib import Path


def totals(export: Path) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    with export.open(newline="") as handle:
        for row in csv.DictReader(handle):
            out[row["customer"]] = out.get(row["customer"], Decimal(0)) + Decimal(row["amount"])
    return out
