"""YAML that would stall or crash a reader: an alias bomb and deep nesting end as named skips."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.extract.yamlnodes import MAX_NODES, YamlTooLarge, parse_yaml


def _bomb(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_not_expanded() -> None:
    text = _bomb()
    assert len(text) < 600 and 9 ** 9 > MAX_NODES  # a few hundred bytes that would expand to ~387M values
    parsed = parse_yaml(text)
    assert isinstance(parsed.error, YamlTooLarge) and parsed.documents == []


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    parsed = parse_yaml("[" * 20_000 + "]" * 20_000)
    assert parsed.error is not None and parsed.documents == []


def test_a_scan_names_the_skipped_bomb_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text(_bomb())
    (tmp_path / "app.py").write_text("import requests\nrequests.get('https://api.eu.example-vendor.com/v1')\n")
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    reasons = {s.path: s.reason for s in report.coverage.files_skipped}
    assert "alias bomb" in reasons["docker-compose.yml"]
    assert [e.host for e in report.endpoints] == ["api.eu.example-vendor.com"]
