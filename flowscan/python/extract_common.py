"""What the two Python extractors (``extract.py`` on ``ast``, ``extract_cst.py`` on libcst) share:
module names, the calls never worth recording, line splitting and string canonical form."""

from __future__ import annotations

import ast
import re

from ..discover import module_name_for  # noqa: F401 - the extractors' name for it
from .facts import Attr, Call, Concat, Cond, Each, Either, Expr, ItemSet, ListAdd, Lit, Name, Opaque, Scope, Seq, Sub, Test

# Calls to these names never reach the network; not worth recording.
SKIP_CALLS = frozenset({
    "print", "len", "str", "int", "float", "bool", "isinstance", "issubclass", "hasattr", "getattr",
    "range", "enumerate", "zip", "list", "dict", "set", "tuple", "sorted", "min", "max",
    "sum", "any", "all", "repr", "type", "super", "iter", "next", "abs", "round", "map", "filter",
    "id", "hash", "format", "vars", "callable", "object", "Exception", "ValueError", "TypeError",
    "RuntimeError", "KeyError", "NotImplementedError",
})

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def source_lines(text: str) -> list[str]:
    """The file's lines as Python's tokenizer counts them (``\\n``, ``\\r\\n``, ``\\r``; a form
    feed is not a line break, as ``str.splitlines`` would have it)."""
    lines = _LINE_BREAK.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def joined_string(parts: list[Expr], line: int) -> Expr:
    """The canonical form of a string literal built from pieces (implicit concatenation,
    f-strings): adjacent literal pieces merged; a single literal is a ``Lit``, anything
    else a ``Concat`` of the pieces. Both extractors flatten the syntax first, so
    ``"a" "b"`` and ``f"a{x}" "b"`` look the same from either."""
    out: list[Expr] = []
    for piece in parts:
        if isinstance(piece, Lit) and out and isinstance(out[-1], Lit):
            out[-1] = Lit(out[-1].text + piece.text, line)
        else:
            out.append(piece)
    if not out:
        return Lit("", line)
    if len(out) == 1 and isinstance(out[0], Lit):
        return out[0]
    return Concat(tuple(out), line)


def add_function(parent: Scope, scope: Scope) -> None:
    """Register function ``scope`` in ``parent``; a property's setter or deleter
    (``@driver.setter def driver(self, value)``) does not replace the getter that reading the
    attribute runs."""
    if scope.name in parent.children and any(
            isinstance(d, Attr) and d.attr in ("setter", "deleter") and isinstance(d.base, Name) and d.base.id == scope.name
            for d in scope.decorators):
        return
    parent.children[scope.name] = scope


COMPARE_OPS = ("==", "!=", "in", "not in", "is", "is not", ">", ">=", "<", "<=")


def case_tests(shapes: list, guards: list, line: int) -> list[tuple[Test, ...]]:
    """The tests each ``case`` of a ``match`` statement at ``line`` runs under: its pattern's
    (``("compare", subject, "==", value)``, an ``("or", ...)`` of them, or None for a pattern
    flowscan does not model: capture, wildcard, class, mapping, sequence), its guard's, and that
    no earlier case whose pattern is modelled matched: an ``if``/``elif`` chain, case by case."""
    earlier: list[Test] = []
    out = []
    for shape, guard in zip(shapes, guards, strict=True):
        own = branch_tests(shape, False, line) if shape is not None else ()
        if guard is not None:
            own += branch_tests(guard, False, line)
        out.append((*earlier, *own))
        if shape is not None and guard is None:
            earlier.extend(branch_tests(shape, True, line))
    return out


DISJUNCTION = "Comparison"  # the shape of the bool a disjunction's test is of (``SCALAR_SHAPES``)


def branch_tests(shape, negated: bool, line: int) -> tuple[Test, ...]:
    """The conjunction of tests a branch runs under, from a test's ``shape``: ``("not", s)``,
    ``("and" | "or", [s, ...])``, ``("compare", left, op, right)`` or ``("value", expr)``.
    A disjunction (``a or b``, or the negation of ``a and b``) is one truthiness test of a bool
    that keeps its parts (``Opaque.cond``), which ``reach_flags`` combines."""
    kind = shape[0]
    if kind == "not":
        return branch_tests(shape[1], not negated, line)
    if kind in ("and", "or"):
        if (kind == "and") == negated:
            return (Test(Opaque(DISJUNCTION, line, truth_of(shape, line, negated)), "truthy", None, False, line),)
        return tuple(test for part in shape[1] for test in branch_tests(part, negated, line))
    if kind == "compare":
        return (Test(shape[1], shape[2], shape[3], negated, line),)
    return (Test(shape[1], "truthy", None, negated, line),)


