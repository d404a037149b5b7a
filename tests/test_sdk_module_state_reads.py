"""An SDK module attribute read in the code (``base_url or openai.base_url``) holds what the
analysed code assigns to it, and None, the SDK's own default, where no assignment may have run;
the assignment itself is still the module setting it was."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan

PROVIDER = """\
import openai
from openai import OpenAI


class OpenAIProvider:
    def __init__(self, base_url=None):
        self.client = OpenAI(base_url=base_url or openai.base_url)

    def complete(self, prompt):
        return self.client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": prompt}])
"""

MAIN = """\
import os

import openai

from provider import OpenAIProvider


def main():
    if os.environ.get("CHAT_BASE_URL"):
        openai.base_url = os.environ["CHAT_BASE_URL"]
    print(OpenAIProvider().complete("hello"))
"""


def _scan(root: Path, main: str) -> dict[str | None, tuple[str, tuple[str, ...]]]:
    (root / "provider.py").write_text(PROVIDER)
    (root / "main.py").write_text(main)
    return {e.host: (e.reach, tuple(e.unresolved)) for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


def test_an_sdk_setting_nothing_assigns_is_the_sdks_default(tmp_path: Path) -> None:
    plain = "from provider import OpenAIProvider\n\nprint(OpenAIProvider().complete('hello'))\n"
    assert _scan(tmp_path, plain) == {"api.openai.com": ("default", ())}


def test_an_sdk_setting_assigned_under_a_test_is_that_value_or_the_default(tmp_path: Path) -> None:
    found = _scan(tmp_path, MAIN)
    assert found["api.openai.com"] == ("default", ())
    assert found[None][0] == "opt-in" and "env:CHAT_BASE_URL" in found[None][1]
