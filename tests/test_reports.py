"""JSON and SARIF reports: schema-valid, deterministic, secrets redacted."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema

from flowscan.api import ScanOptions, scan
from flowscan.report.json_report import render_json
from flowscan.report.sarif import render_sarif

from .conftest import FIXTURES

APP = FIXTURES / "python-eu-app"
SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"
SECRETS = ["abc123def456", "sk-local-not-a-secret-000000"]


def _report_schema() -> dict:
    return json.loads(resources.files("flowscan.schemas").joinpath("report.schema.json").read_text())


def test_json_report_matches_its_schema() -> None:
    data = json.loads(render_json(scan(APP, ScanOptions(jobs=1)).report))
    jsonschema.Draft202012Validator(_report_schema()).validate(data)
    assert data["endpoints"] and data["findings"]


def test_json_report_is_byte_identical_across_runs() -> None:
    first = render_json(scan(APP, ScanOptions(jobs=1)).report)
    second = render_json(scan(APP, ScanOptions(jobs=2)).report)
    assert first == second


def test_sarif_report_matches_sarif_2_1_0() -> None:
    data = json.loads(render_sarif(scan(APP, ScanOptions(jobs=1)).report))
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.Draft4Validator(schema).validate(data)
    results = data["runs"][0]["results"]
    assert {r["ruleId"] for r in results} >= {"residency/region-not-allowed", "residency/region-unknown"}
    assert all(r["partialFingerprints"]["flowscan/v1"] for r in results)


def test_secrets_never_appear_in_reports() -> None:
    report = scan(APP, ScanOptions(jobs=1)).report
    for text in (render_json(report), render_sarif(report)):
        for secret in SECRETS:
            assert secret not in text
    sentry = [e for e in report.endpoints if e.provider == "sentry"]
    assert sentry and sentry[0].url.startswith("https://***@")


def test_every_endpoint_has_locations_and_provenance() -> None:
    report = scan(APP, ScanOptions(jobs=1)).report
    for endpoint in report.endpoints:
        assert endpoint.locations, endpoint.host
        if endpoint.host is not None:
            assert endpoint.provenance, endpoint.host


def test_secrets_never_appear_in_console_output() -> None:
    """The console quotes source lines under findings: the Sentry DSN line of the fixture has
    a finding, so its key would print without redaction."""
    from click.testing import CliRunner

    from flowscan.cli import main

    for args in ([], ["-q"]):
        output = CliRunner().invoke(main, ["scan", str(APP), *args]).output
        assert "o4500000000000000.ingest.us.sentry.io" in output  # the line is quoted ...
        for secret in SECRETS:
            assert secret not in output  # ... with its key masked


def test_console_opens_with_a_summary_an_auditor_can_paste() -> None:
    from flowscan.api import ScanOptions, scan
    from flowscan.report.console import summary_lines

    from .conftest import FIXTURES

    report = scan(FIXTURES / "mixed-deploy-app", ScanOptions(jobs=1, cache_dir=None)).report
    lines = summary_lines(report)
    assert lines[0] == "destinations: 6 hosts in eu 4, us 2"
    outside = next(line for line in lines if line.startswith("outside the policy:"))
    assert "us.i.posthog.com" in outside and "google_storage_bucket.exports_us" in outside
    assert "eu.i.posthog.com" not in outside
    assert len(lines) <= 6
