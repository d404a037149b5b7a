"""``Client(**options)``: a keyword the SDK reads may sit in the mapping. A mapping flowscan
reads gives its value (or none: the SDK's default); one it cannot read is reported as what it
is, beside the default, never as the default alone (fail closed)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

APP = '''\
    import json
    from openai import OpenAI
    from mistralai import Mistral

    def make_client(path):
        options = json.load(open(path))
        return OpenAI(**options)

    def eu_client():
        return Mistral(**{"api_key": "x"})

    def gateway():
        settings = dict(base_url="https://llm-gateway.eu.example.com/v1")
        return OpenAI(**settings)
'''


def _endpoints(tmp_path: Path) -> list:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    return scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def _at(endpoints: list, line: int) -> list:
    return sorted(((e.host or "", *e.unresolved) for e in endpoints if any(loc.line == line for loc in e.locations)))


def test_an_unread_mapping_may_set_the_base_url(tmp_path: Path) -> None:
    found = _at(_endpoints(tmp_path), 7)
    assert found == [
        ("", "**options not read (set by the caller: the file named by parameter path of make_client()); it may set base_url"),
        ("api.openai.com",)]  # the SDK's default when the mapping holds no base_url


def test_a_read_mapping_gives_its_value_or_the_default(tmp_path: Path) -> None:
    endpoints = _endpoints(tmp_path)
    assert _at(endpoints, 10) == [("api.mistral.ai",)]  # no server_url in the literal: the default only
    assert _at(endpoints, 14) == [("llm-gateway.eu.example.com",)]


def test_an_override_that_may_be_absent_keeps_the_sdks_own_url(tmp_path: Path) -> None:
    """boto3's endpoint_url overrides the service host; a ** mapping that may not hold it
    leaves the regional host as well (before, the override's unknown side hid it)."""
    (tmp_path / "s3.py").write_text(textwrap.dedent('''\
        import boto3

        class Store:
            def __init__(self, bucket, **kwargs):
                self.client = boto3.client("s3", **kwargs)
    '''))
    hosts = {e.host for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}
    assert "s3.{env:AWS_REGION}.amazonaws.com" in hosts  # the SDK's own URL when no endpoint_url is passed
    assert None in hosts  # the endpoint_url the mapping may hold


def test_a_wrappers_kwargs_are_the_keywords_its_callers_pass(tmp_path: Path) -> None:
    (tmp_path / "s3.py").write_text(textwrap.dedent('''\
        import os
        import boto3

        class Store:
            def __init__(self, bucket, **kwargs):
                self.client = boto3.client("s3", **kwargs)

        store = Store("uploads", region_name="eu-central-1", bucket_owner="me")
    '''))
    hosts = {e.host for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}
    assert hosts == {"s3.eu-central-1.amazonaws.com"}  # region_name reached boto3 through **kwargs; bucket did not


EMBEDDER = '''\
    from openai import OpenAI


    class EmbedderConfig:
        def __init__(self, model=None, base_url=None, api_base="https://embed.example.com/v1"):
            self.model = model
            self.base_url = base_url
            self.api_base = api_base


    class Embedder:
        def __init__(self, config: dict):
            self.config = EmbedderConfig(**config)
            self.client = OpenAI(base_url=self.config.api_base)


    def regional():
        config = EmbedderConfig(**{"api_base": "https://embed.eu.example.com/v1"})
        return OpenAI(base_url=config.api_base)
'''


def test_a_mapping_passed_to_an_in_tree_class_sets_its_parameters(tmp_path: Path) -> None:
    """``EmbedderConfig(**config)``: the mapping's value of a parameter, else its default; a
    mapping a library's caller passes may set it (it was the default alone: a fail-open)."""
    (tmp_path / "embed.py").write_text(textwrap.dedent(EMBEDDER))
    endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    assert _at(endpoints, 14) == [
        ("", "set by the caller: **config (parameter config of Embedder.__init__()) may set api_base"),
        ("embed.example.com",)]
    assert _at(endpoints, 19) == [("embed.eu.example.com",)]
