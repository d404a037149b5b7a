"""Attributes an instance is given from outside its class: ``interpreter.llm.model = "groq/…"``
in another module sets the ``self.model`` that the class's methods read (besides what its
``__init__`` assigns)."""

from __future__ import annotations

from pathlib import Path

from flowscan.model import Endpoint

from .conftest import report_of

_LLM = '''\
    import litellm

    class Llm:
        def __init__(self):
            self.model = "gpt-4o"
            self.api_base = None

        def run(self, messages):
            params = {"model": self.model, "messages": messages}
            if self.api_base:
                params["api_base"] = self.api_base
            return litellm.completion(**params)
'''
_CORE = '''\
    from app.llm import Llm

    class Interpreter:
        def __init__(self):
            self.llm = Llm()
'''


def _scan(root: Path, files: dict[str, str]) -> list[Endpoint]:
    # litellm's price-map download when it is imported is another endpoint, not what these tests check
    return [e for e in report_of(root, files).endpoints if e.host != "raw.githubusercontent.com"]


def _app(profile: str) -> dict[str, str]:
    return {"app/__init__.py": "from app.core import Interpreter\ninterpreter = Interpreter()\n",
            "app/llm.py": _LLM, "app/core.py": _CORE, "profiles/custom.py": profile}


def test_a_profile_setting_the_model_through_the_singleton_adds_its_provider(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, _app('from app import interpreter\ninterpreter.llm.model = "groq/llama-3.1-70b-versatile"\n'))
    hosts = {e.host: e for e in endpoints}
    assert set(hosts) == {"api.openai.com", "api.groq.com"}  # the __init__ default stays one alternative
    steps = [(s.path, s.line, s.detail) for trail in hosts["api.groq.com"].trails for s in trail]
    assert ("profiles/custom.py", 2, 'interpreter.llm.model = "groq/llama-3.1-70b-versatile"') in steps


def test_an_api_base_set_from_outside_is_the_host(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, _app('from app import interpreter\ninterpreter.llm.api_base = "https://api.cerebras.ai/v1"\n'))
    assert {e.host for e in endpoints} == {"api.openai.com", "api.cerebras.ai"}


def test_a_write_to_an_instance_of_another_class_does_not_count(tmp_path: Path) -> None:
    profile = '''\
        class Other:
            def __init__(self):
                self.model = "x"

        other = Other()
        other.model = "groq/llama-3.1-70b-versatile"
    '''
    endpoints = _scan(tmp_path, _app(profile))
    assert {e.host for e in endpoints} == {"api.openai.com"}


def test_a_comparison_is_no_write(tmp_path: Path) -> None:
    profile = 'from app import interpreter\nif interpreter.llm.model == "groq/llama-3.1-70b-versatile":\n    print("groq")\n'
    endpoints = _scan(tmp_path, _app(profile))
    assert {e.host for e in endpoints} == {"api.openai.com"}



def test_the_hook_follows_an_outside_write_added_in_another_file(tmp_path: Path) -> None:
    """The hook's question for outside writes is what is read (a file writing ``x.….attr =``
    for an instance of the class): a profile that starts writing ``api_base`` re-resolves the
    litellm call, as a scan without cache sees it."""
    from .test_scoped_hook import _replace, _scoped_after_edits, _write

    root = tmp_path / "tree"
    _write(root, _app('from app import interpreter\ninterpreter.llm.model = "gpt-4o-mini"\n'))
    profile = _replace("profiles/custom.py", 'interpreter.llm.model = "gpt-4o-mini"\n',
                       'interpreter.llm.model = "gpt-4o-mini"\ninterpreter.llm.api_base = "https://api.cerebras.ai/v1"\n')
    (hook,) = _scoped_after_edits(root, tmp_path / "cache", [profile])
    assert hook.stats.scoped is not None and "api.cerebras.ai" in {e.host for e in hook.report.endpoints}