def truth_of(shape, line: int, negated: bool = False) -> Cond:
    """A boolean expression's ``shape`` (as ``branch_tests`` takes it) as a ``Cond`` at
    ``line``: negations pushed into the tests, nested ``and``/``or`` of one kind flattened
    (``ast`` makes ``a and b and c`` one operation, libcst two)."""
    kind = shape[0]
    if kind == "not":
        return truth_of(shape[1], line, not negated)
    if kind in ("and", "or"):
        any_of = (kind == "or") != negated
        parts: list[Test | Cond] = []
        for part in shape[1]:
            inner = truth_of(part, line, negated)
            if inner.any_of == any_of or len(inner.parts) == 1:
                parts.extend(inner.parts)
            else:
                parts.append(inner)
        return Cond(tuple(parts), any_of)
    if kind == "compare":
        return Cond((Test(shape[1], shape[2], shape[3], negated, line),), False)
    return Cond((Test(shape[1], "truthy", None, negated, line),), False)


LoopTarget = str | tuple | None  # a name, a tuple of targets (unpacking), None: not a plain name


def loop_assignments(target: LoopTarget, iterated: Expr) -> list[tuple[str, Expr]]:
    """The names a ``for`` target binds and what each is: an element of ``iterated`` (an
    ``Each``, the part its unpacking position picks). A plain name over a literal list or
    tuple is any of its items (``Either``); over what the IR does not model, an ``Opaque``
    loop variable. Targets that are no name (attributes, items, starred) bind nothing here."""
    if isinstance(target, str) and isinstance(iterated, Seq):
        return [(target, Either(iterated.items, iterated.line))]
    out: list[tuple[str, Expr]] = []

    def walk(part: LoopTarget, path: tuple[int, ...]) -> None:
        if isinstance(part, str):
            value = Opaque("loop variable", iterated.line) if isinstance(iterated, Opaque) else Each(iterated, path, iterated.line)
            out.append((part, value))
        elif isinstance(part, tuple):
            for i, inner in enumerate(part):
                walk(inner, (*path, i))

    walk(target, ())
    return out


def comprehension_names(target: LoopTarget, names: list[str], iterated: Expr) -> dict[str, Expr]:
    """What each name a comprehension's ``for`` target binds (``names``, in order) stands for
    inside the comprehension: an element of ``iterated``, as a loop's (``loop_assignments``);
    a name its unpacking does not model (a starred one) is an ``Opaque`` loop variable. The
    extractors put these values where the comprehension reads the names: the names are local
    to it (Python 3), so the enclosing scope never sees them."""
    bound = dict(loop_assignments(target, iterated))
    for name in names:
        bound.setdefault(name, Opaque("loop variable", iterated.line))
    return bound


class BlockWalker:
    """The statement walk both extractors share: a block's statements in order, where after a
    guard clause (``if not key: return``; the extractor sets ``guard`` to its negated tests)
    the rest of the block runs under the guard's negated test."""

    tests: list[Test]
    guard: tuple[Test, ...] | None

    def statement(self, stmt, scope: Scope, conditional: bool, klass: Scope | None) -> None:
        raise NotImplementedError

    def body(self, statements, scope: Scope, conditional: bool, klass: Scope | None) -> None:
        depth = len(self.tests)
        try:
            for stmt in statements:
                self.statement(stmt, scope, conditional, klass)
                if self.guard is not None:
                    self.tests.extend(self.guard)
                    self.guard = None
        finally:
            del self.tests[depth:]

    def chained(self, stmt, tests: tuple[Test, ...], scope: Scope, klass: Scope | None) -> tuple[Test, ...] | None:
        """The ``elif`` of an ``if`` (under ``tests``, the negated test before it): walked as a
        branch; returns the guard it leaves, for what runs after the whole chain."""
        depth = len(self.tests)
        self.tests.extend(tests)
        try:
            self.statement(stmt, scope, True, klass)
            return self.guard
        finally:
            self.guard = None
            del self.tests[depth:]


