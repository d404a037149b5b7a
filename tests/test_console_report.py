"""The console report, read the way a user reads it: the header, the inventory table (one
row per endpoint, grouped by jurisdiction with unknown last), the resource table, each
finding with its source line and chain, coverage, the summary line, and their colours."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.style import Style

from flowscan.api import ScanOptions, scan
from flowscan.model import (
    Coverage,
    Endpoint,
    Finding,
    Location,
    Placement,
    Report,
    Resource,
    Skipped,
    Step,
)
from flowscan.report.console import render_console, render_explain, render_resource

from .conftest import FIXTURES
from .reportkit import scan_app, write_app


def _text(report: Report, quiet: bool | None = None, width: int = 250) -> str:
    out = io.StringIO()
    console = Console(file=out, width=width, no_color=True, highlight=False)
    if quiet is None:
        render_console(report, console)  # the default: the full report
    else:
        render_console(report, console, quiet=quiet)
    return out.getvalue()


def _styled(report: Report) -> str:
    out = io.StringIO()
    render_console(report, Console(file=out, width=250, force_terminal=True, color_system="truecolor",
                                   highlight=False))
    return out.getvalue()


def _rows(text: str, title: str) -> list[list[str]]:
    """The body rows of the table titled ``title``, as lists of cell texts."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    rows: list[list[str]] = []
    for line in lines[start + 1:]:
        if line.startswith("└"):
            break
        if line.startswith("│"):
            rows.append([cell.strip() for cell in line.split("│")[1:-1]])
    return rows


