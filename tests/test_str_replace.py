"""``str.replace`` keeps what is known of a value: every old/new pair a loop or a branch gives is a
possible result, a ``new`` not known statically is a hole where ``old`` was, an ``old`` not known
statically leaves the value as it was or unknown (never dropped), and under
``if s.startswith(p):`` the rewritten value starts with the new text even where ``s`` itself is
not known (an env var, a CLI flag); without that test, nothing says where ``p`` is."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan

APP = '''\
    import os
    import requests

    TEMPLATE = "https://{region}.api.example.com/v1"


    def regions():
        for region in ("eu", "apac"):
            requests.get("https://eu.regional.example.com".replace(region, "us"))


    def templated():
        return requests.get(TEMPLATE.replace("{region}", os.environ["REGION"]))


    def stripped():
        return requests.get("https://strip.example.com/v1".replace(os.environ["STRIP"], ""))


    def fetch(name):
        if name.startswith("hub:"):
            name = name.replace("hub:", "https://hub.example.com/models/")
        return requests.get(name)


    def unguarded(name):
        return requests.post(name.replace("hub:", "https://other-hub.example.com/models/"))


    fetch(os.environ["MODEL"])
    unguarded(os.environ["MODEL"])
'''


def _found(tmp_path: Path) -> dict[int, list[tuple]]:
    (tmp_path / "app.py").write_text(textwrap.dedent(APP))
    out: dict[int, list[tuple]] = {}
    for endpoint in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints:
        for location in endpoint.locations:
            out.setdefault(location.line, []).append((endpoint.host, *endpoint.unresolved))
    return {line: sorted(found, key=str) for line, found in out.items()}


def test_each_old_value_is_a_possible_rewrite(tmp_path: Path) -> None:
    # "eu" replaced, or "apac" not found: both hosts, not only the first loop value's
    assert _found(tmp_path)[9] == [("eu.regional.example.com",), ("us.regional.example.com",)]


def test_an_unknown_new_text_is_a_hole_where_the_old_was(tmp_path: Path) -> None:
    assert _found(tmp_path)[13] == [("{env:REGION}.api.example.com", "env:REGION")]


def test_an_unknown_old_text_keeps_the_value_or_an_unknown(tmp_path: Path) -> None:
    found = _found(tmp_path)[17]
    assert ("strip.example.com",) in found
    assert any(host is None for host, *_ in found), found  # reported, not dropped


def test_a_prefix_test_says_the_rewrite_starts_the_value(tmp_path: Path) -> None:
    found = _found(tmp_path)
    assert ("hub.example.com",) in found[23]  # MODEL=hub:NAME
    assert any(host is None and "env:MODEL" in rest for host, *rest in found[23])  # any other MODEL
    assert all(host != "other-hub.example.com" for host, *_ in found[27])  # no test: "hub:" may be anywhere
