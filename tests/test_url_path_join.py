"""``os.path.join`` used to build a URL from a known base URL and parts known only at run time:
the host is the base URL's, the unknown parts stay holes."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint


def _scan(root: Path, code: str) -> list[Endpoint]:
    (root / "app.py").write_text(code)
    return scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def test_a_known_base_url_with_unknown_parts(tmp_path: Path) -> None:
    code = """\
import os
import requests

BASE = "https://files.example-mirror.org/"

def fetch(repo: str, name: str) -> bytes:
    return requests.get(os.path.join(BASE, repo, name)).content
"""
    (endpoint,) = _scan(tmp_path, code)
    assert endpoint.host == "files.example-mirror.org"
    assert endpoint.url.startswith("https://files.example-mirror.org/{"), endpoint.url
    assert "/{parameter name of fetch()}" in endpoint.url, endpoint.url


def test_a_separator_is_added_after_a_base_without_slash(tmp_path: Path) -> None:
    code = "import os, requests, sys\nrequests.get(os.path.join('https://api.example-data.org/v2', sys.argv[1]))\n"
    (endpoint,) = _scan(tmp_path, code)
    assert endpoint.host == "api.example-data.org"
    assert endpoint.url.startswith("https://api.example-data.org/v2/{"), endpoint.url


def test_an_unknown_base_is_still_unknown(tmp_path: Path) -> None:
    code = "import os, requests, sys\nrequests.get(os.path.join(sys.argv[1], 'index.json'))\n"
    (endpoint,) = _scan(tmp_path, code)
    assert endpoint.host is None


def test_a_known_absolute_part_replaces_the_base(tmp_path: Path) -> None:
    code = "import os, requests, sys\nrequests.get(os.path.join('https://api.example-data.org', sys.argv[1], '/etc/x'))\n"
    endpoints = _scan(tmp_path, code)
    assert all(e.host != "api.example-data.org" for e in endpoints), [e.url for e in endpoints]