def _header(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    head = next(line for line in lines[start:] if line.startswith("┃"))
    return [cell.strip() for cell in head.split("┃")[1:-1]]


def _empty_report(**changes: object) -> Report:
    report = Report(root="app", endpoints=[], findings=[], coverage=Coverage(), policy={"source": "none", "allowed": []})
    for key, value in changes.items():
        setattr(report, key, value)
    return report


@pytest.fixture(scope="module")
def app_report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return scan_app(tmp_path_factory.mktemp("console") / "app", broken=True).report


# -- header ----------------------------------------------------------------------

def test_the_header_names_the_root_policy_and_allowed_regions(app_report: Report) -> None:
    lines = _text(app_report).splitlines()
    assert lines[0].startswith("flowscan ") and lines[0].endswith(app_report.root)
    assert lines[1] == "policy: flowscan.yaml   allowed: eu, CH"
    assert not any(line.startswith("contexts:") for line in lines)  # only the default context


def test_without_a_policy_the_header_says_how_to_add_one() -> None:
    lines = _text(_empty_report()).splitlines()
    assert lines[1] == "policy: none   allowed: none (inventory only: add residency.allowed or --allow)"
    assert _text(_empty_report(policy={})).splitlines()[1].startswith("policy: none   allowed: none (")


def test_deployment_contexts_are_listed_when_there_are_some() -> None:
    text = _text(_empty_report(contexts=["default", "compose:web", "k8s:Deployment/api"]))
    assert "contexts: default, compose:web, k8s:Deployment/api" in text.splitlines()
    assert "contexts: default, compose:web" in _text(_empty_report(contexts=["default", "compose:web"])).splitlines()


# -- inventory -------------------------------------------------------------------

def test_the_inventory_has_one_row_per_endpoint_grouped_by_jurisdiction(app_report: Report) -> None:
    text = _text(app_report)
    assert _header(text, "Outbound endpoints") == [
        "jurisdiction", "provider", "host", "region / country", "how placed", "context", "called at"]
    assert _rows(text, "Outbound endpoints") == [
        # a declared jurisdiction without a region or country: "-"; no provider: "-"
        ["eu", "-", "llm.example.com", "-", "declared", "default", "svc/main.py:21"],
        ["internal", "internal", "catalog.internal", "internal", "provider", "default", "svc/main.py:17"],
        ["us", "anthropic", "api.anthropic.com", "us / US", "provider", "default", "svc/first.py:1"],
        ["us", "openai", "api.openai.com", "us / US", "provider", "default", "svc/main.py:4 (+5)"],
        # unknown sorts last; an unresolved host shows its URL with the unknown part
        ["unknown", "-", "? {parameter url of fetch()}", "?", "unknown", "default", "svc/main.py:13"],
    ]


def test_an_endpoint_without_host_or_url_shows_its_sdk() -> None:
    def endpoint(url: str | None, sdk: str | None, line: int) -> Endpoint:
        return Endpoint(f"ep-{line}", None, None, url, Placement(None, None, None, "unknown"), sdk=sdk,
                        locations=[Location("a.py", line)])

    report = _empty_report(endpoints=[endpoint(None, "openai.OpenAI", 1), endpoint(None, None, 2)])
    hosts = [row[2] for row in _rows(_text(report), "Outbound endpoints")]
    assert hosts == ["? openai.OpenAI", "?"]


def test_a_narrow_console_lists_rows_and_never_cuts_a_host() -> None:
    host = "inference-gateway-primary.eu-central-1.internal-services.example.com"
    endpoint = Endpoint("ep-1", None, host, None, Placement(None, None, None, "unknown"),
                        locations=[Location("a.py", 1), Location("a.py", 2)])
    address = "google_storage_bucket.a_really_long_bucket_resource_name_for_exports"
    resource = Resource(address, "location", "gcp", Placement("EU", None, "eu", "argument"), Location("main.tf", 3))
    report = _empty_report(endpoints=[endpoint], resources=[resource])
    narrow = _text(report, width=60).splitlines()
    assert "…" not in "\n".join(narrow)
    assert host in narrow and f"{address}.location" in narrow  # each on a line of its own, whole
    details = narrow[narrow.index(host) + 1:]
    assert "called at: a.py:1 (+1)" in " ".join(line.strip() for line in details)
    wide = _text(report, width=200)
    assert any(host in line and "a.py:1 (+1)" in line for line in wide.splitlines())  # a table row when it fits


def test_table_titles_are_left_aligned(app_report: Report) -> None:
    lines = _text(app_report).splitlines()
    assert "Outbound endpoints" in [line.rstrip() for line in lines]


def test_no_endpoints_and_no_resources() -> None:
    assert "No outbound endpoints found." in _text(_empty_report()).splitlines()


def test_resources_without_endpoints_get_their_own_table() -> None:
    report = scan(FIXTURES / "terraform-gcp-eu", ScanOptions(jobs=1, cache_dir=None)).report
    assert not report.endpoints and report.resources
    text = _text(report)
    assert "No outbound endpoints found." not in text and "Outbound endpoints" not in text
    assert _header(text, "Cloud resources with a location") == [
        "jurisdiction", "resource", "region / country", "context", "set at"]
    rows = _rows(text, "Cloud resources with a location")
    assert len(rows) == len(report.resources)
    for row, resource in zip(rows, report.resources):
        p = resource.placement
        place = " / ".join(x for x in (p.region, p.country) if x)
        assert row == [p.jurisdiction, f"{resource.address}.{resource.attribute}", place, resource.context,
                       f"{resource.location.path}:{resource.location.line}"]
    assert ["eu", "google_storage_bucket.documents.location", "EU", "default", "main.tf:18"] in rows


def test_a_resource_without_a_known_place() -> None:
    resource = Resource("google_storage_bucket.x", "location", "gcp", Placement(None, None, None, "unknown"),
                        Location("main.tf", 3))
    assert _rows(_text(_empty_report(resources=[resource])), "Cloud resources with a location") == [
        ["unknown", "google_storage_bucket.x.location", "?", "default", "main.tf:3"]]


# -- findings ----------------------------------------------------------------------

def test_each_finding_shows_rule_place_message_source_line_and_chain(app_report: Report) -> None:
    lines = _text(app_report).splitlines()
    at = lines.index("error   residency/region-not-allowed  svc/main.py:4")
    assert lines[at + 1:at + 4] == [
        "    api.openai.com is in us/US, jurisdiction us, outside the allowed regions (eu, CH)",
        "       4 | client = OpenAI()",
        # its own chain: the endpoint's six call sites (lines 4 to 9) are six findings, one chain each
        "    via svc/main.py:4",
    ]
    at = lines.index("warning residency/region-unknown  svc/main.py:13")
    assert lines[at + 2:at + 4] == ["      13 |     return requests.get(url).json()",
                                    "    via svc/main.py:12 -> svc/main.py:13"]
    at = lines.index("error   residency/region-not-allowed  svc/first.py:1")
    assert lines[at + 2:at + 4] == [
        '       1 | import requests; requests.post("https://api.anthropic.com/v1/messages", json={})',
        "    via svc/first.py:1"]
    at = lines.index("warning scan/parse-error  svc/broken.py:1")  # no endpoint: no chain
    assert lines[at + 2] == "       1 | import requests; def oops(:"
    assert not lines[at + 3].startswith("    via")


def _finding(path: str, line: int, endpoint: str | None = None, message: str = "m") -> Finding:
    return Finding("residency/region-unknown", "warning", message, path, line, endpoint, "f" * 20)


def test_source_lines_are_quoted_only_when_they_exist(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("first\nsecond   \n")
    report = _empty_report(root=str(tmp_path), findings=[
        _finding("a.py", 1), _finding("a.py", 2), _finding("a.py", 3), _finding("a.py", 0), _finding("gone.py", 1)])
    lines = _text(report, quiet=True).splitlines()
    assert lines[:2] == ["warning residency/region-unknown  a.py:1", "    m"]
    assert "       1 | first" in lines and "       2 | second" in lines  # trailing blanks dropped
    quoted = [line for line in lines if " | " in line]
    assert len(quoted) == 2  # not for line 3 or 0 of a.py, nor for a file that is gone


def test_source_lines_are_read_as_utf8_and_undecodable_bytes_replaced(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_bytes("host = 'münchen.example'  # é\n".encode() + b"bad = '\xff'\n")
    report = _empty_report(root=str(tmp_path), findings=[_finding("a.py", 1), _finding("a.py", 2)])
    lines = _text(report, quiet=True).splitlines()
    assert "       1 | host = 'münchen.example'  # é" in lines
    assert "       2 | bad = '\ufffd'" in lines


def test_quoted_lines_and_messages_are_redacted(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('DSN = "https://abc123def456@o1.ingest.sentry.io/1"  \n')
    report = _empty_report(root=str(tmp_path), findings=[
        _finding("a.py", 1, message="posts to https://user:hunter22@db.example.com")])
    text = _text(report, quiet=True)
    assert '       1 | DSN = "https://***@o1.ingest.sentry.io/1"' in text.splitlines()
    assert "    posts to https://***@db.example.com" in text.splitlines()
    assert "abc123def456" not in text and "hunter22" not in text


def test_the_chain_skips_repeated_places_but_not_returns() -> None:
    def via(*places: tuple[str, int]) -> str:
        endpoint = Endpoint("ep-1", None, "h.example.com", None, Placement(None, None, None, "unknown"),
                            locations=[Location("a.py", 1)], provenance=[Step(p, n, "x") for p, n in places])
        report = _empty_report(endpoints=[endpoint], findings=[_finding("a.py", 1, "ep-1")])
        return next(line for line in _text(report, quiet=True).splitlines() if line.startswith("    via"))

    assert via(("a.py", 1), ("a.py", 1), ("b.py", 2), ("a.py", 1)) == "    via a.py:1 -> b.py:2 -> a.py:1"
    assert via(("a.py", 1), ("b.py", 2), ("a.py", 1)) == "    via a.py:1 -> b.py:2 -> a.py:1"
    assert via(*((f"m{i}.py", i) for i in range(1, 8))) == \
        "    via m3.py:3 -> m4.py:4 -> m5.py:5 -> m6.py:6 -> m7.py:7"  # the last five places


def test_the_chain_is_the_findings_own_when_the_endpoint_is_called_from_several_places() -> None:
    to_a = (Step("config.py", 3, "BASE"), Step("a.py", 7, "post(…)"))
    to_b = (Step("settings.py", 9, "URL"), Step("b.py", 4, "get(…)"))
    endpoint = Endpoint("ep-1", None, "h.example.com", None, Placement(None, None, None, "unknown"),
                        locations=[Location("a.py", 7), Location("b.py", 4)],
                        provenance=[*to_a, *to_b], trails=[to_a, to_b])
    report = _empty_report(endpoints=[endpoint], findings=[_finding("b.py", 4, "ep-1"), _finding("c.py", 1, "ep-1")])
    vias = [line for line in _text(report, quiet=True).splitlines() if line.startswith("    via")]
    assert vias == ["    via settings.py:9 -> b.py:4",  # its own chain, not a.py's
                    "    via config.py:3 -> a.py:7 -> settings.py:9 -> b.py:4"]  # no chain ends there: all of them


# -- coverage and summary ----------------------------------------------------------

def test_coverage_counts_skipped_reasons_and_notes() -> None:
    coverage = Coverage(files_scanned=["a", "b", "c"], files_analyzed=["a"],
                        files_skipped=[Skipped("x", "too big"), Skipped("y", "binary"), Skipped("z", "too big")],
                        notes=["main.tf: module source not found"])
    lines = _text(_empty_report(coverage=coverage)).splitlines()
    at = lines.index("coverage: 3 files read, 1 Python files analysed, 0 parse errors, 3 skipped")
    assert lines[at + 1:at + 4] == ["  skipped 1: binary", "  skipped 2: too big",
                                    "  note: main.tf: module source not found"]


def test_the_summary_counts_endpoints_and_findings(app_report: Report) -> None:
    assert _text(app_report).splitlines()[-1] == "5 endpoints, 7 errors, 2 warnings"
    assert _text(_empty_report()).splitlines()[-1] == "0 endpoints, 0 errors, 0 warnings"


def test_notes_are_counted_only_when_there_are_some(tmp_path: Path) -> None:
    root = write_app(tmp_path / "app")
    (root / "flowscan.yaml").write_text("residency:\n  allowed: [eu]\nrules:\n  residency/region-unknown: note\n")
    report = scan(root, ScanOptions(jobs=1, cache_dir=None)).report
    # two unknown regions: the parameter, and llm.example.com, no longer declared
    assert _text(report).splitlines()[-1] == "5 endpoints, 7 errors, 0 warnings, 2 notes"


def test_quiet_keeps_only_findings_and_summary(app_report: Report) -> None:
    full, quiet = _text(app_report, quiet=False), _text(app_report, quiet=True)
    assert full == _text(app_report)
    assert quiet.splitlines()[0] == "warning scan/parse-error  svc/broken.py:1"  # the first finding
    for part in ("policy:", "Outbound endpoints", "coverage:"):
        assert part in full and part not in quiet
    assert quiet.splitlines()[-1] == full.splitlines()[-1]


# -- colours -----------------------------------------------------------------------

def _painted(style: str, text: str) -> str:
    return Style.parse(style).render(text)


def test_severities_rules_and_quoted_lines_are_styled(app_report: Report) -> None:
    styled = _styled(app_report)
    assert _painted("bold red", "error  ") + _painted("bold", " residency/region-not-allowed  ") in styled
    assert _painted("yellow", "warning") + _painted("bold", " scan/parse-error  ") in styled
    assert _painted("dim", "       4 | client = OpenAI()") in styled
    assert _painted("dim", "    via svc/first.py:1") in styled


def test_skipped_reasons_are_styled_dim() -> None:
    report = _empty_report(coverage=Coverage(files_skipped=[Skipped("notes.yaml", "YAML that is not a compose file")]))
    assert _painted("dim", "  skipped 1: YAML that is not a compose file") in _styled(report)


def test_notes_and_their_coverage_lines_are_styled() -> None:
    report = _empty_report(findings=[Finding("r/x", "note", "m", "a.py", 1, None, "f")],
                           coverage=Coverage(notes=["n1"]))
    styled = _styled(report)
    assert _painted("cyan", "note   ") in styled and _painted("dim", "  note: n1") in styled


@pytest.mark.parametrize("severities, style", [
    (["warning", "error"], "bold red"), (["note", "warning"], "yellow"), (["note"], "green"), ([], "green")])
def test_the_summary_line_has_the_colour_of_the_worst_finding(severities: list[str], style: str) -> None:
    report = _empty_report(findings=[Finding("r/x", s, "m", "a.py", 1, None, "f") for s in severities])
    summary = _styled(report).splitlines()[-1]
    assert summary.startswith(Style.parse(style).render("x").split("x")[0])


# -- explain -----------------------------------------------------------------------

def _explain(endpoint: Endpoint, sources: list[str], findings: list[Finding]) -> str:
    out = io.StringIO()
    render_explain(endpoint, sources, findings, Console(file=out, width=250, no_color=True, highlight=False))
    return out.getvalue()


def test_explain_shows_place_chains_calls_sources_and_findings(tmp_path: Path) -> None:
    result = scan_app(tmp_path / "app")
    endpoint = next(e for e in result.report.endpoints if e.host == "api.openai.com")
    findings = [f for f in result.report.findings if f.endpoint == endpoint.id]
    text = _explain(endpoint, result.graph.sources_of(endpoint.id), findings)
    lines = text.splitlines()
    assert lines[0] == (f"api.openai.com  provider=openai  region=us country=US jurisdiction=us "
                        f"(provider: {endpoint.placement.note})  context=default")
    assert sum(1 for line in lines if line.strip(" │├└─") == "chain") == len(endpoint.trails) == 6
    assert any(line.endswith("svc/main.py:9  openai.OpenAI(…)") for line in lines)
    assert "called at" in [line.strip(" │├└─") for line in lines]
    for location in endpoint.locations:
        assert any(line.strip(" │├└─") == f"{location.path}:{location.line}" for line in lines)
    for finding in findings:
        assert any(line.strip(" │├└─") == f"error {finding.rule} {finding.path}:{finding.line} [{finding.fingerprint}]"
                   for line in lines)


def test_explain_of_an_unplaced_endpoint_without_chains() -> None:
    endpoint = Endpoint("ep-1", None, None, None, Placement(None, None, None, "unknown"), context="compose:web",
                        locations=[Location("a.py", 3)], provenance=[Step("a.py", 2, "parameter url of f()")])
    lines = _explain(endpoint, ["a.py:2", "b.py:7"], []).splitlines()
    assert lines[0] == "?  provider=-  region=? country=? jurisdiction=? (unknown)  context=compose:web"
    assert any(line.endswith("a.py:2  parameter url of f()") for line in lines)  # the provenance as one chain
    assert any(line.strip(" │├└─") == "2 locations feed it: a.py:2, b.py:7" for line in lines)


def test_explain_prefers_the_url_when_the_host_is_unknown() -> None:
    endpoint = Endpoint("ep-1", "openai", None, "https://{env:HOST}/v1", Placement(None, None, None, "unknown"),
                        locations=[Location("a.py", 3)])
    assert _explain(endpoint, [], []).splitlines()[0].startswith("https://{env:HOST}/v1  provider=openai  ")


def test_explain_colours_findings_by_severity() -> None:
    endpoint = Endpoint("ep-1", None, "h.example.com", None, Placement(None, None, None, "unknown"),
                        locations=[Location("a.py", 3)])
    out = io.StringIO()
    render_explain(endpoint, [], [_finding("a.py", 3, "ep-1")],
                   Console(file=out, width=250, force_terminal=True, color_system="truecolor", highlight=False))
    assert _painted("yellow", f"warning residency/region-unknown a.py:3 [{'f' * 20}]") in out.getvalue()


def test_a_resource_explained() -> None:
    resource = Resource("google_storage_bucket.x", "location", "gcp", Placement("EU", None, "eu", "argument"),
                        Location("main.tf", 3), provenance=[Step("vars.tf", 1, "default = \"EU\""),
                                                             Step("main.tf", 3, "location = var.loc")])
    out = io.StringIO()
    render_resource(resource, Console(file=out, width=250, no_color=True, highlight=False))
    lines = [line.strip(" │├└─") for line in out.getvalue().splitlines()]
    assert lines[0] == "google_storage_bucket.x.location  region=EU country=? jurisdiction=eu  context=default"
    assert lines[1:] == ["chain", 'vars.tf:1  default = "EU"', "main.tf:3  location = var.loc", "set at main.tf:3"]
    unknown = Resource("r.y", "region", None, Placement(None, "DE", None, "unknown"), Location("m.tf", 1))
    out = io.StringIO()
    render_resource(unknown, Console(file=out, width=250, no_color=True, highlight=False))
    assert out.getvalue().splitlines()[0] == "r.y.region  region=? country=DE jurisdiction=?  context=default"
