"""The resolver's limits: shared sub-values are evaluated once (so a deep but shared chain
fits the budget), a call over budget says so where it stopped and so does every later call
that reuses the too-costly value, and recursion ends in a labelled hole."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.model import Report
from flowscan.python import resolve


def _scan(root: Path, code: str) -> Report:
    root.mkdir()
    (root / "a.py").write_text(code)
    return scan(root, ScanOptions(jobs=1, cache_dir=None)).report


def test_a_shared_chain_is_evaluated_once_per_value(tmp_path: Path) -> None:
    """Each level reads the one before twice: 2**14 evaluations without the memo, far over
    the budget; fourteen with it."""
    lines = ["import requests", "FLAG = True", 'A0 = "https://memo.example.com"']
    lines += [f"A{i} = A{i - 1} if FLAG else A{i - 1}" for i in range(1, 15)]
    report = _scan(tmp_path / "t", "\n".join([*lines, "requests.get(A14)"]) + "\n")
    assert [(e.host, e.unresolved) for e in report.endpoints] == [("memo.example.com", [])]
    assert report.coverage.notes == []


def _chain(calls: list[str]) -> str:
    lines = ["import requests", 'A0 = "https://costly.example.com"']
    lines += [f'A{i} = A{i - 1} + ""' for i in range(1, 30)]
    return "\n".join([*lines, *calls]) + "\n"


def test_a_call_over_budget_is_a_labelled_hole_where_it_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolve, "STEP_BUDGET", 40)
    report = _scan(tmp_path / "t", _chain(["requests.get(A29)"]))
    (endpoint,) = report.endpoints
    assert endpoint.host is None and endpoint.unresolved == ["analysis budget exceeded"]
    first = endpoint.provenance[0]
    assert (first.line, first.detail) == (13, "not resolved: analysis budget exceeded")  # A11's line
    assert endpoint.provenance[1].detail == 'A11 = A10 + ""'
    assert report.coverage.notes == [
        "a.py:32: resolving this call hit the evaluation budget (40 steps) in context default; "
        "parts of its value are reported as unresolved"]


def test_reusing_a_too_costly_value_is_a_budget_hit_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resolve, "STEP_BUDGET", 40)
    report = _scan(tmp_path / "t", _chain(["requests.get(A29)", "requests.post(A29)"]))
    assert [note.split(":")[1] for note in report.coverage.notes] == ["32", "33"]
    assert all(e.unresolved == ["analysis budget exceeded"] for e in report.endpoints)


def test_recursion_ends_in_a_labelled_hole(tmp_path: Path) -> None:
    code = ('import requests\nURL = URL + "/x"\nrequests.get(URL)\n'
            "def f(u):\n    return f(u)\nrequests.get(f('https://a.example.com'))\n")
    by_line = {loc.line: e for e in _scan(tmp_path / "t", code).endpoints for loc in e.locations}
    assert by_line[3].url == "{recursive or too deep}/x"
    assert [(s.line, s.detail) for s in by_line[3].provenance][:2] == [
        (2, "not resolved: recursive or too deep"), (2, 'URL = URL + "/x"')]
    assert by_line[6].url == "{f() is called too deep to follow}"


def test_a_memoised_value_that_read_an_env_var_is_evaluated_again_per_context(tmp_path: Path) -> None:
    """Values are shared between contexts only when no env var went into them; a call that
    reuses an env-dependent value (the second requests call) still counts as reading it."""
    root = tmp_path / "t"
    root.mkdir()
    (root / "a.py").write_text(
        'import os\nimport requests\nBASE = os.getenv("API_BASE", "https://default.example.com")\n'
        'URL = BASE + "/v1"\nrequests.get(URL)\nrequests.post(URL)\n'
        'FIXED = "https://fixed.example.com"\nrequests.put(FIXED)\n')
    (root / "compose.yaml").write_text(
        "services:\n  web:\n    image: web\n    environment:\n      API_BASE: https://ctx.example.com\n")
    endpoints = scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    placed = sorted((e.context, e.host, tuple(loc.line for loc in e.locations)) for e in endpoints)
    assert placed == [("compose:web", "ctx.example.com", (5, 6)),
                      ("default", "default.example.com", (5, 6)), ("default", "fixed.example.com", (8,))]


def test_a_method_does_not_see_names_of_its_class_body(tmp_path: Path) -> None:
    code = ('import requests\nURL = "https://module.example.com"\n\nclass C:\n'
            '    URL = "https://classbody.example.com"\n\n    def send(self):\n        return requests.get(URL)\n\n'
            'C().send()\n')
    assert [e.host for e in _scan(tmp_path / "t", code).endpoints] == ["module.example.com"]


def test_what_the_code_spells_out_survives_the_budget(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Over the budget, literals and the f-string / ``or`` shapes around them are still read
    (they cost no lookup): the host keeps its written parts and an ``or "default"`` its default."""
    monkeypatch.setattr(resolve, "STEP_BUDGET", 40)
    code = _chain([]) + ('region = A29 or "eastus"\n'
                         'requests.post(f"https://{A29}.api.cognitive.microsoft.com/stt")\n'
                         'requests.post(A29 or "https://eastus.api.cognitive.microsoft.com")\n')
    by_line = {}
    for endpoint in _scan(tmp_path / "t", code).endpoints:
        for location in endpoint.locations:
            by_line.setdefault(location.line, []).append(endpoint.host)
    assert by_line[33] == ["{analysis budget exceeded}.api.cognitive.microsoft.com"]
    assert "eastus.api.cognitive.microsoft.com" in by_line[34]
