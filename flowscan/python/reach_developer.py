"""Opt-in by the developer's own code: a class that nothing in the scanned tree instantiates
runs only when code outside the tree does. A library of mixins (``class OpenAI_Chat(VannaBase)``,
``class ChromaDB_VectorStore(VannaBase)``) leaves the choice of which to combine to the
application that imports it, so the outbound calls of its methods are ``opt-in``, with the
switch "developer code instantiating pkg.module.Class".

A class is developer-only when every place in the tree that names it (``reach_selection``'s
places: calls, dict entries, returns, assignments, arguments, subclasses) is the base list of
another developer-only class; a call, an assignment, an argument or a return anywhere, even
in dead code, counts as a use (the existing tests and callers decide its reach). It is
undecidable, and makes no switch, when something outside the tree may create it by itself:
a base the tree does not define other than the inert ``object`` / ``abc.ABC`` /
``typing.Generic`` / ``typing.Protocol`` (a framework may discover subclasses of its own
classes), a class of its chain that registers subclasses (``__init_subclass__``, a
``metaclass=``, a file listing its subclasses or a module's classes), a framework finding it
by its name (``discovered:`` in ``rules/entrypoints/``: pytest's ``Test*`` classes), a file that does not
parse, or a name that loads it from text: a quoted
``"pkg.module.Class"`` / ``"pkg.module:Class"`` in Python (a plugin path, a module name
flowscan may spell otherwise), or the class's name in a configuration file (``_target_:``,
an entry point in ``pyproject.toml``).
"""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from ..model import Switch
from .entrypoints import entry_rules
from .facts import Expr, ModuleFacts, Name, Scope, Sub, imported_callee
from .resolve import Resolver
from .reach_selection import _places, per_class

_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # resolver -> (path, class qualname) -> switches
MAX_SUBCLASS_DEPTH = 4  # how many subclasses deep a class may be named only as a base
MAX_BASE_DEPTH = 8  # how many in-tree bases up a class's chain is read
INERT_BASES = frozenset({"object", "abc.ABC", "typing.Generic", "typing.Protocol", "typing_extensions.Protocol"})
_LISTING: WeakKeyDictionary = WeakKeyDictionary()  # program -> the Python files holding a DISCOVERY word
DEVELOPER_CODE = "developer code"  # the setting a developer-only class's switch names


def developer_switches(module: ModuleFacts, qualname: str, resolver: Resolver) -> tuple[Switch, ...]:
    """The switch of the class a call at ``qualname`` (a method, or a function nested in one)
    belongs to when nothing in the tree instantiates it; none otherwise."""
    return per_class(_MEMO, "developer-switches", module, qualname, resolver, _switches)


def _switches(module: ModuleFacts, klass: Scope, resolver: Resolver) -> tuple[Switch, ...]:
    if not _developer_only(module, klass, resolver, MAX_SUBCLASS_DEPTH, {}):
        return ()
    dotted = f"{module.module}.{klass.name}"
    return (Switch(module.path, klass.line, f"{DEVELOPER_CODE} instantiating {dotted}",
                   f"code outside the scanned tree instantiates {dotted} or a subclass of it",
                   "nothing in the scanned tree instantiates it", False),)


def _developer_only(module: ModuleFacts, klass: Scope, resolver: Resolver, depth: int, known: dict[tuple[str, str], bool]) -> bool:
    """Whether only code outside the tree can instantiate ``klass`` (module level of ``module``);
    ``known``: the answers found so far (False while one is being found: a cycle is no evidence)."""
    key = (module.path, klass.qualname)
    if key in known:
        return known[key]
    known[key] = False
    if depth <= 0 or any(rule.finds(module.path, klass.name) for rule in entry_rules().discovered) \
            or not _closed_chain(module, klass, resolver):
        return False
    for place in _places(module, klass, resolver):
        subclass = place.scope
        if place.kind != "other" or subclass.kind != "class" or place.line != subclass.line \
                or subclass.qualname != subclass.name or place.facts.parse_error:
            return False  # a use, or a place that cannot be read
        if not _developer_only(place.facts, subclass, resolver, depth - 1, known):
            return False
    if _named_in_text(module, klass, resolver):
        return False
    known[key] = True
    return True


