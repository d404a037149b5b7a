"""Dynaconf: ``settings.KEY`` of ``Dynaconf(settings_files=[...], envvar_prefix=P)`` is env var
``P_KEY``, else the key in any case from the last listed settings file that has it."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

APP = '''\
from dynaconf import Dynaconf
from openai import OpenAI
import requests

settings = Dynaconf(settings_files=["settings.toml", "local.toml"], envvar_prefix="APP")
client = OpenAI(base_url=settings.LLM_BASE_URL)
requests.get(settings.search.url)
requests.get(settings.missing_url)
'''


def _scan(root: Path, **env: str) -> dict[str | None, Endpoint]:
    (root / "app.py").write_text(APP)
    (root / "settings.toml").write_text('llm_base_url = "https://api.openai.com/v1"\n\n[search]\nurl = "https://search.example.com/q"\n')
    (root / "local.toml").write_text('LLM_BASE_URL = "https://eu.api.openai.com/v1"\n')
    return {e.host: e for e in scan(root, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints}


def test_the_last_file_with_the_key_wins_in_any_case(tmp_path: Path) -> None:
    found = _scan(tmp_path)
    assert set(found) == {"eu.api.openai.com", "search.example.com", None}
    details = [f"{s.path}:{s.line} {s.detail}" for s in found["eu.api.openai.com"].provenance]
    assert "local.toml:1 LLM_BASE_URL: https://eu.api.openai.com/v1" in details
    assert "app.py:5 Dynaconf(local.toml)" in details


def test_a_table_stays_data_and_a_missing_key_is_its_env_var(tmp_path: Path) -> None:
    found = _scan(tmp_path)
    assert "settings.toml:4 url: https://search.example.com/q" in [
        f"{s.path}:{s.line} {s.detail}" for s in found["search.example.com"].provenance]
    assert found[None].unresolved == ["env:APP_MISSING_URL"]


def test_the_prefixed_env_var_overrides_the_files(tmp_path: Path) -> None:
    found = _scan(tmp_path, APP_LLM_BASE_URL="http://gateway.internal/v1")
    assert "gateway.internal" in found and "eu.api.openai.com" not in found
