"""A LiteLLM model chosen at run time: the model names the app declares as data are its
options, each reported opt-in with the literal as evidence; an unset os.getenv() is None, so
the SDK given it uses its own default."""

from __future__ import annotations

import json
from pathlib import Path
from textwrap import dedent

from flowscan.api import ScanOptions, scan
from flowscan.report.json_report import render_json

MODELS = """\
    from dataclasses import dataclass
    from typing import Optional


    @dataclass
    class ModelSettings:
        name: str
        weak_model_name: Optional[str] = None


    MODEL_SETTINGS = [
        ModelSettings("claude-3-5-sonnet-20241022", weak_model_name="claude-3-5-haiku-20241022"),
        ModelSettings("bedrock/anthropic.claude-3-5-sonnet-20241022-v2:0"),
        ModelSettings("openrouter/anthropic/claude-3.5-sonnet", weak_model_name="openrouter/anthropic/claude-3-5-haiku"),
    ]
    ALIASES = {"flash": "gemini/gemini-2.0-flash-exp", "r1": "deepseek/deepseek-reasoner"}
    NOT_A_MODEL = "release notes/2024"
"""

CHAT = """\
    import litellm


    def send(model_name, messages):
        return litellm.completion(model=model_name, messages=messages)
"""


def _scan(root: Path, files: dict[str, str]) -> dict:
    for name, code in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dedent(code))
    return json.loads(render_json(scan(root, ScanOptions(jobs=1, cache_dir=None)).report))


def test_run_time_model_takes_the_names_the_app_declares(tmp_path: Path) -> None:
    data = _scan(tmp_path, {"app/models.py": dedent(MODELS) + "\nimport litellm  # noqa: F401\n", "app/chat.py": CHAT})
    by_host = {e["host"]: e for e in data["endpoints"]}
    assert set(by_host) == {
        "api.openai.com",  # the model not known statically: LiteLLM's fallback, as before
        "api.anthropic.com", "bedrock-runtime.us-west-2.amazonaws.com", "openrouter.ai",
        "generativelanguage.googleapis.com", "api.deepseek.com",
        "raw.githubusercontent.com",  # LiteLLM's model cost map, fetched when litellm is imported
    }
    assert by_host["api.openai.com"]["reach"] == "default"
    anthropic = by_host["api.anthropic.com"]
    assert anthropic["reach"] == "opt-in"
    assert anthropic["switches"][0]["path"] == "app/models.py"
    assert anthropic["switches"][0]["line"] == 12
    assert anthropic["switches"][0]["condition"] == 'the model is "claude-3-5-sonnet-20241022"'
    assert any(step["detail"] == 'named in the tree\'s data: "claude-3-5-sonnet-20241022"' for step in anthropic["provenance"])


def test_a_module_not_naming_the_sdk_declares_only_prefixed_names(tmp_path: Path) -> None:
    """models.py never mentions litellm: its ``provider/model`` names count, a bare name in a
    list (``claude-3-5-sonnet-20241022``, a word that could name anything there) does not."""
    data = _scan(tmp_path, {"app/models.py": MODELS, "app/chat.py": CHAT})
    assert {e["host"] for e in data["endpoints"]} == {
        "api.openai.com", "bedrock-runtime.us-west-2.amazonaws.com", "openrouter.ai",
        "generativelanguage.googleapis.com", "api.deepseek.com", "raw.githubusercontent.com"}


def test_a_known_model_takes_no_declared_names(tmp_path: Path) -> None:
    data = _scan(tmp_path, {"app/models.py": dedent(MODELS) + "\nimport litellm  # noqa: F401\n", "app/chat.py": """\
        import litellm


        def send(messages):
            return litellm.completion(model="mistral/mistral-large-latest", messages=messages)
    """})
    assert {e["host"] for e in data["endpoints"]} == {"api.mistral.ai", "raw.githubusercontent.com"}  # + the cost map


def test_an_unset_getenv_is_none_so_the_sdk_default_applies(tmp_path: Path) -> None:
    data = _scan(tmp_path, {"app.py": """\
        import os
        from literalai import AsyncLiteralClient

        server = os.environ.get("LITERAL_API_URL") or os.environ.get("LITERAL_SERVER")
        client = AsyncLiteralClient(api_key="k", url=server)
        required = AsyncLiteralClient(api_key="k", url=os.environ["LITERAL_URL"])
    """})
    rows = {(e["host"], e["locations"][0]["line"]) for e in data["endpoints"]}
    # url=None (both env vars unset) is the SDK's own choice: LITERAL_API_URL, else its cloud host
    assert ("cloud.getliteral.ai", 5) in rows
    # os.environ[...] is never None: only the unset variable
    assert ("cloud.getliteral.ai", 6) not in rows
    assert any(e["unresolved"] == ["env:LITERAL_URL"] for e in data["endpoints"])
