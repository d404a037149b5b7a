"""Facts extracted from one Python file: a small expression IR and the file's scopes.

Facts are plain frozen dataclasses: picklable, cacheable by content hash, and free of
libcst objects. The resolver (``resolve.py``) gives them meaning; the extractor
(``python/extract.py``) only records syntax.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Iterator

# -- expressions -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Lit:
    """A string (or number, kept as its text) literal."""

    text: str
    line: int


@dataclass(frozen=True, slots=True)
class NoneLit:
    line: int


@dataclass(frozen=True, slots=True)
class Name:
    id: str
    line: int


@dataclass(frozen=True, slots=True)
class Attr:
    base: Expr
    attr: str
    line: int


@dataclass(frozen=True, slots=True)
class Sub:
    """``base[key]``."""

    base: Expr
    key: Expr
    line: int


@dataclass(frozen=True, slots=True)
class Call:
    func: Expr
    args: tuple[Expr, ...]
    kwargs: tuple[tuple[str, Expr], ...]
    line: int


@dataclass(frozen=True, slots=True)
class Concat:
    """f-strings and ``+``: the parts, in order."""

    parts: tuple[Expr, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Percent:
    """``template % args``."""

    template: Expr
    args: Expr
    line: int


@dataclass(frozen=True, slots=True)
class Either:
    """``a or b``, ``a if c else b``: any of the alternatives."""

    options: tuple[Expr, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Seq:
    """A tuple or list literal."""

    items: tuple[Expr, ...]
    line: int


@dataclass(frozen=True, slots=True)
class DictLit:
    items: tuple[tuple[Expr, Expr], ...]
    line: int


@dataclass(frozen=True, slots=True)
class Each:
    """An element of what a ``for`` loop iterates (``source``); ``path`` picks a part of it for
    a target that unpacks (``for k, v in d.items()``: ``k`` is ``(0,)``, ``v`` is ``(1,)``)."""

    source: Expr
    path: tuple[int, ...]
    line: int


@dataclass(frozen=True, slots=True)
class ItemSet:
    """``name[key] = value`` where the same scope assigned ``name`` before: what ``name``
    held there (``base``, read just before this line), with ``key`` set to ``value``."""

    base: Expr
    key: Expr
    value: Expr
    line: int


@dataclass(frozen=True, slots=True)
class ListAdd:
    """``name.append(item)``, ``name.insert(i, item)`` or (``spread``) ``name.extend(item)``
    where the same scope assigned ``name`` before: what ``name`` held there (``base``, read
    just before this line), with ``item`` (or, spread, its elements) added at the end. Recorded
    as an unconditional assignment, under an ``if`` or in a loop too: the list may hold what any
    add put in it, so a loop over it reads every item (not one alternative list per branch)."""

    base: Expr
    item: Expr
    spread: bool
    line: int


@dataclass(frozen=True, slots=True)
class Opaque:
    """Something the analysis does not model as a value; ``why`` says what. A boolean
    expression (a comparison, ``not x``, an ``and`` ending in one) keeps its tests in ``cond``."""

    why: str
    line: int
    cond: Cond | None = None


Expr = Lit | NoneLit | Name | Attr | Sub | Call | Concat | Percent | Either | Seq | DictLit | Each | ItemSet | ListAdd | Opaque


def _pickle_by_fields(cls: type) -> None:
    """Pickle ``cls`` as ``Class(*fields)``: half the unpickling time of dataclasses' generated
    ``__setstate__`` (facts cross process pools and the cache). The fields are read by one
    ``attrgetter`` (in C): a quarter of a generator's pickling time."""
    names = cls.__match_args__
    get = attrgetter(*names)
    if len(names) == 1:
        cls.__reduce__ = lambda self: (cls, (get(self),))  # type: ignore[method-assign]
    else:
        cls.__reduce__ = lambda self: (cls, get(self))  # type: ignore[method-assign]


for _ir in (Lit, NoneLit, Name, Attr, Sub, Call, Concat, Percent, Either, Seq, DictLit, Each, ItemSet, ListAdd, Opaque):
    _pickle_by_fields(_ir)


# -- scopes ------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Assign:
    value: Expr
    line: int
    conditional: bool  # inside an if/for/while/try of its scope
    text: str = ""  # the source line, as evidence
    tests: tuple[Test, ...] = ()  # the branch conditions the assignment runs under (``if aws_enabled: s3 = …``)
    at: str = ""  # the function a ``global`` assignment is written in (its value is read there), else ""


@dataclass(frozen=True, slots=True)
class Annotation:
    """A parameter's or attribute's type annotation: the classes it names, dotted as written
    (``Optional[X]``, ``X | None``, ``Annotated[X, ...]`` and ``"X"`` read through), and its line."""

    names: tuple[str, ...]
    line: int


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    default: Expr | None
    kind: str  # positional | keyword | star | starstar
    annotation: Annotation | None = None


@dataclass(frozen=True, slots=True)
class Test:
    """One condition a call runs under: an ``if``/``elif``/``while`` test of its scope (an
    ``else`` branch's negated). ``subject`` is truthy, or compares to ``value`` by ``op``
    (``==``, ``!=``, ``in``, ``not in``, ``is``, ``is not``, ``>``, ``>=``, ``<``, ``<=``);
    ``negated``: the opposite holds."""

    subject: Expr
    op: str  # truthy | == | != | in | not in | is | is not | > | >= | < | <=
    value: Expr | None
    negated: bool
    line: int  # the if/elif/while statement's line


