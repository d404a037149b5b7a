"""Which call sites share an unknown-host endpoint: those fed by one named origin (an env var,
a parameter) through one SDK; never unrelated calls whose unresolved values only read alike."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.catalog import bundled_catalog
from flowscan.endpoints import build_endpoints
from flowscan.model import Endpoint, Location, Step
from flowscan.policy import Policy
from flowscan.python.flows import SinkHit
from flowscan.values import StrValue

# Two modules of one app reading the same env var for the same SDK, and a plain HTTP call
# reading it too.
SHARED_ENV = {
    "chat.py": '''\
import os

from openai import OpenAI

client = OpenAI(base_url=os.environ["LLM_BASE_URL"])
''',
    "embed.py": '''\
import os

import requests
from openai import OpenAI

embedder = OpenAI(base_url=os.environ["LLM_BASE_URL"])
health = requests.get(os.environ["LLM_BASE_URL"] + "/health")
''',
}


def _scan(root: Path, files: dict[str, str]) -> list[Endpoint]:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / name).write_text(text)
    return [e for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints if e.host is None]


def _sites(endpoint: Endpoint) -> list[tuple[str, int]]:
    return [(loc.path, loc.line) for loc in endpoint.locations]


def _hit(sdk: str, provider: str | None, path: str, line: int, label: str, made: tuple[str, int]) -> SinkHit:
    """A call whose endpoint value is one unresolved part ``label``, made at ``made``."""
    step = Step(made[0], made[1], f"not resolved: {label}")
    return SinkHit(provider, sdk, Location(path, line), StrValue.hole(label, (step,)))


def test_unrelated_unresolved_values_that_read_alike_are_separate_endpoints() -> None:
    # three vector-store modules of a library, each reading its caller's config, whose values
    # the resolver can only describe, alike: "item of None"
    hits = [
        _hit("azure.search.documents.indexes.SearchIndexClient", "azure", "stores/search.py", 14, "item of None", ("stores/search.py", 11)),
        _hit("azure.search.documents.SearchClient", "azure", "stores/search.py", 18, "item of None", ("stores/search.py", 11)),
        _hit("sqlalchemy.create_engine", None, "stores/sql.py", 9, "item of None", ("stores/sql.py", 7)),
        _hit("sqlalchemy.create_engine", None, "stores/sql.py", 30, "item of None", ("stores/sql.py", 7)),
        _hit("langchain_postgres.PGVector", None, "stores/sql.py", 12, "item of None", ("stores/sql.py", 7)),
        _hit("weaviate.connect_to_weaviate_cloud", None, "stores/cloud.py", 21, "item of None", ("stores/cloud.py", 20)),
    ]
    endpoints = build_endpoints(hits, bundled_catalog(), Policy(), "default")
    assert sorted(_sites(e) for e in endpoints) == [
        [("stores/cloud.py", 21)],
        [("stores/search.py", 14), ("stores/search.py", 18)],  # one value, one provider: one endpoint
        [("stores/sql.py", 9), ("stores/sql.py", 30)],  # one value, one SDK: one endpoint
        [("stores/sql.py", 12)],  # the same value through another SDK
    ]
    assert {_sites(e)[0]: e.provider for e in endpoints}[("stores/search.py", 14)] == "azure"
    assert len({e.id for e in endpoints}) == 4


def test_one_env_var_is_one_endpoint_per_sdk_across_files(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path / "app", SHARED_ENV)
    assert sorted(_sites(e) for e in endpoints) == [
        [("chat.py", 5), ("embed.py", 6)],
        [("embed.py", 7)],
    ]
    assert all(e.unresolved == ["env:LLM_BASE_URL"] for e in endpoints)


def test_calls_of_one_library_left_unknown_alike_are_one_row_with_each_call_s_chain() -> None:
    # the analysis gave up on both values: one row per library, not one per place it gave up at
    hits = [
        _hit("requests.post", None, "jobs/a.py", 10, "analysis budget exceeded", ("jobs/a.py", 4)),
        _hit("requests.get", None, "jobs/b.py", 22, "analysis budget exceeded", ("jobs/b.py", 9)),
        _hit("httpx.post", None, "jobs/c.py", 5, "analysis budget exceeded", ("jobs/c.py", 2)),
    ]
    endpoints = build_endpoints(hits, bundled_catalog(), Policy(), "default")
    assert sorted(_sites(e) for e in endpoints) == [[("jobs/a.py", 10), ("jobs/b.py", 22)], [("jobs/c.py", 5)]]
    (both,) = [e for e in endpoints if len(e.locations) == 2]
    assert sorted(trail[0].path for trail in both.trails) == ["jobs/a.py", "jobs/b.py"]


def test_two_kinds_of_sdk_of_one_package_are_separate_rows() -> None:
    # a LlamaIndex LLM and a LlamaIndex vector store: one package, two rule files
    hits = [
        _hit("llama_index.llms.openai_like.OpenAILike", None, "kb/components.py", 20, "item of None", ("kb/components.py", 5)),
        _hit("llama_index.vector_stores.postgres.PGVectorStore.from_params", None, "kb/components.py", 38,
             "item of None", ("kb/components.py", 5)),
    ]
    catalog = bundled_catalog()
    assert catalog.sinks[hits[0].sdk].origin != catalog.sinks[hits[1].sdk].origin
    assert len(build_endpoints(hits, catalog, Policy(), "default")) == 2
