from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.cache import FactCache
from flowscan.python.extract import extract_python
from flowscan.report.json_report import render_json

from .conftest import FIXTURES


def test_cached_scan_gives_the_identical_report(tmp_path: Path) -> None:
    options = ScanOptions(jobs=1, cache_dir=tmp_path)
    cold = render_json(scan(FIXTURES / "python-eu-app", options).report)
    warm = render_json(scan(FIXTURES / "python-eu-app", options).report)
    uncached = render_json(scan(FIXTURES / "python-eu-app", ScanOptions(jobs=1, cache_dir=None)).report)
    assert cold == warm == uncached
    assert any(tmp_path.rglob("*")), "the cache wrote nothing"


def test_cache_misses_on_changed_bytes(tmp_path: Path) -> None:
    cache = FactCache(tmp_path)
    first = cache.get_or_make("a.py", b"X = 'https://a.example.com'\n", extract_python)
    again = cache.get_or_make("a.py", b"X = 'https://a.example.com'\n", extract_python)
    changed = cache.get_or_make("a.py", b"X = 'https://b.example.com'\n", extract_python)
    assert cache.hits == 1 and cache.misses == 2
    assert again.scope.assigns["X"][0].value == first.scope.assigns["X"][0].value
    assert changed.scope.assigns["X"][0].value.text == "https://b.example.com"
