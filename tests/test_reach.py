"""Default or opt-in: an outbound call under a configuration test (a provider switch, a mode
flag, an env var that must be set) is reached only when the shipped configuration passes the
test; the endpoint says which setting it waits for and the setting's shipped value."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest
from rich.console import Console

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint, Report
from flowscan.python.extract import extract_python
from flowscan.python.extract_cst import extract_python_cst
from flowscan.python.facts import Attr, Call, Lit, Name, Opaque
from flowscan.report.console import render_console
from flowscan.report.json_report import render_json

APP = '''\
    import os
    import requests
    from openai import OpenAI, AzureOpenAI
    from anthropic import Anthropic
    from pydantic_settings import BaseSettings

    class Settings(BaseSettings):
        enable_tracing: bool = False
        enable_metrics: bool = True

    settings = Settings()
    PROVIDER = os.getenv("LLM_PROVIDER", "openai")

    if PROVIDER == "openai":
        client = OpenAI()
    elif PROVIDER in ("anthropic", "claude"):
        client = Anthropic()

    if os.environ.get("SENTRY_DSN"):
        requests.post("https://sentry.example.com/api/1/store/")

    if not os.getenv("OFFLINE"):
        requests.get("https://updates.example.com/latest")

    if settings.enable_tracing:
        requests.post("https://traces.example.com/v1")

    if settings.enable_metrics and os.getenv("REGION") is None:
        requests.post("https://metrics.example.com/v1")

    def fetch(response):
        if response.status_code == 200:
            requests.get("https://runtime.example.com/next")

    def mode_of():
        return compute()

    if os.getenv("MODE") == mode_of():
        requests.get("https://mode.example.com")

    azure = AzureOpenAI(api_version="2024-06-01")
'''


def _scan(root: Path, code: str, **env: str) -> dict[str | None, Endpoint]:
    root.mkdir()
    (root / "app.py").write_text(textwrap.dedent(code))
    return {e.host: e for e in scan(root, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints}


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory: pytest.TempPathFactory) -> dict[str | None, Endpoint]:
    return _scan(tmp_path_factory.mktemp("reach") / "app", APP)


def test_the_provider_the_default_setting_selects_is_reached_by_default(endpoints) -> None:
    assert endpoints["api.openai.com"].reach == "default"
    assert endpoints["api.openai.com"].switches == []


def test_another_provider_is_opt_in_with_its_switch_and_shipped_value(endpoints) -> None:
    anthropic = endpoints["api.anthropic.com"]
    assert anthropic.reach == "opt-in"
    # the elif runs when the if failed: both tests are listed, with the env default 'openai'
    assert [(s.line, s.setting, s.condition, s.shipped, s.taken) for s in anthropic.switches] == [
        (14, "env:LLM_PROVIDER", "not (env:LLM_PROVIDER == 'openai')", "'openai'", False),
        (16, "env:LLM_PROVIDER", "env:LLM_PROVIDER in 'anthropic' or 'claude'", "'openai'", False),
    ]


def test_an_env_var_no_config_sets_is_unset(endpoints) -> None:
    sentry = endpoints["sentry.example.com"]
    assert sentry.reach == "opt-in"
    assert [(s.setting, s.shipped, s.taken) for s in sentry.switches] == [("env:SENTRY_DSN", "unset", False)]
    # `not` of an unset env var holds: the update check runs by default
    assert endpoints["updates.example.com"].reach == "default"


def test_settings_fields_are_switches_with_their_declared_default(endpoints) -> None:
    traces = endpoints["traces.example.com"]
    assert traces.reach == "opt-in"
    assert [(s.setting, s.shipped) for s in traces.switches] == [("env:ENABLE_TRACING", "'False'")]
    # `a and b` is two tests; both pass with the shipped values
    assert endpoints["metrics.example.com"].reach == "default"


def test_run_time_control_flow_is_no_switch(endpoints) -> None:
    assert endpoints["runtime.example.com"].reach == "default"
    assert endpoints["runtime.example.com"].switches == []


def test_a_setting_compared_to_a_value_not_known_statically_is_unknown(endpoints) -> None:
    mode = endpoints["mode.example.com"]
    assert mode.reach == "unknown"
    assert [(s.setting, s.taken) for s in mode.switches] == [("env:MODE", None)]


def test_a_host_only_an_unset_env_var_gives_is_opt_in(endpoints) -> None:
    azure = next(e for e in endpoints.values() if e.host is None and e.sdk == "openai.AzureOpenAI")
    assert azure.reach == "opt-in"
    assert [(s.setting, s.shipped) for s in azure.switches] == [("env:AZURE_OPENAI_ENDPOINT", "unset")]


def test_an_unknown_host_waits_for_its_env_var_at_the_call_and_keeps_its_sdks_provider(tmp_path: Path) -> None:
    code = '''\
        from openai import AzureOpenAI

        azure = AzureOpenAI(api_version="2024-06-01")
    '''
    (azure,) = _scan(tmp_path / "app", code).values()
    assert azure.host is None
    assert azure.provider == "openai"  # Azure OpenAI is OpenAI's models on Azure (rules/providers/openai.yaml)
    assert [(s.path, s.line, s.setting) for s in azure.switches] == [("app.py", 3, "env:AZURE_OPENAI_ENDPOINT")]


def test_a_host_with_a_part_from_an_unset_env_var_is_still_reached_by_default(tmp_path: Path) -> None:
    """Only a host that an env var gives whole waits for it; ``None.openai.azure.com`` is still called."""
    code = '''\
        import os
        from openai import OpenAI
        client = OpenAI(base_url=f"https://{os.getenv('AZURE_RESOURCE')}.openai.azure.com/openai/v1")
    '''
    endpoint = _scan(tmp_path / "app", code)["{env:AZURE_RESOURCE}.openai.azure.com"]
    assert endpoint.unresolved == ["env:AZURE_RESOURCE"]
    assert endpoint.reach == "default" and endpoint.switches == []


def test_a_config_that_sets_the_switch_makes_it_default(tmp_path: Path) -> None:
    found = _scan(tmp_path / "app", APP, LLM_PROVIDER="anthropic", SENTRY_DSN="https://k@o1.ingest.sentry.io/1")
    assert found["api.anthropic.com"].reach == "default"
    assert found["api.openai.com"].reach == "opt-in"
    assert found["sentry.example.com"].reach == "default"


def test_one_default_call_makes_the_endpoint_default(tmp_path: Path) -> None:
    code = '''\
        import os, requests
        if os.getenv("BETA"):
            requests.get("https://api.example.com/beta")
        requests.get("https://api.example.com/stable")
    '''
    endpoint = _scan(tmp_path / "app", code)["api.example.com"]
    assert endpoint.reach == "default" and endpoint.switches == []


def test_json_and_console_show_the_reach(endpoints, tmp_path: Path) -> None:
    report = scan(_write(tmp_path, APP), ScanOptions(jobs=1, cache_dir=None)).report
    rendered = {e["host"]: e for e in json.loads(render_json(report))["endpoints"]}
    assert rendered["sentry.example.com"]["reach"] == "opt-in"
    assert rendered["sentry.example.com"]["switches"] == [{
        "path": "app.py", "line": 19, "setting": "env:SENTRY_DSN", "condition": "env:SENTRY_DSN is set and not false",
        "shipped": "unset", "taken": False}]
    text = _console(report)
    assert ("reached only once a setting selects them: api.anthropic.com, sentry.example.com, traces.example.com; "
            "1 more behind a setting whose shipped value is not known") in text
    row = next(line for line in text.splitlines() if line.startswith("│") and "sentry.example.com" in line)
    assert "opt-in: env:SENTRY_DSN" in row


def test_the_reach_column_is_left_out_when_everything_is_default(tmp_path: Path) -> None:
    report = scan(_write(tmp_path, "import requests\nrequests.get('https://api.example.com')\n"),
                  ScanOptions(jobs=1, cache_dir=None)).report
    text = _console(report)
    assert _header_cells(text)[-2:] == ["context", "called at"] and "setting selects" not in text


def test_both_extractors_record_the_tests_around_a_call() -> None:
    code = textwrap.dedent('''\
        import os
        if os.getenv("A") == "x" and not B:
            f()
        elif C or D:
            g()
        else:
            h()
        while E:
            def inner():
                k()
    ''').encode()
    for facts in (extract_python("t.py", code), extract_python_cst("t.py", code)):
        tests = {site.func.id: site.tests for site in facts.calls if isinstance(site.func, Name)}
        (first, second) = tests["f"]
        assert isinstance(first.subject, Call) and isinstance(first.subject.func, Attr)
        assert (first.op, first.negated, first.line, second.op, second.negated) == ("==", False, 2, "truthy", True)
        assert isinstance(first.value, Lit) and first.value.text == "x"
        assert isinstance(second.subject, Name) and second.subject.id == "B"
        # the elif runs when the if failed (the negation of `a and not b`: one of its parts fails)
        # and `C or D` holds: each is one truthiness test of a bool that keeps its parts
        (failed, either) = tests["g"]
        for test in (failed, either):
            assert isinstance(test.subject, Opaque) and test.subject.cond is not None and test.subject.cond.any_of
            assert (test.op, test.negated, test.line) == ("truthy", False, 2 if test is failed else 4)
        assert [(p.op, p.negated) for p in failed.subject.cond.parts] == [("==", True), ("truthy", False)]
        assert [(p.subject.id, p.negated) for p in either.subject.cond.parts] == [("C", False), ("D", False)]
        # else of `C or D`: neither holds
        assert tests["h"][0] == failed
        assert [(t.subject.id, t.negated, t.line) for t in tests["h"][1:]] == [("C", True, 4), ("D", True, 4)]
        # a def body's calls do not run under the branches around the def
        assert tests["k"] == ()
    ast_facts, cst_facts = extract_python("t.py", code), extract_python_cst("t.py", code)
    assert [s.tests for s in ast_facts.calls] == [s.tests for s in cst_facts.calls]
    getenv = next(s for s in ast_facts.calls if isinstance(s.func, Attr))
    assert getenv.tests == ()  # the test's own call is not under it


def _write(tmp_path: Path, code: str) -> Path:
    root = tmp_path / "app"
    root.mkdir()
    (root / "app.py").write_text(textwrap.dedent(code))
    return root


def _header_cells(text: str) -> list[str]:
    head = next(line for line in text.splitlines() if line.startswith("┃"))
    return [cell.strip() for cell in head.split("┃")[1:-1]]


def _console(report: Report) -> str:
    out = io.StringIO()
    render_console(report, Console(file=out, width=250, no_color=True, highlight=False))
    return out.getvalue()


CALLERS = '''\
    import os
    import boto3

    class Storage:
        def __init__(self, bucket):
            self.client = boto3.client("s3", region_name="eu-west-1")

    def notify():
        boto3.client("sns", region_name="eu-west-1")

    def audit():
        boto3.client("sqs", region_name="eu-west-1")

    def setup():
        if database_url := os.environ.get("DATABASE_URL"):
            Storage("files")
        if os.getenv("NOTIFY"):
            notify()
        if os.getenv("AUDIT"):
            audit()

    def always():
        audit()

    setup()
'''


def test_a_call_whose_every_caller_is_opt_in_is_opt_in(tmp_path: Path) -> None:
    found = _scan(tmp_path / "app", CALLERS)
    s3 = found["s3.eu-west-1.amazonaws.com"]
    # the constructor's only caller is under a walrus on an env var no config sets
    assert s3.reach == "opt-in"
    assert [(s.path, s.line, s.setting, s.taken) for s in s3.switches] == [("app.py", 15, "env:DATABASE_URL", False)]
    assert found["sns.eu-west-1.amazonaws.com"].reach == "opt-in"
    # audit() has a caller that runs by default (always(), whose own callers are none)
    assert found["sqs.eu-west-1.amazonaws.com"].reach == "default"


def test_an_unresolved_call_of_the_same_name_keeps_the_default(tmp_path: Path) -> None:
    code = textwrap.dedent(CALLERS) + "\ndef elsewhere(obj):\n    obj.notify()\n"
    assert _scan(tmp_path / "app", code)["sns.eu-west-1.amazonaws.com"].reach == "default"


MATCH_APP = '''\
    import os
    import requests
    from openai import OpenAI
    from anthropic import Anthropic

    PROVIDER = os.getenv("EMBEDDING_PROVIDER", "openai")

    def embedder():
        match PROVIDER:
            case "openai":
                return OpenAI()
            case "anthropic" | "claude":
                return Anthropic()
            case "voyage" if os.getenv("VOYAGE_API_KEY"):
                return requests.post("https://api.voyageai.example/v1/embeddings")
            case _:
                return requests.post("https://fallback.example.com/v1")
'''


def test_match_cases_are_switches_like_an_if_elif_chain(tmp_path: Path) -> None:
    found = _scan(tmp_path / "app", MATCH_APP)
    assert found["api.openai.com"].reach == "default"  # the case the shipped value selects
    anthropic = found["api.anthropic.com"]
    assert anthropic.reach == "opt-in"
    # not the first case, and `"anthropic" | "claude"` (one test of a bool keeping both parts) fails
    assert [(s.line, s.setting, s.shipped, s.taken) for s in anthropic.switches] == [
        (9, "env:EMBEDDING_PROVIDER", "'openai'", False)] * 2
    assert anthropic.switches[1].condition == ("env:EMBEDDING_PROVIDER == 'anthropic' (at app.py:9) or "
                                               "env:EMBEDDING_PROVIDER == 'claude' (at app.py:9)")
    voyage = found["api.voyageai.example"]
    assert voyage.reach == "opt-in"
    assert {s.setting for s in voyage.switches} == {"env:EMBEDDING_PROVIDER", "env:VOYAGE_API_KEY"}
    # `case _:` runs when no earlier literal case matched; the shipped 'openai' matches the first
    assert found["fallback.example.com"].reach == "opt-in"


def test_both_extractors_record_the_tests_of_match_cases() -> None:
    code = textwrap.dedent('''\
        match mode:
            case "a":
                f()
            case "b" | "c":
                g()
            case {"k": v}:
                h()
            case _ if ready:
                k()
    ''').encode()
    ast_facts, cst_facts = extract_python("t.py", code), extract_python_cst("t.py", code)
    assert [s.tests for s in ast_facts.calls] == [s.tests for s in cst_facts.calls]
    tests = {site.func.id: site.tests for site in ast_facts.calls if isinstance(site.func, Name)}
    assert [(t.subject.id, t.op, t.value.text, t.negated, t.line) for t in tests["f"]] == [("mode", "==", "a", False, 1)]
    (before, either) = tests["g"]
    assert (before.op, before.value.text, before.negated) == ("==", "a", True)
    # the `or` itself: one truthiness test of a bool keeping both literal tests
    assert isinstance(either.subject, Opaque) and either.subject.cond is not None and either.subject.cond.any_of
    assert [(t.op, t.value.text) for t in either.subject.cond.parts] == [("==", "b"), ("==", "c")]
    # a mapping pattern is not modelled: only that the literal cases before it failed
    assert [(t.value.text, t.negated) for t in tests["h"]] == [("a", True), ("b", True), ("c", True)]
    assert [(t.value.text if t.value else t.subject.id, t.negated) for t in tests["k"]] == [
        ("a", True), ("b", True), ("c", True), ("ready", False)]
