"""A type annotation is evidence of what a receiver is: ``session.get(url)`` on a parameter
annotated ``aiohttp.ClientSession`` is a sink call even when no in-tree caller can be followed
(the annotation read through imports, aliases, ``Optional``, ``X | None``, ``Annotated`` and
string annotations); the provenance names the annotation's line; what the callers pass, when
followed, comes first. Both extractors record the annotations alike."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bench.check_extractors import as_tree, first_difference
from flowscan.cachecodec import dumps, loads
from flowscan.python import extract as px
from flowscan.python import extract_cst
from flowscan.python.facts import Annotation, ModuleFacts, structure
from flowscan.api import ScanOptions, scan

CLIENTS = '''\
    from __future__ import annotations

    from typing import TYPE_CHECKING, Annotated, Optional

    import httpx
    import requests

    if TYPE_CHECKING:
        import aiohttp
        from aiohttp import ClientSession as Session

    HttpSession = requests.Session


    async def crossref_work(doi: str, session: aiohttp.ClientSession) -> dict:
        async with session.get(f"https://api.crossref.org/works/{doi}") as response:
            return await response.json()


    async def openalex_work(doi: str,
                            session: Optional["Session"] = None) -> dict:
        async with session.get(f"https://api.openalex.org/works/doi:{doi}") as response:
            return await response.json()


    def pubmed_search(term: str, http: HttpSession | None = None) -> dict:
        return http.get("https://eutils.ncbi.nlm.nih.gov/entrez/eutils/esearch.fcgi", params={"term": term}).json()


    async def arxiv_feed(query: str, client: Annotated[httpx.AsyncClient, "shared"]) -> str:
        response = await client.get("https://export.arxiv.org/api/query", params={"search_query": query})
        return response.text


    def word_count(text: str, words: list[requests.Session]) -> int:
        return words.get("https://not.a.receiver.example.com")
'''


def _scan(tmp_path: Path, files: dict[str, str]) -> list:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def _hosts_at(endpoints: list, path: str) -> dict[str, list]:
    return {e.host: e for e in endpoints if any(loc.path == path for loc in e.locations)}


def test_annotated_parameters_are_receivers(tmp_path: Path) -> None:
    found = _hosts_at(_scan(tmp_path, {"research/clients.py": CLIENTS}), "research/clients.py")
    assert set(found) == {"api.crossref.org", "api.openalex.org", "eutils.ncbi.nlm.nih.gov", "export.arxiv.org"}
    assert {found[h].sdk for h in found} == {
        "aiohttp.ClientSession.get", "requests.Session.get", "httpx.AsyncClient.get"}


def test_the_provenance_names_the_annotation_line(tmp_path: Path) -> None:
    found = _hosts_at(_scan(tmp_path, {"research/clients.py": CLIENTS}), "research/clients.py")
    steps = [(s.line, s.detail) for s in found["api.openalex.org"].provenance]
    assert (21, "parameter session of openalex_work() is annotated aiohttp.ClientSession: made by a caller") in steps
    steps = [(s.line, s.detail) for s in found["eutils.ncbi.nlm.nih.gov"].provenance]
    assert (26, "parameter http of pubmed_search() is annotated requests.Session: made by a caller") in steps


CALLER = '''\
    import requests

    from research.fetch import fetch_json


    def main() -> None:
        fetch_json(requests.Session(), "https://api.openalex.org/works")
'''

FETCH = '''\
    import requests


    def fetch_json(session: requests.Session, url: str) -> dict:
        return session.get(url).json()
'''


def test_an_object_the_callers_pass_comes_before_the_annotation(tmp_path: Path) -> None:
    found = _hosts_at(_scan(tmp_path, {"research/main.py": CALLER, "research/fetch.py": FETCH}), "research/fetch.py")
    assert set(found) == {"api.openalex.org"}
    details = [s.detail for s in found["api.openalex.org"].provenance]
    assert not any("annotated" in detail for detail in details), details


def test_an_unannotated_parameter_is_still_no_receiver(tmp_path: Path) -> None:
    plain = FETCH.replace("session: requests.Session", "session")
    assert _hosts_at(_scan(tmp_path, {"research/fetch.py": plain}), "research/fetch.py") == {}


ANNOTATIONS = textwrap.dedent('''\
    import aiohttp
    import httpx as hx
    from typing import Annotated, Optional, Union


    class Holder:
        session: aiohttp.ClientSession
        retries: int = 3

        def __init__(self, client: "hx.AsyncClient"):
            self.client: hx.AsyncClient = client


    async def fetch(url: str,
                    session: Optional[aiohttp.ClientSession] = None,
                    *, other: Annotated[hx.Client | None, "x"] = None,
                    many: "list[aiohttp.ClientSession]" = (),
                    either: Union[hx.Client, "aiohttp.ClientSession"] = None) -> None:
        pass
''')


def _facts(data: bytes, extractor: str) -> ModuleFacts:
    if extractor == "ast":
        return px.extract_python("t.py", data)
    original = extract_cst._AstLines.build
    if extractor == "libcst-positions":
        extract_cst._AstLines.build = staticmethod(lambda d: None)
    try:
        return extract_cst.extract_python_cst("t.py", data)
    finally:
        extract_cst._AstLines.build = original


def test_both_extractors_record_the_annotations_alike() -> None:
    data = ANNOTATIONS.encode()
    fast = _facts(data, "ast")
    assert first_difference(as_tree(fast), as_tree(_facts(data, "libcst-ast-lines")), "facts") is None
    for extractor in ("ast", "libcst-ast-lines", "libcst-positions"):
        facts = _facts(data, extractor)
        params = {p.name: p.annotation for p in facts.scope.children["fetch"].params}
        assert params == {
            "url": None,
            "session": Annotation(("aiohttp.ClientSession",), 15),
            "other": Annotation(("hx.Client",), 16),
            "many": None,  # a list of sessions is no session
            "either": Annotation(("hx.Client", "aiohttp.ClientSession"), 18),
        }, extractor
        holder = facts.scope.children["Holder"]
        assert holder.attr_types == {"session": Annotation(("aiohttp.ClientSession",), 7),
                                     "client": Annotation(("hx.AsyncClient",), 11)}, extractor
        assert holder.children["__init__"].params[1].annotation == Annotation(("hx.AsyncClient",), 10), extractor


def test_annotations_survive_the_fact_cache() -> None:
    facts = px.extract_python("t.py", ANNOTATIONS.encode())
    again = loads(dumps(facts, "v", shared=True), ModuleFacts, "v")
    assert structure(again) == structure(facts)
    assert again.scope.children["fetch"].params[1].annotation == Annotation(("aiohttp.ClientSession",), 15)


ASSISTANT = '''\
    from dataclasses import dataclass

    import aiohttp
    import tweepy
    from openai import OpenAI


    class Assistant:
        def __init__(self, client):
            self.client: OpenAI = client

        def answer(self, question: str) -> str:
            reply = self.client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": question}])
            return reply.choices[0].message.content

        def models(self) -> list:
            return self.client.models.list()

        def done(self) -> None:
            self.client.close()


    @dataclass
    class Poster:
        api: tweepy.API
        session: aiohttp.ClientSession

        def post_chart(self, path: str) -> None:
            self.api.media_upload(path)

        async def stop(self) -> None:
            await self.session.close()
'''


def _by_line(endpoints: list, path: str) -> dict[int, set[str | None]]:
    out: dict[int, set[str | None]] = {}
    for e in endpoints:
        for loc in e.locations:
            if loc.path == path:
                out.setdefault(loc.line, set()).add(e.host)
    return out


def test_a_method_of_an_annotated_sdk_client_sends_where_the_callers_client_does(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path, {"bot/assistant.py": ASSISTANT})
    lines = _by_line(endpoints, "bot/assistant.py")
    # OpenAI's default host (OPENAI_BASE_URL unset), and the base_url the caller's client may set
    assert lines[13] == lines[17] == {"api.openai.com", None}
    assert 20 not in lines  # close() sends nothing
    assert lines[29] == {"upload.twitter.com", None}  # a receiver the spec reads: the caller's upload_host, or the default
    assert 32 not in lines  # an HTTP session's own endpoint is at its methods' URLs
    unknown = next(e for e in endpoints if e.host is None and any(loc.line == 13 for loc in e.locations))
    assert unknown.unresolved == ["set by the caller: the openai.OpenAI a caller made may set base_url"]
    assert unknown.reach == "opt-in"
    known = next(e for e in endpoints if e.host == "api.openai.com")
    assert (10, "attribute client of Assistant is annotated openai.OpenAI: made by a caller") in [
        (s.line, s.detail) for s in known.provenance]


def test_a_client_the_tree_constructs_is_followed_not_guessed(tmp_path: Path) -> None:
    main = '''\
        from openai import OpenAI

        from bot.assistant import Assistant

        Assistant(OpenAI(base_url="https://eu.api.openai.com/v1")).answer("hi")
    '''
    endpoints = _scan(tmp_path, {"bot/assistant.py": ASSISTANT, "bot/main.py": main})
    lines = _by_line(endpoints, "bot/assistant.py")
    assert 13 not in lines and 17 not in lines  # the constructor call in main.py is the endpoint
    assert _by_line(endpoints, "bot/main.py")[5] == {"eu.api.openai.com"}


def test_a_client_an_annotated_init_parameter_sets_is_typed_for_every_method(tmp_path: Path) -> None:
    source = '''\
        from openai import OpenAI


        class Catalogue:
            def __init__(self, client: OpenAI):
                self.client = client

            def model(self, name: str) -> str:
                return self.client.models.retrieve(name).id
    '''
    lines = _by_line(_scan(tmp_path, {"bot/catalogue.py": source}), "bot/catalogue.py")
    assert lines[9] == {"api.openai.com", None}
