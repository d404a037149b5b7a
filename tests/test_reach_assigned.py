"""Opt-in by the branch a value was assigned in: a value written only under configuration tests
that fail with the shipped values (a proxy URL behind an unset env var, a region's host behind
a setting naming another region) reaches its call only once a user sets them, even when the
call itself runs under no test; the value of the branch the shipped values take stays default."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

_APP = '''\
    import os

    import requests
    from openai import OpenAI

    base_url = "https://api.openai.com/v1"
    if os.getenv("USE_PROXY"):
        base_url = "https://llm-proxy.example.com/v1"

    region = os.getenv("SEARCH_REGION", "us")
    if region == "eu":
        search_host = "https://eu.search.example.com"
    else:
        search_host = "https://us.search.example.com"


    class Uploader:
        def __init__(self, mode):
            self.endpoint = "https://upload.example.com"
            if mode == "mirror":
                self.endpoint = "https://mirror.example.com"  # a run-time choice: no switch

        def send(self, blob):
            return requests.put(self.endpoint, data=blob)


    def client():
        return OpenAI(base_url=base_url)


    def search(q):
        return requests.get(f"{search_host}/q", params={"q": q})


    def backup(blob, mode):
        return Uploader(mode).send(blob)


    def make_client(base_url=None):
        return OpenAI(base_url=base_url)


    def init_llm(provider):
        if provider == "groq":
            return make_client("https://api.groq.com/openai/v1")
        if provider == "together":
            return make_client(base_url="https://api.together.xyz/v1")
        return make_client()


    def chat():
        return init_llm(os.getenv("LLM_PROVIDER", "openai"))


    def download(name, fast):
        if fast:
            return fetch(f"https://cdn.example.com/{name}")  # a run-time choice: no switch
        return fetch(f"https://files.example.com/{name}")


    def fetch(url):
        return requests.get(url)


    def status(url):
        try:
            return requests.get(url).status_code
        except OSError:
            return None


    def sync_url():
        return os.environ.get("SYNC_URL") or "https://sync.example.com"


    def sync(name):
        base = sync_url()
        if status(f"{base}/health") != 200:  # what a call returned: no switch
            return None
        return status(f"https://mirror.example.net/files/{name}")
'''


def _reach(tmp_path: Path, **env: str) -> dict[str | None, tuple[str, list[str]]]:
    (tmp_path / "app.py").write_text(textwrap.dedent(_APP))
    return {e.host: (e.reach, sorted({s.setting for s in e.switches}))
            for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints}


def test_a_value_assigned_under_a_failing_setting_test_is_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path)
    assert found["llm-proxy.example.com"] == ("opt-in", ["env:USE_PROXY"])
    assert found["api.openai.com"] == ("default", [])
    assert found["eu.search.example.com"] == ("opt-in", ["env:SEARCH_REGION"])
    assert found["us.search.example.com"] == ("default", [])
    assert found["mirror.example.com"] == ("default", [])
    assert found["upload.example.com"] == ("default", [])


def test_a_value_passed_by_a_call_under_a_failing_setting_test_is_opt_in(tmp_path: Path) -> None:
    """The callee runs by default (its other caller passes no URL); the URLs each branch passes do not."""
    found = _reach(tmp_path)
    assert found["api.groq.com"] == ("opt-in", ["env:LLM_PROVIDER"])
    assert found["api.together.xyz"] == ("opt-in", ["env:LLM_PROVIDER"])
    assert found["cdn.example.com"] == ("default", [])
    assert found["files.example.com"] == ("default", [])
    assert found["mirror.example.net"] == ("default", [])
    chosen = _reach(tmp_path, LLM_PROVIDER="groq")
    assert chosen["api.groq.com"] == ("default", [])
    assert chosen["api.together.xyz"] == ("opt-in", ["env:LLM_PROVIDER"])


def test_the_deployment_values_decide_which_assignment_is_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, USE_PROXY="1", SEARCH_REGION="eu")
    assert found["llm-proxy.example.com"] == ("default", [])
    assert found["eu.search.example.com"] == ("default", [])
    assert found["us.search.example.com"] == ("opt-in", ["env:SEARCH_REGION"])
