"""``d[key] = value`` after ``d = {...}`` in the same scope sets an entry the resolver reads:
kwargs built a key at a time reach the client they are splatted into, a later store replaces a
literal's entry, a store under a test may or may not have happened, the stored value is read
where it is stored, and a store into a parameter or global never makes the name local."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

APP = '''\
    import os

    import litellm
    import requests
    from openai import OpenAI

    REGIONS = {}
    REGIONS["eu"] = "https://eu.api.example.com"


    def eu_client():
        kwargs = {"timeout": 30}
        kwargs["base_url"] = "https://llm.example.eu/v1"
        return OpenAI(**kwargs)


    def complete(messages):
        params = {"model": "gpt-4o-mini", "messages": messages}
        if os.getenv("LLM_API_BASE"):
            params["api_base"] = os.getenv("LLM_API_BASE")
        return litellm.completion(**params)


    def health():
        urls = {"status": "https://status.old.example.com"}
        urls["status"] = "https://status.example.com"
        return requests.get(urls["status"])


    def report():
        target = "https://first.example.com"
        payload = {}
        payload["url"] = target
        target = "https://second.example.com"
        return requests.post(payload["url"])


    def regional():
        return requests.get(REGIONS["eu"])


    def fetch(options):
        options["timeout"] = 5
        return requests.get(options["url"])


    def main():
        fetch({"url": "https://caller.example.com"})
'''


def _hosts(tmp_path: Path) -> dict[int, list[tuple]]:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "__init__.py").write_text("")
    (tmp_path / "svc" / "llm.py").write_text(textwrap.dedent(APP))
    out: dict[int, list[tuple]] = {}
    for endpoint in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints:
        for location in endpoint.locations:
            out.setdefault(location.line, []).append((endpoint.host, *endpoint.unresolved))
    return {line: sorted(found, key=str) for line, found in out.items()}


def test_entries_set_one_at_a_time_reach_the_call(tmp_path: Path) -> None:
    hosts = _hosts(tmp_path)
    assert hosts[14] == [("llm.example.eu",)]  # not the SDK default: base_url was set
    assert hosts[27] == [("status.example.com",)]  # the store replaced the literal's entry
    assert hosts[35] == [("first.example.com",)]  # the value where it was stored
    assert hosts[39] == [("eu.api.example.com",)]  # a module-level registry filled after its literal
    assert hosts[44] == [("caller.example.com",)]  # a store into a parameter keeps the caller's dict


def test_a_store_under_a_test_may_not_have_happened(tmp_path: Path) -> None:
    found = _hosts(tmp_path)[21]
    assert ("api.openai.com",) in found  # LLM_API_BASE unset: litellm routes gpt-4o-mini itself
    assert any(host is None and "LLM_API_BASE" in " ".join(rest) for host, *rest in found), found
