"""``dict(mapping)``: a copy of a mapping holds its keys, so ``Client(**dict(options))`` passes
the keywords ``options`` holds."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan


def test_a_copied_mapping_passes_its_keywords(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("""\
import openai

OPTIONS = {"base_url": "https://llm.example-gateway.com/v1", "api_key": "k"}


class LazyClient:
    def __init__(self, options: dict):
        self._options = options

    def build(self):
        kwargs = dict(self._options)
        return openai.OpenAI(**kwargs)


LazyClient(OPTIONS).build()
""")
    hosts = {e.host for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}
    assert hosts == {"llm.example-gateway.com"}, hosts


def test_a_dict_literal_copied_with_its_copy_method_holds_its_keys(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("""\
import requests

DEFAULTS = {"endpoint": "https://api.example-search.com/v2/query", "retries": 2}


def settings() -> dict:
    config = DEFAULTS.copy()
    config["retries"] = 3
    return config


requests.get(settings()["endpoint"])
""")
    hosts = {e.host for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}
    assert hosts == {"api.example-search.com"}, hosts
