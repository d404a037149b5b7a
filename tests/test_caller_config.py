"""A library class configured by its caller's mapping (``def __init__(self, config=None)``,
nothing in the tree calls it): ``config.get("key", "https://default")`` reaches the default when
the caller does not set the key, and the caller's own value stays an unknown host that names
the parameter and the key (fail closed), reached once a caller sets it."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

SEARCH_STORE = '''\
from azure.core.credentials import AzureKeyCredential
from azure.search.documents import SearchClient
from azure.search.documents.indexes import SearchIndexClient


class AzureSearchStore:
    """A vector store its user configures: AzureSearchStore({"search_api_key": ...})."""

    def __init__(self, config=None):
        if config is None:
            raise ValueError("config is required")
        endpoint = config.get("search_endpoint", "https://docs-index.search.windows.net")
        credential = AzureKeyCredential(config.get("search_api_key"))
        self.index_client = SearchIndexClient(endpoint=endpoint, credential=credential)
        self.search_client = SearchClient(endpoint=endpoint, index_name="docs", credential=credential)
'''

LLM_SERVER = '''\
import requests


class LocalLLM:
    def __init__(self, config):
        self.host = config["llm_host"]

    def complete(self, prompt):
        return requests.post(f"{self.host}/v1/completions", json={"prompt": prompt}).json()
'''

APP_MAIN = '''\
from search_store import AzureSearchStore

store = AzureSearchStore({"search_endpoint": "https://prod-kb.search.windows.net", "search_api_key": "k"})
'''


def _scan(root: Path, **files: str) -> list[Endpoint]:
    root.mkdir(parents=True)
    for name, text in files.items():
        (root / f"{name}.py").write_text(text)
    return scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def _sites(endpoint: Endpoint) -> list[tuple[str, int]]:
    return [(loc.path, loc.line) for loc in endpoint.locations]


def test_a_get_default_on_the_callers_mapping_is_reached_and_the_callers_value_stays_unknown(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path / "lib", search_store=SEARCH_STORE)
    literal = next(e for e in endpoints if e.host == "docs-index.search.windows.net")
    assert literal.provider == "azure"
    # nothing in this library makes the store: the developer's code does (``reach_developer``)
    assert literal.reach == "opt-in"
    assert any(s.setting.startswith("developer code instantiating") for s in literal.switches)
    assert _sites(literal) == [("search_store.py", 14), ("search_store.py", 15)]
    (caller,) = [e for e in endpoints if e.host is None]
    label = "set by the caller: parameter config of AzureSearchStore.__init__() may set search_endpoint"
    assert caller.unresolved == [label]
    assert caller.reach == "opt-in"
    assert {s.setting for s in caller.switches} == {label, "developer code instantiating search_store.AzureSearchStore"}
    assert _sites(caller) == [("search_store.py", 14), ("search_store.py", 15)]


def test_an_item_of_the_callers_mapping_is_the_callers_value(tmp_path: Path) -> None:
    (endpoint,) = _scan(tmp_path / "lib", llm_server=LLM_SERVER)
    assert endpoint.host is None
    assert endpoint.unresolved == ["set by the caller: parameter config of LocalLLM.__init__() sets llm_host"]
    assert endpoint.reach == "opt-in"


def test_a_mapping_an_in_tree_caller_passes_is_read_as_passed(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path / "app", search_store=SEARCH_STORE, main=APP_MAIN)
    assert sorted(e.host or "?" for e in endpoints) == ["prod-kb.search.windows.net"]


def test_an_index_into_a_callers_sequence_is_no_setting(tmp_path: Path) -> None:
    hooks = ("import requests\n\n\n"
             "def on_event(*args):\n"
             "    return requests.post(args[0], json={'event': 'start'})\n")
    (endpoint,) = _scan(tmp_path / "lib", hooks=hooks)
    assert endpoint.host is None
    assert not any(label.startswith("set by the caller") for label in endpoint.unresolved), endpoint.unresolved
