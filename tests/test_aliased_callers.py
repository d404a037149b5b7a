"""Calls of a function through an attribute that holds it: ``self.completions =
fixed_litellm_completions`` in ``Llm.__init__`` makes ``llm.completions(**params)`` in another
module a caller of ``fixed_litellm_completions``, so what the caller passes reaches the sink."""

from __future__ import annotations

from pathlib import Path

from flowscan.model import Endpoint

from .conftest import report_of

_LLM = '''\
    import litellm
    from .runner import run_llm


    class Llm:
        def __init__(self, model):
            self.model = model
            self.completions = send_completion

        def run(self, messages):
            params = {"model": self.model, "messages": messages}
            yield from run_llm(self, params)


    def send_completion(**params):
        params["num_retries"] = 0
        return litellm.completion(**params)
'''
_RUNNER = '''\
    def run_llm(llm, request_params):
        request_params["tools"] = []
        for chunk in llm.{method}(**request_params):
            yield chunk
'''
_MAIN = 'from app.llm import Llm\nLlm("mistral/mistral-large-latest").run([])\n'


def _scan(root: Path, method: str) -> list[Endpoint]:
    files = {"app/__init__.py": "", "app/llm.py": _LLM, "app/runner.py": _RUNNER.replace("{method}", method),
             "app/main.py": _MAIN}
    # litellm's price-map download when it is imported is another endpoint, not what these tests check
    return [e for e in report_of(root, files).endpoints if e.host != "raw.githubusercontent.com"]


def test_a_call_through_the_attribute_holding_the_function_passes_its_keywords(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, "completions")
    assert {e.host for e in endpoints} == {"api.mistral.ai"}
    (endpoint,) = endpoints
    assert endpoint.reach == "default"


def test_a_call_of_another_attribute_is_no_caller(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, "stream")  # llm.stream is not send_completion: its callers stay unknown
    hosts = {e.host for e in endpoints}
    assert "api.mistral.ai" not in hosts and None in hosts
