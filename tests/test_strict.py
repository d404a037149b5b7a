"""``--strict``: configuration that could not be parsed or read fails the gate (exit 1);
without it, the same file is a warning and the gate passes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flowscan.cli import main

BROKEN_TF = 'resource "aws_s3_bucket" "b" {\n  bucket = \n'


def _scan(root: Path, *args: str):
    return CliRunner().invoke(main, ["scan", str(root), "--no-cache", "--format", "json", *args])


@pytest.mark.parametrize("name, text", [
    ("main.tf", BROKEN_TF),
    ("deploy/app.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x\n"),
    ("docker-compose.yml", "services:\n  api:\n    image: [unclosed\n"),
])
def test_an_unparsed_config_file_is_an_error_only_with_strict(tmp_path: Path, name: str, text: str) -> None:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / name).write_text(text)
    lenient = _scan(tmp_path)
    assert lenient.exit_code == 0, lenient.output
    warnings = [f for f in json.loads(lenient.stdout)["findings"] if f["rule"] == "scan/parse-error"]
    assert warnings and {f["severity"] for f in warnings} == {"warning"}
    strict = _scan(tmp_path, "--strict")
    assert strict.exit_code == 1, strict.output
    errors = [f for f in json.loads(strict.stdout)["findings"] if f["rule"] == "scan/parse-error"]
    assert {(f["severity"], f["path"]) for f in errors} == {("error", name)}
    # a baseline made without --strict still matches
    assert sorted(f["fingerprint"] for f in errors) == sorted(f["fingerprint"] for f in warnings)


def test_strict_leaves_python_parse_errors_as_warnings(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import requests\nrequests.get('https://example.com'\n")
    result = _scan(tmp_path, "--strict")
    assert result.exit_code == 0, result.output
    findings = json.loads(result.stdout)["findings"]
    assert [f["severity"] for f in findings if f["rule"] == "scan/parse-error"] == ["warning"]


def test_strict_holds_when_the_policy_switches_the_rule_off(tmp_path: Path) -> None:
    (tmp_path / "flowscan.yaml").write_text("rules:\n  scan/parse-error: 'off'\n")
    (tmp_path / "main.tf").write_text(BROKEN_TF)
    assert _scan(tmp_path).exit_code == 0
    strict = _scan(tmp_path, "--strict")
    assert strict.exit_code == 1
    assert [f["path"] for f in json.loads(strict.stdout)["findings"]] == ["main.tf"]


def test_a_config_file_too_large_to_read_is_an_error_with_strict(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text("# generated\n" + "x" * 60_000 + "\n")  # one line longer than the limit
    assert _scan(tmp_path).exit_code == 0
    strict = _scan(tmp_path, "--strict")
    assert strict.exit_code == 1
    (error,) = json.loads(strict.stdout)["findings"]
    assert error["message"].startswith("did not read main.tf:")


def test_a_git_ignored_config_file_is_not_a_hole(tmp_path: Path) -> None:
    (tmp_path / ".gitignore").write_text("local.tf\n")
    (tmp_path / "local.tf").write_text(BROKEN_TF)
    assert _scan(tmp_path, "--strict").exit_code == 0


def test_strict_is_documented_in_help() -> None:
    result = CliRunner().invoke(main, ["scan", "--help"], env={"COLUMNS": "200"})
    assert "--strict" in result.output and "Terraform" in result.output


def test_pre_commit_strict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "main.tf").write_text(BROKEN_TF)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["pre-commit", "--no-cache", "main.tf"]).exit_code == 0
    assert CliRunner().invoke(main, ["pre-commit", "--no-cache", "--strict", "main.tf"]).exit_code == 1
