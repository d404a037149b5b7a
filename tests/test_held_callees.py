"""An SDK client class the code holds before calling it is still a sink: picked from a registry
dict (``PROVIDERS[name](…)``, ``PROVIDERS.get(name)(…)``, ``module.Client`` through a registry),
or kept in a variable (``client_class = AzureOpenAI if … else OpenAI``). Every class the value may
be is evaluated with the call's arguments, and a registry entry a setting picks is opt-in."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

PROVIDERS = '''\
    import os

    from anthropic import Anthropic
    from mistralai import Mistral
    from openai import AzureOpenAI, OpenAI

    CLIENTS = {
        "openai": OpenAI,
        "anthropic": Anthropic,
        "mistral": Mistral,
    }


    def client_for(provider: str):
        return CLIENTS[provider]()


    def default_client():
        return CLIENTS.get(os.getenv("LLM_PROVIDER", "openai"))()


    def chat_client(use_azure: bool):
        client_class = AzureOpenAI if use_azure else OpenAI
        return client_class(api_key=os.environ["LLM_KEY"])
'''


def _endpoints(tmp_path: Path) -> list:
    (tmp_path / "assistant").mkdir()
    (tmp_path / "assistant" / "__init__.py").write_text("")
    (tmp_path / "assistant" / "providers.py").write_text(textwrap.dedent(PROVIDERS))
    return scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def _at(endpoints: list, line: int) -> dict[str, tuple]:
    return {e.host: (e.sdk, e.reach) for e in endpoints if any(loc.line == line for loc in e.locations)}


def test_every_class_a_registry_holds_is_a_sink(tmp_path: Path) -> None:
    found = _at(_endpoints(tmp_path), 15)
    assert {host: sdk for host, (sdk, _) in found.items()} == {
        "api.openai.com": "openai.OpenAI", "api.anthropic.com": "anthropic.Anthropic", "api.mistral.ai": "mistralai.Mistral"}


def test_a_registry_entry_a_setting_picks_is_opt_in(tmp_path: Path) -> None:
    endpoints = _endpoints(tmp_path)
    anthropic = next(e for e in endpoints if e.host == "api.anthropic.com")
    picked = [s for s in anthropic.switches if s.line == 19]
    assert [(s.setting, s.condition, s.shipped, s.taken) for s in picked] == [
        ("env:LLM_PROVIDER", "env:LLM_PROVIDER == 'anthropic'", "'openai'", False)]
    assert ("api.openai.com", "openai.OpenAI") in {(e.host, e.sdk) for e in endpoints if any(loc.line == 19 for loc in e.locations)}


def test_a_class_kept_in_a_variable_is_each_class_it_may_be(tmp_path: Path) -> None:
    endpoints = _endpoints(tmp_path)
    at_call = {e.sdk for e in endpoints if any(loc.line == 24 for loc in e.locations)}
    assert at_call == {"openai.OpenAI", "openai.AzureOpenAI"}
