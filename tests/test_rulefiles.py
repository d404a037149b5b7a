"""Rule files are validated once per content, then read from the cache's JSON copy; a file
that fails validation is rejected every time."""

from __future__ import annotations

from pathlib import Path

import pytest

import flowscan.rulefiles as rulefiles
from flowscan.catalog import default_rules_dir
from flowscan.rulefiles import CatalogError, load_rule_file

SCHEMA = "rules-servers.schema.json"


def test_second_load_comes_from_the_validated_json(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWSCAN_CACHE_DIR", str(tmp_path / "cache"))
    rule = default_rules_dir() / "servers" / "vllm.yaml"
    first = load_rule_file(rule, SCHEMA)
    monkeypatch.setattr(rulefiles, "_yaml_load", lambda *a, **k: pytest.fail("YAML parsed again"))
    assert load_rule_file(rule, SCHEMA) == first


def test_an_invalid_rule_file_is_rejected_every_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWSCAN_CACHE_DIR", str(tmp_path / "cache"))
    bad = tmp_path / "bad.yaml"
    bad.write_text("server: {id: x}\n")
    for _ in range(2):
        with pytest.raises(CatalogError, match="bad.yaml"):
            load_rule_file(bad, SCHEMA)
    assert not list((tmp_path / "cache").rglob("*")) or all(p.is_dir() for p in (tmp_path / "cache").rglob("*"))
