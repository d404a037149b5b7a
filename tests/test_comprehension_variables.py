"""A comprehension's ``for`` variables take the elements of what it iterates (a list, a dict's
``items()``, an ``enumerate``), for the calls inside it and for the value it makes; they are
local to it, as in Python 3: a name the comprehension binds never reads the enclosing scope's,
and the enclosing scope never reads the comprehension's. Both extractors record the same facts
for every shape (nested clauses, a lambda or a slice inside one, a multi-line one inside a call)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bench.check_extractors import first_difference
from flowscan.api import ScanOptions, scan
from flowscan.python.extract import extract_python
from flowscan.python.extract_cst import extract_python_cst
from flowscan.python.facts import Each, Name, structure

APP = '''\
    import httpx
    import requests
    from openai import OpenAI

    URLS = ["https://a.example.com/v1", "https://b.example.com/v1"]
    CONF = {"eu": "https://eu.example.com", "us": "https://us.example.com"}
    u = "https://outer.example.com/v1"


    def clients():
        return [OpenAI(base_url=u) for u in URLS]


    def by_region():
        return {k: httpx.Client(base_url=v) for k, v in CONF.items()}


    def no_leak():
        names = [u.upper() for u in ("https://inner.example.com",)]
        return OpenAI(base_url=u)


    def nested():
        return [requests.get(f"{base}/{p}") for base in ("https://c.example.com",) for p in ("models", "files") if p]


    def element():
        first = [f"{x}/health" for x in ("https://d.example.com", "https://e.example.com")][0]
        return requests.get(first)


    def enumerated():
        return [requests.post(url) for i, url in enumerate(sorted(("https://f.example.com",)))]


    def regional():
        table = {name: f"{url}/v1" for name, url in CONF.items()}
        return requests.get(table["eu"])
'''


def _hosts(tmp_path: Path) -> dict[int, set[str | None]]:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    out: dict[int, set[str | None]] = {}
    for endpoint in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints:
        for location in endpoint.locations:
            out.setdefault(location.line, set()).add(endpoint.host)
    return out


def test_comprehension_variables_take_the_elements(tmp_path: Path) -> None:
    hosts = _hosts(tmp_path)
    assert hosts[11] == {"a.example.com", "b.example.com"}  # not the module's u
    assert hosts[15] == {"eu.example.com", "us.example.com"}  # v of CONF.items()
    assert hosts[24] == {"c.example.com"}  # two clauses and a condition
    assert hosts[29] == {"d.example.com", "e.example.com"}  # the value the comprehension makes
    assert hosts[33] == {"f.example.com"}  # enumerate(sorted(...)): the element, not the index


def test_a_dict_comprehension_keeps_each_key_with_its_value(tmp_path: Path) -> None:
    assert _hosts(tmp_path)[38] == {"eu.example.com"}  # not us.example.com: the "us" key's value


def test_comprehension_variables_do_not_leak(tmp_path: Path) -> None:
    assert _hosts(tmp_path)[20] == {"outer.example.com"}  # the module's u, not the comprehension's


SHAPES = '''\
    import os
    u = "https://outer.example.com"

    CLIENTS = Wrapper(
        [
            make(base_url=u, key=k)
            for u, k in PAIRS.items()
            if check(u)
        ],
        fallback=[lambda: call(u) for u in MIRRORS],
    )
    GRID = {(x, y): build(x, y) for x in XS for y in range(x) if y}
    SHADOW = [[probe(u) for u in row] for u in TABLE]
    STARRED = [use(head, rest) for head, *rest in ROWS]
    ATTRS = [send(item) for obj.item in OBJS]
    PARTS = [fetch(p)[1:] for p in PATHS]
    NOT_LOCAL = use(u)


    @register(lambda cfg=[c(x) for x in DEFAULTS]: cfg)
    def handler(options=[o(v) for v in OPTIONS]):
        return sum(size(v) for v in options)
'''


def test_both_extractors_record_comprehensions_alike() -> None:
    data = textwrap.dedent(SHAPES).encode()
    fast = extract_python("pkg/shapes.py", data)
    reference = extract_python_cst("pkg/shapes.py", data)
    assert fast.parse_error is None and reference.parse_error is None
    assert first_difference(structure(fast), structure(reference), "facts") is None
    calls = {site.func.id: site for site in fast.calls if isinstance(site.func, Name)}
    made = calls["make"]
    assert isinstance(made.kwargs[0][1], Each) and made.kwargs[0][1].path == (0,)  # u of PAIRS.items()
    assert calls["call"].args[0] == Each(Name("MIRRORS", 4), (), 4)  # in a lambda in one (at the line of the call around it)
    assert calls["probe"].args[0].source == Name("row", 13)  # the inner clause's u shadows the outer's
    assert calls["use"].args[0] == Name("u", 17)  # after the comprehensions: the module's u
    assert "u" in fast.scope.assigns and [a.line for a in fast.scope.assigns["u"]] == [2]  # nothing leaked
