"""An attribute that one method sets to a client and another method sets back to None (a
``close()`` written after ``start()``) still holds the client where a third method reads it: the
methods run in any order, so each method's last assignment may reach the read."""

from __future__ import annotations

from pathlib import Path

from .conftest import endpoints_by_line

BROWSER = '''\
    import os
    from playwright.async_api import async_playwright

    class Browser:
        def __init__(self):
            self.playwright = None
            self.browser = None

        async def start(self):
            self.playwright = await async_playwright().start()
            self.browser = await self.playwright.chromium.connect_over_cdp(os.environ["CDP_URL"])
            page = await self.browser.new_page()
            await page.goto("https://duckduckgo.com")

        async def close(self):
            await self.browser.close()
            self.browser = None
            self.playwright = None
'''

CLIENT = '''\
    import requests

    class Api:
        def __init__(self):
            self.base = "https://api.example.com"

        def reset(self):
            self.base = "https://fallback.example.net"
            self.base = "https://other.example.org"

        def fetch(self):
            return requests.get(self.base)
'''


def test_an_attribute_reset_in_a_later_method_still_holds_the_client(tmp_path: Path) -> None:
    found = endpoints_by_line(tmp_path, BROWSER)
    assert [e.host for e in found[11]] == [None]  # connect_over_cdp(env CDP_URL): the host is not known
    assert [e.host for e in found[13]] == ["duckduckgo.com"]


def test_each_method_gives_its_last_assignment(tmp_path: Path) -> None:
    found = endpoints_by_line(tmp_path, CLIENT)
    assert sorted(e.host for e in found[12]) == ["api.example.com", "other.example.org"]
