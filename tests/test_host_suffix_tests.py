"""A call made only when ``urlparse(url).hostname.endswith(".openai.azure.com")`` holds sends
``url`` to a host in that domain: a URL not known statically gets the tested suffix as its host
(``{url}.openai.azure.com``, one host however the URL is unknown, with the test in its chain),
which names the provider; the else branch, a URL assigned again after the test, a suffix that is
no domain and a known host are left as they were."""

from __future__ import annotations

import textwrap

import pytest

from flowscan.api import ScanOptions, scan

APP = '''\
    import os
    from urllib.parse import urlparse

    import openai
    import requests


    def chat_client(api_key: str, api_base_url: str):
        parsed_url = urlparse(api_base_url)
        if parsed_url.hostname and parsed_url.hostname.endswith(".openai.azure.com"):
            return openai.AzureOpenAI(api_key=api_key, azure_endpoint=api_base_url, api_version="2024-10-21")
        return openai.OpenAI(api_key=api_key, base_url=api_base_url)


    def embed(texts, endpoint: str):
        if urlparse(endpoint).netloc.endswith(".openai.azure.com"):
            return requests.post(endpoint, json={"input": texts})
        if endpoint.endswith(".json"):
            return requests.get(endpoint)


    def moved(endpoint: str):
        if urlparse(endpoint).hostname.endswith(".openai.azure.com"):
            endpoint = os.environ["PROXY_URL"]
            return requests.post(endpoint)


    def known():
        url = "https://api.openai.com/v1/models"
        if urlparse(url).hostname.endswith(".openai.azure.com"):
            return requests.get(url)


    def main():
        chat_client(os.environ["KEY"], os.environ["BASE_URL"])
        embed(["a"], os.environ["EMBED_URL"])
        moved(os.environ["EMBED_URL"])
'''


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory) -> dict[int, list]:
    tmp_path = tmp_path_factory.mktemp("app")
    (tmp_path / "llm.py").write_text(textwrap.dedent(APP))
    out: dict[int, list] = {}
    for endpoint in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints:
        for location in endpoint.locations:
            out.setdefault(location.line, []).append((endpoint.host, endpoint.provider))
    return out


def test_a_tested_host_suffix_names_the_host_and_provider(hosts: dict[int, list]) -> None:
    assert hosts[11] == [("{api_base_url}.openai.azure.com", "openai")]
    assert hosts[17] == [("{endpoint}.openai.azure.com", "openai")]  # ``urlparse(x).netloc`` directly


def test_the_else_branch_a_file_suffix_a_reassigned_url_and_a_known_host_are_left_alone(hosts: dict[int, list]) -> None:
    assert [host for host, _ in hosts[12]] == [None]
    assert [host for host, _ in hosts[19]] == [None]
    assert [host for host, _ in hosts[25]] == [None]
    assert [host for host, _ in hosts[31]] == ["api.openai.com"]
