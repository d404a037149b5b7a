"""A parameter passed on unchanged (``def fetch(messages, config): return query(messages, config)``)
through a chain of functions each called from one or two places: a few such hops do not count
towards the caller depth, so the settings built where the chain starts reach the SDK call at
its end. Before, the fourth hop made the value "set by the caller" and the SDK's own default
host (api.openai.com) was lost."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

APP = '''\
    import os

    from openai import OpenAI


    def build_client(config):
        return OpenAI(api_key=config["api_key"], base_url=config.get("base_url"))


    def query(messages, config):
        return build_client(config).chat.completions.create(model=config["model"], messages=messages)


    def fetch_and_cache(messages, config):
        return query(messages, config)


    def start_repl(messages, config):
        while True:
            fetch_and_cache(messages + [{"role": "user", "content": input("> ")}], config)


    def handle_input(messages, config):
        if config["interactive"]:
            return start_repl(messages, config)
        return fetch_and_cache(messages, config)


    def main():
        config = {"api_key": os.environ["OPENAI_API_KEY"], "model": "gpt-4o-mini", "interactive": False}
        handle_input([{"role": "user", "content": "hello"}], config)
'''


def test_settings_passed_on_through_a_call_chain_reach_the_sdk(tmp_path: Path) -> None:
    (tmp_path / "chat").mkdir()
    (tmp_path / "chat" / "__init__.py").write_text("")
    (tmp_path / "chat" / "cli.py").write_text(textwrap.dedent(APP))
    found = [(e.host, e.reach, " ".join(e.unresolved)) for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
             if any(loc.line == 7 for loc in e.locations)]
    assert found == [("api.openai.com", "default", "")], found
