"""The process-pool path gives the same report as the serial one, and its workers' cache
entries serve the next scan."""

from __future__ import annotations

from pathlib import Path

import pytest

import flowscan.parallel as parallel
from flowscan.api import ScanOptions, scan
from flowscan.report.json_report import render_json

from .conftest import FIXTURES

APP = FIXTURES / "audit-blind-app"


def test_pool_and_serial_reports_are_identical(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_BYTES", 0)
    serial = scan(APP, ScanOptions(jobs=1, cache_dir=None))
    pooled = scan(APP, ScanOptions(jobs=2, cache_dir=tmp_path, reuse=False))
    assert serial.stats.workers == 1 and pooled.stats.workers == 2
    assert render_json(pooled.report) == render_json(serial.report)
    again = scan(APP, ScanOptions(jobs=2, cache_dir=tmp_path, reuse=False))
    assert again.stats.cache_misses == 0 and again.stats.cache_hits >= sum(pooled.stats.parsed.values())
    assert render_json(again.report) == render_json(serial.report)
