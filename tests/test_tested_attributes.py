"""A test of an attribute before a call rules None out of the call's argument, as a test of a
name does: under ``if self.config.base_url:`` a client given ``base_url=self.config.base_url``
is not sent to the SDK's default host; where the only value seen is the config field's None
default, the host is the user's (unknown, saying why), not ``api.openai.com``."""

from __future__ import annotations

import textwrap

import pytest

from flowscan.api import ScanOptions, scan

APP = '''\
    from typing import Optional

    from openai import OpenAI
    from pydantic import BaseModel


    class EmbedderConfig(BaseModel):
        base_url: Optional[str] = None
        proxy_url: Optional[str] = "https://proxy.example.com/v1"


    class Embedder:
        def __init__(self, config: Optional[EmbedderConfig] = None):
            self.config = config or EmbedderConfig()
            if self.config.base_url:
                self.client = OpenAI(base_url=self.config.base_url)
            else:
                self.client = OpenAI()
            if self.config.proxy_url is not None:
                self.proxied = OpenAI(base_url=self.config.proxy_url)
            if self.config.base_url:
                self.config.base_url = None
                self.reset = OpenAI(base_url=self.config.base_url)
'''


@pytest.fixture(scope="module")
def hosts(tmp_path_factory: pytest.TempPathFactory) -> dict[int, list]:
    root = tmp_path_factory.mktemp("app")
    (root / "embedder.py").write_text(textwrap.dedent(APP))
    out: dict[int, list] = {}
    for endpoint in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints:
        for location in endpoint.locations:
            out.setdefault(location.line, []).append((endpoint.host, *endpoint.unresolved))
    return out


def test_a_tested_config_field_whose_default_is_none_is_the_users_host(hosts: dict[int, list]) -> None:
    assert hosts[16] == [(None, "self.config.base_url: tested before the call, set where it is not None")]
    assert hosts[18] == [("api.openai.com",)]  # the else branch: the SDK's default


def test_a_known_value_is_kept_and_a_store_after_the_test_undoes_it(hosts: dict[int, list]) -> None:
    assert hosts[20] == [("proxy.example.com",)]
    assert ("api.openai.com",) in hosts[23]  # set to None after the test: the SDK's default again
