"""Values with alternatives: ``a or b`` and ``a if c else b`` give each side; a None value
is a hole that says where the None is."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan


def test_either_side_of_or_and_a_conditional_expression(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(textwrap.dedent('''\
        import os
        import requests

        DEBUG = os.environ.get("DEBUG")
        requests.get(os.environ.get("API_URL") or "https://fallback.example.com")
        requests.get("https://debug.example.com" if DEBUG else "https://live.example.com")
    '''))
    found: dict[int, list[str | None]] = {}
    for endpoint in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints:
        for location in endpoint.locations:
            found.setdefault(location.line, []).append(endpoint.url)
    assert sorted(found[5]) == ["https://fallback.example.com", "{env:API_URL}"]
    assert sorted(found[6]) == ["https://debug.example.com", "https://live.example.com"]


def test_an_unset_optional_part_says_where_the_none_comes_from(tmp_path: Path) -> None:
    (tmp_path / "docai.py").write_text(
        "import requests\n\n\n"
        "def endpoint(location=None):\n"
        "    return f'https://{location}-documentai.googleapis.com/v1'\n\n\n"
        "requests.get(endpoint())\n")
    (endpoint,) = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    assert endpoint.url == "https://{None}-documentai.googleapis.com/v1"
    assert [(s.path, s.line, s.detail) for s in endpoint.provenance] == [
        ("docai.py", 4, "None"), ("docai.py", 4, "return of endpoint()"), ("docai.py", 8, "requests.get(…)")]
