"""Fields of configuration models (pydantic ``BaseModel``, ``@dataclass``): an instance built
without the argument holds the declared default (``Field(default=…)``, ``Field(default_factory=…)``,
``field(default=…)``); a ``**mapping`` flowscan cannot read may set it; and a test of such a field
is a setting's switch, with the default as the shipped value."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

CONFIG = '''\
    import json
    from dataclasses import dataclass, field

    from pydantic import BaseModel, Field


    class VectorConfig(BaseModel):
        url: str = Field(default="https://vectors.example.de")
        collection: str = Field(..., description="required")


    @dataclass
    class TelemetryConfig:
        endpoint: str = field(default="https://telemetry.example.com/v1/events")


    class AppConfig(BaseModel):
        provider: str = Field(description="which LLM", default="mistral")
        vectors: VectorConfig = Field(default_factory=VectorConfig)
'''

APP = '''\
    import json

    import requests
    from anthropic import Anthropic
    from mistralai import Mistral

    from kit.config import AppConfig, TelemetryConfig, VectorConfig


    class MistralLLM:
        def __init__(self):
            self.client = Mistral()


    class AnthropicLLM:
        def __init__(self):
            self.client = Anthropic()


    class Factory:
        llms = {"mistral": MistralLLM, "anthropic": AnthropicLLM}

        @classmethod
        def create(cls, provider):
            return cls.llms[provider]()


    class Memory:
        def __init__(self, config: AppConfig = AppConfig()):
            self.config = config
            self.llm = Factory.create(self.config.provider)

        def search(self, query):
            return requests.post(self.config.vectors.url + "/search", json={"q": query})


    def report():
        requests.post(TelemetryConfig().endpoint, json={})


    def from_file(path):
        return requests.get(VectorConfig(**json.load(open(path))).url)
'''


def _endpoints(tmp_path: Path) -> list:
    (tmp_path / "kit").mkdir()
    (tmp_path / "kit" / "__init__.py").write_text("")
    (tmp_path / "kit" / "config.py").write_text(textwrap.dedent(CONFIG))
    (tmp_path / "kit" / "app.py").write_text(textwrap.dedent(APP))
    return scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def _at(endpoints: list, line: int) -> list[tuple]:
    return sorted((e.host or "", *e.unresolved) for e in endpoints if any(loc.line == line for loc in e.locations))


def test_an_instance_holds_its_fields_defaults(tmp_path: Path) -> None:
    endpoints = _endpoints(tmp_path)
    assert _at(endpoints, 34) == [("vectors.example.de",)]  # through Field(default_factory=VectorConfig)
    assert _at(endpoints, 38) == [("telemetry.example.com",)]  # dataclasses.field(default=...)
    chain = next(e for e in endpoints if e.host == "telemetry.example.com").provenance
    assert any(step.detail == "default of config field TelemetryConfig.endpoint" for step in chain)


def test_a_mapping_not_read_may_set_the_field(tmp_path: Path) -> None:
    assert _at(_endpoints(tmp_path), 42) == [
        ("", "**mapping not read (set by the caller: the file named by parameter path of from_file()); it may set url"),
        ("vectors.example.de",)]


def test_a_test_of_a_field_is_a_switch_with_the_default_shipped(tmp_path: Path) -> None:
    reach = {e.host: (e.reach, [(s.setting, s.condition, s.shipped) for s in e.switches]) for e in _endpoints(tmp_path)}
    assert reach["api.mistral.ai"] == ("default", [])
    assert reach["api.anthropic.com"] == (
        "opt-in", [("config field AppConfig.provider", "config field AppConfig.provider == 'anthropic'", "'mistral'")])


LIBRARY = '''\
    from openai import OpenAI
    from anthropic import Anthropic
    from pydantic import BaseModel, Field
    import requests


    class LlmConfig(BaseModel):
        provider: str = Field(default="openai")


    class TracingConfig(BaseModel):
        enabled: bool = False
        url: str = "https://traces.example.com/v1"


    class MemoryConfig(BaseModel):
        llm: LlmConfig = Field(default_factory=LlmConfig)
        tracing: TracingConfig = Field(default_factory=TracingConfig)


    class OpenAILLM:
        def __init__(self):
            self.client = OpenAI()


    class AnthropicLLM:
        def __init__(self):
            self.client = Anthropic()


    class Factory:
        providers = {"openai": OpenAILLM, "anthropic": AnthropicLLM}

        @classmethod
        def create(cls, name):
            return cls.providers[name]()


    class Memory:
        def __init__(self, config: dict):
            self.config = MemoryConfig(**config)
            self.llm = Factory.create(self.config.llm.provider)
            if self.config.tracing.enabled:
                requests.post(self.config.tracing.url, json={})
'''


def test_a_library_callers_configuration_is_opt_in(tmp_path: Path) -> None:
    """``Memory(config)``, called by nothing in the tree, builds its model from what the
    library's user passes: the fields' defaults are the shipped configuration and what else the
    caller may pick is opt-in, not unknown."""
    (tmp_path / "memlib").mkdir()
    (tmp_path / "memlib" / "__init__.py").write_text(textwrap.dedent(LIBRARY))
    endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    reach = {e.host: (e.reach, [(s.setting, s.condition, s.shipped) for s in e.switches]) for e in endpoints}
    assert reach["api.openai.com"] == ("default", [])
    assert reach["api.anthropic.com"] == (
        "opt-in", [("config field LlmConfig.provider", "config field LlmConfig.provider == 'anthropic'", "'openai'")])
    assert reach["traces.example.com"][0] == "opt-in"
    caller_url = next(e for e in endpoints if e.host is None)
    assert caller_url.unresolved == ["set by the caller: **config (parameter config of Memory.__init__()) may set tracing"]
    assert caller_url.reach == "opt-in"
