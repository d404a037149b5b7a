"""Default or opt-in for a prefix or suffix test of a setting (``if model.startswith("ollama/"):``):
the shipped value decides, a hole after a deciding prefix does not matter, and a test of a value
that reads no configuration stays run-time control flow."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

_APP = '''\
    import os

    import requests

    MODEL = os.getenv("CHAT_MODEL", "gpt-4o-mini")
    OLLAMA_HOST = os.getenv("OLLAMA_HOST", "http://localhost:11434")


    def pull_model():
        if MODEL.startswith(("ollama/", "ollama_chat/")):
            requests.post(f"{OLLAMA_HOST}/api/pull", json={"name": MODEL.split("/", 1)[1]})


    def warm():
        if not MODEL.endswith("-mini"):
            requests.post("https://warmup.example.com/v1/warm", json={"model": MODEL})
        else:
            requests.get("https://status.example.com/ping")


    CARD = os.getenv("MODEL_CARD", "cards/default.yaml")
    SHORTCUTS = ["hub/", "hf/"]


    def fetch_card():
        for shortcut in SHORTCUTS:
            if CARD.startswith(shortcut):
                return requests.get("https://huggingface.co/" + CARD[len(shortcut):])


    def route(message):
        if message.startswith("/search"):
            requests.get("https://search.example.com/v1", params={"q": message[8:]})
'''


def _reach(tmp_path: Path, **env: str) -> dict[str | None, tuple[str, list[str]]]:
    (tmp_path / "app.py").write_text(textwrap.dedent(_APP))
    return {e.host: (e.reach, sorted({s.setting for s in e.switches}))
            for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints}


def test_the_shipped_value_of_a_setting_decides_a_prefix_or_suffix_test(tmp_path: Path) -> None:
    found = _reach(tmp_path)
    assert found["localhost"] == ("opt-in", ["env:CHAT_MODEL"])
    assert found["warmup.example.com"] == ("opt-in", ["env:CHAT_MODEL"])
    assert found["status.example.com"] == ("default", [])
    assert found["huggingface.co"] == ("opt-in", ["env:MODEL_CARD"])  # a loop over known prefixes
    assert found["search.example.com"] == ("default", [])  # a message's prefix is run-time control flow


def test_a_deployment_value_with_the_prefix_takes_the_branch(tmp_path: Path) -> None:
    found = _reach(tmp_path, CHAT_MODEL="ollama/llama3.1")
    assert found["localhost"] == ("default", [])
    assert found["warmup.example.com"] == ("default", [])
