"""Baseline and drift gate (issue 11): `flowscan baseline` records findings and inventory,
`scan --baseline` reports only new findings, `flowscan diff` fails on a new destination."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from flowscan.cli import main

POLICY = "residency:\n  allowed: [eu]\n"
APP = ("import requests\n\n"
       "def ping():\n"
       "    return requests.get(\"https://api.openai.com/v1/models\")\n")


def _repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "flowscan.yaml").write_text(POLICY)
    (root / "app.py").write_text(APP)
    (root / ".env").write_text("SENTRY_DSN=https://k3y@o1.ingest.us.sentry.io/1\n")
    (root / "telemetry.py").write_text("import os\nimport sentry_sdk\nsentry_sdk.init(dsn=os.environ['SENTRY_DSN'])\n")
    return root


def _invoke(*args: str):
    return CliRunner().invoke(main, [*args, "--no-cache"])


def test_baseline_writes_findings_and_inventory(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    result = _invoke("baseline", str(root))
    assert result.exit_code == 0, result.output
    data = json.loads((root / ".flowscan-baseline.json").read_text())
    assert data["flowscan_baseline"] == 1
    assert sorted((f["path"], f["rule"]) for f in data["findings"]) == [
        ("app.py", "residency/region-not-allowed"), ("telemetry.py", "residency/region-not-allowed")]
    assert data["inventory"]["hosts"] == ["api.openai.com", "o1.ingest.us.sentry.io"]
    assert data["inventory"]["providers"] == ["openai", "sentry"] and data["inventory"]["jurisdictions"] == ["us"]
    assert "k3y" not in (root / ".flowscan-baseline.json").read_text()  # secrets redacted like every output


def test_a_baseline_hides_old_findings_not_a_new_one(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    assert _invoke("scan", str(root)).exit_code == 1
    _invoke("baseline", str(root))
    baseline = str(root / ".flowscan-baseline.json")
    clean = _invoke("scan", str(root), "--baseline", baseline)
    assert clean.exit_code == 0, clean.output
    assert "2 findings in the baseline .flowscan-baseline.json are not shown" in clean.output
    # moved lines and unrelated edits keep old findings matched
    (root / "app.py").write_text("import requests\nimport logging\n\nlog = logging.getLogger(__name__)\n\n\n"
                                 "def ping():\n    log.info('ping')\n    return requests.get(\"https://api.openai.com/v1/models\")\n")
    assert _invoke("scan", str(root), "--baseline", baseline).exit_code == 0
    # a new US call is reported, and only it
    with (root / "app.py").open("a") as handle:
        handle.write("\ndef chat():\n    return requests.post(\"https://api.anthropic.com/v1/messages\")\n")
    result = _invoke("scan", str(root), "--baseline", baseline, "--format", "json")
    assert result.exit_code == 1
    findings = json.loads(result.output)["findings"]
    assert [(f["path"], f["line"]) for f in findings] == [("app.py", 12)]
    assert "api.anthropic.com" in findings[0]["message"]


def test_a_copy_of_an_accepted_line_is_new(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    _invoke("baseline", str(root))
    with (root / "app.py").open("a") as handle:
        handle.write("\ndef again():\n    return requests.get(\"https://api.openai.com/v1/models\")\n")
    result = _invoke("scan", str(root), "--baseline", str(root / ".flowscan-baseline.json"), "--format", "json")
    assert result.exit_code == 1
    assert len(json.loads(result.output)["findings"]) == 1


def test_the_drift_gate_names_what_is_new(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    _invoke("baseline", str(root))
    unchanged = _invoke("diff", str(root))
    assert unchanged.exit_code == 0 and "no new provider, host, region or jurisdiction" in unchanged.output
    with (root / "app.py").open("a") as handle:
        handle.write("\ndef chat():\n    return requests.post(\"https://api.mistral.ai/v1/chat/completions\")\n")
    drift = _invoke("diff", str(root))
    assert drift.exit_code == 1
    lines = [line for line in drift.output.splitlines() if line.startswith("new ")]
    assert lines == ["new provider: mistral (app.py:7)", "new host: api.mistral.ai (app.py:7)",
                     "new region: eu (app.py:7)", "new jurisdiction: eu (app.py:7)"]
    (root / "app.py").write_text("import requests\n")
    (root / ".env").unlink()
    gone = _invoke("diff", str(root))
    assert gone.exit_code == 0
    assert "no longer seen (refresh with `flowscan baseline`): api.openai.com, o1.ingest.us.sentry.io" in gone.output


def test_a_missing_or_broken_baseline_is_a_usage_error(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    assert _invoke("diff", str(root)).exit_code == 2
    (root / "bad.json").write_text("{\"findings\": []}")
    for args in (("diff", str(root), "--baseline", str(root / "bad.json")),
                 ("scan", str(root), "--baseline", str(root / "bad.json"))):
        result = _invoke(*args)
        assert result.exit_code == 2 and "not a flowscan baseline" in result.output
