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


BOT_LOADER = '''\
from os.path import abspath, dirname, join

from dynaconf import Dynaconf
from starlette_context import context

current_dir = dirname(abspath(__file__))
global_settings = Dynaconf(
    envvar_prefix=False,
    merge_enabled=True,
    settings_files=[join(current_dir, f) for f in ["settings/.secrets.toml", "settings/configuration.toml"]],
)


def get_settings():
    try:
        return context["settings"]
    except Exception:
        return global_settings
'''

BOT_CONFIGURATION = '''\
[config]
git_provider = "github"

[github]
base_url = "https://api.github.com"

[GitLab]
URL = "https://gitlab.com"
'''

BOT_CALLS = '''\
import requests

from bot.config_loader import get_settings


def fetch_user():
    return requests.get(get_settings().get("GITHUB.BASE_URL", "https://github.example.com/api/v3") + "/user")


def fetch_projects():
    return requests.get(f"{get_settings().gitlab.url}/api/v4/projects")


def ask_model():
    return requests.post(get_settings().openai.api_base + "/chat/completions")


def ask_model_or_default():
    return requests.post(get_settings().get("openai.api_base", "https://api.openai.com/v1"))
'''


def _scan_bot(root: Path, **env: str) -> list[Endpoint]:
    (root / "bot" / "settings").mkdir(parents=True)
    (root / "bot" / "__init__.py").write_text("")
    (root / "bot" / "config_loader.py").write_text(BOT_LOADER)
    (root / "bot" / "settings" / "configuration.toml").write_text(BOT_CONFIGURATION)
    (root / "bot" / "calls.py").write_text(BOT_CALLS)
    return scan(root, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints


def _at(endpoints: list[Endpoint], line: int) -> list[Endpoint]:
    return [e for e in endpoints if any(loc.path == "bot/calls.py" and loc.line == line for loc in e.locations)]


def test_a_dotted_get_reads_the_bundled_file_in_any_case(tmp_path: Path) -> None:
    """``get("GITHUB.BASE_URL", default)`` through a loader function walks the table; the
    settings file listed first is missing and skipped."""
    found = _at(_scan_bot(tmp_path), 7)
    assert {e.host for e in found} >= {"api.github.com"}
    assert "github.example.com" not in {e.host for e in found}
    details = [f"{s.path}:{s.line} {s.detail}" for e in found if e.host == "api.github.com" for s in e.provenance]
    assert "bot/settings/configuration.toml:5 base_url: https://api.github.com" in details


def test_attribute_paths_match_tables_and_keys_in_any_case(tmp_path: Path) -> None:
    assert "gitlab.com" in {e.host for e in _at(_scan_bot(tmp_path), 11)}


def test_without_a_prefix_a_nested_key_is_its_double_underscore_env_var(tmp_path: Path) -> None:
    """``envvar_prefix=False``: dynaconf reads ``OPENAI__API_BASE`` (no prefix, ``__`` nesting)."""
    unset = _at(_scan_bot(tmp_path), 15)
    assert [e.unresolved for e in unset if e.host is None and "env:OPENAI__API_BASE" in e.unresolved]
    routed = _at(_scan_bot(tmp_path / "b", OPENAI__API_BASE="https://gateway.example.org/v1"), 15)
    assert "gateway.example.org" in {e.host for e in routed}


def test_a_default_applies_where_no_file_and_no_env_var_sets_the_key(tmp_path: Path) -> None:
    assert "api.openai.com" in {e.host for e in _at(_scan_bot(tmp_path), 19)}
    routed = _at(_scan_bot(tmp_path / "b", OPENAI__API_BASE="https://gateway.example.org/v1"), 19)
    assert "gateway.example.org" in {e.host for e in routed} and "api.openai.com" not in {e.host for e in routed}


def test_a_nested_env_var_overrides_a_bundled_value(tmp_path: Path) -> None:
    routed = _at(_scan_bot(tmp_path, GITLAB__URL="https://git.example.org"), 11)
    assert "git.example.org" in {e.host for e in routed} and "gitlab.com" not in {e.host for e in routed}


def test_an_unset_key_names_the_table_it_is_missing_from(tmp_path: Path) -> None:
    (endpoint,) = [e for e in _at(_scan_bot(tmp_path), 15) if e.host is None and "env:OPENAI__API_BASE" in e.unresolved]
    details = [f"{s.path}:{s.line} {s.detail}" for s in endpoint.provenance]
    assert "bot/calls.py:15 Dynaconf setting openai is in no listed settings file" in details


def test_envvar_prefix_none_reads_no_env_var_and_a_listed_prefix_takes_its_first(tmp_path: Path) -> None:
    """dynaconf's env loader: ``None -> return not loading anything``; ``"A,B"`` loads ``A_`` and ``B_``."""
    (tmp_path / "settings.toml").write_text('[search]\nurl = "https://search.example.com/q"\n')
    (tmp_path / "app.py").write_text(
        "import requests\nfrom dynaconf import Dynaconf\n\n"
        'quiet = Dynaconf(settings_files=["settings.toml"], envvar_prefix=None)\n'
        'loud = Dynaconf(settings_files=["settings.toml"], envvar_prefix="BOT,LEGACY")\n'
        "requests.get(quiet.search.url)\nrequests.get(loud.search.url)\n")
    env = {"SEARCH__URL": "https://a.example.org", "BOT_SEARCH__URL": "https://b.example.org"}
    endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints
    by_line = {loc.line: e.host for e in endpoints for loc in e.locations if loc.path == "app.py"}
    assert by_line == {6: "search.example.com", 7: "b.example.org"}


MERGING_APP = '''\
from dynaconf import Dynaconf
import requests

settings = Dynaconf(settings_files=["settings.toml", "labels.toml"], envvar_prefix="APP"{merge})
requests.get(settings.search.url)
'''


def _scan_layers(root: Path, merge: str, later: str) -> dict[str | None, Endpoint]:
    """``[search]`` is written in ``settings.toml`` with ``url`` and again in ``labels.toml`` without it."""
    (root / "app.py").write_text(MERGING_APP.format(merge=merge))
    (root / "settings.toml").write_text('[search]\nurl = "https://search.example.com/q"\n')
    (root / "labels.toml").write_text(later)
    return {e.host: e for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


def test_merge_enabled_reads_a_key_from_the_earlier_file_of_a_table_written_twice(tmp_path: Path) -> None:
    found = _scan_layers(tmp_path, ", merge_enabled=True", "[search]\nenable_labels = false\n")
    assert set(found) == {"search.example.com"}
    assert "settings.toml:2 url: https://search.example.com/q" in [
        f"{s.path}:{s.line} {s.detail}" for s in found["search.example.com"].provenance]


def test_without_merging_the_later_table_replaces_the_earlier_one(tmp_path: Path) -> None:
    found = _scan_layers(tmp_path, "", "[search]\nenable_labels = false\n")
    assert set(found) == {None}
    assert found[None].unresolved == ["env:APP_SEARCH__URL"]


def test_a_dynaconf_merge_key_merges_that_table_only(tmp_path: Path) -> None:
    found = _scan_layers(tmp_path, "", "[search]\ndynaconf_merge = true\nenable_labels = false\n")
    assert set(found) == {"search.example.com"}


def test_merging_prefers_the_later_file_and_merges_nested_tables(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(MERGING_APP.format(merge=", merge_enabled=True").replace(
        "settings.search.url", "settings.search.eu.url"))
    (tmp_path / "settings.toml").write_text('[search.eu]\nurl = "https://search.example.com/q"\nkey = "a"\n')
    (tmp_path / "labels.toml").write_text('[search.eu]\nurl = "https://eu.search.example.com/q"\n')
    found = {e.host for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}
    assert found == {"eu.search.example.com"}
