"""Which calls and assignments are outbound, and what reaches them: SDK attribute
assignments, calls without an endpoint argument, override arguments, names that only look
like sinks, re-exported clients, LiteLLM proxy entries with env references, and call sites
re-evaluated per deployment context only when an env var can change them."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint, Report


def _scan(root: Path, files: dict[str, str], **env: str) -> Report:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return scan(root, ScanOptions(jobs=1, cache_dir=None, env=env)).report


def _by_line(report: Report, path: str = "a.py") -> dict[int, Endpoint]:
    return {loc.line: e for e in report.endpoints for loc in e.locations if loc.path == path}


CODE = '''\
    import os
    import litellm
    import openai
    import posthog
    import psycopg
    import requests
    import sentry_sdk
    from mylib import get
    from .net import http

    posthog.host = "https://eu.i.posthog.com"
    openai.base_url = os.environ["OAI"]
    sentry_sdk.init()
    requests.get()
    psycopg.connect("postgresql://db.eu.example.com/x")
    psycopg.connect(host="pg.example.com")
    get("https://not-a-sink.example.com")
    http.get("https://reexport.example.com")
    litellm.completion(model="bedrock/anthropic.claude", messages=[])
    litellm.completion(model="openai/gpt-4o", api_base="https://proxy.example.com")
    obj.posthog = 1
    session = requests.Session()
    session.get("https://session.example.com")
    requests.get("https://kw.example.com", timeout=3)
'''


def test_outbound_calls_and_assignments(tmp_path: Path) -> None:
    report = _scan(tmp_path, {"a.py": CODE, "net.py": "import requests as http\n", "__init__.py": ""})
    by_line = _by_line(report)

    assigned = by_line[11]  # an SDK setting assigned: a sink of its own
    assert (assigned.host, assigned.sdk) == ("eu.i.posthog.com", "posthog.host")
    assert [s.detail for s in assigned.provenance] == ['"https://eu.i.posthog.com"', "posthog.host = …"]
    assert by_line[12].url == "{env:OAI}" and by_line[12].provenance[-1].detail == "openai.base_url = …"

    assert by_line[13].url == "{env:SENTRY_DSN}"  # no DSN argument: the SDK reads SENTRY_DSN
    missing = by_line[14]  # requests.get() with no URL at all: reported, never dropped
    assert (missing.host, missing.url, missing.unresolved) == (None, None, ["the call's endpoint argument"])
    assert missing.placement.note == "no endpoint value found" and missing.sdk == "requests.get"
    assert missing.provenance == []

    assert by_line[15].url == "postgresql://db.eu.example.com/x"  # the override argument (a DSN)
    assert by_line[16].url == "postgresql://pg.example.com"  # else the template from host=
    assert 17 not in by_line  # get() from a module that is no sink and not in the tree
    assert by_line[18].host == "reexport.example.com"  # requests re-exported by an in-tree module
    assert by_line[19].host == "bedrock-runtime.us-west-2.amazonaws.com"
    assert by_line[20].host == "proxy.example.com"  # api_base overrides the provider's default
    assert 21 not in by_line  # an attribute named like a sink module, on something else
    assert (by_line[23].host, by_line[23].sdk) == ("session.example.com", "requests.Session.get")
    kw = by_line[24]
    assert kw.locations[0].column == 1 and kw.provenance[-1] == type(kw.provenance[-1])("a.py", 24, "requests.get(…)")


def test_a_call_is_located_at_its_column(tmp_path: Path) -> None:
    report = _scan(tmp_path, {"a.py": 'import requests\nx = 1; requests.get("https://col.example.com")\n'})
    (endpoint,) = report.endpoints
    assert [(loc.path, loc.line, loc.column) for loc in endpoint.locations] == [("a.py", 2, 8)]  # 1-based


LITELLM = '''\
    model_list:
      - model_name: fixed
        litellm_params:
          model: openai/gpt-4o
          api_base: https://llm.internal.example.com/v1
      - model_name: templated
        litellm_params:
          model: openai/gpt-4o
          api_base: os.environ/BASE_URL
'''


def test_proxy_entries_resolve_env_references_per_context(tmp_path: Path) -> None:
    report = _scan(tmp_path, {
        "proxy/config.yaml": LITELLM,
        "compose.yaml": ("services:\n  proxy:\n    image: litellm\n    environment:\n"
                         "      BASE_URL: https://llm.eu.example.com/v1\n"),
    })
    assert sorted((e.context, e.url) for e in report.endpoints) == [
        ("compose:proxy", "https://llm.eu.example.com/v1"),  # the unset default is dropped: compose sets it
        ("default", "https://llm.internal.example.com/v1")]
    templated = next(e for e in report.endpoints if e.context == "compose:proxy")
    assert templated.sdk == "litellm model_list templated: openai/gpt-4o"
    assert [(s.path, s.line) for s in templated.provenance] == [
        ("proxy/config.yaml", 6), ("proxy/config.yaml", 8), ("proxy/config.yaml", 9), ("compose.yaml", 5),
        ("proxy/config.yaml", 9)]  # the entry, the env value from compose, then the entry's use
    assert templated.locations[0].path == "proxy/config.yaml" and templated.locations[0].line == 9


def test_env_free_calls_are_not_repeated_per_context(tmp_path: Path) -> None:
    """A call or SDK setting whose value reads no env var is the same in every context: it is
    reported once, in the default context; one that reads an env var (after a skipped one) gets
    an endpoint where a context sets it."""
    report = _scan(tmp_path, {
        "a.py": ('import os\nimport openai\nimport posthog\nimport requests\n'
                 'posthog.host = "https://eu.i.posthog.com"\n'
                 'openai.base_url = os.environ.get("OAI", "https://api.openai.com/v1")\n'
                 'requests.get("https://fixed.example.com")\n'
                 'requests.get(os.getenv("API", "https://default.example.com"))\n'),
        "compose.yaml": ("services:\n  web:\n    image: web\n    environment:\n      API: https://api.eu.example.com\n"
                         "      OAI: https://oai.eu.example.com/v1\n"),
    })
    assert sorted((e.context, e.host) for e in report.endpoints) == [
        ("compose:web", "api.eu.example.com"), ("compose:web", "oai.eu.example.com"), ("default", "api.openai.com"),
        ("default", "default.example.com"), ("default", "eu.i.posthog.com"), ("default", "fixed.example.com")]


REEXPORT = {
    "app/__init__.py": "", "app/core/__init__.py": "",
    "app/core/net.py": "import requests as http\n",
    "app/main.py": 'from app.core.net import http\nhttp.get("https://nested-reexport.example.com")\n',
    "app/other.py": 'from app.core import net\nnet.http.post("https://module-reexport.example.com")\n',
}


def test_calls_through_a_re_exported_client_are_found_by_the_pre_pass(tmp_path: Path) -> None:
    """app/main.py imports no sink module, only a client that app/core/net.py re-exports: the
    pre-pass must still send it to the parser (as --no-prepass does)."""
    report = _scan(tmp_path, REEXPORT)
    assert sorted(e.host for e in report.endpoints) == ["module-reexport.example.com", "nested-reexport.example.com"]
    full = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None, prepass=False)).report
    assert sorted(e.host for e in full.endpoints) == sorted(e.host for e in report.endpoints)


def test_a_re_exported_client_and_the_result_cache(tmp_path: Path) -> None:
    _scan(tmp_path, REEXPORT)
    options = ScanOptions(jobs=1, cache_dir=tmp_path / ".cache")
    first = scan(tmp_path, options)
    assert not first.stats.reused and len(first.report.endpoints) == 2
    main = tmp_path / "app" / "main.py"
    main.write_text(main.read_text() + "# a comment\n")
    again = scan(tmp_path, options)
    assert again.stats.reused and len(again.report.endpoints) == 2
    (tmp_path / "app" / "core" / "net.py").write_text("import json as http\n")  # no client any more
    changed = scan(tmp_path, options)
    assert not changed.stats.reused and changed.report.endpoints == []


def test_a_call_reads_the_values_bound_where_it_is(tmp_path: Path) -> None:
    """The URL and the client are the ones bound at the call's line and in its function:
    a later rebinding changes nothing, a client local to a function is found there."""
    report = _scan(tmp_path, {"a.py": '''\
        import json
        import os
        import posthog
        import requests

        URL = "https://first.example.com"
        http = requests
        http.get(URL)
        URL = "https://second.example.com"
        http = json
        http.get("https://not-a-call.example.com")


        def sync():
            session = requests.Session()
            session.get("https://local.example.com")


        def setup():
            posthog.host = os.environ.get("POSTHOG_HOST", "https://eu.i.posthog.com")


        def setup_us():
            host = "https://us.i.posthog.com"
            posthog.host = host
        '''})
    assert sorted((e.host, loc.line, loc.column) for e in report.endpoints for loc in e.locations) == [
        ("eu.i.posthog.com", 20, 5), ("first.example.com", 8, 1), ("local.example.com", 16, 5),
        ("us.i.posthog.com", 25, 5)]
    assigned = next(e for e in report.endpoints if e.sdk == "posthog.host")
    assert [s.detail for s in assigned.provenance] == [
        '"https://eu.i.posthog.com"', "default of env POSTHOG_HOST (not set in any scanned config)", "posthog.host = …"]


def test_an_attribute_named_like_an_sdk_setting_on_another_library(tmp_path: Path) -> None:
    """``settings.host`` of an unrelated import and ``config.host`` of a local object are no
    sinks; posthog.host beside them is."""
    report = _scan(tmp_path, {"a.py": '''\
        import posthog
        from myconf import settings


        class Config:
            host = None


        config = Config()
        settings.host = "https://not-posthog.example.com"
        config.host = "https://local-object.example.com"
        posthog.host = "https://eu.i.posthog.com"
        '''})
    assert [(e.host, e.sdk) for e in report.endpoints] == [("eu.i.posthog.com", "posthog.host")]


def test_a_client_passed_as_a_parameter_does_not_stop_the_scan(tmp_path: Path) -> None:
    """What is called is not followed back through a parameter's callers (too costly for
    what it finds); the scan goes on and reports the direct call."""
    report = _scan(tmp_path, {"a.py": '''\
        import requests


        def fetch(client):
            return client.get("https://through-a-parameter.example.com")


        fetch(requests)
        requests.get("https://direct.example.com")
        '''})
    assert [e.host for e in report.endpoints] == ["direct.example.com"]


def test_a_call_no_context_can_change_is_evaluated_once(tmp_path: Path, monkeypatch) -> None:
    """Call sites and SDK settings whose values read no env var are evaluated in the default
    context only, not again in each of the two compose services; an attribute of a module no
    sink comes from (settings.host, line 8) is not evaluated at all."""
    from flowscan.python.resolve import Resolver

    evaluated: list[tuple[str, int] | None] = []
    start_budget = Resolver.start_budget

    def record(self, site=None):
        evaluated.append(site)
        start_budget(self, site)

    monkeypatch.setattr(Resolver, "start_budget", record)
    report = _scan(tmp_path, {
        "a.py": ('import os\nimport posthog\nimport requests\nposthog.host = "https://eu.i.posthog.com"\n'
                 'requests.get("https://fixed.example.com")\nrequests.get(os.environ["API"])\n'
                 'from myconf import settings\nsettings.host = "https://no-sdk.example.com"\n'),
        "compose.yaml": ("services:\n  web:\n    image: web\n    environment:\n      API: https://web.example.com\n"
                         "  worker:\n    image: worker\n    environment:\n      API: https://worker.example.com\n"),
    })
    assert sorted(e.host for e in report.endpoints) == [  # API unset in default: both services set it
        "eu.i.posthog.com", "fixed.example.com", "web.example.com", "worker.example.com"]
    sites = [site for site in evaluated if site is not None]
    assert sorted(sites) == [("a.py", 4), ("a.py", 5), ("a.py", 6), ("a.py", 6), ("a.py", 6)]


def test_an_sdk_setting_over_budget_is_noted(tmp_path: Path, monkeypatch) -> None:
    from flowscan.python import resolve

    monkeypatch.setattr(resolve, "STEP_BUDGET", 40)
    lines = ["import posthog", 'A0 = "https://costly.example.com"', *[f'A{i} = A{i - 1} + ""' for i in range(1, 30)]]
    report = _scan(tmp_path, {"a.py": "\n".join([*lines, "posthog.host = A29"]) + "\n"})
    (endpoint,) = report.endpoints
    assert endpoint.unresolved == ["analysis budget exceeded"]
    assert [note.split(": resolving")[0] for note in report.coverage.notes] == ["a.py:32"]


def test_provenance_names_the_sdk_whose_default_is_used(tmp_path: Path) -> None:
    report = _scan(tmp_path, {"a.py": "import sentry_sdk\nsentry_sdk.init()\n"})
    (endpoint,) = report.endpoints
    assert endpoint.provenance[0].detail.startswith("sentry_sdk.init reads env SENTRY_DSN")


def test_a_proxy_entry_with_its_region_from_an_env_var(tmp_path: Path) -> None:
    report = _scan(tmp_path, {
        "proxy/config.yaml": ("model_list:\n  - model_name: claude\n    litellm_params:\n"
                              "      model: bedrock/anthropic.claude-3-5-sonnet\n"
                              "      aws_region_name: os.environ/BEDROCK_REGION\n"),
        "compose.yaml": ("services:\n  proxy:\n    image: litellm\n    environment:\n"
                         "      BEDROCK_REGION: eu-central-1\n"),
    })
    (endpoint,) = report.endpoints
    assert (endpoint.context, endpoint.host, endpoint.provider) == (
        "compose:proxy", "bedrock-runtime.eu-central-1.amazonaws.com", "aws")
    assert endpoint.provenance[-1].detail == "litellm model_list claude: bedrock/anthropic.claude-3-5-sonnet"


def test_an_sdk_with_no_default_host_names_every_env_var_it_reads(tmp_path: Path) -> None:
    """litellm's watsonx route reads WATSONX_API_BASE, WATSONX_URL, WX_URL or WML_URL and has no default
    host: the unknown endpoint's chain names each, so a reader knows any of them redirects it."""
    report = _scan(tmp_path, {"a.py": 'import litellm\nlitellm.completion(model="watsonx/ibm/granite-13b-chat-v2", messages=[])\n'})
    (endpoint,) = [e for e in report.endpoints if e.host is None]
    assert endpoint.unresolved == ["env:WATSONX_API_BASE"]
    assert endpoint.provenance[1].detail == (
        "litellm.completion reads env WATSONX_API_BASE / WATSONX_URL / WX_URL / WML_URL, not set in any scanned config")
