"""``flowscan rules --format json``, ``rules show --format json`` and ``explain --format json``:
the same content as the console, as data with a stable key order."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowscan.cli import main
from flowscan.rules_index import rule_docs


def _json(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    pairs: list[list[str]] = []
    data = json.loads(result.stdout, object_pairs_hook=lambda items: pairs.append([k for k, _ in items]) or dict(items))
    assert pairs and all(keys == sorted(keys) for keys in pairs)  # stable: every object's keys sorted
    return data


def test_rules_json_lists_every_rule_in_the_console_order() -> None:
    data = _json("rules", "--format", "json")
    assert [r["id"] for r in data] == list(rule_docs())
    parse = next(r for r in data if r["id"] == "scan/parse-error")
    doc = rule_docs()["scan/parse-error"]
    assert (parse["severity"], parse["summary"], parse["why"], parse["fix"]) == (doc.severity, doc.summary, doc.why, doc.fix)
    assert parse["variants"]["strict"]["severity"] == "error" and parse["every_role"] is True


def test_rules_show_json_is_one_rule() -> None:
    data = _json("rules", "show", "residency/region-not-allowed", "--format", "json")
    assert data["id"] == "residency/region-not-allowed" and data["references"] == list(
        rule_docs()["residency/region-not-allowed"].references)


@pytest.fixture()
def app(tmp_path: Path) -> Path:
    (tmp_path / "flowscan.yaml").write_text("residency:\n  allowed: [eu]\n")
    (tmp_path / ".env").write_text("OPENAI_BASE_URL=https://api.openai.com/v1\n")
    (tmp_path / "llm.py").write_text("import os\nfrom openai import OpenAI\n\n"
                                     "client = OpenAI(base_url=os.environ['OPENAI_BASE_URL'])\n")
    (tmp_path / "main.tf").write_text('resource "google_storage_bucket" "logs" {\n  name     = "logs"\n'
                                      '  location = "US"\n}\n')
    return tmp_path


def test_explain_json_for_a_host_gives_chains_sources_and_findings(app: Path) -> None:
    data = _json("explain", "api.openai.com", str(app), "--format", "json")
    assert data["target"] == "api.openai.com" and data["resources"] == [] and data["finding"] is None
    (endpoint,) = [e for e in data["endpoints"] if e["context"] == "dotenv:.env"]
    assert endpoint["host"] == "api.openai.com" and endpoint["jurisdiction"] == "us"
    assert {(s["path"], s["line"]) for chain in endpoint["chains"] for s in chain} >= {(".env", 1), ("llm.py", 4)}
    assert ".env:1" in endpoint["sources"]
    assert [f["rule"] for f in endpoint["findings"]] == ["residency/region-not-allowed"]


def test_explain_json_for_a_fingerprint_and_a_resource(app: Path) -> None:
    report = json.loads(CliRunner().invoke(main, ["scan", str(app), "--format", "json"]).stdout)
    finding = next(f for f in report["findings"] if f["endpoint"])
    data = _json("explain", finding["fingerprint"], str(app), "--format", "json")
    assert [e["id"] for e in data["endpoints"]] == [finding["endpoint"]]
    bucket = _json("explain", "google_storage_bucket.logs", str(app), "--format", "json")
    (resource,) = bucket["resources"]
    assert resource["address"] == "google_storage_bucket.logs" and resource["location"]["path"] == "main.tf"
    assert resource["jurisdiction"] == "us" and bucket["endpoints"] == []


def test_explain_json_unknown_target_is_a_usage_error(app: Path) -> None:
    result = CliRunner().invoke(main, ["explain", "nowhere.example.com", str(app), "--format", "json"])
    assert result.exit_code == 2 and "no endpoint, resource or finding" in result.output
