"""The pre-commit hook's scoped run reports what a full scan reports about the changed files.

Each test scans a tree with a cache (the record, with what each outbound call's resolution
depended on: ``flowscan/scoped.py``), edits Python files, runs the hook's scan
(``ScanOptions(scoped=True)``: only the calls the edit can affect are resolved) and compares the
findings touching the changed files (``changed.touching``, as ``flowscan pre-commit`` filters)
with those of a scan without any cache, filtered the same way. A finding the scoped run misses
is a gate passing by mistake.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import textwrap
from pathlib import Path
from typing import Callable

import pytest

from flowscan.api import ScanOptions, ScanResult, scan
from flowscan.changed import touching, touching_endpoints
from tests.test_reach_selection import _SCRAPERS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"

# A generated app whose values cross files: a constant imported from a settings module, a URL
# passed as an argument from another file, a client made in one file and used in another, a
# region read by a boto3 client; and an unrelated module with its own call.
APP = {
    "app/__init__.py": "",
    "app/settings.py": """\
        BASE_URL = "https://api.openai.com/v1"
        REGION = "eu-west-1"
        HOOK = "https://hooks.example.com/jobs"
    """,
    "app/clients.py": """\
        import openai

        from app.settings import BASE_URL

        client = openai.OpenAI(base_url=BASE_URL)
    """,
    "app/service.py": """\
        from app.clients import client


        def ask(question):
            return client.chat.completions.create(model="gpt-4o", messages=[question])
    """,
    "app/http.py": """\
        import requests


        def post(url, data):
            return requests.post(url, json=data)
    """,
    "app/jobs.py": """\
        from app.http import post
        from app.settings import HOOK


        def run():
            post(HOOK, {})
            post("https://api.groq.com/openai/v1/x", {})
    """,
    "app/bedrock.py": """\
        import boto3

        from app.settings import REGION

        runtime = boto3.client("bedrock-runtime", region_name=REGION)
    """,
    "app/other.py": """\
        import httpx

        httpx.get("https://api.mistral.ai/v1/models")
    """,
}


def _write(root: Path, files: dict[str, str]) -> None:
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))


def _replace(path: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        text = (root / path).read_text()
        assert old in text, (path, old)
        (root / path).write_text(text.replace(old, new, 1))
    return edit


def _append(path: str, text: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        with (root / path).open("a") as handle:
            handle.write(textwrap.dedent(text))
    return edit


EDITS = {
    "URL literal of an unrelated module": [_replace("app/other.py", "api.mistral.ai", "api.cohere.com")],
    "imported constant": [_replace("app/settings.py", "https://api.openai.com/v1", "https://api.together.xyz/v1")],
    "region constant": [_replace("app/settings.py", '"eu-west-1"', '"us-east-1"')],
    "argument passed from another file": [_replace("app/jobs.py", "api.groq.com", "api.fireworks.ai")],
    "sink added": [_append("app/service.py", """

        import requests

        requests.post("https://api.example-us.com/v1", json={})
    """)],
    "sink removed": [_replace("app/jobs.py", '    post("https://api.groq.com/openai/v1/x", {})\n', "")],
    "import renamed": [_replace("app/clients.py", "from app.settings import BASE_URL\n",
                                "from app.settings import BASE_URL as URL\n"),
                       _replace("app/clients.py", "base_url=BASE_URL", "base_url=URL")],
    "lines shifted above a constant": [_replace("app/settings.py", "BASE_URL", "# the gateway\nBASE_URL")],
    "client moved to another module": [_replace("app/service.py", "from app.clients import client",
                                                "import openai\n\nclient = openai.OpenAI()")],
    "caller added in a new import": [_append("app/other.py", """

        from app.http import post

        post("https://api.deepseek.com/v1", {})
    """)],
    "several edits in a row": [_replace("app/other.py", "api.mistral.ai", "api.cohere.com"),
                               _replace("app/settings.py", '"eu-west-1"', '"ap-southeast-2"'),
                               _replace("app/other.py", "api.cohere.com", "api.mistral.ai")],
}




def _touching(result: ScanResult, changed: set[str]) -> list[str]:
    return [json.dumps(dataclasses.asdict(f), sort_keys=True, default=str) for f in touching(result.report, changed)]


def _endpoints_touching(result: ScanResult, changed: set[str]) -> list[tuple]:
    return sorted((e.id, e.host, e.reach, tuple(sorted((loc.path, loc.line) for loc in e.locations)))
                  for e in touching_endpoints(result.report, changed))


def _changed_files(root: Path, before: dict[str, bytes]) -> set[str]:
    now = {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.py")}
    return {p for p in set(now) | set(before) if now.get(p) != before.get(p)}


def _snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*.py")}


def _scoped_after_edits(root: Path, cache: Path, edits: list[Callable[[Path], None]]) -> list[ScanResult]:
    """Record a scan with the cache; after each edit, the hook's scan touches the same findings
    of the files changed since the record as a scan without cache. Returns the hook's scans."""
    scan(root, ScanOptions(cache_dir=cache))
    recorded = _snapshot(root)
    results = []
    for edit in edits:
        edit(root)
        changed = _changed_files(root, recorded)
        hook = scan(root, ScanOptions(cache_dir=cache, scoped=True))
        full = scan(root, ScanOptions(cache_dir=None))
        assert _touching(hook, changed) == _touching(full, changed)
        assert _endpoints_touching(hook, changed) == _endpoints_touching(full, changed)  # the summary's count
        results.append(hook)
    return results


