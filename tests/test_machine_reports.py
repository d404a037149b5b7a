"""The JSON and SARIF reports field by field: every field carries the value of the report it
renders, the text is canonical (sorted keys, two-space indent, UTF-8 kept), and SARIF's
cross-references (rule indexes, base URIs, code flows) hold."""

from __future__ import annotations

import json

import pytest

from flowscan import __version__
from flowscan.api import ScanOptions, ScanResult, scan
from flowscan.model import (
    Coverage,
    Endpoint,
    Finding,
    Location,
    Placement,
    Report,
    Skipped,
    Step,
)
from flowscan.report.json_report import SCHEMA_ID, render_json
from flowscan.report.sarif import render_sarif
from flowscan.rules_index import rule_docs

from .conftest import FIXTURES
from .reportkit import scan_app


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> ScanResult:
    return scan_app(tmp_path_factory.mktemp("reports") / "app", broken=True)


def _canonical(text: str) -> str:
    return json.dumps(json.loads(text), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@pytest.mark.parametrize("render", [render_json, render_sarif])
def test_reports_are_canonical_json_with_unicode_kept(app: ScanResult, render) -> None:
    text = render(app.report)
    assert text == _canonical(text)
    assert "openai.OpenAI(…)" in text and "\\u2026" not in text  # the chain's ellipsis, as UTF-8


# -- JSON ----------------------------------------------------------------------------

def test_json_top_level(app: ScanResult) -> None:
    data = json.loads(render_json(app.report))
    assert data["schema"] == SCHEMA_ID
    assert data["tool"] == {"name": "flowscan", "version": __version__}
    assert data["contexts"] == ["default"]
    assert data["policy"] == app.report.policy and data["policy"]["allowed"] == ["eu", "CH"]
    assert data["summary"] == {"endpoints": 5, "errors": 7, "warnings": 2, "notes": 0, "suppressed": 0}


def test_json_endpoints_carry_every_field(app: ScanResult) -> None:
    data = json.loads(render_json(app.report))
    assert [e["id"] for e in data["endpoints"]] == [e.id for e in app.report.endpoints]
    for rendered, endpoint in zip(data["endpoints"], app.report.endpoints):
        p = endpoint.placement
        assert rendered == {
            "id": endpoint.id, "provider": endpoint.provider, "host": endpoint.host, "url": endpoint.url,
            "region": p.region, "country": p.country, "jurisdiction": p.jurisdiction, "region_source": p.source,
            "region_note": p.note, "context": endpoint.context, "sdk": endpoint.sdk,
            "locations": [{"path": loc.path, "line": loc.line, "column": loc.column, "role": "production"}
                          for loc in endpoint.locations],
            "provenance": [{"path": s.path, "line": s.line, "detail": s.detail} for s in endpoint.provenance],
            "chains": [[{"path": s.path, "line": s.line, "detail": s.detail} for s in trail] for trail in endpoint.trails],
            "unresolved": endpoint.unresolved, "exempt": None,
            "origin": None if endpoint.host else "parameter",  # the app's one such row: fetch(url), never called
            "reach": endpoint.reach,
            "switches": [{"path": s.path, "line": s.line, "setting": s.setting, "condition": s.condition,
                          "shipped": s.shipped, "taken": s.taken} for s in endpoint.switches],
        }
    openai = next(e for e in data["endpoints"] if e["host"] == "api.openai.com")
    assert openai["sdk"] == "openai.OpenAI" and openai["region_source"] == "provider" and openai["country"] == "US"
    assert [loc["line"] for loc in openai["locations"]] == [4, 5, 6, 7, 8, 9] and openai["locations"][0]["column"] == 10
    assert len(openai["chains"]) == 6
    unknown = next(e for e in data["endpoints"] if e["host"] is None)
    assert unknown["unresolved"] == ["parameter url of fetch()"]


def test_json_findings_and_coverage(app: ScanResult) -> None:
    data = json.loads(render_json(app.report))
    for rendered, finding in zip(data["findings"], app.report.findings, strict=True):
        assert rendered == {"rule": finding.rule, "severity": finding.severity, "message": finding.message,
                            "path": finding.path, "line": finding.line, "column": finding.column,
                            "endpoint": finding.endpoint, "fingerprint": finding.fingerprint, "suppression": None}
    coverage = data["coverage"]
    assert coverage["files_scanned"] == ["flowscan.yaml", "svc/__init__.py", "svc/broken.py", "svc/first.py", "svc/main.py"]
    assert coverage["files_analyzed"] == ["svc/broken.py", "svc/first.py", "svc/main.py"]
    assert coverage["files_skipped"] == []  # the policy file is read as the policy, not skipped as unknown YAML
    assert coverage["parse_errors"] == [{"path": "svc/broken.py", "line": 1, "message": "SyntaxError: invalid syntax"}]
    assert coverage["notes"] == []


def test_json_lists_skipped_files_with_their_reasons(app: ScanResult) -> None:
    import copy

    report = copy.deepcopy(app.report)
    report.coverage.files_skipped = [Skipped("deploy/notes.yaml", "YAML that is not a compose file"),
                                     Skipped("vendor/", "tool or dependency folder")]
    assert json.loads(render_json(report))["coverage"]["files_skipped"] == [
        {"path": "deploy/notes.yaml", "reason": "YAML that is not a compose file"},
        {"path": "vendor/", "reason": "tool or dependency folder"}]


def test_json_resources_carry_every_field() -> None:
    report = scan(FIXTURES / "terraform-gcp-eu", ScanOptions(jobs=1, cache_dir=None)).report
    data = json.loads(render_json(report))
    assert len(data["resources"]) == len(report.resources) == 3
    for rendered, resource in zip(data["resources"], report.resources):
        p = resource.placement
        assert rendered == {
            "address": resource.address, "attribute": resource.attribute, "cloud": resource.cloud,
            "region": p.region, "country": p.country, "jurisdiction": p.jurisdiction, "region_note": p.note,
            "context": resource.context,
            "location": {"path": resource.location.path, "line": resource.location.line, "column": 0,
                         "role": "production"},
            "provenance": [{"path": s.path, "line": s.line, "detail": s.detail} for s in resource.provenance],
        }
    assert data["resources"][0]["address"] == "google_storage_bucket.documents"
    assert data["resources"][0]["region"] == "EU" and data["resources"][0]["location"]["line"] == 18


def _report(findings: list[Finding], **changes: object) -> Report:
    report = Report(root="r", endpoints=[], findings=findings, coverage=Coverage(), policy={})
    for key, value in changes.items():
        setattr(report, key, value)
    return report


def test_json_summary_counts_each_severity() -> None:
    severities = ["error", "note", "warning", "note", "error", "note"]
    report = _report([Finding("r/x", s, "m", "a.py", 1, None, "f") for s in severities])
    assert json.loads(render_json(report))["summary"] == {"endpoints": 0, "errors": 2, "warnings": 1, "notes": 3,
                                                           "suppressed": 0}


def test_json_redacts_every_string_and_keeps_other_values() -> None:
    endpoint = Endpoint("ep-1", None, "db.example.com", "postgres://app:hunter22@db.example.com/x",
                        Placement(None, None, None, "unknown"), locations=[Location("a.py", 3, 7)],
                        provenance=[Step("a.py", 2, 'password = "hunter22"')])
    report = _report([Finding("r/x", "error", "see https://k3yk3yk3y@sentry.example.com/1", "a.py", 3, "ep-1", "f")],
                     endpoints=[endpoint], policy={"source": "p.yaml", "allowed": ["eu"], "flag": True, "n": None})
    text = render_json(report)
    assert "hunter22" not in text and "k3yk3yk3y" not in text
    data = json.loads(text)
    assert data["endpoints"][0]["url"] == "postgres://***@db.example.com/x"
    assert data["endpoints"][0]["provenance"] == [{"path": "a.py", "line": 2, "detail": 'password = "***"'}]
    assert data["endpoints"][0]["locations"] == [{"path": "a.py", "line": 3, "column": 7, "role": "production"}]
    assert data["findings"][0]["message"] == "see https://***@sentry.example.com/1"
    assert data["policy"] == {"source": "p.yaml", "allowed": ["eu"], "flag": True, "n": None}


# -- SARIF ---------------------------------------------------------------------------

def _run(report: Report) -> dict:
    data = json.loads(render_sarif(report))
    assert data["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json" and data["version"] == "2.1.0"
    (run,) = data["runs"]
    return run


def test_sarif_lists_every_documented_rule_even_without_findings() -> None:
    run = _run(_report([]))
    docs = rule_docs()
    driver = run["tool"]["driver"]
    assert driver["name"] == "flowscan" and driver["version"] == __version__
    assert [r["id"] for r in driver["rules"]] == sorted(docs)
    for rule in driver["rules"]:
        doc = docs[rule["id"]]
        assert rule["name"] == rule["id"].replace("/", "-") and "/" not in rule["name"]
        assert rule["shortDescription"] == {"text": doc.summary}
        assert rule["fullDescription"] == {"text": doc.why}
        assert rule["help"]["text"] == doc.fix and doc.why in rule["help"]["markdown"]
        assert rule["defaultConfiguration"] == {"level": doc.severity}
        assert rule.get("helpUri") == (doc.references[0] if doc.references else None)
    assert run["results"] == [] and run["invocations"] == [{"executionSuccessful": True, "toolExecutionNotifications": []}]


def test_sarif_keeps_a_rule_it_has_no_documentation_for() -> None:
    run = _run(_report([Finding("custom/rule", "note", "m", "a.py", 2, None, "f" * 20)]))
    rules = run["tool"]["driver"]["rules"]
    (entry,) = [r for r in rules if r["id"] == "custom/rule"]
    assert entry == {"id": "custom/rule", "name": "custom-rule"}
    (result,) = run["results"]
    assert rules[result["ruleIndex"]]["id"] == "custom/rule" and result["level"] == "note"


def test_sarif_results_point_at_their_rule_and_place(app: ScanResult) -> None:
    run = _run(app.report)
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert len(results) == len(app.report.findings)
    for result, finding in zip(results, app.report.findings):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule
        assert result["level"] == finding.severity
        assert result["message"] == {"text": finding.message}
        assert result["partialFingerprints"] == {"flowscan/v1": finding.fingerprint}
        (location,) = result["locations"]
        region = location["physicalLocation"]["region"]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == finding.path
        assert region["startLine"] == finding.line  # line 1 stays line 1
        assert region.get("startColumn") == (finding.column or None)  # column 0 means unknown: left out
    assert {r["locations"][0]["physicalLocation"]["region"]["startLine"] for r in results} >= {1, 4}


def test_sarif_line_zero_becomes_line_one() -> None:
    (result,) = _run(_report([Finding("scan/parse-error", "warning", "m", "a.py", 0, None, "f")]))["results"]
    assert result["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}


def test_sarif_code_flows_follow_the_endpoint_chains(app: ScanResult) -> None:
    run = _run(app.report)
    endpoints = {e.id: e for e in app.report.endpoints}
    flows = 0
    for result, finding in zip(run["results"], app.report.findings):
        endpoint = endpoints.get(finding.endpoint or "")
        if endpoint is None:
            assert "codeFlows" not in result and "properties" not in result
            continue
        flows += 1
        assert result["properties"] == {"endpoint": endpoint.id, "host": endpoint.host,
                                        "region": endpoint.placement.region,
                                        "jurisdiction": endpoint.placement.jurisdiction, "context": endpoint.context}
        chains = [[(loc["location"]["physicalLocation"]["artifactLocation"]["uri"],
                    loc["location"]["physicalLocation"]["region"]["startLine"], loc["location"]["message"]["text"])
                   for loc in flow["threadFlows"][0]["locations"]] for flow in result["codeFlows"]]
        assert chains == [[(s.path, s.line, s.detail) for s in trail] for trail in endpoint.trails[:5]]
    assert flows == 8
    openai = next(r for r in run["results"] if r.get("properties", {}).get("host") == "api.openai.com")
    assert len(openai["codeFlows"]) == 5  # six chains, the first five


def test_sarif_every_uri_base_is_declared(app: ScanResult) -> None:
    run = _run(app.report)
    declared = run["originalUriBaseIds"]
    assert list(declared) == ["%SRCROOT%"] and declared["%SRCROOT%"]["description"]["text"]
    bases: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            if "uriBaseId" in node:
                bases.append(node["uriBaseId"])
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(run)
    assert bases and set(bases) == {"%SRCROOT%"}


def test_sarif_reports_parse_errors_as_notifications(app: ScanResult) -> None:
    (invocation,) = _run(app.report)["invocations"]
    assert invocation["executionSuccessful"] is True
    assert invocation["toolExecutionNotifications"] == [{
        "level": "warning", "message": {"text": "could not parse svc/broken.py: SyntaxError: invalid syntax"},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": "svc/broken.py", "uriBaseId": "%SRCROOT%"}}}],
    }]


def test_sarif_redacts_messages_and_chain_steps() -> None:
    endpoint = Endpoint("ep-1", None, "db.example.com", None, Placement(None, None, None, "unknown"),
                        locations=[Location("a.py", 3)], trails=[(Step("a.py", 2, 'password = "hunter22"'),)])
    report = _report([Finding("r/x", "error", "see https://k3yk3yk3y@sentry.example.com/1", "a.py", 3, "ep-1", "f")],
                     endpoints=[endpoint])
    text = render_sarif(report)
    assert "hunter22" not in text and "k3yk3yk3y" not in text
    (result,) = json.loads(text)["runs"][0]["results"]
    assert result["message"]["text"] == "see https://***@sentry.example.com/1"
    step = result["codeFlows"][0]["threadFlows"][0]["locations"][0]["location"]
    assert step["message"]["text"] == 'password = "***"'