@dataclass(frozen=True, slots=True)
class CallSite:
    func: Expr
    args: tuple[Expr, ...]
    kwargs: tuple[tuple[str, Expr], ...]
    line: int
    column: int
    scope: str  # qualified name of the enclosing scope within the module ("" for module level)
    text: str = ""  # the source line, for excerpts and fingerprints
    # The try statements around the call: (n, "body" | "handler") for the module's n-th try
    # (in source order), outermost first; else/finally blocks are neither.
    guards: tuple[tuple[int, str], ...] = ()
    tests: tuple[Test, ...] = ()  # the branch conditions around the call, outermost first


@dataclass(frozen=True, slots=True)
class AttrAssign:
    """``pkg.attr = value`` where ``pkg`` is not ``self``: module-level configuration; also
    ``os.environ[KEY] = value`` (an environment variable the code sets)."""

    target: Expr
    value: Expr
    line: int
    column: int
    scope: str
    text: str = ""
    conditional: bool = False  # inside an if/for/while/try of its scope
    tests: tuple[Test, ...] = ()  # the branch conditions the assignment runs under


@dataclass(frozen=True, slots=True)
class ImportSite:
    """One module an import statement loads (``from a.b import c``: ``a.b`` and ``a.b.c``),
    with the branch conditions the statement runs under (``if os.getenv("SLACK_TOKEN"):``)."""

    module: str
    scope: str
    line: int
    tests: tuple[Test, ...] = ()
    in_try: bool = False  # inside a try body: the code handles the module missing (``except ImportError``)


@dataclass(frozen=True, slots=True)
class Cond:
    """A boolean expression as tests (``A is not None and not B``): it holds when every part
    holds (``any_of``: when one does); a part is a ``Test`` or a nested ``Cond`` of the other
    kind, negations pushed down into the tests."""

    parts: tuple[Test | Cond, ...]
    any_of: bool


for _fact in (Assign, Annotation, Param, Test, CallSite, AttrAssign, ImportSite, Cond):
    _pickle_by_fields(_fact)


@dataclass(eq=False)
class Scope:
    """A module, class or function body."""

    kind: str  # module | class | function
    name: str
    qualname: str
    line: int
    assigns: dict[str, list[Assign]] = field(default_factory=dict)
    params: list[Param] = field(default_factory=list)
    returns: list[Expr] = field(default_factory=list)
    return_tests: list[tuple[Test, ...]] = field(default_factory=list)  # the branch conditions of each return
    bases: list[Expr] = field(default_factory=list)
    decorators: list[Expr] = field(default_factory=list)
    annotated: list[str] = field(default_factory=list)  # class fields declared with an annotation
    annotated_lines: dict[str, int] = field(default_factory=dict)
    instance_attrs: dict[str, list[Assign]] = field(default_factory=dict)  # self.x = ... in methods
    # a class's attributes annotated with a class (``client: OpenAI`` in its body, ``self.client: OpenAI`` in a method)
    attr_types: dict[str, Annotation] = field(default_factory=dict)
    children: dict[str, Scope] = field(default_factory=dict)
    globals_declared: list[str] = field(default_factory=list)


@dataclass(eq=False)
class ModuleFacts:
    """Everything flowscan needs from one Python file."""

    path: str
    module: str  # dotted name derived from the path
    is_package: bool
    imports: dict[str, str]  # local alias -> dotted target
    scope: Scope
    calls: list[CallSite]
    attr_assigns: list[AttrAssign]
    parse_error: tuple[int, str] | None = None
    lines: int = 0
    skipped: tuple[tuple[int, str], ...] = ()  # (line, why) of statements too deep to read; the rest was read
    import_sites: list[ImportSite] = field(default_factory=list)  # every import statement's modules, in order
    star_imports: list[str] = field(default_factory=list)  # modules of module-level ``from m import *``, in order


def all_scopes(root: Scope) -> Iterator[Scope]:
    """``root`` and every scope nested in it, depth first."""
    yield root
    for child in root.children.values():
        yield from all_scopes(child)


def scope_at(root: Scope, qualname: str) -> Scope:
    """The scope named ``qualname`` ("" = ``root``) under ``root``; the nearest found when a part is missing."""
    scope = root
    for part in qualname.split(".") if qualname else []:
        scope = scope.children.get(part, scope)
    return scope


def structure(value):
    """Facts as plain nested tuples and dicts, for comparing two extractions field by field
    (the classes compare by identity)."""
    if dataclasses.is_dataclass(value):
        return (type(value).__name__, tuple((f.name, structure(getattr(value, f.name))) for f in dataclasses.fields(value)))
    if isinstance(value, dict):
        return {k: structure(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return tuple(structure(v) for v in value)
    return value


def callee_name(func: Expr) -> str | None:
    """The name a call's callee is called by: ``f`` for ``f(…)`` and ``x.f(…)``."""
    if isinstance(func, Name):
        return func.id
    if isinstance(func, Attr):
        return func.attr
    return None


def imported_callee(module: ModuleFacts, func: Expr) -> str | None:
    """The dotted name a call's callee is, through the module's imports alone (no
    resolution): ``ChatOpenAI(…)`` after ``from langchain_openai import ChatOpenAI`` ->
    ``langchain_openai.ChatOpenAI``; ``x.y.f(…)`` -> ``x.y.f`` when ``x`` is not imported."""
    if isinstance(func, Name):
        return module.imports.get(func.id, func.id)
    if isinstance(func, Attr):
        base = imported_callee(module, func.base)
        return f"{base}.{func.attr}" if base else None
    return None


def is_super_init(site: CallSite) -> bool:
    """``super().__init__(…)``: a constructor handing its arguments to its base's."""
    func = site.func
    return (isinstance(func, Attr) and func.attr == "__init__" and isinstance(func.base, Call)
            and isinstance(func.base.func, Name) and func.base.func.id == "super")
