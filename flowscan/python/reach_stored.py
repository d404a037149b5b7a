"""Opt-in through stored functions: a module-level function kept as a value under a
configuration test (a strategy list ``if SERPER_API_KEY: engines.append(("Serper",
search_with_serper))``, a callback passed under a provider switch, a dict registry
``{"serper": search_with_serper}`` read by a setting) runs only when that test holds, whoever
calls the stored value later.

Every place in the tree that names the function (``reach_selection``'s places: its module and
the files that import it) is read. A call by name is gated by its tests (and its callers'), a
reference inside a call's arguments by that call's tests (and its callers'), a dict entry by
the key it is looked up with, a ``return`` by its tests. When every place fails with the
shipped configuration the calls inside the function are opt-in; when every place fails or
cannot be decided, unknown. Fail closed (no switch, the current answer stands): a decorated
function (a registration), an import under another name, a file that does not parse, any
other use of the name (assigned, an attribute of it, read outside a call), or an occurrence
of the name flowscan did not place (in a string: ``getattr`` by name, ``__all__``; through a
module attribute; in a comment).
"""

from __future__ import annotations

import re
from collections import Counter
from weakref import WeakKeyDictionary

from ..model import Switch
from .facts import ModuleFacts, Name, Scope, scope_at
from .reach_selection import _NOT_A_USE, _importers, _local_names, _named, _Place, _uses, places_switches
from .resolve import Resolver

_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # resolver -> (path, function name) -> switches


def stored_switches(module: ModuleFacts, qualname: str, resolver: Resolver) -> tuple[Switch, ...]:
    """The switches gating every place that names the module-level function a call at
    ``qualname`` is in, when one of them stores it as a value; none otherwise."""
    top = module.scope.children.get(qualname.split(".", 1)[0]) if qualname else None
    if top is None or top.kind != "function":
        return ()
    table = _MEMO.setdefault(resolver, {})
    key = (module.path, top.name)
    deps = resolver.deps
    if key in table:
        if deps is not None:
            deps.hit(("stored-switches", resolver.dep_scope), key)
        return table[key]
    table[key] = ()  # a cycle back to this function: no evidence
    if deps is not None:
        deps.begin()
    table[key] = _switches(module, top, resolver)
    if deps is not None:
        deps.end(("stored-switches", resolver.dep_scope), key)
    return table[key]


def _switches(module: ModuleFacts, function: Scope, resolver: Resolver) -> tuple[Switch, ...]:
    places = _places(module, function, resolver)
    if not places or not any(stored for _, stored in places):
        return ()
    return places_switches([place for place, _ in places], resolver)


def _places(module: ModuleFacts, function: Scope, resolver: Resolver) -> list[tuple[_Place, bool]] | None:
    """Every place naming ``function``, each with whether it stores it as a value; None when
    some use of the name cannot be placed."""
    program = resolver.program
    name = function.name
    if function.decorators:
        return None
    out: list[tuple[_Place, bool]] = []
    for path in sorted({module.path, *_importers(module.module, name, module.path, resolver)}):
        if not program.feeds(path, module.path) or not program.runs(path, module.path) or not program.mentions(path, name):
            continue
        if program.deps is not None:
            program.deps.read(path)  # the places and the tests around them
        defining = path == module.path
        facts = module if defining else program.load(path, "stored", read=False)
        names = _local_names(facts, module.module, name, defining)
        if facts.parse_error or names != {name}:
            return None  # unreadable, not imported by this name, or imported under another
        found = _file_places(facts, names, function if defining else None)
        if found is None or _occurrences(program.sources[path], name) != len(found) + _bindings(facts, name, defining):
            return None
        out += found
    return out


def _file_places(facts: ModuleFacts, names: frozenset[str], own: Scope | None) -> list[tuple[_Place, bool]] | None:
    """The places in one file: ``reach_selection``'s, with the references inside a call's
    arguments (its "other" uses) gated by the call's tests instead; None when another use
    remains."""
    found = list(_named(facts, names, own))
    stored: list[_Place] = []
    for site in facts.calls:
        if own is not None and (site.scope == own.qualname or site.scope.startswith(own.qualname + ".")):
            continue
        if isinstance(site.func, Name) and site.func.id in _NOT_A_USE:
            continue
        scope = scope_at(facts.scope, site.scope)
        for arg in (*site.args, *(v for _, v in site.kwargs)):
            for use in _uses(facts, scope, arg, site.line, names):
                if use.kind == "other":
                    stored.append(_Place(facts, scope, "call", use.line, tests=site.tests))
    others = Counter((p.scope.qualname, p.line) for p in found if p.kind == "other")
    for place in stored:
        spot = (place.scope.qualname, place.line)
        if not others[spot]:
            return None
        others[spot] -= 1
    if sum(others.values()):
        return None
    return [(p, False) for p in found if p.kind != "other"] + [(p, True) for p in stored]


def _occurrences(data: bytes, name: str) -> int:
    """How often ``name`` appears in the file as a whole word (code, strings and comments)."""
    return len(re.findall(rb"(?<![\w])" + re.escape(name.encode()) + rb"(?![\w])", data))


def _bindings(facts: ModuleFacts, name: str, defining: bool) -> int:
    """The occurrences of ``name`` that bind it: its ``def`` where it is defined, else the
    imports of it."""
    if defining:
        return 1
    return sum(1 for alias, target in facts.imports.items() if alias == name and target.rsplit(".", 1)[-1] == name)
