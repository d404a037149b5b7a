"""Report details the whole-report snapshots (tests/test_report_snapshots.py) do not reach:
lists cut at eight or six names, settings an endpoint waits for, a table that must not fold a
host at the narrowest width that fits, wording of rare rows, and SARIF's suppression fields."""

from __future__ import annotations

import io
import json
import re

import pytest
from rich.console import Console

from flowscan.model import Coverage, Endpoint, Finding, Location, Placement, Report, Suppression, Switch
from flowscan.redact import redact
from flowscan.report.console import reach_text, render_console, render_explain, summary_lines
from flowscan.report.evidence import BASIS, allowance_lines, build_evidence
from flowscan.report.markdown import render_markdown
from flowscan.report.runinfo import RunInfo
from flowscan.report.sarif import sarif_dict

NOT_ALLOWED = "residency/region-not-allowed"
RUN = RunInfo("0.0.0", "0" * 64, None, None, "2025-11-30T00:00:00Z", None, None, "flowscan report app")


def _endpoint(host: str | None, jurisdiction: str | None = "eu", *, line: int = 1, **changes) -> Endpoint:
    placement = Placement(None, None, jurisdiction, "host" if jurisdiction else "unknown")
    endpoint = Endpoint(f"ep-{host}-{line}", None, host, None, placement, locations=[Location("app.py", line)])
    for key, value in changes.items():
        setattr(endpoint, key, value)
    return endpoint


def _report(endpoints: list[Endpoint], findings: list[Finding] | None = None, **policy: object) -> Report:
    return Report(root="app", endpoints=endpoints, findings=findings or [], coverage=Coverage(),
                  policy={"source": "flowscan.yaml", "allowed": ["eu"], "endpoints": [], "exempt": [], **policy})


def _outside(endpoint: Endpoint) -> Finding:
    return Finding(NOT_ALLOWED, "error", f"{endpoint.host} is outside", "app.py", endpoint.locations[0].line,
                   endpoint.id, f"fp-{endpoint.id}")


def _hosts(n: int) -> list[str]:
    return [f"h{i}.example.com" for i in range(1, n + 1)]


def _line(lines: list[str], head: str) -> str:
    return next(line for line in lines if line.startswith(head))


# -- console summary lines: at most eight names, " …" only when more ----------------------

@pytest.mark.parametrize("n", [8, 9])
def test_summary_names_eight_hosts_and_marks_more(n: int) -> None:
    hosts = _hosts(n)
    outside = [_endpoint(h, "us", line=i) for i, h in enumerate(hosts)]
    unplaced = [_endpoint(f"unplaced-{h}", None, line=i) for i, h in enumerate(hosts)]
    exempt = [_endpoint(f"exempt-{h}", "us", line=i, exempt="no customer data") for i, h in enumerate(hosts)]
    lines = summary_lines(_report(outside + unplaced + exempt, [_outside(e) for e in outside]))
    more = " …" if n > 8 else ""
    first_eight = sorted(hosts)[:8]
    assert _line(lines, "outside the policy:") == f"outside the policy: {', '.join(first_eight)}{more}"
    assert _line(lines, "not placed") == (
        f"not placed (region unknown): {', '.join(f'unplaced-{h}' for h in first_eight)}{more}")
    assert _line(lines, "exempt by policy:") == (
        f"exempt by policy: {', '.join(f'exempt-{h} (no customer data)' for h in first_eight)}{more}")


def test_a_host_any_call_reaches_by_default_is_not_behind_a_setting() -> None:
    lines = summary_lines(_report([
        _endpoint("api.openai.com", "us", line=1),
        _endpoint("api.openai.com", "us", line=2, reach="opt-in"),  # the same host, also behind a setting
        _endpoint("api.anthropic.com", "us", line=3, reach="opt-in"),
    ]))
    assert _line(lines, "reached only") == "reached only once a setting selects them: api.anthropic.com"


def test_hosts_behind_a_setting_of_unknown_value_alone_are_counted() -> None:
    lines = summary_lines(_report([_endpoint("api.openai.com", "us"),
                                   _endpoint("api.mistral.ai", "eu", line=2, reach="unknown")]))
    assert _line(lines, "reached only") == (
        "reached only once a setting selects them: none; 1 more behind a setting whose shipped value is not known")


# -- reach: the settings an endpoint waits for, and the shipped configuration's choice ----------

