"""Inline suppressions (issue 11): `flowscan: ignore[...]` and `flowscan: allow[...]` in the
comment syntax of every file kind, what they cover, and the allowances that cannot be trusted."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from click.testing import CliRunner

from flowscan.api import ScanOptions, scan
from flowscan.cli import main
from flowscan.report.json_report import render_json
from flowscan.report.sarif import sarif_dict
from flowscan.suppress import EXPIRED, INVALID, parse_line, today

NOT_ALLOWED = "residency/region-not-allowed"
ON = date(2026, 6, 1)


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


POLICY = "residency:\n  allowed: [eu]\n  exempt:\n    - host: api.github.com\n      reason: release automation only\n"

APP = (
    "import os\nimport requests\nimport sentry_sdk\nimport anthropic\nfrom openai import OpenAI\n\n"
    "client = OpenAI(base_url=os.environ[\"OPENAI_BASE_URL\"])\n"  # line 7
    "requests.get(\"https://api.github.com/repos\")\n"  # line 8
    "sentry_sdk.init(dsn=os.environ[\"SENTRY_DSN\"])\n"  # line 9
    "anthropic.Anthropic(base_url=os.environ.get(\"ANTHROPIC_BASE_URL\"))\n"  # line 10
)


def _every_kind(tmp_path: Path) -> Path:
    """One directive per file kind, each in that kind's comment syntax, each above the line
    that sets a US destination."""
    return _write(tmp_path, {
        "flowscan.yaml": POLICY,
        "app.py": APP,
        ".env": "# flowscan: ignore[residency/region-not-allowed] staging key only\n"
                "OPENAI_BASE_URL=https://api.openai.com/v1\n",
        "Dockerfile": "FROM python:3.12\n# flowscan: ignore[residency/region-not-allowed] docs build\n"
                      "ENV ANTHROPIC_BASE_URL=https://api.anthropic.com\n",
        "k8s/deploy.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app\nspec:\n  template:\n    spec:\n"
            "      containers:\n        - name: app\n          image: app\n          env:\n"
            "            - name: SENTRY_DSN\n"
            "              # flowscan: allow[residency/region-not-allowed] reason=\"errors only, scrubbed\" owner=sre until=2030-01-01\n"
            "              value: https://abc@o1.ingest.us.sentry.io/1\n"),
        "main.tf": ('resource "google_storage_bucket" "b" {\n  name     = "b"\n'
                    '  // flowscan: allow[residency/region-not-allowed] reason="public assets" owner=web\n'
                    '  location = "US"\n}\n'),
    })


def test_a_directive_in_each_file_kinds_comment_syntax_suppresses_its_finding(tmp_path: Path) -> None:
    report = scan(_every_kind(tmp_path), ScanOptions(jobs=1, cache_dir=None, today=ON)).report
    residency = {(f.path, f.line): f for f in report.findings if f.rule == NOT_ALLOWED}
    assert sorted(residency) == [("app.py", 7), ("app.py", 9), ("app.py", 10), ("main.tf", 4)]
    by_place = {key: (f.suppression.kind, f.suppression.path, f.suppression.line)
                for key, f in residency.items() if f.suppression}
    assert by_place == {("app.py", 7): ("ignore", ".env", 1), ("app.py", 9): ("allow", "k8s/deploy.yaml", 13),
                        ("app.py", 10): ("ignore", "Dockerfile", 2), ("main.tf", 4): ("allow", "main.tf", 3)}
    sentry = residency[("app.py", 9)].suppression
    assert (sentry.reason, sentry.owner, sentry.until) == ("errors only, scrubbed", "sre", "2030-01-01")


def test_suppressed_findings_stay_in_every_output_and_do_not_fail_the_gate(tmp_path: Path) -> None:
    root = _every_kind(tmp_path)
    report = scan(root, ScanOptions(jobs=1, cache_dir=None, today=ON)).report
    data = json.loads(render_json(report))
    assert data["summary"]["errors"] == 4 and data["summary"]["suppressed"] == 4
    suppressed = [f["suppression"] for f in data["findings"] if f["suppression"]]
    assert {"kind": "allow", "path": "main.tf", "line": 3, "reason": "public assets", "owner": "web",
            "until": None} in suppressed
    results = sarif_dict(report)["runs"][0]["results"]
    assert len(results) == 4
    assert all(r["suppressions"][0]["kind"] == "inSource" for r in results)
    assert {r["suppressions"][0]["justification"] for r in results} == {
        "staging key only", "docs build", "errors only, scrubbed", "public assets"}
    env = {"SOURCE_DATE_EPOCH": "1780272000"}  # 2026-06-01
    assert CliRunner(env=env).invoke(main, ["scan", str(root), "--no-cache"]).exit_code == 0
    (root / "main.tf").write_text('resource "google_storage_bucket" "b" {\n  location = "US"\n}\n')
    result = CliRunner(env=env).invoke(main, ["scan", str(root), "--no-cache", "-q"])
    assert result.exit_code == 1
    assert "suppressed (ignore: docs build)" in result.output


def test_exempted_hosts_are_marked_in_every_output(tmp_path: Path) -> None:
    root = _every_kind(tmp_path)
    report = scan(root, ScanOptions(jobs=1, cache_dir=None, today=ON)).report
    github = [e for e in json.loads(render_json(report))["endpoints"] if e["host"] == "api.github.com"]
    assert github and all(e["exempt"] == "release automation only" for e in github)
    assert all(e["exempt"] is None for e in json.loads(render_json(report))["endpoints"] if e["host"] != "api.github.com")
    exempt = sarif_dict(report)["runs"][0]["properties"]["exemptEndpoints"]
    assert {"host": "api.github.com", "reason": "release automation only", "context": "default"} in exempt
    console = CliRunner().invoke(main, ["scan", str(root), "--no-cache", "--fail-on", "never"]).output
    assert "exempt by policy: api.github.com (release automation only)" in console


def test_an_allow_without_reason_or_owner_is_a_finding_and_suppresses_nothing(tmp_path: Path) -> None:
    root = _write(tmp_path, {"flowscan.yaml": POLICY, "app.py": (
        "import requests\n"
        "# flowscan: allow[residency/region-not-allowed] reason=\"status page\"\n"
        "requests.get(\"https://api.openai.com/v1/models\")\n")})
    report = scan(root, ScanOptions(jobs=1, cache_dir=None, today=ON)).report
    assert [(f.rule, f.line, f.suppression) for f in report.findings] == [
        (INVALID, 2, None), (NOT_ALLOWED, 3, None)]
    assert "allow without owner=" in report.findings[0].message


def test_an_allow_past_its_date_is_an_expired_allowance_and_the_finding_counts_again(tmp_path: Path) -> None:
    root = _write(tmp_path, {"flowscan.yaml": POLICY, "app.py": (
        "import requests\n"
        "requests.get(\"https://api.openai.com/v1\")  "
        "# flowscan: allow[residency/region-not-allowed] reason=\"pilot\" owner=ml until=2026-05-31\n")})
    on_the_day = scan(root, ScanOptions(jobs=1, cache_dir=None, today=date(2026, 5, 31))).report
    assert [(f.rule, f.suppression is not None) for f in on_the_day.findings] == [(NOT_ALLOWED, True)]
    after = scan(root, ScanOptions(jobs=1, cache_dir=None, today=date(2026, 6, 1))).report
    assert sorted((f.rule, f.suppression is not None) for f in after.findings) == [(EXPIRED, False), (NOT_ALLOWED, False)]
    expired = next(f for f in after.findings if f.rule == EXPIRED)
    assert expired.severity == "error" and "expired on 2026-05-31" in expired.message and "owner ml" in expired.message


def test_a_directive_covers_only_the_rules_it_names(tmp_path: Path) -> None:
    root = _write(tmp_path, {"flowscan.yaml": POLICY, "app.py": (
        "import requests\n"
        "# flowscan: ignore[residency/region-unknown] not this one\n"
        "requests.get(\"https://api.openai.com/v1\")\n"
        "\n"
        "# flowscan: ignore[residency/region-not-allowed] two lines above is too far\n"
        "\n"
        "requests.get(\"https://api.anthropic.com/v1\")\n")})
    report = scan(root, ScanOptions(jobs=1, cache_dir=None, today=ON)).report
    assert [(f.line, f.suppression) for f in report.findings] == [(3, None), (7, None)]


def test_a_comment_added_after_a_cached_scan_is_honoured(tmp_path: Path) -> None:
    """Editing a comment lets the result cache reuse the report; the directive is still read."""
    root = _write(tmp_path / "repo", {"flowscan.yaml": POLICY, "app.py": (
        "import requests\n\nrequests.get(\"https://api.openai.com/v1\")\n")})
    options = ScanOptions(jobs=1, cache_dir=tmp_path / "cache", today=ON)
    first = scan(root, options).report.findings
    (root / "app.py").write_text("import requests\n# flowscan: ignore[residency/region-not-allowed] demo\n"
                                 "requests.get(\"https://api.openai.com/v1\")\n")
    again = scan(root, options)
    assert [f.suppression.reason for f in again.report.findings if f.suppression] == ["demo"]
    (root / "app.py").write_text("import requests\nrequests.get(\"https://api.openai.com/v1\")  "
                                 "# flowscan: ignore[residency/region-not-allowed] demo\n")
    inline = scan(root, options).report.findings
    assert inline[0].suppression is not None
    assert inline[0].fingerprint == first[0].fingerprint  # the directive is not part of the identity


def test_parse_line_reads_both_forms() -> None:
    ignore = parse_line("a.py", 3, "x = 1  # flowscan: ignore[a/b, c/d] because reasons", ON)
    assert ignore is not None and ignore.rules == {"a/b", "c/d"} and ignore.suppression.reason == "because reasons"
    allow = parse_line("m.tf", 1, '// flowscan: allow[a/b] reason="x y" owner=team-a until=2026-06-01', ON)
    assert allow is not None and allow.usable and (allow.suppression.owner, allow.suppression.until) == ("team-a", "2026-06-01")
    assert parse_line("a.py", 1, "# flowscan: allow[a/b] reason=x owner=o until=2026-13-01", ON).problem.startswith("until=")
    assert parse_line("a.py", 1, "# flowscan: ignore[] x", ON).problem == "names no rule"
    assert parse_line("a.py", 1, "flowscan: ignore[a/b] not in a comment", ON) is None


def test_today_honours_source_date_epoch(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1780272000")
    assert today() == date(2026, 6, 1)
    assert today(date(2020, 1, 1)) == date(2020, 1, 1)
