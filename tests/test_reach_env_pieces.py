"""A piece of an env var's value (``os.getenv("MODEL").split("/")[0]``, ``.partition("/")``,
a ``startswith`` test of it) has no shipped value when no scanned config sets the var: a
provider selected by it is opt-in with the var as its switch. A var a scanned config sets keeps
its value, and a split of a run-time value stays run-time control flow."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

APP = '''\
    import os

    import requests
    from openai import OpenAI


    def init_llm(provider: str):
        if provider == "openai":
            return OpenAI()
        if provider == "groq":
            return OpenAI(base_url="https://api.groq.com/openai/v1")
        raise ValueError(provider)


    def complete(model: str | None = None):
        model = model or os.environ.get("CHAT_MODEL")
        if model.startswith("ollama/"):
            return requests.post("http://ollama.internal:11434/api/generate", json={"model": model[7:]})
        provider, _, name = model.partition("/")
        return init_llm(provider).chat.completions.create(model=name, messages=[])


    def embed(model: str | None = None):
        model = model or os.getenv("EMBED_MODEL")
        if model.split("/")[0] == "voyage":
            return requests.post("https://api.voyageai.com/v1/embeddings", json={})
'''


def _scan(root: Path, code: str, **env: str) -> dict[str | None, Endpoint]:
    root.mkdir()
    (root / "app.py").write_text(textwrap.dedent(code))
    return {e.host: e for e in scan(root, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints}


def _switches(endpoint: Endpoint) -> list[tuple[str, str, bool | None]]:
    return [(s.setting, s.shipped, s.taken) for s in endpoint.switches]


def test_a_piece_of_an_unset_env_var_selects_no_provider(tmp_path: Path) -> None:
    found = _scan(tmp_path / "app", APP)
    for host in ("api.openai.com", "api.groq.com", "ollama.internal", "api.voyageai.com"):
        assert found[host].reach == "opt-in", host
    assert ("env:CHAT_MODEL", "unset", False) in _switches(found["api.groq.com"])
    assert ("env:CHAT_MODEL", "unset", False) in _switches(found["ollama.internal"])
    assert _switches(found["api.voyageai.com"]) == [("env:EMBED_MODEL", "unset", False)]


def test_a_var_the_deployment_sets_or_a_default_keeps_its_value(tmp_path: Path) -> None:
    code = APP.replace('os.getenv("EMBED_MODEL")', 'os.getenv("EMBED_MODEL", "voyage/voyage-3")')
    found = _scan(tmp_path / "app", code, CHAT_MODEL="openai/gpt-4o")
    assert found["api.openai.com"].reach == "default"
    assert found["api.voyageai.com"].reach == "default"
    assert found["api.groq.com"].reach == "opt-in"
    assert found["ollama.internal"].reach == "opt-in"


def test_a_split_of_a_run_time_value_is_no_setting(tmp_path: Path) -> None:
    code = APP.replace(' or os.environ.get("CHAT_MODEL")', "").replace(' or os.getenv("EMBED_MODEL")', "")
    found = _scan(tmp_path / "app", code)
    assert not any(s.setting.startswith("env:") for e in found.values() for s in e.switches)
    assert found["api.voyageai.com"].reach != "opt-in"