# edits that keep each file's imports: the hook takes the scoped path
SCOPED = {"URL literal of an unrelated module", "imported constant", "region constant", "argument passed from another file",
          "sink removed", "lines shifted above a constant", "several edits in a row", "import renamed"}


@pytest.mark.parametrize("name", sorted(EDITS))
def test_an_edit_of_the_generated_app_touches_the_findings_a_full_scan_does(tmp_path: Path, name: str) -> None:
    root = tmp_path / "tree"
    _write(root, APP)
    results = _scoped_after_edits(root, tmp_path / "cache", EDITS[name])
    if name in SCOPED:
        assert all(r.stats.scoped is not None for r in results)
    else:  # a module newly imported: the full path
        assert results[-1].stats.scoped is None


def test_a_new_call_to_a_function_of_another_file_reaches_its_sink(tmp_path: Path) -> None:
    """F already imports G; F newly calls G's function that makes the sink call: the sink call
    in G gets a new argument, and its finding touches F through the endpoint's provenance."""
    root = tmp_path / "tree"
    _write(root, APP)
    edit = _replace("app/jobs.py", '    post("https://api.groq.com/openai/v1/x", {})\n',
                    '    post("https://api.groq.com/openai/v1/x", {})\n    post("https://api.example-us.com/v1", {})\n')
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [edit])
    assert hook.stats.scoped is not None
    assert "api.example-us.com" in {e.host for e in hook.report.endpoints}


def test_a_django_settings_dict_added_to_a_settings_module_is_resolved(tmp_path: Path) -> None:
    """A settings module's DATABASES (``settings_dicts``) is no call: a second assignment the edit
    adds has no recorded site, and the hook still resolves it with the changed file's own."""
    root = tmp_path / "tree"
    _write(root, {"app/__init__.py": "", "app/settings.py": """\
        DEBUG = False
        DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": "localhost"}}
    """})
    edit = _append("app/settings.py", """\
        if DEBUG:
            DATABASES = {
                "default": {"ENGINE": "django.db.backends.postgresql", "HOST": "app-db.cluster-c9xk2hz1abcd.us-east-1.rds.amazonaws.com"},
            }
    """)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [edit])
    assert hook.stats.scoped is not None
    assert {e.host for e in hook.report.endpoints} == {"localhost", "app-db.cluster-c9xk2hz1abcd.us-east-1.rds.amazonaws.com"}


