"""A class attribute a subclass overrides, read in the base class's method (``subclass_attrs``):
``self.base_url`` in ``OpenAIChat.get_client`` is each in-tree subclass's own value too
(``Together.base_url = "https://api.together.xyz/v1"``), as the method runs for their instances.
Before, only the base's value (None: the SDK's own host) was reported."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

CHAT = '''\
    from dataclasses import dataclass
    from typing import Optional

    import requests
    from openai import OpenAI


    @dataclass
    class OpenAIChat:
        id: str = "gpt-4o"
        base_url: Optional[str] = None

        def get_client(self) -> OpenAI:
            params = {"base_url": self.base_url}
            return OpenAI(**{k: v for k, v in params.items() if v is not None})


    class Provider:
        def fetch(self, path):
            return requests.get(self.BASE_URL + "/v1/" + path)
'''

PROVIDERS = '''\
    from dataclasses import dataclass

    from .chat import OpenAIChat, Provider


    @dataclass
    class Together(OpenAIChat):
        id: str = "mistralai/Mixtral-8x7B-Instruct-v0.1"
        base_url: str = "https://api.together.xyz/v1"


    @dataclass
    class TogetherTurbo(Together):
        id: str = "meta-llama/Llama-3-70b-chat-hf"


    class Weather(Provider):
        BASE_URL = "https://api.weather.example.eu"


    class OpenRouter(OpenAIChat):
        def __init__(self, base_url=None):
            if base_url is not None:
                base_url = base_url.rstrip("/")
            else:
                base_url = "https://openrouter.ai/api/v1"
            self.base_url = base_url
'''


def _hosts(tmp_path: Path, line: int) -> set:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "__init__.py").write_text("")
    (tmp_path / "models" / "chat.py").write_text(textwrap.dedent(CHAT))
    (tmp_path / "models" / "providers.py").write_text(textwrap.dedent(PROVIDERS))
    return {e.host for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
            if any(loc.path == "models/chat.py" and loc.line == line for loc in e.locations)}


def test_a_base_method_reads_each_subclass_value(tmp_path: Path) -> None:
    hosts = _hosts(tmp_path, 15)
    assert {"api.openai.com", "api.together.xyz"} <= hosts, hosts
    assert "openrouter.ai" in hosts, hosts  # set in the subclass's own __init__


def test_an_attribute_only_subclasses_declare(tmp_path: Path) -> None:
    hosts = _hosts(tmp_path, 20)
    assert "api.weather.example.eu" in hosts, hosts
