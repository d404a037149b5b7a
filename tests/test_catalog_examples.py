"""Every provider or sink rule's own ``examples:`` (code + expected endpoint) run as tests,
Fixit-style: adding a provider adds its tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.catalog import bundled_catalog

EXAMPLES = bundled_catalog().examples


def test_every_provider_file_has_examples() -> None:
    files_with_sinks = {s.origin for s in bundled_catalog().sinks.values()}
    files_with_examples = {e.file for e in EXAMPLES}
    assert files_with_sinks <= files_with_examples, sorted(files_with_sinks - files_with_examples)


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: f"{e.file}:{e.host}")
def test_example(example, tmp_path: Path) -> None:
    (tmp_path / "example.py").write_text(example.code)
    result = scan(tmp_path, ScanOptions(jobs=1, env=example.env))
    hosts = [e.host for e in result.report.endpoints]
    if example.host is None:
        assert all(e.host is None for e in result.report.endpoints), hosts
        return
    matches = [e for e in result.report.endpoints if e.host == example.host]
    assert matches, f"expected {example.host}, found {hosts}"
    endpoint = matches[0]
    for key, want in example.expected.items():
        got = endpoint.provider if key == "provider" else getattr(endpoint.placement, key)
        assert got == want, f"{example.host}: {key} is {got!r}, expected {want!r}"
