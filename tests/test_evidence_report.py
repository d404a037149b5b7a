"""The evidence pack: Markdown, HTML and CSV reports, the run header, graph exports."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from importlib import resources

import jsonschema
import networkx as nx
import pytest
from click.testing import CliRunner

from flowscan.api import ScanOptions, scan
from flowscan.catalog import CatalogError, bundled_catalog, load_catalog
from flowscan.cli import main
from flowscan.report.evidence import build_evidence
from flowscan.report.graph_export import export_graph

from .conftest import FIXTURES, repo_path

APP = FIXTURES / "python-eu-app"  # endpoints in the eu, us and internal jurisdictions, secrets, a broken file
MIXED = FIXTURES / "mixed-deploy-app"
SECRETS = ["abc123def456", "sk-local-not-a-secret-000000"]
EPOCH = "1764460800"  # 2025-11-30T00:00:00Z


def _run(args: list[str], monkeypatch) -> str:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return result.output


def _sections(markdown: str) -> list[str]:
    return re.findall(r"^## (.+)$", markdown, flags=re.M)


def test_markdown_report_answers_which_sub_processors_where_and_how(monkeypatch) -> None:
    text = _run(["report", str(MIXED)], monkeypatch)
    assert _sections(text) == ["Summary", "Sub-processors", "Cloud resources", "Evidence per endpoint", "Findings",
                               "Declarations and exemptions", "Coverage: the limits of this claim"]
    assert "| Generated (UTC) | 2025-11-30T00:00:00Z |" in text
    policy = (MIXED / "flowscan.yaml").read_bytes()
    assert hashlib.sha256(policy).hexdigest() in text
    verdict = re.search(r"^\*\*(.+)\*\*$", text, flags=re.M).group(1)
    assert verdict.startswith("Of 6 outbound hosts, 2 outside the allowed regions (eu)")
    assert "bedrock-runtime.us-east-1.amazonaws.com" in verdict and "us.i.posthog.com" in verdict
    rows = {line.split(" | ")[0]: line for line in text.splitlines() if line.startswith("| <a id=\"sp-")}
    assert len(rows) == 3
    posthog = next(row for key, row in rows.items() if "PostHog" in key)
    assert "(outside policy)" in posthog and "product-analytics" in posthog and "eu, us" in posthog
    gcp = next(row for key, row in rows.items() if "Google Cloud" in key)
    assert "(outside policy)" not in gcp and "europe-west4" in gcp and "| NL |" in gcp
    # the chain behind the US Bedrock endpoint, with the line that decided the region
    section = text.split("bedrock-runtime.us-east-1.amazonaws.com (default)", 1)[1].split("### ", 1)[0]
    assert f"`{repo_path(MIXED, 'app/settings.py')}:5`" in section and 'os.getenv("AWS_REGION", "us-east-1")' in section
    assert "Provider: Amazon Web Services" in section


def test_same_inputs_give_a_byte_identical_report(monkeypatch) -> None:
    for fmt in ("markdown", "html", "csv", "cyclonedx", "json"):
        first = _run(["report", str(MIXED), "--format", fmt], monkeypatch)
        assert first == _run(["report", str(MIXED), "--format", fmt], monkeypatch)


def test_no_secret_appears_in_any_evidence_format(monkeypatch) -> None:
    for fmt in ("markdown", "html", "csv", "cyclonedx", "json"):
        text = _run(["report", str(APP), "--format", fmt, "--all-code"], monkeypatch)
        for secret in SECRETS:
            assert secret not in text, (fmt, secret)
    for fmt in ("json", "graphml", "dot", "mermaid"):
        text = _run(["graph", str(APP), "--format", fmt, "--all-code"], monkeypatch)
        for secret in SECRETS:
            assert secret not in text, (fmt, secret)


def test_coverage_names_what_was_not_analysed(monkeypatch) -> None:
    text = _run(["report", str(APP)], monkeypatch)
    coverage = text.split("## Coverage: the limits of this claim", 1)[1]
    assert f"`{repo_path(APP, 'scripts/broken.py')}:3`: SyntaxError" in coverage  # named, with its line
    assert f"`{repo_path(APP, 'scripts/legacy_export.py')}`: excluded by paths.exclude" in coverage
    roles = _run(["report", str(FIXTURES / "roles-app")], monkeypatch).split("## Coverage", 1)[1]
    assert re.search(r"in \d+ test files are not in this report \(--include test, or --all-code\)", roles)


def test_html_report_is_self_contained_with_graph_filter_and_anchors(monkeypatch) -> None:
    html = _run(["report", str(MIXED), "--format", "html"], monkeypatch)
    assert "default-src 'none'" in html  # the page itself forbids any network request
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # no external script, style, font, image
    assert "<link" not in html and "@import" not in html
    svg = re.search(r'<svg [^>]*id="flow-graph".*?</svg>', html, flags=re.S).group(0)
    for label in ("app/ai.py", "us.i.posthog.com", "europe-west4 (eu)", "us-east-1 (us)"):
        assert label in svg
    assert '<input id="filter"' in html and "querySelectorAll('#inventory tbody tr')" in html
    ids = set(re.findall(r'id="(endpoint-[^"]+)"', html))
    links = set(re.findall(r'href="#(endpoint-[^"]+)"', html))
    assert links and links <= ids  # every host in the inventory links to its evidence


def test_csv_inventory_has_one_row_per_sub_processor(monkeypatch) -> None:
    rows = list(csv.DictReader(io.StringIO(_run(["report", str(MIXED), "--format", "csv"], monkeypatch))))
    assert [r["provider"] for r in rows] == ["Amazon Web Services", "Google Cloud", "PostHog"]
    posthog = rows[2]
    assert posthog["outside_policy"] == "yes" and posthog["jurisdictions"] == "eu us"
    assert rows[1]["outside_policy"] == "no" and rows[1]["regions"] == "europe-west4"


def test_json_report_carries_the_run_header(monkeypatch) -> None:
    data = json.loads(_run(["scan", str(MIXED), "--format", "json", "--fail-on", "never"], monkeypatch))
    schema = json.loads(resources.files("flowscan.schemas").joinpath("report.schema.json").read_text())
    jsonschema.Draft202012Validator(schema).validate(data)
    run = data["run"]
    assert run["time"] == "2025-11-30T00:00:00Z"
    assert run["policy_sha256"] == hashlib.sha256((MIXED / "flowscan.yaml").read_bytes()).hexdigest()
    assert run["command"].startswith("flowscan ") and re.fullmatch(r"[0-9a-f]{64}", run["catalog_sha256"])


def test_run_header_reads_the_commit_and_dirty_flag(tmp_path, monkeypatch) -> None:
    import subprocess

    from flowscan.report.runinfo import git_state

    assert git_state(tmp_path) == (None, None)
    (tmp_path / "app.py").write_text("import requests\nrequests.get('https://api.openai.com/v1')\n")
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.com", "PATH": "/usr/bin:/bin"}
    for command in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "x"]):
        subprocess.run(command, cwd=tmp_path, check=True, env=env)
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=tmp_path, capture_output=True, text=True).stdout.strip()
    assert git_state(tmp_path) == (head, False)
    (tmp_path / "app.py").write_text("import requests\n")
    assert git_state(tmp_path) == (head, True)


def test_verdict_without_a_policy_says_nothing_is_judged() -> None:
    report = scan(MIXED, ScanOptions(jobs=1, policy_file=None)).report
    report.policy = {**report.policy, "allowed": []}
    catalog = bundled_catalog()
    evidence = build_evidence(report, catalog.providers, catalog.purposes)
    assert "no residency policy is set" in evidence.verdict


@pytest.mark.parametrize("fmt", ["json", "graphml", "dot", "mermaid"])
def test_graph_exports_hold_every_node_and_edge(fmt, monkeypatch) -> None:
    flow = scan(MIXED, ScanOptions(jobs=1)).graph
    text = export_graph(flow, fmt)
    nodes, edges = flow.g.number_of_nodes(), flow.g.number_of_edges()
    if fmt == "json":
        data = json.loads(text)
        assert (len(data["nodes"]), len(data["edges"])) == (nodes, edges)
    elif fmt == "graphml":
        g = nx.read_graphml(io.BytesIO(text.encode()))
        assert (g.number_of_nodes(), g.number_of_edges()) == (nodes, edges)
    elif fmt == "dot":
        assert text.startswith("digraph flowscan {") and text.count(" -> ") == edges
        assert text.count("shape=") == nodes
    else:
        assert text.startswith("flowchart LR") and text.count(" --> ") == edges


def test_a_provider_needs_a_purpose(tmp_path) -> None:
    import shutil

    from flowscan.catalog import default_rules_dir

    rules = tmp_path / "rules"
    shutil.copytree(default_rules_dir(), rules)
    sentry = rules / "providers" / "sentry.yaml"
    sentry.write_text(sentry.read_text().replace("purpose: telemetry\n", ""))
    with pytest.raises(CatalogError, match="sentry.yaml: a provider needs a purpose"):
        load_catalog(rules)


def test_cyclonedx_inventory_validates_against_the_1_6_schema(monkeypatch) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    text = _run(["report", str(MIXED), "--format", "cyclonedx"], monkeypatch)
    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    assert error is None, error
    bom = json.loads(text)
    services = {s["name"]: s for s in bom["services"]}
    assert sorted(services) == ["Amazon Web Services", "Google Cloud", "PostHog"]
    posthog = {(p["name"], p["value"]) for p in services["PostHog"]["properties"]}
    assert {("flowscan:purpose", "product-analytics"), ("flowscan:outside-policy", "true"),
            ("flowscan:jurisdiction", "us"), ("flowscan:called-from", f"{repo_path(MIXED, 'app/ai.py')}:9")} <= posthog
    assert services["PostHog"]["endpoints"] == ["https://eu.i.posthog.com", "https://us.i.posthog.com"]
    assert bom["metadata"]["timestamp"].startswith("2025-11-30T00:00:00")


def test_an_inline_allowance_and_a_policy_exemption_are_named_in_the_evidence(tmp_path, monkeypatch) -> None:
    import shutil

    app = tmp_path / "app"
    shutil.copytree(APP, app)
    llm = app / "src" / "shopbot" / "clients" / "llm.py"
    llm.write_text(llm.read_text().replace(
        "fallback = OpenAI()  # expect: residency/region-not-allowed",
        'fallback = OpenAI()  # flowscan: allow[residency/region-not-allowed] reason="DPA signed, SEC-211" '
        "owner=platform until=2099-12-31"))
    text = _run(["report", str(app)], monkeypatch)
    verdict = re.search(r"^\*\*(.+)\*\*$", text, flags=re.M).group(1)
    assert "allowed inline with a reason: api.openai.com" in verdict
    assert "exempt by the policy: hooks.slack.com" in verdict
    assert ("2 outside the allowed regions (eu): bedrock-runtime.us-east-1.amazonaws.com, "
            "o4500000000000000.ingest.us.sentry.io;") in verdict
    allowances = text.split("## Declarations and exemptions", 1)[1].split("## Coverage", 1)[0]
    assert ("Suppressed residency/region-not-allowed at src/shopbot/clients/llm.py:10: allow by platform "
            "until 2099-12-31 (src/shopbot/clients/llm.py:10): DPA signed, SEC-211") in allowances
    assert "Exempt: hooks.slack.com: deploy notifications only; no customer data" in allowances
    slack = next(line for line in text.splitlines() if line.startswith("| <a id=\"sp-slack\""))
    assert "(exempt: hooks.slack.com: deploy notifications only; no customer data)" in slack
    findings = text.split("## Findings", 1)[1]
    assert "_(suppressed: allow by platform until 2099-12-31" in findings
