"""A provider test passes by default only with a value the shipped configuration gives: a
default model that a bare provider name picks from a table (only when the user names one)
does not select its provider by default (``reach_value_origin``)."""

from __future__ import annotations

from pathlib import Path

from .test_reach_factories import _reach

_CLI = '''\
    import os

    import requests

    DEFAULT_MODELS = {
        "openai": "openai/gpt-4o-mini",
        "openrouter": "openrouter/anthropic/claude-haiku-4.5",
        "anthropic": "anthropic/claude-haiku-4-5",
    }
    PROVIDER_API_KEYS = {"openai": "OPENAI_API_KEY", "openrouter": "OPENROUTER_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}


    def init_llm(provider):
        if provider == "openrouter":
            return requests.get("https://openrouter.ai/api/v1/models")
        return None


    def test_model():
        model_name = os.getenv("MODEL") or "anthropic/claude-haiku-4-5"
        if "/" not in model_name and model_name in PROVIDER_API_KEYS:
            model_name = DEFAULT_MODELS[model_name]  # a bare provider name: its default model
        provider = model_name.split("/")[0]
        return init_llm(provider)


    if __name__ == "__main__":
        test_model()
'''


def test_a_provider_only_a_table_entry_for_a_user_named_provider_selects_is_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"chatcli/__init__.py": "", "chatcli/models.py": _CLI})
    reach, switches = found["openrouter.ai"]
    assert reach == "opt-in" and "env:MODEL" in switches


def test_a_shipped_bare_provider_name_selects_its_table_entry(tmp_path: Path) -> None:
    cli = _CLI.replace('os.getenv("MODEL") or "anthropic/claude-haiku-4-5"', 'os.getenv("MODEL") or "openrouter"')
    found = _reach(tmp_path, {"chatcli/__init__.py": "", "chatcli/models.py": cli})
    assert found["openrouter.ai"] == ("default", [])
