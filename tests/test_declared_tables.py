"""Model choices declared as data in a module that does not name the SDK: a table keyed by model
name (``MAX_TOKENS = {"groq/llama3-8b-8192": 8192}``) in the same package lists the providers a
run-time model choice may reach (opt-in); a bare word in a list there names nothing."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

HANDLER = '''\
    from litellm import acompletion


    class Handler:
        async def chat(self, model, messages):
            return await acompletion(model=model, messages=messages)
'''

TABLES = '''\
    MAX_TOKENS = {
        "gpt-4o": 128000,
        "command-nightly": 4096,
        "groq/llama3-70b-8192": 8192,
        "bedrock/anthropic.claude-3-haiku-20240307-v1:0": 100000,
    }

    VENDORS = ["anthropic", "command", "mistral"]
'''


def _hosts(root: Path, tables: str) -> dict[str | None, str]:
    for name, code in {"bot/__init__.py": "", "bot/algo/__init__.py": tables, "bot/handler.py": HANDLER}.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(code))
    return {e.host: e.reach for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


def test_a_table_keyed_by_model_name_elsewhere_in_the_package_lists_its_providers(tmp_path: Path) -> None:
    found = _hosts(tmp_path, TABLES)
    assert found.get("api.groq.com") == "opt-in"
    assert found.get("api.cohere.ai") == "opt-in"  # a bare model name, as a table key
    assert any(host and host.startswith("bedrock-runtime.") for host in found)


def test_a_bare_word_in_a_list_of_a_module_not_naming_the_sdk_names_nothing(tmp_path: Path) -> None:
    found = _hosts(tmp_path, 'VENDORS = ["command", "claude-3-5-sonnet-20241022", "groq/llama3-8b-8192"]\n')
    assert "api.cohere.ai" not in found and "api.anthropic.com" not in found
    assert found.get("api.groq.com") == "opt-in"  # a prefixed selector counts anywhere