def _switch(setting: str, taken: bool | None, line: int = 5) -> Switch:
    return Switch("app.py", line, setting, f"{setting} == 'x'", "'y'", taken)


def test_reach_names_at_most_two_settings() -> None:
    assert reach_text(_endpoint("a.example.com")) == "default"
    two = _endpoint("a.example.com", reach="opt-in", switches=[_switch("env:A", False), _switch("env:B", False)])
    assert reach_text(two) == "opt-in: env:A, env:B"
    three = _endpoint("a.example.com", reach="opt-in",
                      switches=[_switch("env:A", False), _switch("env:B", False), _switch("env:C", False)])
    assert reach_text(three) == "opt-in: env:A, env:B …"


def test_explain_says_whether_the_shipped_configuration_takes_each_switch() -> None:
    endpoint = _endpoint("api.anthropic.com", "us", reach="unknown",
                         switches=[_switch("env:A", True, 5), _switch("env:B", False, 6), _switch("env:C", None, 7)])
    out = io.StringIO()
    render_explain(endpoint, [], [], Console(file=out, width=200, no_color=True))
    lines = [line for line in out.getvalue().splitlines() if "app.py:" in line and "==" in line]
    assert [line.rsplit("; ", 1)[1] for line in lines] == ["taken)", "not taken)", "not known)"]


# -- the endpoint table: used exactly when every host, call site and header word fits whole ----

HOSTS = ["inference-gateway.eu-central-1.internal-services.example.com", "eu.i.posthog.com"]
COLUMNS = ["jurisdiction", "provider", "host", "region / country", "how placed", "context", "called at"]


def _wide_report() -> Report:
    """Cells narrower than their header (jurisdiction ``eu``), under 10 characters
    (``argument``) and wider than 10 (provider, region, context)."""
    endpoints = [Endpoint(f"ep-{i}", "a-provider-with-a-long-name", host, None,
                          Placement("europe-west4", "NL", "eu", "argument"), context="k8s:Deployment/helpdesk-api",
                          locations=[Location("services/helpdesk/app.py", 10 + i)]) for i, host in enumerate(HOSTS)]
    return _report(endpoints)


def _inventory(report: Report, width: int) -> list[str]:
    out = io.StringIO()
    render_console(report, Console(file=out, width=width, no_color=True, highlight=False))
    lines = out.getvalue().splitlines()
    return lines[next(i for i, line in enumerate(lines) if line.rstrip() == "Outbound endpoints"):]


def _narrowest_table() -> int:
    """Hosts and call sites at full width; every other column its header's longest word or
    its cells up to 10 characters, whichever is wider; 3 characters of border per column and 1."""
    whole = max(len(h) for h in HOSTS) + len("services/helpdesk/app.py:11")
    others = {"jurisdiction": 12, "provider": 10, "region / country": 10, "how placed": len("argument"), "context": 10}
    return whole + sum(others.values()) + 3 * len(COLUMNS) + 1


@pytest.mark.parametrize("extra", [0, 1, 7])
def test_the_endpoint_table_keeps_hosts_and_header_words_whole_from_the_narrowest_width(extra: int) -> None:
    width = _narrowest_table() + extra
    table = _inventory(_wide_report(), width)
    assert table[1].startswith("┏") and all(len(line) <= width for line in table)
    for host in HOSTS:  # each host on one table line, not folded
        assert any(f"│ {host} " in line for line in table), (host, "\n".join(table))
    header_words = {word for line in table if line.startswith("┃") for cell in line.split("┃") for word in cell.split()}
    assert {word for column in COLUMNS for word in column.split()} <= header_words, "\n".join(table)
    assert any("│ services/helpdesk/app.py:10 │" in line for line in table)


def test_one_column_narrower_the_endpoints_are_a_list() -> None:
    narrower = _inventory(_wide_report(), _narrowest_table() - 1)
    assert not any(line.startswith("┏") for line in narrower)
    assert HOSTS[0] in narrower


# -- the evidence model: verdict, declarations, provider names, the basis of a placement -------

def test_the_verdict_names_six_hosts_and_counts_the_rest() -> None:
    endpoints = [_endpoint(h, "us", line=i) for i, h in enumerate(_hosts(7))]
    evidence = build_evidence(_report(endpoints, [_outside(e) for e in endpoints]), {}, {})
    assert evidence.verdict == (
        f"Of 7 outbound hosts, 7 outside the allowed regions (eu): {', '.join(_hosts(6))} and 1 more.")
    six = endpoints[:6]
    evidence = build_evidence(_report(six, [_outside(e) for e in six]), {}, {})
    assert evidence.verdict == f"Of 6 outbound hosts, 6 outside the allowed regions (eu): {', '.join(_hosts(6))}."


