"""Opt-in by import: a module that the tree only imports under configuration tests
(``if os.environ.get("SLACK_BOT_TOKEN"): from app.slack import handler``) is only loaded, and
its outbound calls only made, when those tests pass. Every import of the module (or of a
name or submodule from it) must be under a failing test, by its own branch or, one import
further back, by its importer's; a module nobody in the tree imports is an entry point and
makes no switch.
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from ..model import Switch
from .facts import ModuleFacts
from .objects import Frame
from .reach import switches_of
from .resolve import Resolver

MAX_IMPORT_HOPS = 2
_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # resolver -> (path, hops) -> switches


def import_switches(module: ModuleFacts, resolver: Resolver, hops: int = MAX_IMPORT_HOPS) -> tuple[Switch, ...]:
    """The failing configuration tests every in-tree import of ``module`` is under; none when
    one import is not (or cannot be read)."""
    memo = _MEMO.setdefault(resolver, {})
    key = (module.path, hops)
    deps = resolver.deps
    if key not in memo:
        memo[key] = ()  # an import cycle: no evidence
        if deps is not None:
            deps.begin()
        memo[key] = _switches(module, resolver, hops)
        if deps is not None:
            deps.end(("import-switches", resolver.dep_scope), key)
    elif deps is not None:
        deps.hit(("import-switches", resolver.dep_scope), key)
    return memo[key]


def _switches(module: ModuleFacts, resolver: Resolver, hops: int) -> tuple[Switch, ...]:
    if hops <= 0 or module.is_package:
        return ()
    program = resolver.program
    importers = sorted(program.import_index.under.get(module.module, set()) - {module.path})
    found: list[Switch] = []
    for path in importers:
        if path in program.sources and not (program.feeds(path, module.path) and program.runs(path, module.path)):
            continue  # a test importing it is not how the shipped app reaches it (shown or not)
        if path not in program.sources:
            return ()
        facts = program.load(path, "importers")
        sites = [s for s in facts.import_sites if s.module == module.module or s.module.startswith(module.module + ".")]
        if facts.parse_error or not sites:
            return ()
        for site in sites:
            own = [s for s in switches_of(site, Frame(facts, site.scope, site.line), resolver) if s.taken is False]
            if not own and site.scope == "":
                own = list(import_switches(facts, resolver, hops - 1))
            if not own:
                return ()
            found.extend(own)
    return tuple(dict.fromkeys(found))
