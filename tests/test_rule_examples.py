"""Every documented rule example (``examples: {invalid: [...], valid: [...]}`` in
``rules/checks/*.yaml``) scanned as a small repository: an invalid example must give at least
one finding of its rule, a valid one none (Fixit's VALID/INVALID idea)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.rules_index import rule_docs


def _cases(kind: str) -> list[pytest.param]:
    cases = []
    for rule_id, doc in sorted(rule_docs().items()):
        for number, example in enumerate(doc.examples.get(kind, []), start=1):
            cases.append(pytest.param(rule_id, example["files"], id=f"{rule_id}-{kind}-{number}"))
    return cases


def _rules_found(tmp_path: Path, files: dict[str, str]) -> set[str]:
    for rel, text in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dedent(text), encoding="utf-8")
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    return {f.rule for f in report.findings}


@pytest.mark.parametrize("rule_id,files", _cases("invalid"))
def test_invalid_example_is_reported(tmp_path: Path, rule_id: str, files: dict[str, str]) -> None:
    assert rule_id in _rules_found(tmp_path, files), f"{rule_id}: no finding for {sorted(files)}"


@pytest.mark.parametrize("rule_id,files", _cases("valid"))
def test_valid_example_is_clean(tmp_path: Path, rule_id: str, files: dict[str, str]) -> None:
    assert rule_id not in _rules_found(tmp_path, files), f"{rule_id}: finding for a valid example {sorted(files)}"


def test_documented_examples_are_complete() -> None:
    """Every check rule documents at least two examples each way (the residency and parse
    rules are exercised by the fixtures and the provider examples instead)."""
    for rule_id, doc in rule_docs().items():
        if rule_id.split("/", 1)[0] in ("caching", "serving", "fallback"):
            assert doc.examples, rule_id
            assert len(doc.examples.get("invalid", [])) >= 2, rule_id
            assert len(doc.examples.get("valid", [])) >= 2, rule_id
