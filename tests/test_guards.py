"""A test before a call rules a None side out: ``if not host: raise`` (or ``if host:``) means
the SDK's default for None never applies at the call (``flowscan.python.guards``)."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan

APP = '''\
import os

import psycopg2
from openai import OpenAI


def connect(host=None):
    if not host:
        host = os.getenv("PGHOST")
    if not host:
        raise ValueError("set PGHOST")
    return psycopg2.connect(host=host, dbname="app")


def client(base_url=None):
    if base_url is None:
        base_url = os.getenv("LLM_BASE_URL")
    return OpenAI(base_url=base_url)


def guarded(base_url=None):
    base_url = base_url or os.getenv("LLM_BASE_URL")
    if base_url is not None:
        return OpenAI(base_url=base_url)
    return None


def reassigned(host=None):
    if not host:
        raise ValueError("no host")
    host = os.getenv("OTHER_HOST")
    return psycopg2.connect(host=host)
'''


def _hosts_by_line(tmp_path: Path) -> dict[int, set]:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "db.py").write_text(APP)
    report = scan(tmp_path, ScanOptions(cache_dir=None)).report
    lines: dict[int, set] = {}
    for endpoint in report.endpoints:
        for location in endpoint.locations:
            lines.setdefault(location.line, set()).add(endpoint.host)
    return lines


def test_a_guard_before_the_call_drops_the_default_for_none(tmp_path: Path) -> None:
    lines = _hosts_by_line(tmp_path)
    assert "localhost" not in lines[12]  # raised when host is unset: psycopg2's default never applies
    assert lines[12] == {None}  # the env var's value, not set in any scanned config
    assert "api.openai.com" not in lines[24]  # inside `if base_url is not None:`
    assert "api.openai.com" in lines[18]  # an unset LLM_BASE_URL leaves None: the SDK's default
    assert "localhost" in lines[32]  # reassigned after the test: the test says nothing of the new value