def _named_in_text(module: ModuleFacts, klass: Scope, resolver: Resolver) -> bool:
    """Whether a file may load the class by a name written as text: in another Python file a
    string that is a dotted or ``module:Class`` path ending with its name, or
    ``getattr(module, "Class")``; in a file that is not Python (a configuration file) a value
    that is such a path (``_target_: pkg.llms.Chat``, ``plugin = "pkg.llms:Chat"``)."""
    program, name = resolver.program, klass.name
    if program.deps is not None:  # a file starting or ceasing to name it changes the answer
        program.deps.ask(f"mention:{name}")
    word = re.escape(name.encode())
    quoted = re.compile(rb"""["'][A-Za-z_][\w.]*[.:]""" + word + rb"""["']|getattr\(.{0,200}?["']""" + word + rb"""["']""")
    value = config_value_pattern(name)
    for path in sorted(program.shown_sources):
        if path == module.path or name.encode() not in program.words(path) or not program.runs(path, module.path):
            continue
        if (quoted if path.endswith(".py") else value).search(program.sources[path]):
            return True
    return False


def config_value_pattern(name: str) -> re.Pattern[bytes]:
    """A value in a configuration file that is a dotted or ``module:Name`` path ending with
    ``name`` (``_target_: pkg.llms.Chat``, ``plugin = "pkg.llms:Chat"``), not prose naming it."""
    word = re.escape(name.encode())
    return re.compile(rb"""(?:[:=,\[]|^\s*-)\s*["']?[A-Za-z_][\w.]*[.:]""" + word + rb"""["']?\s*(?:$|[,\]}#])""", re.MULTILINE)


def _closed_chain(module: ModuleFacts, klass: Scope, resolver: Resolver) -> bool:
    """Whether every class of ``klass``'s chain is defined in the tree (or is an inert base)
    and none registers its subclasses, so nothing outside the tree creates it on its own."""
    todo = [(module, klass)]
    seen: set[tuple[str, str]] = set()
    names: set[str] = set()
    while todo:
        facts, scope = todo.pop()
        if (facts.path, scope.qualname) in seen:
            continue
        seen.add((facts.path, scope.qualname))
        names.add(scope.name)
        if len(seen) > MAX_BASE_DEPTH or "__init_subclass__" in scope.children \
                or resolver.program.mentions(facts.path, "metaclass"):
            return False
        for base in scope.bases:
            found = _in_tree_class(facts, base, resolver)
            if found is None:
                if _dotted(facts, base) not in INERT_BASES:
                    return False
                continue
            todo.append(found)
    return not _discovered(names, resolver)


DISCOVERY = (b"__subclasses__", b"getmembers")  # code that finds classes without naming them


def _discovered(names: set[str], resolver: Resolver) -> bool:
    """Whether a file that names one of ``names`` also lists subclasses or module members
    (``Base.__subclasses__()``, ``inspect.getmembers(module, inspect.isclass)``): a class it
    finds runs without being named."""
    program = resolver.program
    if program.deps is not None:
        for word in DISCOVERY:
            program.deps.ask(f"mention:{word.decode()}")
    listing = _LISTING.get(program)
    if listing is None:
        listing = _LISTING[program] = [path for path in sorted(program.shown_sources) if path.endswith(".py")
                                       and any(word in program.sources[path] for word in DISCOVERY)]
    return any(name.encode() in program.words(path) for path in listing for name in names)


def _dotted(facts: ModuleFacts, base: Expr) -> str | None:
    if isinstance(base, Sub):  # Generic[T]
        base = base.base
    dotted = imported_callee(facts, base)
    return {"ABC": "abc.ABC"}.get(dotted, dotted) if isinstance(base, Name) and base.id not in facts.imports else dotted


def _in_tree_class(facts: ModuleFacts, base: Expr, resolver: Resolver) -> tuple[ModuleFacts, Scope] | None:
    """The in-tree class a base expression names (in its module, or imported, through
    re-exporting packages)."""
    if isinstance(base, Name) and base.id in facts.scope.children:
        scope = facts.scope.children[base.id]
        return (facts, scope) if scope.kind == "class" else None
    dotted = imported_callee(facts, base)
    for _ in range(MAX_BASE_DEPTH):
        if dotted is None or "." not in dotted:
            return None
        owner, name = dotted.rsplit(".", 1)
        module = resolver.program.find_module(owner, facts)
        if module is None:
            return None
        scope = module.scope.children.get(name)
        if scope is not None:
            return (module, scope) if scope.kind == "class" else None
        dotted, facts = module.imports.get(name), module
    return None
