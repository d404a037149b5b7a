"""``try: import sdk`` / ``except ImportError: sdk = None``: an optional dependency. The name
holds the module where it is installed, so calls through it are sinks; None is the other side."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint


def _scan(root: Path, code: str) -> list[Endpoint]:
    (root / "app.py").write_text(code)
    return scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def test_a_module_set_to_none_when_missing_is_still_the_module(tmp_path: Path) -> None:
    code = """\
try:
    import openreview
except ImportError:
    openreview = None


class Helper:
    def __init__(self):
        self.client = openreview.api.OpenReviewClient(baseurl="https://api2.openreview.net")
"""
    assert [e.host for e in _scan(tmp_path, code)] == ["api2.openreview.net"]


def test_a_from_import_set_to_none_when_missing(tmp_path: Path) -> None:
    code = """\
try:
    from openai import OpenAI
except ImportError:
    OpenAI = None

client = OpenAI(base_url="https://llm-gateway.example-corp.com/v1")
"""
    assert "llm-gateway.example-corp.com" in {e.host for e in _scan(tmp_path, code)}


def test_a_name_rebound_to_a_value_is_that_value(tmp_path: Path) -> None:
    """Only a None fallback keeps the import: a name bound to something else is that thing."""
    code = """\
import requests

requests = object()
requests.get("https://status.example-vendor.com/health")
"""
    assert "status.example-vendor.com" not in {e.host for e in _scan(tmp_path, code)}
