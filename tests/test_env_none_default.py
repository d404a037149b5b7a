"""``os.getenv(K, None)`` / ``os.environ.get(K, None)``: with K unset the value is None, as for
``os.getenv(K)``, so an SDK given it uses its own default host; the env var is reported beside it."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan


@pytest.mark.parametrize("read", ['os.environ.get("OPENAI_API_BASE", None)', 'os.getenv("OPENAI_API_BASE", default=None)',
                                  'os.environ.get("OPENAI_API_BASE")'])
def test_an_explicit_none_default_leaves_the_sdk_its_own_host(tmp_path: Path, read: str) -> None:
    (tmp_path / "chat.py").write_text(f"""\
import os

import openai


def complete(messages):
    client = openai.OpenAI(api_key=os.environ.get("OPENAI_API_KEY", None), base_url={read})
    return client.chat.completions.create(messages=messages, model="gpt-4o")
""")
    endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    assert {(e.host, tuple(e.unresolved)) for e in endpoints} == {("api.openai.com", ()), (None, ("env:OPENAI_API_BASE",))}
    sdk = next(e for e in endpoints if e.host == "api.openai.com")
    assert sdk.reach == "default"
    assert any("env OPENAI_API_BASE unset: None" in s.detail for s in sdk.provenance)


def test_a_none_default_beside_a_value_keeps_both(tmp_path: Path) -> None:
    (tmp_path / "search.py").write_text("""\
import os

import requests

URL = os.getenv("SEARCH_URL", os.getenv("LEGACY_SEARCH_URL", None))
requests.get(URL or "https://search.example-vendor.com/v1")
""")
    hosts = {e.host for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}
    assert hosts == {"search.example-vendor.com", None}
