"""Default or opt-in for the shapes of provider factories in libraries (mem0-like): a factory
called only under a test of an optional config field, another factory with a method of the
same name beside it, a class picked by a factory that is itself picked by configuration, a
static helper nothing calls, and a client that runs in-process when given a path."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan


def _reach(tmp_path: Path, files: dict[str, str]) -> dict[str | None, tuple[str, list[str]]]:
    for name, source in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(source))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    return {e.host: (e.reach, sorted({s.setting for s in e.switches})) for e in report.endpoints}


_CONFIG = '''\
    from typing import Optional

    from pydantic import BaseModel, Field


    class RerankerConfig(BaseModel):
        provider: str = Field(default="cohere")


    class LlmConfig(BaseModel):
        provider: str = Field(default="openai")


    class MemoryConfig(BaseModel):
        llm: LlmConfig = Field(default_factory=LlmConfig)
        reranker: Optional[RerankerConfig] = Field(description="Reranks search results", default=None)
'''

_FACTORY = '''\
    import importlib


    def load_class(path):
        module, name = path.rsplit(".", 1)
        return getattr(importlib.import_module(module), name)


    class LlmFactory:
        provider_to_class = {"openai": "memkit.llms.OpenAILLM"}

        @classmethod
        def create(cls, provider_name, config=None):
            return load_class(cls.provider_to_class[provider_name])(config)


    class RerankerFactory:
        provider_to_class = {"cohere": "memkit.rerankers.CohereReranker", "jina": "memkit.rerankers.JinaReranker"}

        @classmethod
        def create(cls, provider_name, config=None):
            return load_class(cls.provider_to_class[provider_name])(config)
'''

_RERANKERS = '''\
    import requests


    class CohereReranker:
        def __init__(self, config):
            self.config = config

        def rerank(self, query, documents):
            return requests.post("https://api.cohere.com/v2/rerank", json={"query": query, "documents": documents}).json()


    class JinaReranker:
        def __init__(self, config):
            self.config = config

        def rerank(self, query, documents):
            return requests.post("https://api.jina.ai/v1/rerank", json={"query": query, "documents": documents}).json()
'''

_LLMS = '''\
    from openai import OpenAI


    class OpenAILLM:
        def __init__(self, config):
            self.client = OpenAI()
'''

_MEMORY = '''\
    from memkit.config import MemoryConfig
    from memkit.factory import LlmFactory, RerankerFactory


    class Memory:
        def __init__(self, config: MemoryConfig = MemoryConfig()):
            self.llm = LlmFactory.create(config.llm.provider, config.llm)
            self.reranker = None
            if config.reranker:
                self.reranker = RerankerFactory.create(config.reranker.provider, config.reranker)
'''


def _memkit(**extra: str) -> dict[str, str]:
    return {"memkit/__init__.py": "", "memkit/config.py": _CONFIG, "memkit/factory.py": _FACTORY,
            "memkit/rerankers.py": _RERANKERS, "memkit/llms.py": _LLMS, "memkit/memory.py": _MEMORY, **extra}


def test_a_factory_called_only_when_an_optional_config_field_is_set_makes_its_registry_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, _memkit())
    assert found["api.openai.com"] == ("default", [])
    assert found["api.cohere.com"] == ("opt-in", ["config field MemoryConfig.reranker"])
    assert found["api.jina.ai"] == ("opt-in", ["config field MemoryConfig.reranker"])


def test_the_factory_is_default_when_it_is_also_called_outside_the_test(tmp_path: Path) -> None:
    memory = _MEMORY + '''\

        def rerank_with(self, provider):
            return RerankerFactory.create(provider)
    '''
    found = _reach(tmp_path, _memkit(**{"memkit/memory.py": memory}))
    assert found["api.cohere.com"][0] == "default"


_VECTOR = '''\
    from google.cloud import aiplatform

    from memkit.gcp import GCPAuth


    class VertexStore:
        def __init__(self, config):
            GCPAuth.setup(config)
'''

_GCP = '''\
    import os

    from google import genai
    from google.cloud import aiplatform


    class GCPAuth:
        @staticmethod
        def setup(config):
            aiplatform.init(project=os.getenv("GOOGLE_CLOUD_PROJECT"), location="europe-west4")

        @staticmethod
        def genai_client(api_key=None):
            return genai.Client(api_key=api_key)
'''

_STORES = '''\
    import os

    from memkit.vertex import VertexStore

    STORES = {"vertex": VertexStore}


    def make_store(config):
        return STORES[os.getenv("MEMKIT_STORE", "local")](config)
'''


def test_a_helper_called_only_from_a_class_configuration_selects_is_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"memkit/__init__.py": "", "memkit/vertex.py": _VECTOR, "memkit/gcp.py": _GCP,
                              "memkit/stores.py": _STORES})
    assert found["europe-west4-aiplatform.googleapis.com"] == ("opt-in", ["env:MEMKIT_STORE"])


def test_a_static_method_nothing_in_the_tree_calls_is_opt_in_developer_code(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"memkit/__init__.py": "", "memkit/vertex.py": _VECTOR, "memkit/gcp.py": _GCP,
                              "memkit/stores.py": _STORES})
    assert found["generativelanguage.googleapis.com"] == (
        "opt-in", ["developer code calling memkit.gcp.GCPAuth.genai_client"])


def test_a_static_method_named_anywhere_else_keeps_its_calls_default(tmp_path: Path) -> None:
    stores = _STORES + '''\

    CLIENT_FACTORY = "genai_client"
    '''
    found = _reach(tmp_path, {"memkit/__init__.py": "", "memkit/vertex.py": _VECTOR, "memkit/gcp.py": _GCP,
                              "memkit/stores.py": stores})
    assert found["generativelanguage.googleapis.com"] == ("default", [])


def test_an_instance_method_nothing_calls_is_no_developer_switch(tmp_path: Path) -> None:
    gcp = _GCP.replace("        @staticmethod\n        def genai_client(api_key=None):",
                       "        def genai_client(self, api_key=None):")
    found = _reach(tmp_path, {"memkit/__init__.py": "", "memkit/vertex.py": _VECTOR, "memkit/gcp.py": gcp,
                              "memkit/stores.py": _STORES, "memkit/app.py": "from memkit.gcp import GCPAuth\n\nauth = GCPAuth()\n"})
    assert found["generativelanguage.googleapis.com"] == ("default", [])


_QDRANT = '''\
    import os

    from qdrant_client import QdrantClient

    DB_PATH = os.getenv("QDRANT_PATH", "./qdrant-data")
    local = QdrantClient(path=DB_PATH)
'''
_REMOTE = '    remote = QdrantClient(url="https://q1.eu-central-1-0.aws.cloud.qdrant.io", path=DB_PATH)\n'


def test_a_qdrant_client_given_a_path_runs_in_process(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"app/__init__.py": "", "app/store.py": _QDRANT + _REMOTE})
    assert set(found) == {"q1.eu-central-1-0.aws.cloud.qdrant.io"}  # the url beside a path is still the endpoint


def test_a_qdrant_client_whose_path_may_be_none_may_connect_to_localhost(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"app/__init__.py": "", "app/store.py": _QDRANT + '    maybe = QdrantClient(path=os.getenv("QDRANT_PATH"))\n'})
    assert set(found) == {"localhost"}
    assert found["localhost"][0] == "default"


def test_a_static_method_named_as_a_path_in_a_config_file_keeps_its_calls_default(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"memkit/__init__.py": "", "memkit/vertex.py": _VECTOR, "memkit/gcp.py": _GCP,
                              "memkit/stores.py": _STORES, "config.yaml": "client_factory: memkit.gcp.GCPAuth.genai_client\n"})
    assert found["generativelanguage.googleapis.com"] == ("default", [])


def test_prose_in_a_config_file_naming_a_static_method_is_no_use_of_it(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"memkit/__init__.py": "", "memkit/vertex.py": _VECTOR, "memkit/gcp.py": _GCP,
                              "memkit/stores.py": _STORES, "notes.yaml": "help: call genai_client for a Gemini client\n"})
    assert found["generativelanguage.googleapis.com"][0] == "opt-in"


def test_a_static_method_another_decorator_registers_is_no_developer_switch(tmp_path: Path) -> None:
    gcp = _GCP.replace("        @staticmethod\n        def genai_client(", "        @staticmethod\n        @hooks.register\n        def genai_client(")
    gcp = gcp.replace("from google import genai\n", "from google import genai\n\n    from memkit import hooks\n")
    found = _reach(tmp_path, {"memkit/__init__.py": "", "memkit/vertex.py": _VECTOR, "memkit/gcp.py": gcp,
                              "memkit/stores.py": _STORES, "memkit/hooks.py": "def register(func):\n    return func\n"})
    assert found["generativelanguage.googleapis.com"] == ("default", [])