def test_an_unrelated_edit_resolves_few_calls(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _write(root, APP)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", EDITS["URL literal of an unrelated module"])
    assert hook.stats.scoped == 1
    assert hook.program is not None and "app/jobs.py" not in hook.program.loaded
    assert "api.cohere.com" in {e.host for e in hook.report.endpoints}


def test_a_changed_constant_resolves_the_calls_that_read_it(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _write(root, APP)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", EDITS["region constant"])
    assert hook.stats.scoped is not None and 1 <= hook.stats.scoped < 6
    assert "bedrock-runtime.us-east-1.amazonaws.com" in {e.host for e in hook.report.endpoints}


def test_a_config_change_takes_the_full_path(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _write(root, APP)
    scan(root, ScanOptions(cache_dir=tmp_path / "cache"))
    (root / ".env").write_text("OPENAI_BASE_URL=https://api.eu.example.com/v1\n")
    again = scan(root, ScanOptions(cache_dir=tmp_path / "cache", scoped=True))
    assert again.stats.scoped is None
    full = scan(root, ScanOptions(cache_dir=None))
    assert _touching(again, {".env"}) == _touching(full, {".env"})


STATE_APP = {
    "svc/__init__.py": "",
    "svc/config.py": """\
        import litellm

        litellm.api_base = "https://llm-proxy.example.com"
    """,
    "svc/chat.py": """\
        import litellm


        def reply(messages):
            return litellm.completion(model="gpt-4o", messages=messages)
    """,
    "svc/other.py": """\
        import requests

        requests.get("https://api.mistral.ai/v1/models")
    """,
}


def _fixture_edits(root: Path) -> list[Callable[[Path], None]]:
    """For a fixture: lines shifted at the top of the first Python file with an endpoint, the
    host of a URL written in it changed (when one is), and a new outbound call appended to it."""
    report = scan(root, ScanOptions(cache_dir=None)).report
    located = [(loc.path, e.host) for e in report.endpoints for loc in e.locations if loc.path.endswith(".py")]
    literal = [(path, host) for path, host in located if host and f"https://{host}" in (root / path).read_text()]
    rel, host = (literal or located)[0]

    def shift(tree: Path) -> None:
        (tree / rel).write_text("# reviewed\n" + (tree / rel).read_text())
    edits = [shift, _append(rel, '\n\nimport requests as _requests_added\n\n_requests_added.get("https://api.groq.com/x")\n')]
    if literal:
        edits.insert(1, _replace(rel, f"https://{host}", f"https://eu.{host}"))
    return edits




@pytest.mark.parametrize("edit", [
    _replace("svc/config.py", "llm-proxy.example.com", "llm-proxy.eu.example.com"),  # the module state
    _replace("svc/other.py", "api.mistral.ai", "api.cohere.com"),  # elsewhere
    _replace("svc/chat.py", 'model="gpt-4o"', 'model="gpt-4o", api_base="https://api.groq.com/openai/v1"'),
])
def test_an_sdk_s_module_state_set_in_another_file(tmp_path: Path, edit: Callable[[Path], None]) -> None:
    """A call reading module state (``litellm.api_base = …``) depends on every file that
    mentions the attribute: editing the assignment resolves it again."""
    root = tmp_path / "tree"
    _write(root, STATE_APP)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [edit])
    assert hook.stats.scoped is not None


def test_a_tiny_step_budget_still_touches_the_same_findings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("flowscan.python.resolve.STEP_BUDGET", 6)
    for name in ("imported constant", "argument passed from another file", "sink removed"):
        root = tmp_path / name / "tree"
        _write(root, APP)
        _scoped_after_edits(root, tmp_path / name / "cache", EDITS[name])


STAR_APP = {
    "pkg/__init__.py": "",
    "pkg/hosts.py": """\
        GATEWAY = "https://gateway.example.eu/v1"
        OTHER = "https://api.mistral.ai"
    """,
    "pkg/client.py": """\
        import requests

        from pkg.hosts import *


        def send(data):
            return requests.post(GATEWAY, json=data)
    """,
}


def test_a_star_import_s_constant(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _write(root, STAR_APP)
    edit = _replace("pkg/hosts.py", "gateway.example.eu", "gateway.example-us.com")
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [edit])
    assert hook.stats.scoped is not None or hook.stats.reused  # (a star import's names are not followed)


@pytest.mark.parametrize("fixture", [
    "python-eu-app", "roles-app", "audit-blind-app", "langchain-rag-app", "settings-rag-app", "llamaindex-settings-app",
    "cloud-function-genai-app", "lambda-powertools-app", "fallback-selfhosted", "mixed-deploy-app", "azure-search-app",
])
def test_edits_of_a_fixture_touch_the_findings_a_full_scan_does(tmp_path: Path, fixture: str) -> None:
    root = tmp_path / fixture
    shutil.copytree(FIXTURES / fixture, root)
    results = _scoped_after_edits(root, tmp_path / "cache", _fixture_edits(root))
    assert results[0].stats.scoped is not None  # lines shifted: scoped


WRAPPER_APP = {
    "app/__init__.py": "",
    "app/http.py": """\
        import requests


        def post(url, data):
            return requests.post(url, json=data)
    """,
    "app/jobs.py": """\
        import requests

        from app.http import post


        def run():
            post("https://hooks.example.eu/jobs", {})
            return requests.get("https://status.example.eu")
    """,
    "app/other.py": """\
        import httpx

        httpx.get("https://api.mistral.ai/v1/models")
    """,
}


@pytest.mark.parametrize("added", [
    # a call of an external function named like the in-tree wrapper: no new caller of it
    '\n\ndef report(payload):\n    return requests.post("https://api.example-us.com/v1", json=payload)\n',
    # a new caller of the wrapper, already imported: the wrapper's sink gets a new value
    '\n\ndef report(payload):\n    return post("https://api.example-us.com/v1", payload)\n',
])
def test_a_call_added_beside_a_wrapper_of_the_same_name(tmp_path: Path, added: str) -> None:
    root = tmp_path / "tree"
    _write(root, WRAPPER_APP)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [_append("app/jobs.py", added)])
    assert hook.stats.scoped is not None
    assert "api.example-us.com" in {e.host for e in hook.report.endpoints}
    assert hook.program is not None and "app/other.py" not in hook.program.loaded


def test_the_pre_commit_command_takes_the_scoped_path_and_blocks_a_new_us_call(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from flowscan.cli import main

    root = tmp_path / "tree"
    _write(root, {**APP, "flowscan.yaml": "residency:\n  allowed: [eu]\n"})
    monkeypatch.chdir(root)
    monkeypatch.setenv("FLOWSCAN_CACHE_DIR", str(tmp_path / "cache"))
    assert CliRunner().invoke(main, ["scan", ".", "-q", "--fail-on", "never"]).exit_code == 0
    _replace("app/jobs.py", "https://api.groq.com/openai/v1/x", "https://api.openai.com/v1/files")(root)
    result = CliRunner().invoke(main, ["pre-commit", "app/jobs.py", "--stats"])
    assert "(scoped: " in result.stderr
    assert result.exit_code == 1, result.output
    assert "region-not-allowed" in result.output and "app/jobs.py" in result.output


ENV_APP = {
    "svc/__init__.py": "",
    "svc/boot.py": """\
        import os

        import requests

        os.environ["SEARCH_URL"] = "https://search.example.eu/q"
        requests.get("https://status.example.eu")
    """,
    "svc/search.py": """\
        import os

        import requests


        def search(q):
            return requests.get(os.environ["SEARCH_URL"], params={"q": q})
    """,
    "svc/other.py": """\
        import requests

        requests.get("https://api.mistral.ai/v1/models")
    """,
}


@pytest.mark.parametrize("edit", [
    _replace("svc/boot.py", "search.example.eu", "search.example-us.com"),  # the env write itself
    _replace("svc/other.py", 'requests.get("https://api.mistral.ai/v1/models")',
             'requests.get("https://api.mistral.ai/v1/models")\nos = __import__("os")\n'
             'os.environ["SEARCH_URL"] = "https://search.example-us.com/q"'),  # a new env write elsewhere
])
def test_an_env_var_written_in_code(tmp_path: Path, edit: Callable[[Path], None]) -> None:
    """A read of an env var depends on every file that writes env vars (``env_writes``)."""
    root = tmp_path / "tree"
    _write(root, ENV_APP)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [edit])
    assert "search.example-us.com" in {e.host for e in hook.report.endpoints}


ENV_READER_APP = {
    **ENV_APP,
    "svc/flags.py": """\
        import os

        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ.setdefault("STATUS_URL", "https://status.example-us.com/health")
    """,
}


@pytest.mark.parametrize("edit", [
    _replace("svc/search.py", 'params={"q": q}', 'params={"q": q, "v": 2}'),  # a read of a var written elsewhere
    _append("svc/search.py", '\n\ndef status():\n    return requests.get(os.environ["STATUS_URL"])\n'),  # a new var read
])
def test_an_edited_reader_of_env_vars_written_in_unchanged_files(tmp_path: Path, edit: Callable[[Path], None]) -> None:
    """The hook takes the env vars each unchanged file writes from the record, and loads only
    the files writing the vars read (``env_writes``: ``Program.env_write_keys``)."""
    root = tmp_path / "tree"
    _write(root, ENV_READER_APP)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [edit])
    assert hook.stats.scoped is not None
    assert hook.program.env_write_keys is not None
    assert hook.program.env_write_keys["svc/flags.py"] == {"HF_HUB_OFFLINE", "STATUS_URL"}
    assert hook.program.env_write_keys["svc/boot.py"] == {"SEARCH_URL"}
    assert "search.example.eu" in {e.host for e in hook.report.endpoints}
    reads_status = "STATUS_URL" in (root / "svc/search.py").read_text()
    assert ("svc/flags.py" in hook.program.loaded) == reads_status
    if reads_status:
        assert "status.example-us.com" in {e.host for e in hook.report.endpoints}


