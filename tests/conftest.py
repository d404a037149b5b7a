from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Tests never write to the user's cache; each session gets its own.
os.environ["FLOWSCAN_CACHE_DIR"] = tempfile.mkdtemp(prefix="flowscan-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def catalog():
    from flowscan.catalog import bundled_catalog

    return bundled_catalog()


def endpoints_by_line(root: Path, code: str) -> dict:
    """Scan ``code`` as ``root/app.py`` (no cache): its endpoints by the lines they are called at."""
    import textwrap

    from flowscan.api import ScanOptions, scan

    root.mkdir(parents=True, exist_ok=True)
    (root / "app.py").write_text(textwrap.dedent(code))
    out: dict = {}
    for endpoint in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints:
        for location in endpoint.locations:
            out.setdefault(location.line, []).append(endpoint)
    return out


def repo_path(fixture: Path, path: str) -> str:
    """``path`` (relative to ``fixture``) as the CLI prints it: relative to the repository root."""
    from flowscan.repopaths import path_base

    return path_base(fixture).path(path)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-snapshots", action="store_true",
                     help="re-record the golden files under tests/snapshots/ instead of comparing (see tests/snapshot.py)")


def findings_of(root: Path, files: dict[str, str]) -> list:
    """Scan ``files`` (relative path -> text, dedented) written under ``root`` (no cache): the findings."""
    return report_of(root, files).findings


def report_of(root: Path, files: dict[str, str]):
    """Scan ``files`` (relative path -> text, dedented) written under ``root`` (no cache): the report."""
    import textwrap

    from flowscan.api import ScanOptions, scan

    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    return scan(root, ScanOptions(jobs=1, cache_dir=None)).report
