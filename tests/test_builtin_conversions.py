"""Builtins that convert a value are modelled, not holes: ``int``/``float`` of known text is the
number (a port read with a default is that port), ``min``/``max``/``round`` of known numbers are
computed, and a number or bool the analysis cannot compute is never a host part nor a mapping of
keywords: a host built around one is unknown, and ``**value`` of one sets no keyword (the
mapping that may really hold the keyword still leaves the region unknown, and says so)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint


def _endpoints(root: Path, files: dict[str, str], **env: str) -> list[Endpoint]:
    for name, code in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(code))
    return scan(root, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints


def _at(endpoints: list[Endpoint], line: int) -> list[Endpoint]:
    return [e for e in endpoints if any(loc.line == line for loc in e.locations)]


NUMBERS = '''\
    import os
    import requests

    PORT = int(os.getenv("PORT", "8080"))
    requests.get(f"http://llm-a.internal:{PORT}/v1")
    requests.get(f"http://llm-b.internal:{max(8000, 8081)}/v1")
    requests.get(f"http://llm-c.internal:{round(8082.4)}/v1")
    requests.get(f"https://{int(os.environ['SHARD'])}-aiplatform.googleapis.com/v1")
    requests.get(f"https://api.example.com/{float(os.environ['VERSION'])}/x")
'''


def test_numbers_of_known_text_are_the_numbers(tmp_path: Path) -> None:
    found = _endpoints(tmp_path, {"app.py": NUMBERS})
    assert [e.url for e in _at(found, 5)] == ["http://llm-a.internal:8080/v1"]  # one endpoint per host: the first URL
    assert [e.url for e in _at(found, 6)] == ["http://llm-b.internal:8081/v1"]
    assert [e.url for e in _at(found, 7)] == ["http://llm-c.internal:8082/v1"]
    bound = _endpoints(tmp_path, {"app.py": NUMBERS}, PORT="9090")
    assert [e.url for e in _at(bound, 5)] == ["http://llm-a.internal:9090/v1"]


def test_a_host_built_around_an_unknown_number_is_unknown(tmp_path: Path) -> None:
    found = _endpoints(tmp_path, {"app.py": NUMBERS})
    (shard,) = _at(found, 8)
    assert shard.host is None and shard.placement.note == "the host is not known statically"
    assert shard.unresolved == ["number: int({env:SHARD})"]
    (versioned,) = _at(found, 9)  # a number in the path leaves the host as it is
    assert versioned.host == "api.example.com"


SPLAT = {
    "svc/__init__.py": "",
    "svc/config.py": '''\
        import json
        import os


        def convert(value, kind):
            if kind == "bool":
                return value.lower() in ("true", "1")
            if kind == "int":
                return int(value)
            if kind == "float":
                return float(value)
            if kind == "str":
                return value
            return json.loads(value)


        class Config:
            def __init__(self):
                self.embedding_kwargs = {}
                self.embedding_kwargs = convert(os.environ["EMBEDDING_KWARGS"], os.environ["KIND"])
    ''',
    "svc/embed.py": '''\
        from langchain_google_vertexai import VertexAIEmbeddings

        from .config import Config


        def embeddings():
            cfg = Config()
            return VertexAIEmbeddings(model="text-embedding-005", **cfg.embedding_kwargs)
    ''',
}


def test_a_number_bool_or_string_splatted_sets_no_keyword(tmp_path: Path) -> None:
    found = _at(_endpoints(tmp_path, SPLAT), 8)
    hosts = sorted(str(e.host) for e in found)
    # the SDK's default, and the parsed JSON that may set the location or the whole endpoint;
    # never a host made around "int", "float", a comparison or the env var's text (no mappings)
    assert hosts == ["None", "us-central1-aiplatform.googleapis.com",
                     "{**mapping not read (a json.loads object); it may set location}-aiplatform.googleapis.com"], hosts
    overridden = next(e for e in found if e.host is None)
    assert overridden.unresolved == ["**mapping not read (a json.loads object); it may set api_endpoint"]
    unknown_region = next(e for e in found if e.host.startswith("{"))
    assert (unknown_region.provider, unknown_region.placement.region) == ("gcp", None)
    assert unknown_region.placement.note == "the region part of the host is not known statically"
