"""The calls a rule table names are found once per module (several checks ask for every module's
model-server launches); each asking still gets launches of its own, since checks annotate them."""

from __future__ import annotations

from flowscan.frameworks import framework_specs
from flowscan.python.extract import extract_python
from flowscan.python.spec_calls import spec_calls
from flowscan.servers import launches_in_module, server_specs

CODE = b'''\
from vllm import LLM
from ray.serve.llm import LLMConfig
import requests

engine = LLM(model="meta-llama/Llama-3.1-8B-Instruct", enable_prefix_caching=True)
config = LLMConfig(model_loading_config=dict(model_id="qwen"), engine_kwargs=dict(tensor_parallel_size=2))
requests.get("https://example.com")
'''


def test_each_named_call_is_found_with_its_spec() -> None:
    module = extract_python("serve.py", CODE)
    servers = [(call.line, spec.id) for call, spec in spec_calls(module, server_specs())]
    frameworks = [call.line for call, _ in spec_calls(module, framework_specs())]
    assert servers == [(5, "vllm")] and frameworks == [6]
    assert spec_calls(module, server_specs()) is spec_calls(module, server_specs())  # found once


def test_every_asking_gets_launches_of_its_own() -> None:
    module = extract_python("serve.py", CODE)
    first, second = launches_in_module(module), launches_in_module(module)
    assert [(launch.line, launch.server.id) for launch in first] == [(6, "vllm"), (5, "vllm")]
    assert first == second and all(a is not b for a, b in zip(first, second))
