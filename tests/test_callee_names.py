"""The callee names kept beside a file's cached facts (``FactCache.callee_names``): the hook's
caller queries skip loading a file that mentions a function's name without calling it."""

from __future__ import annotations

from pathlib import Path

from flowscan.cache import CALLEES, FactCache
from tests.test_scoped_hook import APP, _replace, _scoped_after_edits, _write

# a module that names the wrapper ``post`` without calling it: the caller query's candidate
REGISTRY = {"app/registry.py": 'import app.http\n\n# app.http.post sends the payloads\nHANDLERS = ["post"]\n'}


def test_a_file_naming_a_function_it_does_not_call_changes_no_finding(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _write(root, {**APP, **REGISTRY})
    edit = _replace("app/jobs.py", "api.groq.com", "api.fireworks.ai")
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [edit])  # the same findings as a full scan
    assert hook.stats.scoped is not None
    assert "api.fireworks.ai" in {e.host for e in hook.report.endpoints}


def test_a_new_call_in_a_file_that_named_the_function_is_found(tmp_path: Path) -> None:
    """The names are keyed by the file's bytes: once it calls the function, its facts load."""
    root = tmp_path / "tree"
    _write(root, {**APP, **REGISTRY})
    edits = [_replace("app/jobs.py", "api.groq.com", "api.fireworks.ai"),
             _replace("app/registry.py", 'HANDLERS = ["post"]\n',
                      'HANDLERS = ["post"]\napp.http.post("https://api.example-us.com/v1", {})\n')]
    hooks = _scoped_after_edits(root, tmp_path / "cache", edits)
    assert hooks[-1].program is not None and "app/registry.py" in hooks[-1].program.loaded
    assert "api.example-us.com" in {e.host for e in hooks[-1].report.endpoints}


def test_stored_names_are_read_back_only_for_their_file(tmp_path: Path) -> None:
    cache = FactCache(tmp_path)
    data = b"post(1)\n"
    assert cache.callee_names("a.py", data) is None
    cache.store_callee_names("a.py", data, frozenset({"post", "get"}))
    assert cache.callee_names("a.py", data) == frozenset({"post", "get"})
    assert cache.callee_names("a.py", data + b"x()\n") is None  # other bytes: another entry
    key = cache.key("a.py", data)
    entry = cache.directory / key[:2] / (key + CALLEES)
    entry.write_text('["b.py", "post"]')  # names of another file: not trusted
    assert cache.callee_names("a.py", data) is None
    entry.write_text("not json")
    assert cache.callee_names("a.py", data) is None
    assert FactCache(None).callee_names("a.py", data) is None
