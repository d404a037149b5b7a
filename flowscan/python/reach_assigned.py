"""Opt-in by the branch a value was assigned in: a value that passes through an assignment made
only under configuration tests (``if os.getenv("USE_PROXY"): base_url = "https://proxy…"``,
``if settings.region == "eu": client.base = EU_HOST``) reaches the call only when those tests
pass, whatever tests the call itself is under. Each step of a value's chain that is an
assignment (a name, an attribute, a ``d[key] = …`` store) has its tests evaluated like a call's
(``reach._evaluate``, in the assignment's scope); the failing ones are the value's switches. A
value passed as an argument (``elif provider == "openrouter": make_client(base_url="https://…")``,
the step before the callee's ``parameter base_url``) is read the same way: it reaches the callee
only when the call passing it is made (a test naming no setting, of what another call returned,
is run-time control flow there). A test the shipped values pass, or one that reads no
configuration, says nothing.
"""

from __future__ import annotations

from collections import ChainMap
from contextlib import contextmanager
from typing import Iterator
from weakref import WeakKeyDictionary

from ..model import Switch
from ..values import StrValue
from .facts import ModuleFacts, Test, all_scopes
from .objects import PARAMETER_HOLE, Frame
from .resolve import Resolver, _method_of

_TESTS: WeakKeyDictionary = WeakKeyDictionary()  # program -> path -> line -> [(scope qualname, tests)]
_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # resolver -> (path, line) -> failing switches
NOT_RESOLVED = "not resolved: "  # a step naming a value not found (``Resolver.strings``), no assignment
_SIDE: WeakKeyDictionary = WeakKeyDictionary()  # resolver -> the values ``isolated`` runs memoised


@contextmanager
def isolated(resolver: Resolver) -> Iterator[None]:
    """Evaluate with a fresh budget, keeping what is found apart from the values calls find:
    the resolver's memo takes writes in a layer of its own, which later ``isolated`` runs share
    but the resolution of calls never reads (a value found only because this ran first must not
    change what the next call finds), and a budget this spends is not counted against the call
    being resolved. A value that ran out of budget is not memoised, here as anywhere."""
    memo, spent, site = resolver._memo, resolver.steps, resolver.budget_site
    hit = site in resolver.budget_hits
    resolver._memo, resolver.steps = ChainMap(_SIDE.setdefault(resolver, {}), memo), 0
    try:
        yield
    finally:
        resolver._memo, resolver.steps = memo, spent
        if not hit:
            resolver.budget_hits.discard(site)


def assigned_switches(value: StrValue, resolver: Resolver) -> tuple[Switch, ...]:
    """The failing configuration tests of the assignments in ``value``'s chain."""
    found: list[Switch] = []
    trail = value.trail
    passing = {(step.path, step.line) for step, then in zip(trail, trail[1:]) if then.detail.startswith(PARAMETER_HOLE)}
    for path, line in dict.fromkeys((step.path, step.line) for step in trail
                                    if step.path.endswith(".py") and not step.detail.startswith(NOT_RESOLVED)):
        found.extend(_failing(path, line, resolver, (path, line) in passing))
    return tuple(dict.fromkeys(found))


def _failing(path: str, line: int, resolver: Resolver, passing: bool = False) -> tuple[Switch, ...]:
    """The failing tests of the assignments at ``path:line`` (and, when the value is passed
    there as an argument, of the calls starting on that line)."""
    program = resolver.program
    if path not in program.sources:
        return ()
    memo = _MEMO.setdefault(resolver, {})
    key = (path, line, passing)
    deps = resolver.deps
    if key in memo:
        if deps is not None:
            deps.hit(("assigned-switches", resolver.dep_scope), key)
        return memo[key]
    memo[key] = ()  # a test whose value passes through this assignment again: no evidence
    if deps is not None:
        deps.begin()
    facts = program.load(path, "assigned")
    found: list[Switch] = []
    if not facts.parse_error:
        from .reach import COMPUTED, _evaluate

        for qualname, tests in _assignments(facts, resolver).get(line, ()):
            frame = Frame(facts, qualname, line)
            found.extend(s for s in (_evaluate(t, frame, resolver) for t in tests) if s is not None and s.taken is False)
        for site in (site for site in facts.calls if passing and site.line == line and site.tests):
            # a test of what another call returned (``if status(url) != 200:``) is run-time control flow
            switches = (_evaluate(t, Frame(facts, site.scope, line), resolver) for t in site.tests)
            found.extend(s for s in switches if s is not None and s.taken is False and s.setting != COMPUTED)
    memo[key] = tuple(dict.fromkeys(found))
    if deps is not None:
        deps.end(("assigned-switches", resolver.dep_scope), key)
    return memo[key]


def _assignments(facts: ModuleFacts, resolver: Resolver) -> dict[int, list[tuple[str, tuple[Test, ...]]]]:
    """The file's assignments made under tests, by line: the scope each runs in and its tests."""
    table = _TESTS.setdefault(resolver.program, {})
    found = table.get(facts.path)
    if found is None:
        found = {}
        for scope in all_scopes(facts.scope):
            for assigns in scope.assigns.values():
                for assign in assigns:
                    if assign.tests:
                        found.setdefault(assign.line, []).append((scope.qualname, assign.tests))
            for assigns in scope.instance_attrs.values():
                for assign in assigns:
                    if assign.tests:
                        method = _method_of(scope, assign.line)
                        found.setdefault(assign.line, []).append((method or scope.qualname, assign.tests))
        for assign in facts.attr_assigns:
            if assign.tests:
                found.setdefault(assign.line, []).append((assign.scope, assign.tests))
        table[facts.path] = found
    return found
