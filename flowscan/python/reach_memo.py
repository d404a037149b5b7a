"""Switches memoised per resolver, with what computing them read recorded (``deps``), so the
pre-commit hook knows which changed files make them stale."""

from __future__ import annotations

from typing import Callable, Hashable
from weakref import WeakKeyDictionary

from ..model import Switch


def memoised(memo: WeakKeyDictionary, kind: str, key: Hashable, resolver,
             compute: Callable[[], tuple[Switch, ...]]) -> tuple[Switch, ...]:
    """``compute()`` once per resolver and ``key`` (kept in ``memo``), its reads recorded as a
    ``kind`` unit; while it runs, a cycle back to ``key`` finds no switch (no evidence)."""
    table = memo.setdefault(resolver, {})
    deps = resolver.deps
    if key in table:
        if deps is not None:
            deps.hit((kind, resolver.dep_scope), key)
        return table[key]
    table[key] = ()
    if deps is not None:
        deps.begin()
    table[key] = compute()
    if deps is not None:
        deps.end((kind, resolver.dep_scope), key)
    return table[key]
