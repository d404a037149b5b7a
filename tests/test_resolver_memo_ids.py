"""The resolver memoises a value by its expression's id: an expression built during the scan
(a proxy's ``Attr(target, name)``) must not be freed while its value is kept, or the next one
built at the same address would read it. Evaluating two such expressions one after the other
gives each its own value."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.python import resolve
from flowscan.python.facts import Attr, Name
from flowscan.python.objects import Frame, Strs

APP = """\
import requests


class Endpoints:
    search = "https://search.example-one.com/v1"
    chat = "https://chat.example-two.com/v1"


current = Endpoints()
requests.get(current.search)
"""


def _texts(objs) -> set[str]:
    return {v.text for o in objs if isinstance(o, Strs) for v in o.values}


def test_expressions_built_during_a_scan_each_keep_their_own_value(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[resolve.Resolver] = []
    init = resolve.Resolver.__init__

    def keep(self, *args, **kwargs) -> None:
        init(self, *args, **kwargs)
        made.append(self)

    monkeypatch.setattr(resolve.Resolver, "__init__", keep)
    (tmp_path / "app.py").write_text(APP)
    scan(tmp_path, ScanOptions(jobs=1, cache_dir=None))
    resolver = made[-1]
    facts = resolver.program.load("app.py")
    frame = Frame(facts, "", 10)
    seen = []
    for attr in ("search", "chat", "search", "chat"):
        expr = Attr(Name("current", 10), attr, 10)  # built, evaluated, dropped: as resolve_proxy does
        seen.append(_texts(resolver.eval(expr, frame)))
        del expr
        gc.collect()
    assert seen == [{"https://search.example-one.com/v1"}, {"https://chat.example-two.com/v1"}] * 2
