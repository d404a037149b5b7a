"""Python source bytes -> :class:`ModuleFacts`.

A pure function of (path, bytes): it records syntax (imports, assignments, calls, returns)
as a small IR and never imports or runs the scanned code.

Facts come from CPython's ``ast`` (C speed, exact positions). They equal what the libcst
reference extractor (``extract_cst.py``) records; ``bench/check_extractors.py`` proves it
over whole corpora and ``tests/test_extract_python.py`` on every construct. Files ``ast``
cannot parse (a grammar newer than this interpreter's, or a syntax error) go to libcst,
which reads newer grammars and words the error.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings

from .deep import blank_lines, too_deep_for_reference, top_level_statements
from .extract_common import COMPARE_OPS, SKIP_CALLS, BlockWalker, LoopTarget, add_function, branch_tests, case_tests, joined_string, truth_of, unpacked
from .extract_common import annotation_names, comprehension_names, item_set, list_add, LIST_ADDERS, loop_assignments, module_name_for, source_lines
from .redact_facts import redact_facts
from .facts import (
    Annotation,
    Assign,
    Attr,
    AttrAssign,
    Call,
    CallSite,
    Concat,
    ImportSite,
    DictLit,
    Either,
    Expr,
    Lit,
    ModuleFacts,
    Name,
    NoneLit,
    Opaque,
    Param,
    Percent,
    Scope,
    Seq,
    Sub,
    Test,
)

__all__ = ["extract_python", "module_name_for"]

_COMPARE_OPS = dict(zip((ast.Eq, ast.NotEq, ast.In, ast.NotIn, ast.Is, ast.IsNot, ast.Gt, ast.GtE, ast.Lt, ast.LtE),
                        COMPARE_OPS, strict=True))

# ast node -> the libcst class name an Opaque carries (the IR names what it did not model).
_OPAQUE_NAMES = {
    ast.UnaryOp: "UnaryOperation", ast.Compare: "Comparison", ast.YieldFrom: "Yield",
    ast.Starred: "StarredElement",
}
_NESTING_ERRORS = ("too many nested", "too many statically nested")
_EXITS = frozenset({ast.Return, ast.Raise, ast.Continue, ast.Break})  # a block ending so leaves it
_COMPREHENSIONS = frozenset({ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp})


def extract_python(path: str, data: bytes) -> ModuleFacts:
    """Extract the facts of one Python file, secrets masked (``redact_facts``); a parse
    failure is a fact too. A file nested too deep to read keeps the facts of its other
    top-level statements (``_without_deep``)."""
    return redact_facts(_extract(path, data))


def _extract(path: str, data: bytes) -> ModuleFacts:
    module_name, is_package = module_name_for(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(data)
        encoding = tokenize.detect_encoding(io.BytesIO(data).readline)[0]
        text = data.decode(encoding, errors="replace")
    except SyntaxError as exc:
        if any(marker in str(exc.msg) for marker in _NESTING_ERRORS):
            return _without_deep(path, data, (exc.lineno or 1, f"SyntaxError: {exc.msg}"))
        return _reference(path, data, (exc.lineno or 1, f"SyntaxError: {exc.msg}"))
    except (ValueError, LookupError, UnicodeDecodeError) as exc:
        return _reference(path, data, (1, f"{type(exc).__name__}: {exc}"))
    except (RecursionError, MemoryError):
        return _without_deep(path, data, (1, _TOO_DEEP))
    try:
        return _facts(path, module_name, is_package, tree, text, data)
    except RecursionError:
        return _without_deep(path, data, (1, _TOO_DEEP))


_TOO_DEEP = "RecursionError: nesting too deep to analyse"


def _facts(path: str, module_name: str, is_package: bool, tree: ast.Module, text: str, data: bytes,
           skipped: tuple[tuple[int, str], ...] = ()) -> ModuleFacts:
    extractor = _Extractor(module_name, is_package, source_lines(text), data)
    extractor.body(tree.body, extractor.root, False, None)
    return ModuleFacts(
        path=path, module=module_name, is_package=is_package, imports=extractor.imports,
        scope=extractor.root, calls=extractor.calls, attr_assigns=extractor.attr_assigns,
        lines=len(extractor.lines), skipped=skipped, import_sites=extractor.import_sites,
        star_imports=extractor.star_imports,
    )


def _without_deep(path: str, data: bytes, error: tuple[int, str]) -> ModuleFacts:
    """The facts of the file with each top-level statement that nests too deep to read
    blanked (its lines kept empty, so every other line keeps its number); each blanked
    statement is named in ``skipped``. The whole file fails when it cannot be split."""
    module_name, is_package = module_name_for(path)
    try:
        text = data.decode(tokenize.detect_encoding(io.BytesIO(data).readline)[0], errors="replace")
    except (SyntaxError, LookupError):
        return _failed(path, module_name, is_package, *error)
    spans = top_level_statements(text)
    if spans is None:
        return _failed(path, module_name, is_package, *error)
    lines = _LINE_ENDS.split(text)
    skipped: list[tuple[int, str]] = []
    for first, last in spans:
        problem = _unreadable("\n" * (first - 1) + "".join(lines[first - 1:last]), module_name, is_package)
        if problem is not None:
            blank_lines(lines, first, last)
            skipped.append((first, f"{problem}; this statement (lines {first}-{last}) is not analysed, "
                                   f"the rest of the file is"))
    blanked = "".join(lines)
    try:
        tree = ast.parse(blanked)
        return _facts(path, module_name, is_package, tree, blanked, blanked.encode("utf-8", "replace"),
                      tuple(skipped))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return _failed(path, module_name, is_package, *error)


_LINE_ENDS = re.compile(r"(?<=\n)|(?<=\r)(?!\n)")  # split after each line break, keeping it


def _unreadable(source: str, module: str, is_package: bool) -> str | None:
    """Why one statement (padded to its first line) cannot be read, or None."""
    try:
        tree = ast.parse(source)
        _Extractor(module, is_package, source_lines(source), source.encode("utf-8", "replace")).body(
            tree.body, Scope("module", module, "", 1), False, None)
    except SyntaxError as exc:
        return f"SyntaxError: {exc.msg}"
    except (RecursionError, MemoryError):
        return "RecursionError: nesting too deep to analyse"
    return None


def _reference(path: str, data: bytes, ast_error: tuple[int, str]) -> ModuleFacts:
    """The libcst extractor, for files ``ast`` cannot parse; never for a file nested so deep
    that libcst's parser would overflow the C stack (``deep.py``): that file keeps ``ast``'s
    error."""
    from .extract_cst import extract_python_cst

    try:
        text = data.decode(tokenize.detect_encoding(io.BytesIO(data).readline)[0], errors="replace")
    except (SyntaxError, LookupError):
        text = data.decode("utf-8", errors="replace")
    deep = too_deep_for_reference(text)
    if deep is not None:
        module_name, is_package = module_name_for(path)
        line, message = ast_error
        return _failed(path, module_name, is_package, line, f"{message} (not read further: {deep[1]})")
    return extract_python_cst(path, data)


def _failed(path: str, module: str, is_package: bool, line: int, message: str) -> ModuleFacts:
    return ModuleFacts(path, module, is_package, {}, Scope("module", module, "", 1), [], [],
                       parse_error=(line, " ".join(message.split())[:300]))


def _top_calls(node: ast.AST) -> list[ast.expr]:
    """The calls and comprehensions at or under ``node`` that no other call or comprehension
    under it encloses (converting one converts its inside, so the walk stops there; a
    comprehension binds its variables for the calls inside it)."""
    found: list[ast.expr] = []
    stack = [node]
    fields = _CHILD_FIELDS
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind is ast.Call or kind in _COMPREHENSIONS:
            found.append(current)  # type: ignore[arg-type]
            continue
        names = fields.get(kind)
        if names is None:
            names = fields[kind] = tuple(f for f in kind._fields if f not in ("ctx", "type_comment", "kind"))
        for name in names:
            value = getattr(current, name, None)
            if isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, ast.AST))
            elif isinstance(value, ast.AST):
                stack.append(value)
    return found


def _statement_expressions(stmt: ast.stmt) -> list[ast.expr]:
    if isinstance(stmt, ast.Assign):
        return [*stmt.targets, stmt.value]
    if isinstance(stmt, ast.AnnAssign):
        return [e for e in (stmt.target, stmt.annotation, stmt.value) if e is not None]
    if isinstance(stmt, ast.AugAssign):
        return [stmt.target, stmt.value]
    raise TypeError(type(stmt).__name__)


_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _walruses(node: ast.expr) -> list[ast.NamedExpr]:
    """The ``name := value`` parts of a branch test, left to right: the test itself, an operand
    of ``and`` / ``or`` / ``not``, or the left side of a comparison."""
    if isinstance(node, ast.NamedExpr):
        return [node] if isinstance(node.target, ast.Name) else []
    if isinstance(node, ast.BoolOp):
        return [named for value in node.values for named in _walruses(value)]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _walruses(node.operand)
    if isinstance(node, ast.Compare):
        return _walruses(node.left)
    return []


def _is_test(node: ast.expr) -> bool:
    """A comparison ``test_shape`` reads as one test, or a ``not``."""
    if isinstance(node, ast.Compare):
        return len(node.ops) == 1 and type(node.ops[0]) in _COMPARE_OPS
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not)


def _is_tested(expr: Expr) -> bool:
    """A bool the IR keeps as tests (``Opaque.cond``)."""
    return isinstance(expr, Opaque) and expr.cond is not None


def _added(node: ast.BinOp) -> list[ast.expr]:
    """The terms of ``a + b + c`` in order, without recursion (a 20,000-term chain is
    one ``Concat``, not 20,000 nested ones)."""
    rights: list[ast.expr] = []
    current: ast.expr = node
    while isinstance(current, ast.BinOp) and isinstance(current.op, ast.Add):
        rights.append(current.right)
        current = current.left
    return [current, *reversed(rights)]


def _annotation(node: ast.expr | None) -> Annotation | None:
    """A parameter's annotation, when it names a class."""
    names = annotation_names(node) if node is not None else ()
    return Annotation(names, node.lineno) if names else None