SELECTION_APP = {
    "app/__init__.py": "",
    "app/scrapers.py": _SCRAPERS,
    "app/jobs.py": """\
        import os
        import requests

        from app.scrapers import FirecrawlScraper, scrape


        def run(url):
            requests.get("https://status.example.eu")
            if os.getenv("DEEP") == "1":
                FirecrawlScraper(url).scrape()
            return scrape(url)
    """,
}


def test_a_place_selecting_a_class_changes_its_test(tmp_path: Path) -> None:
    root = tmp_path / "tree"
    _write(root, SELECTION_APP)
    edit = _replace("app/jobs.py", 'if os.getenv("DEEP") == "1":', 'if os.getenv("DEEP", "1") == "1":')
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [edit])
    assert hook.stats.scoped is not None
    assert "api.firecrawl.dev" in {e.host for e in hook.report.endpoints}


def test_a_class_newly_used_by_default_in_a_file_that_imported_it(tmp_path: Path) -> None:
    """``jobs.py`` imports FirecrawlScraper without using it: its calls stay opt-in. Using it
    there makes them default: the place is new in a file the selection read only by name."""
    root = tmp_path / "tree"
    _write(root, SELECTION_APP)
    edit = _replace("app/jobs.py", "    return scrape(url)\n", "    FirecrawlScraper(url).scrape()\n    return scrape(url)\n")
    _replace("app/jobs.py", '    if os.getenv("DEEP") == "1":\n        FirecrawlScraper(url).scrape()\n', "")(root)
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [edit])
    assert hook.stats.scoped is not None
    assert {e.host: e.reach for e in hook.report.endpoints}.get("api.firecrawl.dev") == "default"


