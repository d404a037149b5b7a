"""SDK arguments built as ``params = {...}`` then ``if x: params["x"] = x`` for many keys are read
key by key (``resolve_dict_stores``): five stores under tests no longer make 2^5 versions of the
dict (over the cap on alternatives, "**params not read"), each keyword takes its own values, a
store's tests decide its value's reach, a key only such stores set may be unset, and a stored
value the analysis cannot follow stays a hole."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

APP = '''\
    import os

    import requests
    from openai import OpenAI
    from qdrant_client import QdrantClient

    from .remote import discovered_url


    def vector_client(collection, path=None, api_key=None, host=None, port=None, https=None):
        params = {"collection_name": collection}
        if os.getenv("QDRANT_CLOUD"):
            params["url"] = "https://0a1b2c3d.eu-central-1-0.aws.cloud.qdrant.io:6333"
        if path:
            params["path"] = path
        if api_key:
            params["api_key"] = api_key
        if host:
            params["host"] = host
        if port:
            params["port"] = port
        if https is not None:
            params["https"] = https
        return QdrantClient(**params)


    def webhook(token=None, timeout=None, retries=None, proxy=None, verify=None):
        options = {"kind": "alert"}
        if token:
            options["token"] = token
        if timeout:
            options["timeout"] = timeout
        if retries:
            options["retries"] = retries
        if proxy:
            options["proxy"] = proxy
        if verify is not None:
            options["verify"] = verify
        return requests.post(options.get("url", "https://hooks.example.com/alert"))


    def discovered(token=None, timeout=None, retries=None, proxy=None):
        options = {}
        if token:
            options["token"] = token
        if timeout:
            options["timeout"] = timeout
        if retries:
            options["retries"] = retries
        if proxy:
            options["proxy"] = proxy
        if os.getenv("DISCOVER"):
            options["base_url"] = discovered_url()
        return requests.get(options["base_url"])


    def llm(api_key=None, timeout=None, retries=None, http_client=None):
        options = {"api_key": api_key}
        if timeout:
            options["timeout"] = timeout
        if retries:
            options["max_retries"] = retries
        if http_client:
            options["http_client"] = http_client
        if os.getenv("OPENAI_ORG"):
            options["organization"] = os.getenv("OPENAI_ORG")
        if os.getenv("LLM_PROXY"):
            options["base_url"] = "https://llm-proxy.example.eu/v1"
        kwargs = {key: value for key, value in options.items() if value is not None}
        return OpenAI(**kwargs)


    client = vector_client("memories", api_key=os.getenv("QDRANT_API_KEY"))
    llm(api_key=os.getenv("OPENAI_API_KEY"))
    webhook(token=os.getenv("HOOK_TOKEN"))
    discovered(token=os.getenv("TOKEN"))
'''


def _endpoints(tmp_path: Path) -> dict[int, list[tuple]]:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "__init__.py").write_text("")
    (tmp_path / "svc" / "remote.py").write_text("import vendor_sdk\n\ndiscovered_url = vendor_sdk.lookup\n")
    (tmp_path / "svc" / "clients.py").write_text(textwrap.dedent(APP))
    out: dict[int, list[tuple]] = {}
    for endpoint in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints:
        for location in endpoint.locations:
            out.setdefault(location.line, []).append((endpoint.host, endpoint.reach, " ".join(endpoint.unresolved)))
    return out


def test_keywords_of_a_dict_filled_under_many_tests_are_read(tmp_path: Path) -> None:
    found = _endpoints(tmp_path)[24]
    assert not any("not read" in why or "more values" in why for _, _, why in found), found
    # the cloud URL, set only where QDRANT_CLOUD is: opt-in by the store's test
    assert ("0a1b2c3d.eu-central-1-0.aws.cloud.qdrant.io", "opt-in", "") in found, found
    # where no store sets url or host, the client's own default
    assert any(host == "localhost" for host, _, _ in found), found


def test_get_of_a_key_no_store_sets_takes_its_default(tmp_path: Path) -> None:
    found = _endpoints(tmp_path)[39]
    assert found == [("hooks.example.com", "default", "")], found


def test_a_stored_value_not_followed_stays_unknown(tmp_path: Path) -> None:
    found = _endpoints(tmp_path)[54]
    assert found and all(host is None for host, _, _ in found), found
    assert not any("more values" in why for _, _, why in found), found


def test_a_dict_rebuilt_from_its_items_keeps_keys_that_may_be_unset(tmp_path: Path) -> None:
    found = _endpoints(tmp_path)[70]
    assert ("llm-proxy.example.eu", "opt-in", "") in found, found
    assert ("api.openai.com", "default", "") in found, found  # LLM_PROXY unset: the SDK's own default
