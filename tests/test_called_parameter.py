"""An SDK class passed as an argument and called through the parameter (``def _build(self, cls):
return cls(api_key=key, base_url=self.base_url)`` called as ``self._build(OpenAI)``): the callee is
what the callers pass, one hop back. Before, such a call was no sink at all: deepeval's DeepSeek,
Kimi, Grok, ... clients (``api.deepseek.com``) were not reported."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

APP = '''\
    from openai import AsyncOpenAI, OpenAI


    class DeepSeekModel:
        def __init__(self, api_key):
            self.api_key = api_key
            self.base_url = "https://api.deepseek.com"

        def load_model(self, async_mode=False):
            if not async_mode:
                return self._build_client(OpenAI)
            return self._build_client(AsyncOpenAI)

        def _build_client(self, cls):
            kw = dict(api_key=self.api_key, base_url=self.base_url)
            return cls(**kw)


    def apply(fn, value):
        return fn(value)
'''


def test_an_sdk_class_called_through_a_parameter_is_a_sink(tmp_path: Path) -> None:
    (tmp_path / "models.py").write_text(textwrap.dedent(APP))
    found = {(e.host, loc.line) for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
             for loc in e.locations}
    assert ("api.deepseek.com", 16) in found, found
    assert not any(line == 20 for _, line in found), found  # a callback of no SDK stays no sink
