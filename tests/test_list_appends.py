"""A list built item by item (``items = []`` then ``items.append(x)``, ``insert``, ``extend``)
in the scope that assigned it is read like a literal: a loop over it, here or over a function's
returned list, sees every item, objects made with a URL included; an append under a test adds
an item that may be there; an extend by a literal adds its items one by one, by anything else
an item that is any of its elements; a list the scope never assigned (a parameter) stays the
caller's, and both extractors record the same facts."""

from __future__ import annotations

import textwrap
from pathlib import Path

from bench.check_extractors import first_difference
from flowscan.api import ScanOptions, scan
from flowscan.python.extract import extract_python
from flowscan.python.extract_cst import extract_python_cst
from flowscan.python.facts import ListAdd, structure

MODELS = '''\
    from dataclasses import dataclass


    @dataclass
    class Scraper:
        name: str
        api_url: str | None = None
'''

APP = '''\
    import os
    import subprocess

    import requests

    from svc.models import Scraper


    def enabled_scrapers() -> list[Scraper]:
        scrapers: list[Scraper] = []
        if os.getenv("PAID_READER_KEY"):
            scrapers.append(Scraper("paid", api_url=os.getenv("PAID_READER_URL", "https://paid.example.com/read")))
        api_url = os.getenv("READER_URL", "https://reader.example.com/")
        scrapers.append(Scraper(name="reader", api_url=api_url))
        return scrapers


    def read(url):
        for scraper in enabled_scrapers():
            requests.post(scraper.api_url, json={"url": url})


    def mirrors(extra):
        bases = ["https://a.mirror.example.com"]
        bases.insert(0, "https://b.mirror.example.com")
        bases.extend(["https://c.mirror.example.com", "https://d.mirror.example.com"])
        bases.extend(extra)
        for base in bases:
            requests.get(base)


    def install(packages):
        command = ["pip", "install"]
        command.extend(["--index-url", "https://pypi.example.com/simple"])
        subprocess.run(command + packages)


    def notify(hooks):
        hooks.append("https://hooks.example.com/never")
        for hook in hooks:
            requests.post(hook)


    def main():
        read("https://example.org")
        mirrors(os.environ["MORE_MIRRORS"].split(","))
        install(["flask"])
        notify(["https://hooks.example.com/caller"])
'''


def _hosts(tmp_path: Path) -> dict[int, list[tuple]]:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "__init__.py").write_text("")
    (tmp_path / "svc" / "models.py").write_text(textwrap.dedent(MODELS))
    (tmp_path / "svc" / "app.py").write_text(textwrap.dedent(APP))
    out: dict[int, list[tuple]] = {}
    for endpoint in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints:
        for location in endpoint.locations:
            if location.path == "svc/app.py":
                out.setdefault(location.line, []).append((endpoint.host, *endpoint.unresolved))
    return {line: sorted(found, key=str) for line, found in out.items()}


def test_a_loop_over_a_returned_list_reads_every_appended_object(tmp_path: Path) -> None:
    hosts = _hosts(tmp_path)
    assert hosts[20] == [("paid.example.com",), ("reader.example.com",)]


def test_insert_and_extend_add_items_and_an_unknown_extension_stays_a_hole(tmp_path: Path) -> None:
    found = _hosts(tmp_path)[29]
    known = sorted(host for host, *_ in found if host)
    assert known == ["a.mirror.example.com", "b.mirror.example.com", "c.mirror.example.com", "d.mirror.example.com"]
    assert any(host is None for host, *_ in found)  # the caller's env-split list: not known statically


def test_an_extend_by_a_literal_keeps_a_commands_words(tmp_path: Path) -> None:
    assert _hosts(tmp_path)[35] == [("pypi.example.com",)]


def test_an_append_to_a_parameter_leaves_the_callers_list(tmp_path: Path) -> None:
    assert _hosts(tmp_path)[41] == [("hooks.example.com",)]
    scanned = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    assert all("never" not in (endpoint.url or "") for endpoint in scanned)


def test_both_extractors_record_list_adds_alike() -> None:
    data = textwrap.dedent(APP).encode()
    fast = extract_python("svc/app.py", data)
    reference = extract_python_cst("svc/app.py", data)
    assert first_difference(structure(fast), structure(reference), "facts") is None
    function = fast.scope.children["mirrors"]
    added = [a.value for a in function.assigns["bases"] if isinstance(a.value, ListAdd)]
    assert [a.spread for a in added] == [False, True, True]
    assert "hooks" not in fast.scope.children["notify"].assigns


def test_long_runs_and_many_conditional_adds_keep_every_item(tmp_path: Path) -> None:
    lines = ["import os", "import requests", "", "", "def urls():", "    out = []",
             '    out.append("https://first.example.com")']
    lines += [f'    out.append("word {i}")' for i in range(60)]
    lines += ["    return out", "", "", "def mirrors():", "    out = []"]
    lines += [f'    if os.getenv("MIRROR_{i}"):\n        out.append("https://m{i}.example.com")' for i in range(12)]
    lines += ["    return out", "", "", "def main():", "    requests.get(urls()[0])",
              "    for url in mirrors():", "        requests.get(url)"]
    (tmp_path / "fetch.py").write_text("\n".join(lines) + "\n")
    endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    assert sorted(e.host or "?" for e in endpoints) == sorted(["first.example.com", *(f"m{i}.example.com" for i in range(12))])
