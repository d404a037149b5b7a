"""JSON settings files the code loads (``json.load(open("config.json"))``) are a settings
source like the YAML and TOML ones: a key's value reaches the call that reads it."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

from flowscan.api import ScanOptions, scan
from flowscan.discover import classify


def test_json_named_like_settings_is_read_other_json_is_not() -> None:
    assert classify("config.json") == classify("app/settings.json") == classify("conf/app_config.dev.json") == "settings-json"
    assert classify("package.json") is None
    assert classify("data/configurations.json") is None


def test_a_json_settings_key_reaches_the_sdk_call(tmp_path: Path) -> None:
    (tmp_path / "config.json").write_text(json.dumps({
        "llm": {"base_url": "https://llm-gw.eu.example.com/v1", "model": "gpt-4o"},
        "search": {"endpoint": "https://search.example.com"},
    }, indent=2))
    (tmp_path / "app.py").write_text(dedent("""\
        import json

        import httpx
        from openai import OpenAI

        with open("config.json") as f:
            CONFIG = json.load(f)

        client = OpenAI(base_url=CONFIG["llm"]["base_url"])


        def search(q):
            return httpx.get(CONFIG["search"]["endpoint"], params={"q": q})
    """))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    hosts = {e.host: e for e in report.endpoints}
    assert set(hosts) == {"llm-gw.eu.example.com", "search.example.com"}
    steps = [(s.path, s.line) for s in hosts["llm-gw.eu.example.com"].provenance]
    assert ("config.json", 3) in steps  # the settings line the value comes from
