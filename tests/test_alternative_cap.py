"""Over the cap of alternatives a value keeps, a destination the code spells out is never cut for
yet another unknown one: ``a or b or … or "https://fallback…"`` keeps the fallback however many
unknown values come before it, and still says the value may be unknown."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan


def test_a_spelled_out_fallback_survives_many_unknowns(tmp_path: Path) -> None:
    reads = " or ".join(f'os.getenv("URL_{i}")' for i in range(24))
    (tmp_path / "app.py").write_text(textwrap.dedent(f'''\
        import os
        import requests
        requests.get({reads} or "https://fallback.example.com/v1")
    '''))
    endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    hosts = {e.host for e in endpoints}
    assert "fallback.example.com" in hosts
    assert None in hosts  # the env values stay reported as unknown
