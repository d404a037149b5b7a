"""A method read as an attribute (``@property``, ``functools.cached_property``) is what its
getter returns: ``self.driver.get(url)`` with ``driver`` a property returning
``webdriver.Chrome()`` is a browser call; a ``@region.setter`` does not hide the getter."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.python.extract import extract_python
from flowscan.python.extract_cst import extract_python_cst

SCRAPER = '''\
    import functools
    from functools import cached_property

    import requests
    from selenium import webdriver


    class Scraper:
        def __init__(self, base="https://shop.example.com"):
            self._driver = None
            self.base = base

        @property
        def driver(self):
            if self._driver is None:
                self._driver = webdriver.Chrome()
            return self._driver

        @property
        def region(self):
            return self.base.split("//")[1].split(".")[0]

        @region.setter
        def region(self, value):
            self._region = value

        @cached_property
        def session(self):
            return requests.Session()

        @functools.cached_property
        def api(self):
            return self.base.replace("shop.", "api.") + "/v1"

        def fetch(self, path):
            self.driver.get(f"{self.base}/{path}")
            return self.session.get(self.api + "/items")
'''


def test_a_property_is_what_its_getter_returns(tmp_path: Path) -> None:
    (tmp_path / "scraper.py").write_text(textwrap.dedent(SCRAPER))
    endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    rows = sorted((e.host, loc.line) for e in endpoints for loc in e.locations)
    assert rows == [("api.example.com", 37), ("shop.example.com", 36)]
    chain = next(e for e in endpoints if e.host == "api.example.com").provenance
    assert any(step.detail == "return of Scraper.api()" for step in chain)


def test_a_setter_does_not_replace_the_getter_in_either_extractor() -> None:
    code = textwrap.dedent(SCRAPER).encode()
    for facts in (extract_python("s.py", code), extract_python_cst("s.py", code)):
        getter = facts.scope.children["Scraper"].children["region"]
        assert len(getter.returns) == 1 and [p.name for p in getter.params] == ["self"]
