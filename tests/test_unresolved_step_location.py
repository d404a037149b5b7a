"""A value the analysis cannot find, or a list it does not read as text, is cited where it is
written: the ``not resolved`` step of a value found in another module names that module's
``path:line``, not the same line number in the module that reads it."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan

SETTINGS = '''\
"""Service endpoints, fetched from the discovery service."""

import json
from pathlib import Path


def endpoint(name: str) -> str:
    cache = Path("/var/cache/app/endpoints.json")
    return json.loads(cache.read_text())[name]["url"]
'''

CLIENT = '''\
import requests

from app.settings import endpoint


def search(query: str, kind: str):
    return requests.get(endpoint(kind), params={"q": query})
'''


def test_an_unresolved_value_from_another_module_cites_that_module(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "settings.py").write_text(SETTINGS)
    (tmp_path / "app" / "client.py").write_text(CLIENT)
    endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    steps = {(s.path, s.line) for e in endpoints for s in e.provenance if s.detail.startswith("not resolved")}
    assert steps, [e.url for e in endpoints]
    assert all(path == "app/settings.py" and line == 9 for path, line in steps), steps


def test_a_list_from_another_module_is_cited_where_it_is_written(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "settings.py").write_text('"""Mirrors."""\n\n\nMIRRORS = [\n    "https://eu.mirror.example.com",\n    "https://us.mirror.example.com",\n]\n')
    (tmp_path / "app" / "client.py").write_text('import requests\n\nfrom app.settings import MIRRORS\n\nrequests.get(f"{MIRRORS}/status")\n')
    endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    steps = {(s.path, s.line) for e in endpoints for s in e.provenance if s.detail.startswith("not resolved")}
    assert steps == {("app/settings.py", 4)}, steps