FLAG_APP = {
    "app/__init__.py": "",
    "app/helpers.py": """\
        import os

        RESEND_API_KEY = os.getenv("RESEND_API_KEY")


        def is_resend_enabled():
            return bool(RESEND_API_KEY)
    """,
    "app/state.py": """\
        import os

        billing_enabled = os.getenv("STRIPE_API_KEY") is not None and os.getenv("STRIPE_SECRET") is not None
    """,
    "app/mail.py": """\
        import requests

        from app import state
        from app.helpers import is_resend_enabled


        def send(to):
            if not is_resend_enabled():
                return None
            return requests.post("https://api.resend.com/emails", json={"to": to})


        def charge(user):
            if state.billing_enabled is False:
                return None
            return requests.post("https://api.stripe.com/v1/charges", json={"user": user})
    """,
    "app/ledger.py": """\
        import requests

        from app import state

        if state.billing_enabled:
            ledger = requests.Session()


        def post_invoice(invoice):
            return ledger.post("https://ledger.example.com/invoices", json=invoice)
    """,
}


@pytest.mark.parametrize("edit, host", [
    (_replace("app/helpers.py", "return bool(RESEND_API_KEY)", "return True"), "api.resend.com"),
    (_replace("app/state.py", "billing_enabled = ", "billing_enabled = True or "), "api.stripe.com"),
    (_replace("app/state.py", "billing_enabled = ", "billing_enabled = True or "), "ledger.example.com"),
], ids=["helper", "imported module flag", "name bound under an imported flag"])
def test_an_enablement_flag_edited_in_another_file(tmp_path: Path, edit: Callable[[Path], None], host: str) -> None:
    """The guard in ``mail.py`` (the branch binding ``ledger`` in ``ledger.py``) reads a flag
    defined in another file: editing that file re-resolves the guarded call, which becomes default."""
    root = tmp_path / "tree"
    _write(root, FLAG_APP)
    assert {e.host: e.reach for e in scan(root, ScanOptions(cache_dir=None)).report.endpoints}[host] == "opt-in"
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [edit])
    assert hook.stats.scoped is not None
    assert {e.host: e.reach for e in hook.report.endpoints}.get(host) == "default"