def test_an_exemption_or_declaration_without_a_reason_says_so() -> None:
    report = _report([], exempt=[{"host": "hooks.slack.com", "reason": ""}])
    report.policy["endpoints"] = [{"host": "gpu.example.net", "region": None, "jurisdiction": "eu", "reason": ""}]
    assert allowance_lines(report) == ["Declared: gpu.example.net in ? (eu): no reason given",
                                       "Exempt: hooks.slack.com: no reason given"]


def test_a_provider_the_catalog_does_not_name_is_shown_by_its_id() -> None:
    """A LiteLLM model prefix (``ollama/llama3``) becomes the provider id; no catalog entry names it."""
    endpoint = _endpoint("ollama.internal", "internal", provider="ollama")
    evidence = build_evidence(_report([endpoint]), {"openai": "OpenAI"}, {})
    assert evidence.provider_name(endpoint) == "ollama"
    assert evidence.sub_processors[0].name == "ollama"
    assert evidence.provider_name(_endpoint("x.example.com")) == "not in the catalog"


def test_how_a_region_is_known_is_in_words_and_an_unnamed_basis_is_shown_as_is() -> None:
    resource_placed = _endpoint("search-prod.search.windows.net", "eu", line=1)
    resource_placed.placement = Placement("westeurope", "NL", "eu", "resource", "azurerm_search_service.prod")
    other = _endpoint("b.example.com", "eu", line=2)
    other.placement = Placement("eu-west-1", "IE", "eu", "a-new-basis")
    evidence = build_evidence(_report([resource_placed, other]), {}, {})
    basis = {row.hosts[0]: row.basis for row in evidence.sub_processors}
    assert basis == {"search-prod.search.windows.net": [BASIS["resource"]], "b.example.com": ["a-new-basis"]}


# -- Markdown: a destination decided at run time with nothing to say where -------------------

def test_a_run_time_destination_without_a_url_or_reason_has_an_unknown_origin() -> None:
    endpoint = _endpoint(None, None, sdk="openai.OpenAI")
    evidence = build_evidence(_report([endpoint]), {}, {})
    text = render_markdown(evidence, RUN)
    assert "| unknown | `app.py:1` |" in text.splitlines()


# -- SARIF: suppressions and exempt endpoints -----------------------------------------------

def test_a_suppression_in_sarif_points_into_the_scan_root_with_owner_and_expiry() -> None:
    endpoint = _endpoint("api.openai.com", "us")
    finding = _outside(endpoint)
    finding.suppression = Suppression("allow", "app.py", 1, "DPA signed", "platform", "2099-12-31")
    sarif = sarif_dict(_report([endpoint], [finding]))
    run = sarif["runs"][0]
    [suppression] = run["results"][0]["suppressions"]
    assert suppression["properties"] == {"owner": "platform", "until": "2099-12-31"}
    bases = {m.group(1) for m in re.finditer(r'"uriBaseId": "([^"]+)"', json.dumps(sarif))}
    assert bases == set(run["originalUriBaseIds"]) == {"%SRCROOT%"}


def test_exempt_endpoints_in_sarif_are_sorted_by_host_and_context() -> None:
    endpoints = [_endpoint("z.example.com", "us", exempt="status page"),
                 _endpoint("a.example.com", "us", line=2, exempt="build notices", context="compose:web"),
                 _endpoint("a.example.com", "us", line=3, exempt="build notices")]
    exempt = sarif_dict(_report(endpoints))["runs"][0]["properties"]["exemptEndpoints"]
    assert [(e["host"], e["context"]) for e in exempt] == [
        ("a.example.com", "compose:web"), ("a.example.com", "default"), ("z.example.com", "default")]


# -- redaction keeps Markdown code spans closed --------------------------------------------

def test_a_redacted_url_keeps_the_backtick_that_closes_its_code_span() -> None:
    assert redact("- URL: `https://hooks.slack.com/services/T000/B000/XXXX`") == (
        "- URL: `https://hooks.slack.com/services/***`")
    assert redact("`https://api.example.com/v1?api_key=abcdef123` and more") == (
        "`https://api.example.com/v1?api_key=***` and more")
