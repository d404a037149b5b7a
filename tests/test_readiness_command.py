"""``flowscan readiness``: one row per pitfall, its status read from the scan's findings."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from flowscan.cli import main
from flowscan.model import Finding
from flowscan.readiness import AT_RISK, NOT_FOUND, READY, UNKNOWN, ModelServer, readiness_rows

from .conftest import repo_path

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def _json(path: Path, *args: str) -> dict:
    result = CliRunner().invoke(main, ["readiness", str(path), "--format", "json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_chart_rows_with_evidence_per_context() -> None:
    data = _json(FIXTURES / "llm-stack-chart")
    status = {row["id"]: row["status"] for row in data["pitfalls"]}
    assert status == {"cold-starts": READY, "fallback": AT_RISK, "prefix-caching": AT_RISK, "gpu": READY,
                      "autoscaling": AT_RISK, "monitoring": AT_RISK, "eval-baseline": READY, "load-test": AT_RISK,
                      "kv-cache": UNKNOWN}  # the chart's pods name no GPU of rules/gpus.yaml
    caching = next(row for row in data["pitfalls"] if row["id"] == "prefix-caching")
    assert {(e["path"], e["line"]) for e in caching["evidence"]} == {(repo_path(FIXTURES / "llm-stack-chart", "deploy/llm-stack/values.yaml"), 23)}
    assert sorted("values-prod" in e["message"] for e in caching["evidence"]) == [False, False]
    assert len(data["model_servers"]) == 6  # two engines in each of three values contexts


def test_no_model_server_is_not_found(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("print('hello')\n")
    data = _json(tmp_path)
    assert {row["status"] for row in data["pitfalls"]} == {NOT_FOUND}


def test_console_table_lists_servers_and_rows() -> None:
    result = CliRunner().invoke(main, ["readiness", str(FIXTURES / "kserve-kubeai")])
    assert result.exit_code == 0, result.output
    assert "[kserve:InferenceService/llama-chat]" in result.output
    assert "Prefix caching on" in result.output and "at risk" in result.output
    assert "caching/cache-aware-routing-off" in result.output  # KubeAI's default LeastLoad router


def test_rows_unknown_when_the_rule_is_off() -> None:
    server = [ModelServer("vLLM", "k8s:Deployment/vllm", "k8s/vllm.yaml", 9)]
    finding = Finding(rule="capacity/no-gpu-resources", severity="warning", message="m", path="k8s/vllm.yaml", line=12,
                      endpoint=None, fingerprint="f")
    rows = {row.pitfall.id: row for row in readiness_rows([finding], server, {"readiness/no-load-test"})}
    assert rows["gpu"].status == AT_RISK and rows["gpu"].evidence == [finding]
    assert rows["load-test"].status == UNKNOWN
    assert rows["monitoring"].status == READY


def test_compose_stack_rows_say_what_their_rules_do_not_read() -> None:
    data = _json(FIXTURES / "compose-llm-monitoring")
    rows = {row["id"]: row for row in data["pitfalls"]}
    assert {k: r["status"] for k, r in rows.items()} == {
        "cold-starts": READY, "fallback": READY, "prefix-caching": READY, "gpu": UNKNOWN, "autoscaling": UNKNOWN,
        "monitoring": AT_RISK, "eval-baseline": AT_RISK, "load-test": READY, "kv-cache": UNKNOWN}
    assert [(e["path"], e["line"]) for e in rows["monitoring"]["evidence"]] == [(repo_path(FIXTURES / "compose-llm-monitoring", "compose.yaml"), 17)]  # summarize
    assert sorted(s["context"] for s in rows["gpu"]["not_checked"]) == ["compose:chat", "compose:summarize"]
