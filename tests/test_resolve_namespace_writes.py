"""A parsed namespace's attribute written after parsing (``args.region = os.getenv(...)``) is
that value, not a command-line flag no ``add_argument`` declares."""

from __future__ import annotations

from pathlib import Path

from .test_reach_factories import _reach

_CONFIG = '''\
    import argparse
    import os


    def parse_args():
        parser = argparse.ArgumentParser()
        parser.add_argument("--llm-binding", default=os.getenv("LLM_BINDING", "ollama"))
        args = parser.parse_args()
        args.llm_host = os.getenv("LLM_BINDING_HOST", "https://api.openai.com/v1")
        return args
'''

_SERVER = '''\
    from openai import OpenAI

    from ragkit.config import parse_args


    def main():
        args = parse_args()
        return OpenAI(base_url=args.llm_host).models.list()
'''


def _files(config: str = _CONFIG) -> dict[str, str]:
    return {"ragkit/__init__.py": "", "ragkit/config.py": config, "ragkit/server.py": _SERVER}


def test_an_attribute_written_after_parsing_is_the_written_value(tmp_path: Path) -> None:
    found = _reach(tmp_path, _files())
    assert found["api.openai.com"] == ("default", [])
    assert not any(host.startswith("{") for host in found)  # no flag --llm-host hole beside it


def test_a_write_to_another_object_leaves_the_attribute_undeclared(tmp_path: Path) -> None:
    config = _CONFIG.replace("args.llm_host = ", "parser.llm_host = ")
    found = _reach(tmp_path, _files(config))
    assert "api.openai.com" not in found
