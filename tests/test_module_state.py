"""Module state an SDK reads at call time (``state:`` in a sink's url spec): an assignment to
``dashscope.base_http_api_url`` or ``litellm.api_base`` anywhere in the code is the host of the
calls that pass none of their own."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint


def _scan(root: Path, files: dict[str, str]) -> list[Endpoint]:
    for name, code in files.items():
        (root / name).write_text(textwrap.dedent(code))
    return scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def test_a_module_attribute_assignment_sets_the_host_of_later_calls(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, {"app.py": '''\
        import dashscope
        from dashscope import Generation
        dashscope.base_http_api_url = "https://dashscope-intl.aliyuncs.com/api/v1"
        reply = Generation.call(model="qwen-plus", messages=[])
    '''})
    assert {e.host for e in endpoints} == {"dashscope-intl.aliyuncs.com"}  # not the China default
    (endpoint,) = endpoints
    assert [str(loc) for loc in endpoint.locations] == ["app.py:3", "app.py:4"]
    call_chain = next(t for t in endpoint.trails if t[-1].line == 4)
    assert [s.detail for s in call_chain[-3:]] == [
        'dashscope.base_http_api_url = "https://dashscope-intl.aliyuncs.com/api/v1"',
        "dashscope.Generation.call reads dashscope.base_http_api_url", "dashscope.Generation.call(…)"]


def test_the_assignment_may_be_in_another_module_and_an_argument_still_wins(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, {
        "config.py": 'import litellm\nlitellm.api_base = "https://llm-proxy.example.com"\n',
        "app.py": '''\
            import litellm
            litellm.completion(model="anthropic/claude-3-5-sonnet-20241022", messages=[])
            litellm.completion(model="gpt-4o", messages=[], api_base="https://direct.example.com")
        ''',
    })
    hosts = {e.host: [str(loc) for loc in e.locations] for e in endpoints}
    assert hosts == {"llm-proxy.example.com": ["app.py:2", "config.py:2"], "direct.example.com": ["app.py:3"],
                     "raw.githubusercontent.com": ["app.py:1"]}  # LiteLLM's cost map, fetched on import


def test_without_an_assignment_the_sdk_default_stays(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, {"app.py": '''\
        import openai
        from app_settings import settings
        settings.base_url = "https://not-openai.example.com"
        openai.chat.completions.create(model="gpt-4o", messages=[])
    ''', "app_settings.py": "class S:\n    base_url = None\nsettings = S()\n"})
    assert {e.host for e in endpoints} == {"api.openai.com"}


def test_state_set_only_under_a_condition_leaves_the_sdk_default_on_the_other_path(tmp_path: Path) -> None:
    """``if settings.get("OPENAI.API_BASE"): litellm.api_base = ...``: where the setting is not
    given the call goes where the model routes it."""
    endpoints = _scan(tmp_path, {"app.py": '''\
        import os

        import litellm
        from litellm import completion

        if os.environ.get("LLM_GATEWAY"):
            litellm.api_base = os.environ["LLM_GATEWAY"]


        def ask(prompt):
            return completion(model="claude-3-5-sonnet-20241022", messages=[{"role": "user", "content": prompt}])
    '''})
    found = {e.host: e for e in endpoints}
    assert "api.anthropic.com" in found and found["api.anthropic.com"].reach == "default"
    assert found[None].unresolved == ["env:LLM_GATEWAY"]
