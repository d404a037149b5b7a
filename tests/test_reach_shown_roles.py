"""Showing more code roles does not change the reach of production calls: a test importing or
calling a production module is not how the shipped program runs it (``Program.runs``)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan

_SERVER = '''\
    import os


    def create_app():
        if os.getenv("RERANK_BINDING", "null") != "null":
            from ragkit.rerank import cohere_rerank

            return cohere_rerank
        return None
'''

_RERANK = '''\
    import requests


    def generic_rerank(url, query):
        return requests.post(url, json={"query": query})


    def cohere_rerank(query):
        return generic_rerank("https://api.cohere.com/v2/rerank", query)
'''

_TEST = '''\
    from ragkit.rerank import cohere_rerank, generic_rerank


    def test_cohere_rerank(monkeypatch):
        monkeypatch.setattr("requests.post", lambda *a, **k: None)
        assert cohere_rerank("q") is None
        assert generic_rerank("https://api.cohere.com/v2/rerank", "q") is None
'''


def _reach(tmp_path: Path, include: tuple[str, ...]) -> dict[str | None, tuple[str, str]]:
    files = {"ragkit/__init__.py": "", "ragkit/server.py": _SERVER, "ragkit/rerank.py": _RERANK,
             "tests/test_rerank.py": _TEST}
    for name, source in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(source))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None, include=include)).report
    return {(e.host, loc.path): (e.reach, ", ".join(sorted({s.setting for s in e.switches})))
            for e in report.endpoints for loc in e.locations}


@pytest.mark.parametrize("include", [(), ("all",), ("test",)])
def test_a_module_only_a_test_imports_unconditionally_stays_opt_in(tmp_path: Path, include: tuple[str, ...]) -> None:
    found = _reach(tmp_path, include)
    assert found[("api.cohere.com", "ragkit/rerank.py")] == ("opt-in", "env:RERANK_BINDING")
