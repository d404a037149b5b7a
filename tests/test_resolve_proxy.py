"""A settings proxy: a module-level object whose ``__getattr__`` hands every attribute on to
the namespace a function parses and stores with ``global`` (lightrag-like ``global_args``)."""

from __future__ import annotations

from pathlib import Path

from .test_reach_factories import _reach

_CONFIG = '''\
    import argparse
    import os

    _parsed = None


    def parse_args():
        parser = argparse.ArgumentParser()
        parser.add_argument("--llm-binding", default=os.getenv("LLM_BINDING", "ollama"))
        return parser.parse_args()


    def initialize_config():
        global _parsed
        resolved = parse_args()
        _parsed = resolved
        return _parsed


    class _ArgsProxy:
        def __getattr__(self, name):
            if _parsed is None:
                initialize_config()
            return getattr(_parsed, name)


    global_args = _ArgsProxy()
'''

_SERVER = '''\
    from openai import OpenAI

    from ragkit.config import global_args


    def main():
        if global_args.llm_binding == "openai":
            return OpenAI().models.list()
        return None
'''


def test_an_attribute_of_a_delegating_proxy_is_the_parsed_flag(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"ragkit/__init__.py": "", "ragkit/config.py": _CONFIG, "ragkit/server.py": _SERVER})
    assert found["api.openai.com"] == ("opt-in", ["env:LLM_BINDING"])


def test_a_proxy_handing_attributes_to_itself_delegates_nothing(tmp_path: Path) -> None:
    config = _CONFIG.replace("return getattr(_parsed, name)", "return getattr(self, name)")
    found = _reach(tmp_path, {"ragkit/__init__.py": "", "ragkit/config.py": config, "ragkit/server.py": _SERVER})
    assert found["api.openai.com"] == ("default", [])
