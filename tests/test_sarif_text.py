"""SARIF that GitHub code scanning shows well (help.markdown, tags, security-severity,
inline suppressions), validated against the SARIF 2.1.0 schema; `--format text` for editors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
from click.testing import CliRunner

from flowscan.api import ScanOptions, scan
from flowscan.cli import main
from flowscan.report.sarif import render_sarif
from flowscan.rules_index import rule_docs

from .test_suppress import ON, _every_kind

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"  # a copy of shared/schemas/


def test_sarif_with_suppressions_and_rule_help_validates(tmp_path: Path) -> None:
    report = scan(_every_kind(tmp_path), ScanOptions(jobs=1, cache_dir=None, today=ON)).report
    data = json.loads(render_sarif(report))
    jsonschema.Draft4Validator(json.loads(SARIF_SCHEMA.read_text())).validate(data)
    run = data["runs"][0]
    rules = {rule["id"]: rule for rule in run["tool"]["driver"]["rules"]}
    assert set(rules) == set(rule_docs())
    for rule_id, rule in rules.items():
        severity = float(rule["properties"]["security-severity"])
        assert 0.1 <= severity <= 10.0
        assert "security" in rule["properties"]["tags"]
        assert rule_docs()[rule_id].fix in rule["help"]["markdown"]
    assert rules["residency/region-not-allowed"]["properties"]["security-severity"] == "7.5"  # high on GitHub
    assert rules["residency/region-unknown"]["properties"]["security-severity"] == "5.0"
    assert "data-residency" in rules["residency/region-not-allowed"]["properties"]["tags"]
    assert all(r["suppressions"][0]["status"] == "accepted" for r in run["results"])


def test_text_format_is_one_line_per_finding(tmp_path: Path) -> None:
    root = _every_kind(tmp_path)
    (root / "extra.py").write_text("import requests\nrequests.get(\"https://api.cohere.com/v1/chat\")\n")
    result = CliRunner(env={"SOURCE_DATE_EPOCH": "1780272000"}).invoke(
        main, ["scan", str(root), "--format", "text", "--no-cache"])
    lines = result.output.splitlines()
    assert result.exit_code == 0  # a warning and suppressed errors
    assert all(re.fullmatch(r"[^:]+:\d+:\d+: (error|warning|note) [a-z]+/[a-z0-9-]+ .+", line) for line in lines)
    assert "extra.py:2:1: warning residency/region-unknown api.cohere.com: region cannot be determined" in result.output
    assert any(line.startswith("main.tf:4:") and line.endswith("[suppressed: allow at main.tf:3]") for line in lines)
    assert len(lines) == 5