def _names_environ(node: ast.expr) -> bool:
    """``os.environ`` or ``environ``: the target of ``os.environ[KEY] = value``."""
    return (isinstance(node, ast.Attribute) and node.attr == "environ") or (isinstance(node, ast.Name) and node.id == "environ")


def _target_names(node: ast.expr) -> list[str]:
    """The names a ``for`` target binds, unpacking included (an attribute or item binds none)."""
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Starred):
        return _target_names(node.value)
    if isinstance(node, (ast.Tuple, ast.List)):
        return [name for element in node.elts for name in _target_names(element)]
    return []


def _loop_target(node: ast.expr) -> LoopTarget:
    """A ``for`` target's names, nested as its unpacking is (``loop_assignments``)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, (ast.Tuple, ast.List)) and not any(isinstance(e, ast.Starred) for e in node.elts):
        return tuple(_loop_target(e) for e in node.elts)
    return None


class _Extractor(BlockWalker):
    """Walks statements in source order. An expression's line is that of the innermost
    recorded call around it, else its statement's (as the reference extractor has it)."""

    def __init__(self, module: str, is_package: bool, lines: list[str], data: bytes):
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.lines = lines
        self.data = data
        self.byte_lines: list[bytes] | None = None
        self.imports: dict[str, str] = {}
        self.star_imports: list[str] = []
        self.calls: list[CallSite] = []
        self.attr_assigns: list[AttrAssign] = []
        self.import_sites: list[ImportSite] = []
        self.root = Scope("module", module, "", 1)
        self.stmt_line = 1
        self.stmt_column = 0
        self.recorded: set[int] = set()  # ids of the calls of this statement that have lines of their own
        self.collecting: list[ast.Call] | None = None  # set while the calls of a region are being recorded
        self.memo: dict[int, Expr] = {}
        self.bound: list[dict[str, Expr]] = []  # the variables of the comprehensions around this point, innermost last
        self.guards: list[tuple[int, str]] = []  # the try bodies and handlers around this point
        self.tests: list[Test] = []  # the branch conditions around this point, in this scope
        self.guard: tuple[Test, ...] | None = None  # the negated tests of a guard clause just read
        self.tries = 0

    def source_line(self, line: int) -> str:
        return self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""

    # -- statements ----------------------------------------------------------
    def in_try(self) -> bool:
        """Whether this point is inside a try body (not its handlers)."""
        return any(kind == "body" for _, kind in self.guards)

    def statement(self, stmt: ast.stmt, scope: Scope, conditional: bool, klass: Scope | None) -> None:
        self.stmt_line, self.stmt_column = stmt.lineno, stmt.col_offset + 1
        self.recorded = set()
        self.memo = {}
        line = self.stmt_line
        kind = type(stmt)  # ast.parse makes no subclasses: an identity test per kind
        if kind is ast.Expr:
            self.collect_calls(stmt.value, scope)
            call = stmt.value
            if type(call) is ast.Call and type(call.func) is ast.Attribute and call.func.attr in LIST_ADDERS \
                    and (added := list_add(self.expr(call), scope, line)):
                self.assign(scope, *added, line, False)  # may hold: see ``ListAdd``
        elif kind is ast.Assign:
            self.collect_calls(stmt, scope)
            value = self.expr(stmt.value)
            for target in stmt.targets:
                self.assign_target(target, value, scope, klass, conditional)
        elif kind is ast.AnnAssign:
            if isinstance(stmt.target, ast.Name) and scope.kind == "class":
                scope.annotated.append(stmt.target.id)
                scope.annotated_lines[stmt.target.id] = line
            self.attr_type(stmt.target, stmt.annotation, scope, klass, line)
            if stmt.value is not None:
                self.collect_calls(stmt, scope)
                self.assign_target(stmt.target, self.expr(stmt.value), scope, klass, conditional)
        elif kind is ast.AugAssign:
            self.collect_calls(stmt, scope)
            if isinstance(stmt.target, ast.Name) and isinstance(stmt.op, ast.Add):
                name = stmt.target.id
                self.assign(scope, name, Concat((Name(name, line), self.expr(stmt.value)), line), line, conditional)
        elif kind is ast.Return:
            if stmt.value is not None:
                self.collect_calls(stmt.value, scope)
                if scope.kind == "function":
                    scope.returns.append(self.expr(stmt.value))
                    scope.return_tests.append(tuple(self.tests))
        elif kind is ast.Import:
            for alias in stmt.names:
                self.import_sites.append(ImportSite(alias.name, scope.qualname, line, tuple(self.tests), self.in_try()))
                if alias.asname is not None:
                    self.imports[alias.asname] = alias.name
                else:
                    top = alias.name.split(".", 1)[0]
                    self.imports.setdefault(top, top)
        elif kind is ast.ImportFrom:
            base = self.import_base(stmt)
            if base and stmt.names[0].name == "*" and scope.kind == "module":
                self.star_imports.append(base)
            if base is None or stmt.names[0].name == "*":
                return
            if base:
                self.import_sites.append(ImportSite(base, scope.qualname, line, tuple(self.tests), self.in_try()))
            for alias in stmt.names:
                self.imports[alias.asname or alias.name] = f"{base}.{alias.name}" if base else alias.name
                self.import_sites.append(ImportSite(self.imports[alias.asname or alias.name], scope.qualname, line,
                                                    tuple(self.tests), self.in_try()))
        elif kind is ast.Global:
            scope.globals_declared.extend(stmt.names)
        elif kind is ast.FunctionDef or kind is ast.AsyncFunctionDef:
            self.function(stmt, scope, klass)
        elif kind is ast.ClassDef:
            self.class_def(stmt, scope)
        elif kind is ast.If:
            self.collect_calls(stmt.test, scope)
            self.bind_walruses(stmt.test, scope, line, conditional)
            shape = self.test_shape(stmt.test)
            self.branch(stmt.body, branch_tests(shape, False, line), scope, klass)
            negated, exits = branch_tests(shape, True, line), type(stmt.body[-1]) in _EXITS
            if len(stmt.orelse) == 1 and type(stmt.orelse[0]) is ast.If:  # elif (or else: if)
                inner = self.chained(stmt.orelse[0], negated, scope, klass)
                if exits:  # after the chain: not the first test (it returns), and the rest of the chain's guard
                    self.guard = (*negated, *(inner or ()))
            else:
                self.branch(stmt.orelse, negated, scope, klass)
                if not stmt.orelse and exits:
                    self.guard = negated
        elif kind is ast.For or kind is ast.AsyncFor:
            self.collect_calls(stmt.iter, scope)
            iterated = self.expr(stmt.iter)
            for name, value in loop_assignments(_loop_target(stmt.target), iterated):
                self.assign(scope, name, value, line, conditional)
            self.body(stmt.body, scope, True, klass)
            self.body(stmt.orelse, scope, True, klass)
        elif kind is ast.While:
            self.collect_calls(stmt.test, scope)
            self.bind_walruses(stmt.test, scope, line, conditional)
            self.branch(stmt.body, branch_tests(self.test_shape(stmt.test), False, line), scope, klass)
            self.body(stmt.orelse, scope, True, klass)
        elif kind is ast.Try or kind is ast.TryStar:
            number = self.tries
            self.tries += 1
            self.guards.append((number, "body"))
            self.body(stmt.body, scope, conditional, klass)
            self.guards[-1] = (number, "handler")
            for handler in stmt.handlers:
                self.body(handler.body, scope, True, klass)
            self.guards.pop()
            self.body(stmt.orelse, scope, True, klass)
            self.body(stmt.finalbody, scope, conditional, klass)
        elif kind is ast.With or kind is ast.AsyncWith:
            for item in stmt.items:
                self.collect_calls(item.context_expr, scope)
                if isinstance(item.optional_vars, ast.Name):
                    self.assign(scope, item.optional_vars.id, self.expr(item.context_expr), line, conditional)
            self.body(stmt.body, scope, conditional, klass)
        elif kind is ast.Match:
            self.collect_calls(stmt.subject, scope)
            subject = self.expr(stmt.subject)
            shapes = [self.pattern_shape(subject, case.pattern) for case in stmt.cases]
            guards = [self.test_shape(case.guard) if case.guard is not None else None for case in stmt.cases]
            for case, tests in zip(stmt.cases, case_tests(shapes, guards, line), strict=True):
                self.branch(case.body, tests, scope, klass)

    def bind_walruses(self, test: ast.expr, scope: Scope, line: int, conditional: bool) -> None:
        """``if value := (config.host or os.getenv("HOST")):`` assigns ``value`` (``_walruses``)."""
        for named in _walruses(test):
            self.assign(scope, named.target.id, self.expr(named.value, line), line, conditional)  # type: ignore[attr-defined]

    def branch(self, statements: list[ast.stmt], tests: tuple[Test, ...], scope: Scope, klass: Scope | None) -> None:
        """A conditional block: its calls run under ``tests`` as well."""
        depth = len(self.tests)
        self.tests.extend(tests)
        try:
            self.body(statements, scope, True, klass)
        finally:
            del self.tests[depth:]

    def pattern_shape(self, subject: Expr, pattern: ast.pattern) -> tuple | None:
        """A ``case`` pattern as a test of the subject (``case "openai":``, ``case "a" | "b":``),
        or None for patterns that are not literal values."""
        if isinstance(pattern, ast.MatchValue):
            return ("compare", subject, "==", self.expr(pattern.value))
        if isinstance(pattern, ast.MatchOr):
            parts = [self.pattern_shape(subject, p) for p in pattern.patterns]
            return ("or", parts) if all(p is not None for p in parts) else None
        return None

    def test_shape(self, node: ast.expr, line: int = 0) -> tuple:
        """A branch test's structure for ``branch_tests`` (``line``: as ``expr``'s ``outer``)."""
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ("not", self.test_shape(node.operand, line))
        if isinstance(node, ast.BoolOp):
            return ("and" if isinstance(node.op, ast.And) else "or", [self.test_shape(v, line) for v in node.values])
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _COMPARE_OPS:
            return ("compare", self.expr(node.left, line), _COMPARE_OPS[type(node.ops[0])], self.expr(node.comparators[0], line))
        if isinstance(node, ast.NamedExpr) and isinstance(node.target, ast.Name):
            return ("value", self.expr(node.target, line))  # ``if url := …:`` tests the name it binds
        return ("value", self.expr(node, line))

    def assign_target(self, target: ast.expr, value: Expr, scope: Scope, klass: Scope | None,
                      conditional: bool) -> None:
        line = self.stmt_line
        if isinstance(target, ast.Name):
            if target.id in scope.globals_declared:
                self.assign(self.root, target.id, value, line, True, scope.qualname)
            else:
                self.assign(scope, target.id, value, line, conditional)
        elif isinstance(target, (ast.Tuple, ast.List)):
            star = next((i for i, e in enumerate(target.elts) if isinstance(e, ast.Starred)), None)
            for i, element in enumerate(target.elts):
                part = unpacked(value, i, len(target.elts), star, line)
                if isinstance(element, ast.Starred):
                    element = element.value
                self.assign_target(element, part, scope, klass, conditional)
        elif isinstance(target, ast.Attribute):
            base = target.value
            if isinstance(base, ast.Name) and base.id in ("self", "cls") and klass is not None:
                klass.instance_attrs.setdefault(target.attr, []).append(
                    Assign(value, line, conditional, self.source_line(line), tuple(self.tests)))
            else:
                self.attr_assigns.append(AttrAssign(
                    self.expr(target), value, line, self.stmt_column, scope.qualname, self.source_line(line), conditional,
                    tuple(self.tests)))
        elif isinstance(target, ast.Subscript) and _names_environ(target.value):
            self.attr_assigns.append(AttrAssign(
                self.expr(target), value, line, self.stmt_column, scope.qualname, self.source_line(line), conditional, tuple(self.tests)))
        elif isinstance(target, ast.Subscript) and (stored := item_set(self.expr(target), value, scope, line)):
            self.assign(scope, *stored, line, conditional)
        elif isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name) \
                and target.value.id in self.imports and target.value.id not in scope.assigns:
            # ``context["settings"] = …`` into an imported object (a request-scoped store)
            self.attr_assigns.append(AttrAssign(
                self.expr(target), value, line, self.stmt_column, scope.qualname, self.source_line(line), conditional))

    def attr_type(self, target: ast.expr, annotation: ast.expr, scope: Scope, klass: Scope | None, line: int) -> None:
        """``name: X`` in a class body, ``self.name: X`` in a method: the class's attribute is an X."""
        if isinstance(target, ast.Name) and scope.kind == "class":
            owner, name = scope, target.id
        elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                and target.value.id in ("self", "cls") and klass is not None:
            owner, name = klass, target.attr
        else:
            return
        names = annotation_names(annotation)
        if names:
            owner.attr_types[name] = Annotation(names, line)

    def assign(self, scope: Scope, name: str, value: Expr, line: int, conditional: bool, at: str = "") -> None:
        scope.assigns.setdefault(name, []).append(Assign(value, line, conditional, self.source_line(line), tuple(self.tests), at))

    def import_base(self, node: ast.ImportFrom) -> str | None:
        module = node.module or ""
        if node.level == 0:
            return module
        package = self.package.split(".") if self.package else []
        if node.level - 1 > len(package):
            return None
        anchor = package[: len(package) - (node.level - 1)]
        return ".".join([*anchor, module] if module else anchor)

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, parent: Scope, klass: Scope | None) -> None:
        qualname = f"{parent.qualname}.{node.name}" if parent.qualname else node.name
        scope = Scope("function", node.name, qualname, self.stmt_line)
        scope.decorators = [self.expr(d) for d in node.decorator_list]
        args = node.args
        positional = [*args.posonlyargs, *args.args]
        defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
        for arg, default in zip(positional, defaults):
            scope.params.append(Param(arg.arg, self.expr(default) if default is not None else None, "positional",
                                      _annotation(arg.annotation)))
        if args.vararg is not None:
            scope.params.append(Param(args.vararg.arg, None, "star"))
        for arg, default in zip(args.kwonlyargs, args.kw_defaults):
            scope.params.append(Param(arg.arg, self.expr(default) if default is not None else None, "keyword",
                                      _annotation(arg.annotation)))
        if args.kwarg is not None:
            scope.params.append(Param(args.kwarg.arg, None, "starstar"))
        add_function(parent, scope)
        method_of = parent if parent.kind == "class" else klass
        self.scoped_body(node.body, scope, method_of)

    def class_def(self, node: ast.ClassDef, parent: Scope) -> None:
        qualname = f"{parent.qualname}.{node.name}" if parent.qualname else node.name
        scope = Scope("class", node.name, qualname, self.stmt_line)
        scope.bases = [self.expr(b.value if isinstance(b, ast.Starred) else b) for b in node.bases]
        scope.decorators = [self.expr(d) for d in node.decorator_list]
        parent.children[node.name] = scope
        self.scoped_body(node.body, scope, scope)

    def scoped_body(self, statements: list[ast.stmt], scope: Scope, klass: Scope | None) -> None:
        """A def or class body: the branches around the definition are not its calls' tests."""
        outer, self.tests = self.tests, []
        try:
            self.body(statements, scope, False, klass)
        finally:
            self.tests = outer

    # -- calls ---------------------------------------------------------------
    def collect_calls(self, node: ast.AST, scope: Scope) -> None:
        """Record every call under ``node`` (outermost first, in source order). Converting
        the region registers the calls it meets; parts the IR drops are scanned for calls."""
        found: list[ast.Call] = []
        self.collecting = found
        try:
            for expression in (_statement_expressions(node) if isinstance(node, ast.stmt) else [node]):
                self.expr(expression)
        finally:
            self.collecting = None
        if not found:
            return
        found.sort(key=lambda c: (c.lineno, c.col_offset, -(c.end_lineno or 0), -(c.end_col_offset or 0)))
        for call in found:
            func = call.func
            if isinstance(func, ast.Name) and func.id in SKIP_CALLS:
                continue
            ir = self.memo[id(call)]
            assert isinstance(ir, Call)
            self.calls.append(CallSite(ir.func, ir.args, ir.kwargs, call.lineno, call.col_offset + 1, scope.qualname,
                                       self.source_line(call.lineno), tuple(self.guards), tuple(self.tests)))

    def line_of(self, node: ast.AST, outer: int) -> int:
        return node.lineno if type(node) is ast.Call and id(node) in self.recorded else outer

    def dropped(self, line: int, *nodes: ast.AST | None) -> None:
        """Parts of an expression the IR leaves out (at ``line``, the line around them): while
        recording, their calls still count."""
        if self.collecting is None:
            return
        for node in nodes:
            if node is not None:
                for call in _top_calls(node):
                    self.expr(call, line)

    # -- expressions ---------------------------------------------------------
    def expr(self, node: ast.expr | None, outer: int = 0) -> Expr:
        """``node`` as IR; ``outer`` is the line of the recorded call around it (0: none)."""
        if node is None:
            return Opaque("missing", 0)
        key = id(node)
        found = self.memo.get(key)
        if found is None:
            if self.collecting is not None and type(node) is ast.Call:
                self.collecting.append(node)
                self.recorded.add(key)
            found = self.memo[key] = self._expr(node, self.line_of(node, outer or self.stmt_line))
        return found

    def _expr(self, node: ast.expr, line: int) -> Expr:
        kind = type(node)  # ast.parse makes no subclasses: an identity test per kind
        if kind is ast.Constant:
            return self._constant(node, line)
        if kind is ast.Name:
            if self.bound:
                for names in reversed(self.bound):
                    found = names.get(node.id)
                    if found is not None:
                        return found
            return Name(node.id, line)
        if kind is ast.Attribute:
            return Attr(self.expr(node.value, line), node.attr, line)
        if kind is ast.Call:
            args: list[Expr] = []
            kwargs: list[tuple[str, Expr]] = []
            for arg in node.args:
                if isinstance(arg, ast.Starred):
                    self.dropped(line, arg)
                    args.append(Opaque("*args", line))
                else:
                    args.append(self.expr(arg, line))
            for keyword in node.keywords:
                kwargs.append((keyword.arg if keyword.arg is not None else "**", self.expr(keyword.value, line)))
            return Call(self.expr(node.func, line), tuple(args), tuple(kwargs), line)
        if kind is ast.JoinedStr:
            return joined_string([self._fstring_piece(v, line) for v in node.values], line)
        if kind is ast.Subscript:
            index = node.slice
            if isinstance(index, ast.Slice) or (isinstance(index, ast.Tuple) and not self._parenthesized(index)):
                self.dropped(line, node.value, index)
                return Opaque("slice", line)
            return Sub(self.expr(node.value, line), self.expr(index, line), line)
        if kind is ast.BinOp:
            if isinstance(node.op, ast.Add):
                return Concat(tuple(self.expr(part, line) for part in _added(node)), line)
            if isinstance(node.op, ast.Mod):
                return Percent(self.expr(node.left, line), self.expr(node.right, line), line)
            if isinstance(node.op, ast.Div):  # pathlib: Path(__file__).parent / "config.yaml"
                return Call(Attr(self.expr(node.left, line), "__truediv__", line), (self.expr(node.right, line),), (), line)
            self.dropped(line, node.left, node.right)
            return Opaque("arithmetic", line)
        if kind is ast.BoolOp:
            if isinstance(node.op, ast.Or):  # left-associative, as libcst nests it
                result = self.expr(node.values[0], line)
                for i, value in enumerate(node.values[1:], 2):
                    option = self.expr(value, line)
                    if _is_tested(result) and _is_tested(option):  # ``a is None or not b``: a bool, kept as tests
                        shape = ("or", [self.test_shape(v, line) for v in node.values[:i]])
                        result = Opaque(option.why, option.line, truth_of(shape, line))  # type: ignore[union-attr]
                    else:
                        result = Either((result, option), line)
                return result
            self.dropped(line, *node.values[:-1])
            last = self.expr(node.values[-1], line)
            if _is_tested(last):  # ``a is not None and not b``: kept as tests
                return Opaque(last.why, last.line, truth_of(self.test_shape(node, line), line))
            return last
        if kind is ast.IfExp:
            body = self.expr(node.body, line)
            self.dropped(line, node.test)
            return Either((body, self.expr(node.orelse, line)), line)
        if kind is ast.Tuple or kind is ast.List:
            self.dropped(line, *(e for e in node.elts if isinstance(e, ast.Starred)))
            return Seq(tuple(self.expr(e, line) for e in node.elts if not isinstance(e, ast.Starred)), line)
        if kind is ast.Dict:
            self.dropped(line, *(v for k, v in zip(node.keys, node.values) if k is None))
            return DictLit(tuple((self.expr(k, line), self.expr(v, line))
                                 for k, v in zip(node.keys, node.values) if k is not None), line)
        if kind is ast.Await:
            return self.expr(node.value, line)
        if kind is ast.NamedExpr:
            return self.expr(node.value, line)
        if kind in _COMPREHENSIONS:
            return self.comprehension(node, line)  # type: ignore[arg-type]
        self.dropped(line, node)
        if _is_test(node):  # ``x is not None``, ``not x``: a bool, kept as tests
            return Opaque(_OPAQUE_NAMES[type(node)], line, truth_of(self.test_shape(node, line), line))
        return Opaque(_OPAQUE_NAMES.get(type(node), type(node).__name__), line)

    def comprehension(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp, line: int) -> Expr:
        """``[f(u) for u in URLS]``: a one-item list of its element (a dict comprehension: a
        one-entry dict), where each variable its ``for`` clauses bind stands for an element of
        what that clause iterates (``comprehension_names``), read inside it only."""
        depth = len(self.bound)
        try:
            for generator in node.generators:
                iterated = self.expr(generator.iter, line)
                self.bound.append(comprehension_names(_loop_target(generator.target), _target_names(generator.target),
                                                      iterated))
                self.dropped(line, *generator.ifs)
            if isinstance(node, ast.DictComp):
                return DictLit(((self.expr(node.key, line), self.expr(node.value, line)),), line)
            return Seq((self.expr(node.elt, line),), line)
        finally:
            del self.bound[depth:]

    def _constant(self, node: ast.Constant, line: int) -> Expr:
        value = node.value
        if isinstance(value, str):
            return Lit(value, line)
        if isinstance(value, bytes):
            return Lit(value.decode("latin-1"), line)
        if value is None:
            return NoneLit(line)
        if isinstance(value, bool):
            return Lit(str(value), line)
        if isinstance(value, (int, float)):
            return Lit(self._source_text(node) or repr(value), line)
        if value is Ellipsis:
            return Opaque("Ellipsis", line)
        return Opaque("Imaginary", line)

    def _fstring_piece(self, node: ast.expr, line: int) -> Expr:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return Lit(node.value, line)
        if isinstance(node, ast.FormattedValue):
            self.dropped(line, node.format_spec)
            return self.expr(node.value, line)
        return self.expr(node, line)

    def _source_text(self, node: ast.expr) -> str:
        """A one-line node's source, as written (numbers keep their spelling: ``0x10``)."""
        if node.end_lineno != node.lineno or node.end_col_offset is None:
            return ""
        if self.byte_lines is None:
            self.byte_lines = self.data.splitlines()
        if not 0 < node.lineno <= len(self.byte_lines):
            return ""
        return self.byte_lines[node.lineno - 1][node.col_offset:node.end_col_offset].decode("utf-8", "replace")

    def _parenthesized(self, node: ast.expr) -> bool:
        if self.byte_lines is None:
            self.byte_lines = self.data.splitlines()
        if not 0 < node.lineno <= len(self.byte_lines):
            return False
        return self.byte_lines[node.lineno - 1][node.col_offset:node.col_offset + 1] == b"("