def unpacked(value: Expr, index: int, count: int, star: int | None, line: int) -> Expr:
    """What element ``index`` of a ``count``-element unpacking target gets from ``value``
    (``star``: the position of a starred element, if any): an item of a tuple or list literal,
    else ``value[index]`` (counted from the end after the starred element), so a call's
    returned tuple or ``s.split(":", 1)`` is followed; the starred element is not modelled."""
    if star is not None and index == star:
        return Opaque("starred unpacking", line)
    position = index if star is None or index < star else index - count
    if isinstance(value, Seq):
        return value.items[position] if -len(value.items) <= position < len(value.items) else Opaque("tuple unpacking", line)
    return Sub(value, Lit(str(position), line), line)


def item_set(target: Expr, value: Expr, scope: Scope, line: int) -> tuple[str, ItemSet] | None:
    """``d[key] = value`` where ``scope`` assigned ``d`` before: ``d``'s name and its new value.
    A store into a name the scope never assigned (a parameter, a global) is not an assignment."""
    if isinstance(target, Sub) and isinstance(target.base, Name) and target.base.id in scope.assigns \
            and target.base.id not in scope.globals_declared:
        return target.base.id, ItemSet(target.base, target.key, value, line)
    return None


LIST_ADDERS = frozenset({"append", "insert", "extend"})  # the list methods ``list_add`` reads


def list_add(call: Expr, scope: Scope, line: int) -> tuple[str, ListAdd] | None:
    """``items.append(x)``, ``items.insert(i, x)`` or ``items.extend(xs)`` as a statement, where
    ``scope`` assigned ``items`` before: ``items``'s name and its new value (a list built item by
    item, ``scrapers = []`` then ``scrapers.append(Scraper(url=...))``, is read like a literal)."""
    if not (isinstance(call, Call) and isinstance(call.func, Attr) and isinstance(call.func.base, Name)
            and not call.kwargs):
        return None
    name, method, args = call.func.base.id, call.func.attr, call.args
    if name not in scope.assigns or name in scope.globals_declared:
        return None
    if method == "append" and len(args) == 1:
        return name, ListAdd(call.func.base, args[0], False, line)
    if method == "insert" and len(args) == 2:
        return name, ListAdd(call.func.base, args[1], False, line)
    if method == "extend" and len(args) == 1:
        return name, ListAdd(call.func.base, args[0], True, line)
    return None


# Builtins and typing names an annotation often gives: never a client object, not worth recording.
_PLAIN_TYPES = frozenset({"str", "int", "float", "bool", "bytes", "dict", "list", "tuple", "set", "object",
                          "Any", "typing.Any", "None"})
_EITHER_OF = frozenset({"Optional", "Union"})  # typing's: the value is one of the arguments
_ANNOTATED = "Annotated"  # typing's: the value is the first argument


def annotation_names(node: ast.expr, nested: int = 0) -> tuple[str, ...]:
    """The classes a type annotation says a value is, dotted as written: ``X``, ``m.X``, each
    side of ``X | Y``, the arguments of ``Optional``/``Union``, the first of ``Annotated``, and
    the same inside a string annotation. ``None`` and a generic's arguments (``list[X]``: not
    what the value is) name nothing. Both extractors read annotations with this (the libcst one
    from the annotation's code), so they agree."""
    if nested > 8:
        return ()
    if isinstance(node, ast.Constant):
        if not isinstance(node.value, str):
            return ()
        try:
            parsed = ast.parse(f"({node.value})", mode="eval").body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return ()
        return annotation_names(parsed, nested + 1)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _unique(annotation_names(node.left, nested + 1) + annotation_names(node.right, nested + 1))
    if isinstance(node, ast.Subscript):
        generic = _dotted_name(node.value)
        last = generic.rpartition(".")[2] if generic else None
        arguments = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if last in _EITHER_OF:
            return _unique(tuple(name for arg in arguments for name in annotation_names(arg, nested + 1)))
        if last == _ANNOTATED and arguments:
            return annotation_names(arguments[0], nested + 1)
        return ()
    dotted = _dotted_name(node)
    return (dotted,) if dotted is not None and dotted not in _PLAIN_TYPES else ()


def _dotted_name(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def _unique(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))
