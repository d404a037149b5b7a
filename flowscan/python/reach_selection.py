"""Opt-in by selection: a class that configuration picks out of several (a provider
registry ``RETRIEVERS = {"tavily": TavilySearch, "google": GoogleSearch}`` read as
``RETRIEVERS[cfg.retriever]``, or a factory ``if name == "google": return GoogleSearch``)
has its methods' outbound calls made only when the setting selects it.

Every place in the tree that names the class (its module, and the files that import it or
a package re-exporting it) is read: an entry of a dict literal is selected by the key the
dict is looked up with, a ``return`` by the tests it is under, a call ``Cls(…)`` by its
tests (and its callers'). When every such place fails with the shipped configuration the
calls are opt-in, with the setting, the value that selects the class and the shipped value;
when every place fails or cannot be decided, unknown. Any other use of the name (assigned,
passed, subclassed, a lookup keyed by a run-time value) may make the class run by default,
and makes no switch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator
from weakref import WeakKeyDictionary

from ..model import Switch
from .facts import Attr, Call, Concat, DictLit, Each, Either, Expr, Lit, ModuleFacts, Name, Percent, Scope, Seq, Sub, Test, all_scopes, scope_at
from .objects import Frame, is_caller_set
from .reach import _evaluate, _setting, caller_switches
from .resolve import Resolver, _enclosing_class, _method_of
from .resolve_loops import _key_setting, _shipped

_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # resolver -> (path, class qualname) -> switches
MAX_REEXPORTS = 3
_NOT_A_USE = frozenset({"isinstance", "issubclass", "type", "cast", "super"})  # calls that name a class without running it


@dataclass(frozen=True)
class _Keyed:
    """A dict literal subscripted in place: ``key`` picks its entry."""

    key: Expr


@dataclass(frozen=True)
class _Place:
    """One place a class is named: how it can be selected there."""

    facts: ModuleFacts
    scope: Scope  # the scope the name is read in
    kind: str  # entry (of a dict literal) | return | call | other
    line: int
    key: str | None = None  # the entry's key
    holder: Name | _Keyed | None = None  # how the dict is reached: its name, or the key of the literal subscripted in place
    tests: tuple[Test, ...] = ()


def selection_switches(module: ModuleFacts, qualname: str, resolver: Resolver) -> tuple[Switch, ...]:
    """The switches that select the class a call at ``qualname`` (a method, or a function
    nested in one) belongs to; none when it is no module-level class, nothing names it, or
    some place may use it by default."""
    return per_class(_MEMO, "selection-switches", module, qualname, resolver, _switches)


def per_class(memo: WeakKeyDictionary, kind: str, module: ModuleFacts, qualname: str, resolver: Resolver,
              compute: Callable[[ModuleFacts, Scope, Resolver], tuple[Switch, ...]]) -> tuple[Switch, ...]:
    """``compute``'s switches for the module-level class a call at ``qualname`` belongs to,
    once per class and resolver (``memo``), its reads recorded as a ``kind`` unit (``deps``);
    none outside such a class."""
    klass = _enclosing_class(module.scope, qualname)
    if klass is None or klass.qualname != klass.name:
        return ()
    table = memo.setdefault(resolver, {})
    key = (module.path, klass.qualname)
    deps = resolver.deps
    if key not in table:
        table[key] = ()  # a cycle back to this class: no evidence
        if deps is not None:
            deps.begin()
        table[key] = compute(module, klass, resolver)
        if deps is not None:
            deps.end((kind, resolver.dep_scope), key)
    elif deps is not None:
        deps.hit((kind, resolver.dep_scope), key)
    return table[key]


def _switches(module: ModuleFacts, klass: Scope, resolver: Resolver) -> tuple[Switch, ...]:
    return places_switches(list(_places(module, klass, resolver)), resolver)


def places_switches(places: list[_Place], resolver: Resolver) -> tuple[Switch, ...]:
    """The switches of ``places`` when every one fails (or cannot be decided); none when there
    is no place or one selects by default."""
    if not places:
        return ()
    failing: list[Switch] = []
    undecided: list[Switch] = []
    for place in places:
        switches = _place_switches(place, resolver)
        if switches is None:
            return ()
        down = [s for s in switches if s.taken is False]
        if down:
            failing.extend(down)
        else:
            undecided.extend(s for s in switches if s.taken is None)
    return tuple(dict.fromkeys(undecided or failing))


def _place_switches(place: _Place, resolver: Resolver) -> list[Switch] | None:
    """A place's switches that fail or cannot be decided; None when it selects the class by
    default (no test, tests the shipped values pass, or a run-time choice)."""
    facts, scope = place.facts, place.scope
    frame = Frame(facts, scope.qualname, place.line)
    if place.kind == "entry":
        return _entry_switches(place, resolver)
    if place.kind not in ("return", "call"):
        return None
    found = [s for s in (_evaluate(t, frame, resolver) for t in place.tests) if s is not None]
    if not any(s.taken is False for s in found) and scope.kind == "function":
        found += caller_switches(facts, scope.qualname, resolver)
    if not any(s.taken is False for s in found) and scope.kind == "function":
        from .reach_subcommand import subcommand_switches  # a class made in a subcommand the user must name

        found += subcommand_switches(facts, scope.qualname, resolver)
    found = [s for s in found if s.taken is not True]
    return found or None


def _entry_switches(place: _Place, resolver: Resolver) -> list[Switch] | None:
    """An entry of a dict literal: selected where the dict is looked up by a key read from a
    setting; every lookup must leave the entry out for it to be opt-in."""
    found: list[Switch] = []
    lookups = list(_lookups(place, resolver))
    if not lookups:
        return None
    from .reach_unshipped import unshipped_lookup  # imports this module

    for facts, scope, line, key_expr in lookups:
        frame = Frame(facts, scope.qualname, line)
        reads = resolver.env_reads_seen
        keys = resolver.strings(resolver.eval(key_expr, frame), frame)
        setting = _key_setting(keys, facts.path)
        if setting is None and (unset := unshipped_lookup(key_expr, frame, place.key, resolver)) is not None:
            found.append(unset)  # a key no shipped file holds (a stored row's, the user's own file's)
            continue
        if setting is None and resolver.env_reads_seen == reads:
            # a run-time choice says nothing about reach, unless the lookup itself runs only
            # when its callers' configuration tests pass (``if config.reranker: Factory.create(…)``)
            up = caller_switches(facts, scope.qualname, resolver) if scope.kind == "function" else ()
            if not up:
                return None
            found.extend(up)
            continue
        setting = setting or "a computed value"
        shipped_keys = [k for k in keys if not is_caller_set(k)]  # a library's caller picks the rest
        known = {k.text for k in shipped_keys if k.is_known}
        taken = True if place.key in known else (False if len(known) == len(shipped_keys) else None)
        if taken is None and any(k.is_known and _setting([k.trail], facts.path) for k in shipped_keys):
            taken = False  # fail closed: the setting's shipped value names another entry (see reach._taken)
        if taken is True:
            return None
        shipped = ", ".join(sorted({_shipped(k) for k in shipped_keys})) or "unset"
        if taken is None and all(not k.is_known for k in shipped_keys) and shipped == "unset":
            taken = False  # the setting is unset in every scanned config: it names no entry
        found.append(Switch(facts.path, line, setting, f"{setting} == {place.key!r}", shipped, taken))
    return found


def _lookups(place: _Place, resolver: Resolver) -> Iterator[tuple[ModuleFacts, Scope, int, Expr]]:
    """Where the dict holding an entry is looked up: ``D[key]``, ``D.get(key)`` (``D`` read in
    the scope that assigns it or one nested in it, or, for a module-level ``D``, in the files
    that import it), or the literal subscripted in place."""
    holder = place.holder
    if isinstance(holder, _Keyed):
        yield place.facts, place.scope, place.line, holder.key
        return
    if not isinstance(holder, Name):
        return
    owners = {"cls", "self", place.scope.name} if place.scope.kind == "class" else set()
    yield from _holder_reads(place.facts, place.scope, holder.id, owners)
    if place.scope is not place.facts.scope:
        return
    program, defining = resolver.program, place.facts
    for path in sorted(program.import_index.importers(defining.module, holder.id, defining.path) - {defining.path}):
        if not program.feeds(path, defining.path) or not program.runs(path, defining.path) \
                or not program.mentions(path, holder.id):
            continue
        facts = program.load(path, "selection")
        for alias, target in facts.imports.items():
            if target == f"{defining.module}.{holder.id}":
                yield from _holder_reads(facts, facts.scope, alias, set())


def _holder_reads(facts: ModuleFacts, root: Scope, name: str, owners: set[str]) -> Iterator[tuple[ModuleFacts, Scope, int, Expr]]:
    """The keys dict ``name`` is read by in ``root`` and the scopes nested in it: ``name[key]``,
    ``name.get(key)``, and ``cls.name`` / ``self.name`` / ``Owner.name`` for a class attribute."""
    def is_holder(expr: Expr) -> bool:
        if isinstance(expr, Attr) and isinstance(expr.base, Name):
            return expr.attr == name and expr.base.id in owners
        return isinstance(expr, Name) and expr.id == name

    scopes = {scope.qualname: scope for scope in all_scopes(root)}
    reads = [read for scope in scopes.values() for read in _scope_exprs(scope)]
    reads += [(scopes[site.scope], arg, site.line) for site in facts.calls if site.scope in scopes
              for arg in (*site.args, *(v for _, v in site.kwargs))]  # load(REGISTRY[name])
    for scope, expr, line in reads:
        for node in _walk(expr):
            if isinstance(node, Sub) and is_holder(node.base):
                yield facts, scope, node.line or line, node.key
            elif isinstance(node, Call) and isinstance(node.func, Attr) and node.func.attr == "get" \
                    and is_holder(node.func.base) and node.args:
                yield facts, scope, node.line or line, node.args[0]


# -- finding the places ------------------------------------------------------

def _places(module: ModuleFacts, klass: Scope, resolver: Resolver) -> Iterator[_Place]:
    """Every place in the tree that names ``klass`` (defined at module level of ``module``)."""
    program = resolver.program
    dotted = f"{module.module}.{klass.name}"
    quoting = set(program.files_quoting(dotted))
    paths = {module.path, *_importers(module.module, klass.name, module.path, resolver), *quoting}
    for path in sorted(paths):
        if not program.feeds(path, module.path) or not program.runs(path, module.path) \
                or not (path in quoting or program.mentions(path, klass.name)):
            continue
        facts = module if path == module.path else program.load(path, "selection", read=False)
        if facts.parse_error:
            if program.deps is not None:
                program.deps.read(path)
            yield _Place(facts, facts.scope, "other", 1)
            continue
        names = _local_names(facts, module.module, klass.name, path == module.path)
        if path in quoting:  # a registry of dotted paths, loaded with importlib
            names |= {dotted}
        found = list(_named(facts, names, klass if path == module.path else None)) if names else []
        if program.deps is not None:
            # another file: what is read of it is its places (``place_shapes``), their tests by
            # evaluation (charged there); a dict entry's lookups read its scope: all of it
            if path == module.path or any(place.kind == "entry" for place in found):
                program.deps.read(path)
            else:
                program.deps.ask(places_key(path, klass.name))
        yield from found


PLACES = "places:"


def places_key(path: str, name: str) -> str:
    """The dependency on the places file ``path`` (not the class's own) has for a class called
    ``name`` (``deps``; compared by ``place_shapes``)."""
    return f"{PLACES}{path}\0{name}"


def place_shapes(facts: ModuleFacts, name: str) -> list | None:
    """What ``_places`` reads of a file (not the class's own) for a class called ``name``: its
    places, as plain data (a few more than ``_places`` finds: the bare name counts too); None
    when the file does not parse."""
    from .facts import structure

    if facts.parse_error:
        return None
    names = frozenset(_local_names(facts, "", name, False) | {name})
    return sorted((p.kind, p.scope.qualname, p.scope.kind, p.line, p.key or "", repr(structure(p.holder)),
                   repr(structure(p.tests))) for p in _named(facts, names, None))


def _importers(module: str, name: str, path: str, resolver: Resolver) -> set[str]:
    """Files that may bind ``name`` from ``module``: importers of the module, and importers of
    the packages that re-export it (``__init__`` files among the importers, up to
    ``MAX_REEXPORTS`` packages up)."""
    program = resolver.program
    out: set[str] = set()
    todo = [(module, path, 0)]
    while todo:
        module, path, hops = todo.pop()
        for importer in sorted(program.import_index.importers(module, name, path) - out - {path}):
            out.add(importer)
            if hops < MAX_REEXPORTS and importer.endswith("__init__.py") and importer in program.sources:
                todo.append((program.load(importer, "selection").module, importer, hops + 1))
    return out


def _local_names(facts: ModuleFacts, module: str, name: str, defining: bool) -> frozenset[str]:
    """The names ``facts`` binds the class to: its own name where it is defined, else the
    aliases of imports whose target ends with it."""
    if defining:
        return frozenset({name})
    return frozenset(alias for alias, target in facts.imports.items()
                     if target.rsplit(".", 1)[-1] == name and alias not in facts.scope.children)


def _named(facts: ModuleFacts, names: frozenset[str], own: Scope | None) -> Iterator[_Place]:
    """The places in ``facts`` that read one of ``names`` (``own``: the class itself, whose
    body is not a use of it)."""
    def outside(qualname: str) -> bool:
        return own is None or (qualname != own.qualname and not qualname.startswith(own.qualname + "."))

    sites = [site for site in facts.calls if outside(site.scope)]
    for site in sites:
        if isinstance(site.func, Name) and site.func.id in names:
            yield _Place(facts, scope_at(facts.scope, site.scope), "call", site.line, tests=site.tests)
    for scope in all_scopes(facts.scope):
        if not outside(scope.qualname):
            continue  # the class's own body and methods
        for base in scope.bases:
            if any(isinstance(n, Name) and n.id in names for n in _walk(base)):
                yield _Place(facts, scope, "other", scope.line)
        for i, expr in enumerate(scope.returns):
            if isinstance(expr, Name) and expr.id in names:
                tests = scope.return_tests[i] if i < len(scope.return_tests) else ()
                yield _Place(facts, scope, "return", expr.line or scope.line, tests=tests)
                continue
            yield from _uses(facts, scope, expr, expr.line or scope.line, names)
        for param in scope.params:  # ``def __init__(self, handler=ChatHandler)``: the default runs it
            if param.default is not None:
                yield from _uses(facts, scope, param.default, param.default.line or scope.line, names)
        for target, assigns in scope.assigns.items():
            for assign in assigns:
                if isinstance(assign.value, DictLit) and _entry_keys(assign.value, names):
                    for key in _entry_keys(assign.value, names):
                        yield _Place(facts, scope, "entry", assign.line, key, Name(target, assign.line))
                    rest = [v for k, v in assign.value.items if not (isinstance(k, Lit) and _is_name(v, names))]
                    for value in rest:
                        yield from _uses(facts, scope, value, assign.line, names)
                    continue
                yield from _uses(facts, scope, assign.value, assign.line, names)
        for assigns in scope.instance_attrs.values():
            for assign in assigns:
                yield from _uses(facts, scope, assign.value, assign.line, names)
    for site in sites:
        if isinstance(site.func, Name) and site.func.id in _NOT_A_USE:
            continue
        if not isinstance(site.func, Name) and not _on_own_instance(site):  # ``Cls.create(…)`` runs it
            yield from _uses(facts, scope_at(facts.scope, site.scope), site.func, site.line, names)
        for arg in (*site.args, *(v for _, v in site.kwargs)):
            yield from _uses(facts, scope_at(facts.scope, site.scope), arg, site.line, names)
    for assign in facts.attr_assigns:
        if outside(assign.scope):
            yield from _uses(facts, scope_at(facts.scope, assign.scope), assign.value, assign.line, names)


def _on_own_instance(site) -> bool:
    """``Base.__init__(self, …)``, ``Base.method(cls, …)``: a subclass running a base's method
    on its own instance, which is no use of the base (the subclass's uses are)."""
    return bool(site.args) and isinstance(site.args[0], Name) and site.args[0].id in ("self", "cls")


def _uses(facts: ModuleFacts, scope: Scope, expr: Expr, line: int, names: frozenset[str]) -> Iterator[_Place]:
    """The reads of ``names`` inside ``expr``: a dict literal subscripted in place selects by
    its key; a call of the name is a call site of its own (listed apart); anything else is a
    use that may run the class by default."""
    if isinstance(expr, Sub) and isinstance(expr.base, DictLit) and _entry_keys(expr.base, names):
        for key in _entry_keys(expr.base, names):
            yield _Place(facts, scope, "entry", expr.line or line, key, _Keyed(expr.key))
        return
    if isinstance(expr, (Name, Lit)):
        if _is_name(expr, names):
            yield _Place(facts, scope, "other", expr.line or line)
        return
    if isinstance(expr, Call) and isinstance(expr.func, Name) and (expr.func.id in names or expr.func.id in _NOT_A_USE):
        if expr.func.id in _NOT_A_USE:
            return
        children = [*expr.args, *(v for _, v in expr.kwargs)]
    else:
        children = list(_children(expr))
    for child in children:
        yield from _uses(facts, scope, child, line, names)


def _entry_keys(d: DictLit, names: frozenset[str]) -> list[str]:
    return [k.text for k, v in d.items if isinstance(k, Lit) and _is_name(v, names)]


def _is_name(expr: Expr, names: frozenset[str]) -> bool:
    """``expr`` names the class: its name, its quoted dotted path, or a tuple holding either
    (``"openai": (OpenAILLM, OpenAIConfig)``)."""
    if isinstance(expr, Seq):
        return any(_is_name(item, names) for item in expr.items)
    if isinstance(expr, Lit):  # a dotted path; a bare class name in a string (``__all__``) runs nothing
        return "." in expr.text and expr.text in names
    return isinstance(expr, Name) and expr.id in names


def _scope_exprs(scope: Scope) -> Iterator[tuple[Scope, Expr, int]]:
    """The expressions a scope's own statements hold (assigned values and returns), with the
    scope each runs in: ``self.x = …`` of a class runs in the method that holds its line."""
    for assigns in scope.assigns.values():
        for assign in assigns:
            yield scope, assign.value, assign.line
    for assigns in scope.instance_attrs.values():
        for assign in assigns:
            method = _method_of(scope, assign.line)
            yield (scope.children[method.rpartition(".")[2]] if method else scope), assign.value, assign.line
    for expr in scope.returns:
        yield scope, expr, expr.line or scope.line


def _children(expr: Expr) -> Iterator[Expr]:
    if isinstance(expr, Attr):
        yield expr.base
    elif isinstance(expr, Sub):
        yield expr.base
        yield expr.key
    elif isinstance(expr, Call):
        yield expr.func
        yield from expr.args
        yield from (v for _, v in expr.kwargs)
    elif isinstance(expr, Concat):
        yield from expr.parts
    elif isinstance(expr, Percent):
        yield expr.template
        yield expr.args
    elif isinstance(expr, Either):
        yield from expr.options
    elif isinstance(expr, Seq):
        yield from expr.items
    elif isinstance(expr, DictLit):
        for key, value in expr.items:
            yield key
            yield value
    elif isinstance(expr, Each):
        yield expr.source


def _walk(expr: Expr) -> Iterator[Expr]:
    yield expr
    for child in _children(expr):
        yield from _walk(child)
