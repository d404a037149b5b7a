"""Destinations whose host is not known are one row per origin of the value, with one finding."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from flowscan.api import ScanOptions, scan

CODE = """\
    import requests


    def fetch(url):
        return requests.get(url, timeout=10)


    def fetch_json(url):
        return requests.get(url, timeout=10).json()


    def crawl(urls):
        return [fetch(u) for u in urls] + [fetch_json(u) for u in urls]


    def head(url):
        return requests.head(url)
"""


def test_unknown_hosts_group_by_origin_with_one_finding_each(tmp_path: Path) -> None:
    (tmp_path / "tools.py").write_text(dedent(CODE))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    rows = {tuple(e.unresolved[:1]): [(loc.path, loc.line) for loc in e.locations] for e in report.endpoints}
    assert all(host is None for host in [e.host for e in report.endpoints])
    # fetch(url) and head(url) are two origins; each parameter's call sites are one row
    assert len(rows) == len(report.endpoints) == len({e.id for e in report.endpoints})
    unknown = [f for f in report.findings if f.rule == "residency/region-unknown"]
    assert len(unknown) == len(report.endpoints)  # one finding per row, not per call site
    multi = [e for e in report.endpoints if len(e.locations) > 1]
    for endpoint in multi:
        finding = next(f for f in unknown if f.endpoint == endpoint.id)
        assert "also called at" in finding.message
