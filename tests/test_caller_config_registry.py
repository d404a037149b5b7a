"""A library's ``from_config(config_path=None, config=None)`` reads the mapping its caller passes
(or the file the caller names) with defaults (``llm.get("provider", "openai")``): the default is
the shipped value, the rest is the caller's choice. A provider registry of dotted class paths keyed
by that value makes the classes other than the default's opt-in, with the caller's setting as the
switch."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

FILES = {
    "ragkit/__init__.py": "",
    "ragkit/llm/__init__.py": "",
    "ragkit/factory.py": '''
        import importlib


        def load_class(class_type):
            module_path, class_name = class_type.rsplit(".", 1)
            return getattr(importlib.import_module(module_path), class_name)


        class LlmFactory:
            provider_to_class = {
                "anthropic": "ragkit.llm.anthropic.AnthropicLlm",
                "openai": "ragkit.llm.openai.OpenAILlm",
            }

            @classmethod
            def create(cls, provider_name, config_data):
                class_type = cls.provider_to_class.get(provider_name)
                if class_type:
                    return load_class(class_type)(config=config_data)
                raise ValueError(f"Unsupported provider: {provider_name}")
    ''',
    "ragkit/llm/anthropic.py": '''
        from langchain_anthropic import ChatAnthropic


        class AnthropicLlm:
            def __init__(self, config=None):
                self.config = config

            def answer(self, prompt):
                return ChatAnthropic(model_name="claude-3-5-sonnet-latest").invoke(prompt)
    ''',
    "ragkit/llm/openai.py": '''
        from langchain_openai import ChatOpenAI


        class OpenAILlm:
            def __init__(self, config=None):
                self.config = config

            def answer(self, prompt):
                return ChatOpenAI(model="gpt-4o-mini").invoke(prompt)
    ''',
    "ragkit/app.py": '''
        import yaml

        from ragkit.factory import LlmFactory
        from ragkit.llm.openai import OpenAILlm


        class App:
            def __init__(self, llm=None):
                self.llm = llm or OpenAILlm()

            @classmethod
            def from_config(cls, config_path=None, config=None):
                if config_path:
                    with open(config_path) as file:
                        config_data = yaml.safe_load(file)
                elif config:
                    config_data = config
                else:
                    config_data = {}
                llm_config = config_data.get("llm", {})
                if llm_config:
                    provider = llm_config.get("provider", "openai")
                    return cls(llm=LlmFactory.create(provider, llm_config.get("config", {})))
                return cls()
    ''',
}


def test_a_registry_keyed_by_the_callers_config_is_opt_in_but_for_its_default(tmp_path: Path) -> None:
    for rel, text in FILES.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    endpoints = {e.host: e for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}
    assert endpoints["api.openai.com"].reach == "default"
    anthropic = endpoints["api.anthropic.com"]
    assert anthropic.reach == "opt-in"
    assert [(s.setting, s.shipped, s.taken) for s in anthropic.switches] == [
        ("set by the caller: the file named by parameter config_path of App.from_config() may set llm.provider",
         "'openai'", False)]
