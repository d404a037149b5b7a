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


def test_the_fact_cache_version_covers_all_code_the_extractor_runs() -> None:
    """Cached facts are reused only while the code that made them is unchanged: every flowscan
    module that importing the Python extractor loads must be in the hashed set (a redaction
    change left out would serve facts redacted the old way)."""
    import subprocess
    import sys

    from flowscan.cache import fact_code_files

    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, flowscan.python.extract, flowscan.python.extract_cst, flowscan.cache; "
                               "print('\\n'.join(m.__file__ for n, m in sys.modules.items() "
                               "if n.startswith('flowscan.') and getattr(m, '__file__', None)))"],
        capture_output=True, text=True, check=True).stdout.split()
    hashed = {path.resolve() for path in fact_code_files()}
    missing = [path for path in loaded if Path(path).resolve() not in hashed and not path.endswith("__init__.py")]
    assert missing == []
