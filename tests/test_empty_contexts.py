"""A deployment context that sets no env var (a ``.env.template`` whose lines are all comments)
is listed but not resolved: an endpoint of a context is one whose value passes through the
context's config lines, and it has none, so a second resolution of the code could only find
endpoints that are then dropped."""

from __future__ import annotations

from pathlib import Path

import pytest

import flowscan.python.flows as flows
from flowscan.api import ScanOptions, scan

APP = (
    "import os\n"
    "import requests\n"
    "\n"
    "def ping():\n"
    "    return requests.get(os.environ.get('API_URL', 'https://api.example.com/v1/ping'))\n"
)
COMMENTED = "# API_URL=https://eu.example.com/v1/ping\n# LOG_LEVEL=debug\n"


def _scan(tmp_path: Path, env_text: str | None, monkeypatch: pytest.MonkeyPatch) -> tuple[object, int]:
    """The report of the app with ``deploy/.env.template`` holding ``env_text`` (None: no such
    file), and how many times the Python call sites were resolved (once per context resolved)."""
    tree = tmp_path / ("none" if env_text is None else str(abs(hash(env_text))))
    (tree / "deploy").mkdir(parents=True)
    (tree / "app.py").write_text(APP)
    if env_text is not None:
        (tree / "deploy" / ".env.template").write_text(env_text)
    runs = []
    real = flows.find_hits

    def counted(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(flows, "find_hits", counted)
    report = scan(tree, ScanOptions(cache_dir=None, jobs=1)).report
    monkeypatch.setattr(flows, "find_hits", real)
    return report, len(runs)


def _inventory(report) -> list[tuple]:
    return sorted((e.host, e.context, e.placement.region) for e in report.endpoints)


def test_a_context_of_comments_is_listed_but_not_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report, runs = _scan(tmp_path, COMMENTED, monkeypatch)
    assert report.contexts == ["default", "dotenv:deploy/.env.template"]
    assert runs == 1  # the default context only
    without, _ = _scan(tmp_path, None, monkeypatch)
    assert _inventory(report) == _inventory(without) == [("api.example.com", "default", None)]
    assert not [n for n in report.coverage.notes if ".env.template" in n]


def test_a_context_that_sets_a_var_is_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    report, runs = _scan(tmp_path, "API_URL=https://eu.example.com/v1/ping\n", monkeypatch)
    assert runs == 2
    assert ("eu.example.com", "dotenv:deploy/.env.template", None) in _inventory(report)
