"""The command line as a user meets it: help, exit codes, formats, errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from flowscan.cli import main

from .conftest import FIXTURES

APP = str(FIXTURES / "python-eu-app")


def test_help_teaches_the_commands() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for word in ("scan", "explain", "rules", "Exit codes"):
        assert word in result.output


def test_scan_exits_1_on_errors_and_0_with_fail_on_never() -> None:
    runner = CliRunner()
    assert runner.invoke(main, ["scan", APP]).exit_code == 1
    assert runner.invoke(main, ["scan", APP, "--fail-on", "never"]).exit_code == 0


def test_json_to_stdout_parses() -> None:
    result = CliRunner().invoke(main, ["scan", APP, "--format", "json", "--fail-on", "never"])
    data = json.loads(result.output)
    assert data["tool"]["name"] == "flowscan"
    assert any(e["host"] == "api.openai.com" for e in data["endpoints"])


def test_bad_allow_value_is_a_usage_error(tmp_path) -> None:
    result = CliRunner().invoke(main, ["scan", str(tmp_path), "--allow", "atlantis"])
    assert result.exit_code == 2
    assert "residency.allowed" in result.output


def test_explain_prints_the_chain() -> None:
    result = CliRunner().invoke(main, ["explain", "bedrock-runtime.eu-central-1.amazonaws.com", APP])
    assert result.exit_code == 0, result.output
    assert "settings.py" in result.output and "llm.py" in result.output


def test_rules_lists_and_shows() -> None:
    runner = CliRunner()
    assert "residency/region-not-allowed" in runner.invoke(main, ["rules"]).output
    shown = runner.invoke(main, ["rules", "show", "residency/region-unknown"])
    assert shown.exit_code == 0 and "How to fix" in shown.output
    assert runner.invoke(main, ["rules", "show", "nope/nope"]).exit_code == 2


def test_explain_a_terraform_resource_shows_its_chain() -> None:
    app = str(FIXTURES / "mixed-deploy-app")
    result = CliRunner().invoke(main, ["explain", "google_cloud_run_v2_service.api", app])
    assert result.exit_code == 0, result.output
    assert "terraform.tfvars:1" in result.output and "main.tf:18" in result.output


def test_explain_follows_config_into_code() -> None:
    app = str(FIXTURES / "mixed-deploy-app")
    result = CliRunner().invoke(main, ["explain", "europe-west4-aiplatform.googleapis.com", app])
    assert result.exit_code == 0, result.output
    for place in ("terraform.tfvars:2", "variables.tf:6", "main.tf:24", "settings.py:3", "ai.py:7"):
        assert place in result.output


def test_piped_console_honours_columns_and_never_cuts_a_host() -> None:
    app = str(FIXTURES / "mixed-deploy-app")
    narrow = CliRunner().invoke(main, ["scan", app, "--fail-on", "never"], env={"COLUMNS": "80", "NO_COLOR": "1"})
    lines = narrow.output.splitlines()
    assert "\x1b[" not in narrow.output
    for host in ("bedrock-runtime.eu-north-1.amazonaws.com", "europe-west4-aiplatform.googleapis.com"):
        assert host in lines  # a line of its own, whole
    wide = CliRunner().invoke(main, ["scan", app, "--fail-on", "never"], env={"COLUMNS": "200"})
    assert any("europe-west4-aiplatform.googleapis.com" in line and "app/ai.py:7" in line for line in wide.output.splitlines())
