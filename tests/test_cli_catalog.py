"""``flowscan init``, ``flowscan regions`` and ``flowscan providers``."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from click.testing import CliRunner
from jsonschema import Draft202012Validator

from flowscan.catalog import bundled_catalog
from flowscan.cli import main
from flowscan.policy_schema import policy_schema


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args), env={"COLUMNS": "200"})


def test_init_writes_a_valid_commented_policy_with_the_allowed_regions(tmp_path: Path) -> None:
    result = _invoke("init", str(tmp_path), "--allow", "eu", "--allow", "CH,eu-central-2")
    assert result.exit_code == 0, result.output
    text = (tmp_path / "flowscan.yaml").read_text()
    assert text.startswith("# flowscan policy") and text.count("\n#") + text.count("\n  #") > 10
    data = yaml.safe_load(text)
    assert data["residency"]["allowed"] == ["eu", "CH", "eu-central-2"]
    assert list(Draft202012Validator(policy_schema()).iter_errors(data)) == []
    assert "repos:" in result.output and "upload-sarif" in result.output  # pre-commit and Actions snippets
    (tmp_path / "app.py").write_text("import anthropic\nclient = anthropic.Anthropic()\n")
    scan = _invoke("scan", str(tmp_path), "--no-cache", "--format", "json")
    assert scan.exit_code == 1  # the policy is read: a US endpoint is outside eu/CH
    assert json.loads(scan.stdout)["policy"]["allowed"] == ["eu", "CH", "eu-central-2"]


def test_init_without_allow_writes_an_inventory_only_policy(tmp_path: Path) -> None:
    assert _invoke("init", str(tmp_path)).exit_code == 0
    assert yaml.safe_load((tmp_path / "flowscan.yaml").read_text())["residency"]["allowed"] == []


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    (tmp_path / "flowscan.yaml").write_text("residency: {allowed: [us]}\n")
    result = _invoke("init", str(tmp_path), "--allow", "eu")
    assert result.exit_code == 2 and "--force" in result.output
    assert (tmp_path / "flowscan.yaml").read_text() == "residency: {allowed: [us]}\n"
    assert _invoke("init", str(tmp_path), "--allow", "eu", "--force").exit_code == 0
    assert yaml.safe_load((tmp_path / "flowscan.yaml").read_text())["residency"]["allowed"] == ["eu"]


def test_init_rejects_a_misspelt_region_before_writing(tmp_path: Path) -> None:
    result = _invoke("init", str(tmp_path), "--allow", "eu-wset-1")
    assert result.exit_code == 2 and "did you mean 'eu-west-1'" in result.output
    assert not (tmp_path / "flowscan.yaml").exists()


def test_regions_json_lists_every_catalog_region_with_country_and_jurisdiction() -> None:
    result = _invoke("regions", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    catalog = bundled_catalog()
    expected = sum(len(t) for t in catalog.regions.values()) + sum(len(t) for t in catalog.multi_regions.values())
    assert len(data["regions"]) == expected
    frankfurt = next(r for r in data["regions"] if r["cloud"] == "aws" and r["code"] == "eu-central-1")
    assert frankfurt == {"cloud": "aws", "code": "eu-central-1", "kind": "region", "name": "Europe (Frankfurt)",
                         "country": "DE", "country_name": "Germany", "jurisdiction": "eu"}
    assert data["groups"]["eu"]["jurisdictions"] == ["eu"] and "no" in data["groups"]["eea"]["jurisdictions"]
    assert result.stdout == _invoke("regions", "--format", "json").stdout  # stable


def test_regions_console_and_cloud_filter() -> None:
    result = _invoke("regions", "--cloud", "gcp")
    lines = [line for line in result.output.splitlines() if line.startswith("gcp ")]
    assert lines and not any(line.startswith("aws ") for line in result.output.splitlines())
    assert any("europe-west4" in line and "NL Netherlands" in line for line in lines)
    assert _invoke("regions", "--cloud", "mars").exit_code == 2


def test_providers_lists_hosts_and_purpose() -> None:
    data = json.loads(_invoke("providers", "--format", "json").stdout)
    by_id = {p["id"]: p for p in data["providers"]}
    assert set(by_id) == set(bundled_catalog().providers)
    anthropic = by_id["anthropic"]
    assert anthropic["purpose"] == "llm-api"
    host = next(h for h in anthropic["hosts"] if h["host"] == "api.anthropic.com")
    assert host["country"] == "US" and set(host) == {"host", "cloud", "region", "country", "jurisdiction"}
    console = _invoke("providers").output
    assert "anthropic  Anthropic  [llm-api]" in console and "    api.anthropic.com" in console


def test_a_closed_pipe_ends_quietly_with_the_sigpipe_code() -> None:
    """`flowscan providers | head`: the reader is gone before the write; no traceback, no
    "internal error", exit 141 (never 0, never 2)."""
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "flowscan", "providers"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.close()  # no reader left: the first write fails
    _, errors = process.communicate(timeout=120)
    assert process.returncode == 141 and errors == b""
