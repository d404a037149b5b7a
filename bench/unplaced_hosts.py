"""Endpoints with a known host but no region, grouped by provider and host, with counts.

    python bench/score_labels.py bench/labels/APP.yaml --save-report /tmp/reports/APP.json   # per app
    python bench/unplaced_hosts.py /tmp/reports/*.json bench/inventory/*.json

Reads flowscan JSON reports (``endpoints``) and inventory summaries (``inventory`` lines
``host|region|context|provider|country|jurisdiction|region_source``, see bench/README.md).
An endpoint counts when its host is known (not ``?``/null) and its region is not. Hosts with a
``{…}`` part (a region, account or resource the analysis did not read) are listed apart from
fully literal ones: the first need the value followed, the second need the catalog.
Each row: count of endpoints (one per context), provider, host, and the sources it came from.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

_Row = tuple[str, str]  # (provider, host)


def _unplaced(path: Path) -> list[_Row]:
    """(provider, host) of each endpoint in the file with a known host and an unknown region."""
    data = json.loads(path.read_text())
    if "endpoints" in data and isinstance(data["endpoints"], list):
        return [(e.get("provider") or "-", e["host"]) for e in data["endpoints"]
                if e.get("host") and not e.get("region")]
    rows = []
    for line in data.get("inventory", []):
        host, region, _context, provider, *_ = line.split("|")
        if host not in ("?", "") and region in ("-", ""):
            rows.append((provider, host))
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", type=Path, nargs="+", help="JSON reports and/or inventory summaries")
    args = parser.parse_args()
    count: dict[_Row, int] = defaultdict(int)
    seen_in: dict[_Row, set[str]] = defaultdict(set)
    for path in args.files:
        for row in _unplaced(path):
            count[row] += 1
            seen_in[row].add(path.stem)
    for title, pattern in (("literal hosts", False), ("hosts with a part not known statically", True)):
        rows = sorted((row for row in count if ("{" in row[1]) == pattern), key=lambda r: (-count[r], r))
        print(f"## {title}: {len(rows)} hosts, {sum(count[r] for r in rows)} endpoints")
        for provider, host in rows:
            print(f"{count[provider, host]:4}  {provider:14} {host}  ({', '.join(sorted(seen_in[provider, host]))})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
