"""Calls of an ``__init__`` through the classes that inherit it: ``class Chat(_Shared): pass``
makes ``Chat("gpt-4o", api_base=url)`` a call of ``_Shared.__init__``, and a subclass's own
``__init__`` passing arguments on with ``super().__init__(…)`` another. Without them a parameter
that no ``_Shared(…)`` call passes read as never passed: its None default, the SDK's own host,
and the user's base URL from a settings file was lost.

The subclasses are the classes, in files that can see the class (``Program.files_mentioning``),
whose bases name it; the resolver keeps only the call sites whose callee evaluates to a class
that inherits this ``__init__`` (``Resolver.callers_of``). A class assigned to a local name
(``klass = Completion if entry.get("completion") else Chat``) is called through that name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, Iterator
from weakref import WeakKeyDictionary

from .facts import CallSite, Either, ModuleFacts, Name, Scope, all_scopes, callee_name, is_super_init

if TYPE_CHECKING:
    from .program import Program

MAX_SUBCLASS_DEPTH = 4  # how many in-tree subclasses deep callers are looked for
_DIRECT: WeakKeyDictionary = WeakKeyDictionary()  # program -> (path, class qualname) -> its direct subclasses


def inheriting_call_sites(program: Program, module: ModuleFacts, klass: Scope) -> list[tuple[ModuleFacts, CallSite]]:
    """Calls of the in-tree subclasses of ``klass`` that do not define ``__init__`` (any depth
    up to ``MAX_SUBCLASS_DEPTH``), and the ``super().__init__(…)`` calls of those that do."""
    out: list[tuple[ModuleFacts, CallSite]] = []
    for facts, sub in subclasses_below(program, module, klass, lambda sub: not _defines_init(sub)):
        if not _defines_init(sub):
            out.extend(program.sites_calling(sub.name, facts))
            out.extend(alias_sites(program, facts, sub.name))
        else:
            init = sub.children["__init__"]
            out.extend((facts, site) for site in facts.calls if site.scope == init.qualname and is_super_init(site))
    return out


def subclasses_below(program: Program, module: ModuleFacts, klass: Scope,
                     descend: Callable[[Scope], bool]) -> Iterator[tuple[ModuleFacts, Scope]]:
    """The in-tree subclasses of ``klass``, nearest first, up to ``MAX_SUBCLASS_DEPTH`` deep;
    below a subclass only where ``descend(subclass)``."""
    frontier = [(module, klass)]
    seen = {(module.path, klass.qualname)}
    for _ in range(MAX_SUBCLASS_DEPTH):
        below = []
        for home, base in frontier:
            for facts, sub in direct_subclasses(program, home, base):
                if (facts.path, sub.qualname) in seen:
                    continue
                seen.add((facts.path, sub.qualname))
                yield facts, sub
                if descend(sub):
                    below.append((facts, sub))
        frontier = below


def _defines_init(klass: Scope) -> bool:
    init = klass.children.get("__init__")
    return init is not None and init.kind == "function"


def alias_sites(program: Program, module: ModuleFacts, name: str) -> list[tuple[ModuleFacts, CallSite]]:
    """Calls through a local name a class is assigned to (``klass = Completion if c else Chat``
    then ``klass(…)``), in the files that can see the class."""
    out: list[tuple[ModuleFacts, CallSite]] = []
    for path in program.files_mentioning(name, module):
        found = _alias_sites(program, _load_asked(program, path), name)
        if found and program.deps is not None:
            program.deps.read(path)  # its assignments decide: the file's whole facts
        out.extend(found)
    return out


def _load_asked(program: Program, path: str) -> ModuleFacts:
    """The facts of ``path``, read for its class bases and names only: the hook compares those
    itself (``scoped``: a class's bases changing takes the full path), so a unit depends on the
    file's answers by name, not on all its facts."""
    if program.deps is not None:
        program.deps.read(path, asked=True)
    return program.load(path, "callers", read=False)


def _alias_sites(program: Program, facts: ModuleFacts, name: str) -> list[tuple[ModuleFacts, CallSite]]:
    out: list[tuple[ModuleFacts, CallSite]] = []
    for scope in all_scopes(facts.scope):
        for var, assigns in scope.assigns.items():
            if var != name and any(_names(a.value, name) for a in assigns):
                out.extend((facts, site) for site in program.calls_named(facts, var)
                           if site.scope == scope.qualname and isinstance(site.func, Name))
    return out


def _names(expr: object, name: str) -> bool:
    if isinstance(expr, Name):
        return expr.id == name
    return isinstance(expr, Either) and any(_names(option, name) for option in expr.options)


def direct_subclasses(program: Program, module: ModuleFacts, klass: Scope) -> list[tuple[ModuleFacts, Scope]]:
    """The classes whose bases name ``klass``, in the files that can see it; memoised for the
    scan, with what the answer read (``deps``) replayed on each reuse."""
    memo = _DIRECT.setdefault(program, {})
    key = (module.path, klass.qualname)
    deps = program.deps
    found = memo.get(key)
    if found is not None:
        if deps is not None:
            deps.hit("subclasses", key)
        return found
    if deps is not None:
        deps.begin()
    try:
        found = memo[key] = [(facts, scope) for path in program.files_mentioning(klass.name, module)
                             for facts in (_load_asked(program, path),) for scope in _classes(facts.scope)
                             if scope is not klass and any(callee_name(base) == klass.name for base in scope.bases)]
    finally:
        if deps is not None:
            deps.end("subclasses", key)
    return found


def _classes(root: Scope) -> Iterator[Scope]:
    return (scope for scope in all_scopes(root) if scope.kind == "class" and scope is not root)
