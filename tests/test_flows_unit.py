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
    """A call whose value reads no env var is the same in every context: it is reported once,
    in the default context; a call that reads one gets an endpoint where a context sets it."""
    report = _scan(tmp_path, {
        "a.py": ('import os\nimport requests\nrequests.get("https://fixed.example.com")\n'
                 'requests.get(os.getenv("API", "https://default.example.com"))\n'),
        "compose.yaml": "services:\n  web:\n    image: web\n    environment:\n      API: https://api.eu.example.com\n",
    })
    assert sorted((e.context, e.host) for e in report.endpoints) == [
        ("compose:web", "api.eu.example.com"), ("default", "default.example.com"), ("default", "fixed.example.com")]


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
