"""Python source bytes -> :class:`ModuleFacts`, with libcst: the reference extractor.

``python.py`` extracts the same facts from CPython's ``ast`` (about 20x cheaper) and calls
this one for the files ``ast`` cannot parse (newer grammar, and to word parse errors).
``bench/check_extractors.py`` proves the two equal on whole corpora. A pure function of
(path, bytes): it records syntax as a small IR and never imports or runs the scanned code.
"""

from __future__ import annotations

import ast
import dataclasses
import warnings

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from .extract_common import COMPARE_OPS, SKIP_CALLS, BlockWalker, LoopTarget, add_function, branch_tests, case_tests, joined_string
from .extract_common import annotation_names, comprehension_names, item_set, list_add, LIST_ADDERS, loop_assignments, module_name_for, source_lines, truth_of, unpacked
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


def extract_python_cst(path: str, data: bytes) -> ModuleFacts:
    """Extract the facts of one Python file with libcst, secrets masked; a parse failure is a fact too."""
    from .redact_facts import redact_facts

    return redact_facts(_extract_cst(path, data))


def _extract_cst(path: str, data: bytes) -> ModuleFacts:
    module_name, is_package = module_name_for(path)
    empty = Scope("module", module_name, "", 1)
    try:
        tree = cst.parse_module(data)
    except cst.ParserSyntaxError as exc:
        return ModuleFacts(path, module_name, is_package, {}, empty, [], [],
                           parse_error=_python_error(data) or (exc.raw_line, _one_line(exc.message)))
    except (UnicodeDecodeError, LookupError, SyntaxError, ValueError, RecursionError) as exc:
        return ModuleFacts(path, module_name, is_package, {}, empty, [], [],
                           parse_error=(1, f"{type(exc).__name__}: {_one_line(str(exc))}"))
    try:
        text = data.decode(tree.encoding, errors="replace")
        lines = _AstLines.build(data)
        positions = None if lines is not None else MetadataWrapper(tree, unsafe_skip_copy=True).resolve(PositionProvider)
        extractor = _Extractor(path, module_name, is_package, positions, source_lines(text), lines)
        extractor.run(tree)
    except RecursionError:
        return ModuleFacts(path, module_name, is_package, {}, empty, [], [],
                           parse_error=(1, "RecursionError: nesting too deep to analyse"))
    return ModuleFacts(
        path=path, module=module_name, is_package=is_package, imports=extractor.imports,
        scope=extractor.root, calls=extractor.calls, attr_assigns=extractor.attr_assigns,
        lines=len(extractor.lines), import_sites=extractor.import_sites, star_imports=extractor.star_imports,
    )


def _python_error(data: bytes) -> tuple[int, str] | None:
    """CPython's own line and message for a syntax error (only called once libcst failed)."""
    import ast
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ast.parse(data)
    except SyntaxError as exc:
        return (exc.lineno or 1, f"SyntaxError: {_one_line(exc.msg)}")
    except (ValueError, RecursionError):
        return None
    return None


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]


_COMPARE_OPS = dict(zip((cst.Equal, cst.NotEqual, cst.In, cst.NotIn, cst.Is, cst.IsNot, cst.GreaterThan,
                         cst.GreaterThanEqual, cst.LessThan, cst.LessThanEqual), COMPARE_OPS, strict=True))


class _AstLines:
    """Line numbers from CPython's ``ast`` (C speed) instead of libcst's PositionProvider
    (a full code generation in Python, about twice the cost of the parse itself).

    libcst and ``ast`` list a file's statements in the same source order, and the calls in
    one statement in the same order by start position, so the extractor takes the next
    statement's line, and a statement's call lines, from queues. A statement whose call
    count differs (never seen, but checked) gives its calls the statement's line.
    """

    def __init__(self, statements: list[ast.stmt]):
        self.statements = iter(statements)

    @staticmethod
    def build(data: bytes) -> _AstLines | None:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(data)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return None
        return _AstLines(list(_ast_statements(tree.body)))

    def next_statement(self) -> ast.stmt | None:
        return next(self.statements, None)


def _ast_statements(body: list[ast.stmt]):
    for stmt in body:
        yield stmt
        if isinstance(stmt, ast.If):
            yield from _ast_statements(stmt.body)
            yield from _ast_statements(stmt.orelse)
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            yield from _ast_statements(stmt.body)
            yield from _ast_statements(stmt.orelse)
        elif isinstance(stmt, (ast.Try, ast.TryStar)):
            yield from _ast_statements(stmt.body)
            for handler in stmt.handlers:
                yield from _ast_statements(handler.body)
            yield from _ast_statements(stmt.orelse)
            yield from _ast_statements(stmt.finalbody)
        elif isinstance(stmt, (ast.With, ast.AsyncWith, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield from _ast_statements(stmt.body)
        elif isinstance(stmt, ast.Match):
            for case in stmt.cases:
                yield from _ast_statements(case.body)


def _ast_calls(node: ast.AST | None) -> list[ast.Call]:
    """Calls under ``node`` (not inside nested statements), outermost first by position."""
    if node is None:
        return []
    calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
    return sorted(calls, key=lambda c: (c.lineno, c.col_offset, -(c.end_lineno or 0), -(c.end_col_offset or 0)))


def _header_of(stmt: ast.stmt) -> list[ast.AST]:
    """The expressions of a statement that are not nested statements."""
    if isinstance(stmt, (ast.If, ast.While)):
        return [stmt.test]
    if isinstance(stmt, (ast.For, ast.AsyncFor)):
        return [stmt.iter]
    if isinstance(stmt, (ast.With, ast.AsyncWith)):
        return [item.context_expr for item in stmt.items]
    if isinstance(stmt, ast.Match):
        return [stmt.subject]
    if isinstance(stmt, (ast.Try, ast.TryStar, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return []
    return [stmt]


_EXITS = (cst.Return, cst.Raise, cst.Continue, cst.Break)  # a block ending so leaves it


def _is_test(node: cst.CSTNode) -> bool:
    """A comparison ``test_shape`` reads as one test, or a ``not`` (as ``extract._is_test``)."""
    if isinstance(node, cst.Comparison):
        return len(node.comparisons) == 1 and type(node.comparisons[0].operator) in _COMPARE_OPS
    return isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not)


def _is_tested(expr: Expr) -> bool:
    """A bool the IR keeps as tests (``Opaque.cond``)."""
    return isinstance(expr, Opaque) and expr.cond is not None


def _walruses(node: cst.BaseExpression) -> list[cst.NamedExpr]:
    """The ``name := value`` parts of a branch test, left to right (as ``extract._walruses``)."""
    if isinstance(node, cst.NamedExpr):
        return [node] if isinstance(node.target, cst.Name) else []
    if isinstance(node, cst.BooleanOperation):
        return _walruses(node.left) + _walruses(node.right)
    if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
        return _walruses(node.expression)
    if isinstance(node, cst.Comparison):
        return _walruses(node.left)
    return []


def _exits(statements) -> bool:
    """Whether a block's last statement leaves it (an indented block's or a one-line suite's)."""
    last = statements[-1] if statements else None
    if isinstance(last, cst.SimpleStatementLine):
        last = last.body[-1] if last.body else None
    return isinstance(last, _EXITS)


def _names_environ(node: cst.BaseExpression) -> bool:
    """``os.environ`` or ``environ``: the target of ``os.environ[KEY] = value``."""
    return (isinstance(node, cst.Attribute) and node.attr.value == "environ") or (isinstance(node, cst.Name) and node.value == "environ")


_COMPREHENSIONS = (cst.ListComp, cst.SetComp, cst.GeneratorExp, cst.DictComp)
Comprehension = cst.ListComp | cst.SetComp | cst.GeneratorExp | cst.DictComp


def _target_names(node: cst.BaseExpression) -> list[str]:
    """The names a ``for`` target binds, unpacking included (an attribute or item binds none)."""
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, cst.StarredElement):
        return _target_names(node.value)
    if isinstance(node, (cst.Tuple, cst.List)):
        return [name for element in node.elements for name in _target_names(element.value)]
    return []


def _generators(node: Comprehension) -> list[cst.CompFor]:
    out = []
    generator: cst.CompFor | None = node.for_in
    while generator is not None:
        out.append(generator)
        generator = generator.inner_for_in
    return out


def _names_under(node: cst.CSTNode) -> list[cst.Name]:
    found: list[cst.Name] = []
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, cst.Name):
            found.append(current)
        stack.extend(_children(current))
    return found


def _loop_target(node: cst.BaseExpression) -> LoopTarget:
    """A ``for`` target's names, nested as its unpacking is (``loop_assignments``)."""
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, (cst.Tuple, cst.List)) and not any(isinstance(e, cst.StarredElement) for e in node.elements):
        return tuple(_loop_target(e.value) for e in node.elements)
    return None


class _Extractor(BlockWalker):
    def __init__(self, path: str, module: str, is_package: bool, positions, lines: list[str],
                 ast_lines: _AstLines | None = None):
        self.path = path
        self.ast_lines = ast_lines
        self.stmt_line = 1
        self.stmt_column = 0
        self.call_queue: list[ast.Call] = []
        self.call_lines: dict[int, tuple[int, int]] = {}  # id(cst.Call) -> (line, column)
        self.expr_line = 0
        self.module = module
        self.package = module if is_package else module.rpartition(".")[0]
        self.positions = positions
        self.lines = lines
        self.imports: dict[str, str] = {}
        self.calls: list[CallSite] = []
        self.attr_assigns: list[AttrAssign] = []
        self.import_sites: list[ImportSite] = []
        self.star_imports: list[str] = []
        self.root = Scope("module", module, "", 1)
        self.guards: list[tuple[int, str]] = []  # the try bodies and handlers around this point
        self.tests: list[Test] = []  # the branch conditions around this point, in this scope
        self.guard: tuple[Test, ...] | None = None  # the negated tests of a guard clause just read
        self.tries = 0
        self.ast_stmt: ast.stmt | None = None  # the statement ``ast_lines`` gave last
        # Comprehension variables (``comprehension``): which comprehension's ``for`` clause binds
        # each name read inside one, the comprehension with the line its parts are read at, and
        # what the names of each clause stand for (converted on first read).
        self.comp_names: dict[int, tuple[int, int, str]] = {}  # id(cst.Name) -> (id(comprehension), clause, name)
        self.comp_info: dict[int, tuple[Comprehension, int]] = {}
        self.comp_values: dict[tuple[int, int], dict[str, Expr]] = {}

    # -- helpers -------------------------------------------------------------
    def line(self, node: cst.CSTNode) -> int:
        if self.positions is None:
            found = self.call_lines.get(id(node))
            return found[0] if found else (self.expr_line or self.stmt_line)
        pos = self.positions.get(node)
        return pos.start.line if pos else 0

    def column(self, node: cst.CSTNode) -> int:
        if self.positions is None:
            found = self.call_lines.get(id(node))
            return found[1] if found else self.stmt_column
        pos = self.positions.get(node)
        return pos.start.column + 1 if pos else 0

    def enter_statement(self) -> None:
        """Take the next statement's position from ``ast`` (same source order as libcst)."""
        if self.ast_lines is None:
            return
        stmt = self.ast_lines.next_statement()
        self.ast_stmt = stmt
        if stmt is None:
            return
        self.stmt_line, self.stmt_column = stmt.lineno, stmt.col_offset + 1
        self.expr_line = 0
        self.call_queue = [c for node in _header_of(stmt) for c in _ast_calls(node)]

    def source_line(self, line: int) -> str:
        return self.lines[line - 1].strip() if 0 < line <= len(self.lines) else ""

    # -- statements ----------------------------------------------------------
    def run(self, tree: cst.Module) -> None:
        self.body(tree.body, self.root, conditional=False, klass=None)

    def in_try(self) -> bool:
        """Whether this point is inside a try body (not its handlers)."""
        return any(kind == "body" for _, kind in self.guards)

    def statement(self, stmt: cst.CSTNode, scope: Scope, conditional: bool, klass: Scope | None) -> None:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                self.small_statement(small, scope, conditional, klass)
            return
        if isinstance(stmt, cst.BaseSmallStatement):  # the body of a one-line suite: `if x: return y`
            self.small_statement(stmt, scope, conditional, klass)
            return
        self.enter_statement()
        if isinstance(stmt, cst.FunctionDef):
            self.function(stmt, scope, klass)
        elif isinstance(stmt, cst.ClassDef):
            self.class_def(stmt, scope)
        elif isinstance(stmt, cst.If):
            line = self.stmt_line if self.positions is None else self.line(stmt)
            self.collect_calls(stmt.test, scope)
            self.bind_walruses(stmt.test, scope, line, conditional)
            shape = self.test_shape(stmt.test)
            self.branch(lambda: self.body(stmt.body.body, scope, True, klass), branch_tests(shape, False, line))
            negated, exits = branch_tests(shape, True, line), _exits(stmt.body.body)
            orelse = stmt.orelse
            elif_ = orelse if isinstance(orelse, cst.If) else (
                orelse.body.body[0] if orelse is not None and len(orelse.body.body) == 1
                and isinstance(orelse.body.body[0], cst.If) else None)  # elif, or else: if
            if elif_ is not None:
                inner = self.chained(elif_, negated, scope, klass)
                if exits:  # after the chain: not the first test (it returns), and the rest of the chain's guard
                    self.guard = (*negated, *(inner or ()))
            elif orelse is not None:
                self.branch(lambda: self.body(orelse.body.body, scope, True, klass), negated)
            elif exits:
                self.guard = negated
        elif isinstance(stmt, (cst.For,)):
            self.collect_calls(stmt.iter, scope)
            iterated = self.expr(stmt.iter)
            for name, value in loop_assignments(_loop_target(stmt.target), iterated):
                self.assign(scope, name, value, self.line(stmt), conditional)
            self.body(stmt.body.body, scope, True, klass)
            if stmt.orelse is not None:
                self.body(stmt.orelse.body.body, scope, True, klass)
        elif isinstance(stmt, cst.While):
            line = self.stmt_line if self.positions is None else self.line(stmt)
            self.collect_calls(stmt.test, scope)
            self.bind_walruses(stmt.test, scope, line, conditional)
            tests = branch_tests(self.test_shape(stmt.test), False, line)
            self.branch(lambda: self.body(stmt.body.body, scope, True, klass), tests)
            if stmt.orelse is not None:
                self.body(stmt.orelse.body.body, scope, True, klass)
        elif isinstance(stmt, (cst.Try, cst.TryStar)):
            number = self.tries
            self.tries += 1
            self.guards.append((number, "body"))
            self.body(stmt.body.body, scope, conditional, klass)
            self.guards[-1] = (number, "handler")
            for handler in stmt.handlers:
                self.body(handler.body.body, scope, True, klass)
            self.guards.pop()
            if stmt.orelse is not None:
                self.body(stmt.orelse.body.body, scope, True, klass)
            if stmt.finalbody is not None:
                self.body(stmt.finalbody.body.body, scope, conditional, klass)
        elif isinstance(stmt, cst.With):
            for item in stmt.items:
                self.collect_calls(item.item, scope)
                if item.asname is not None and isinstance(item.asname.name, cst.Name):
                    self.assign(scope, item.asname.name.value, self.expr(item.item), self.line(stmt), conditional)
            self.body(stmt.body.body, scope, conditional, klass)
        elif isinstance(stmt, cst.Match):
            line = self.stmt_line if self.positions is None else self.line(stmt)
            self.collect_calls(stmt.subject, scope)
            subject = self.expr(stmt.subject)
            shapes = [self.pattern_shape(subject, case.pattern) for case in stmt.cases]
            guards = [self.test_shape(case.guard) if case.guard is not None else None for case in stmt.cases]
            for case, tests in zip(stmt.cases, case_tests(shapes, guards, line), strict=True):
                self.branch(lambda case=case: self.body(case.body.body, scope, True, klass), tests)

    def small_statement(self, small: cst.CSTNode, scope: Scope, conditional: bool, klass: Scope | None) -> None:
        self.enter_statement()
        if isinstance(small, cst.Import):
            for alias in small.names:
                dotted = _dotted(alias.name)
                self.import_sites.append(ImportSite(dotted, scope.qualname, self.line(small), tuple(self.tests), self.in_try()))
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.imports[alias.asname.name.value] = dotted
                else:
                    top = dotted.split(".", 1)[0]
                    self.imports.setdefault(top, top)
        elif isinstance(small, cst.ImportFrom):
            base = self.import_base(small)
            if base and isinstance(small.names, cst.ImportStar) and scope.kind == "module":
                self.star_imports.append(base)
            if base is None or isinstance(small.names, cst.ImportStar):
                return
            if base:
                self.import_sites.append(ImportSite(base, scope.qualname, self.line(small), tuple(self.tests), self.in_try()))
            for alias in small.names:
                name = _dotted(alias.name)
                local = alias.asname.name.value if alias.asname is not None and isinstance(alias.asname.name, cst.Name) else name
                self.imports[local] = f"{base}.{name}" if base else name
                self.import_sites.append(ImportSite(self.imports[local], scope.qualname, self.line(small), tuple(self.tests), self.in_try()))
        elif isinstance(small, cst.Assign):
            self.collect_calls(small, scope)
            value = self.expr(small.value)
            line = self.line(small)
            for target in small.targets:
                self.assign_target(target.target, value, small.value, scope, klass, line, conditional, small)
        elif isinstance(small, cst.AnnAssign):
            line = self.line(small)
            if isinstance(small.target, cst.Name) and scope.kind == "class":
                scope.annotated.append(small.target.value)
                scope.annotated_lines[small.target.value] = line
            self.attr_type(small.target, small.annotation, scope, klass, line)
            if small.value is not None:
                self.collect_calls(small, scope)
                self.assign_target(small.target, self.expr(small.value), small.value, scope, klass, line, conditional, small)
        elif isinstance(small, cst.AugAssign):
            self.collect_calls(small, scope)
            if isinstance(small.target, cst.Name) and isinstance(small.operator, cst.AddAssign):
                line = self.line(small)
                name = small.target.value
                self.assign(scope, name, Concat((Name(name, line), self.expr(small.value)), line), line, conditional)
        elif isinstance(small, cst.Return):
            if small.value is not None:
                self.collect_calls(small.value, scope)
                if scope.kind == "function":
                    scope.returns.append(self.expr(small.value))
                    scope.return_tests.append(tuple(self.tests))
        elif isinstance(small, cst.Expr):
            self.collect_calls(small.value, scope)
            call = small.value
            if isinstance(call, cst.Call) and isinstance(call.func, cst.Attribute) and call.func.attr.value in LIST_ADDERS \
                    and (added := list_add(self.expr(call), scope, self.line(small))):
                self.assign(scope, *added, self.line(small), False)  # may hold: see ``ListAdd``
        elif isinstance(small, cst.Global):
            scope.globals_declared.extend(n.name.value for n in small.names)

    def assign_target(self, target, value: Expr, value_node, scope: Scope, klass: Scope | None,
                      line: int, conditional: bool, stmt: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            name = target.value
            if name in scope.globals_declared:
                self.assign(self.root, name, value, line, True, scope.qualname)
            else:
                self.assign(scope, name, value, line, conditional)
        elif isinstance(target, (cst.Tuple, cst.List)):
            star = next((i for i, e in enumerate(target.elements) if isinstance(e, cst.StarredElement)), None)
            for i, element in enumerate(target.elements):
                part = unpacked(value, i, len(target.elements), star, line)
                self.assign_target(element.value, part, None, scope, klass, line, conditional, stmt)
        elif isinstance(target, cst.Attribute):
            base = target.value
            if isinstance(base, cst.Name) and base.value in ("self", "cls") and klass is not None:
                klass.instance_attrs.setdefault(target.attr.value, []).append(
                    Assign(value, line, conditional, self.source_line(line), tuple(self.tests)))
            else:
                self.attr_assigns.append(AttrAssign(
                    self.expr(target), value, line, self.column(stmt), scope.qualname, self.source_line(line), conditional,
                    tuple(self.tests)))
        elif isinstance(target, cst.Subscript) and _names_environ(target.value):
            self.attr_assigns.append(AttrAssign(
                self.expr(target), value, line, self.column(stmt), scope.qualname, self.source_line(line), conditional, tuple(self.tests)))
        elif isinstance(target, cst.Subscript) and (stored := item_set(self.expr(target), value, scope, line)):
            self.assign(scope, *stored, line, conditional)
        elif isinstance(target, cst.Subscript) and isinstance(target.value, cst.Name) \
                and target.value.value in self.imports and target.value.value not in scope.assigns:
            # ``context["settings"] = …`` into an imported object (a request-scoped store)
            self.attr_assigns.append(AttrAssign(
                self.expr(target), value, line, self.column(stmt), scope.qualname, self.source_line(line), conditional))

    def assign(self, scope: Scope, name: str, value: Expr, line: int, conditional: bool, at: str = "") -> None:
        scope.assigns.setdefault(name, []).append(Assign(value, line, conditional, self.source_line(line), tuple(self.tests), at))

    def import_base(self, node: cst.ImportFrom) -> str | None:
        module = _dotted(node.module) if node.module is not None else ""
        level = len(node.relative)
        if level == 0:
            return module
        package = self.package.split(".") if self.package else []
        if level - 1 > len(package):
            return None
        anchor = package[: len(package) - (level - 1)]
        return ".".join([*anchor, module] if module else anchor)

    def function(self, node: cst.FunctionDef, parent: Scope, klass: Scope | None) -> None:
        name = node.name.value
        qualname = f"{parent.qualname}.{name}" if parent.qualname else name
        scope = Scope("function", name, qualname, self.line(node))
        scope.decorators = [self.expr(d.decorator) for d in node.decorators]
        params = node.params
        lines = _annotation_lines(self.ast_stmt, name) if self.positions is None else {}
        for p in (*params.posonly_params, *params.params):
            scope.params.append(Param(p.name.value, self.expr(p.default) if p.default else None, "positional",
                                      self.param_annotation(p, lines)))
        if isinstance(params.star_arg, cst.Param):
            scope.params.append(Param(params.star_arg.name.value, None, "star"))
        for p in params.kwonly_params:
            scope.params.append(Param(p.name.value, self.expr(p.default) if p.default else None, "keyword",
                                      self.param_annotation(p, lines)))
        if params.star_kwarg is not None:
            scope.params.append(Param(params.star_kwarg.name.value, None, "starstar"))
        add_function(parent, scope)
        method_of = parent if parent.kind == "class" else klass
        self.scoped_body(node.body.body, scope, method_of)  # an indented block or a one-line suite

    def param_annotation(self, param: cst.Param, lines: dict[str, int]) -> Annotation | None:
        """A parameter's annotation, when it names a class; its line from the positions, else
        from ``ast`` (``lines``)."""
        if param.annotation is None:
            return None
        names = _annotation_names(param.annotation.annotation)
        if not names:
            return None
        line = self.line(param.annotation.annotation) if self.positions is not None else lines.get(param.name.value, 0)
        return Annotation(names, line or self.stmt_line)

    def attr_type(self, target: cst.BaseExpression, annotation: cst.Annotation, scope: Scope, klass: Scope | None,
                  line: int) -> None:
        """``name: X`` in a class body, ``self.name: X`` in a method: the class's attribute is an X."""
        if isinstance(target, cst.Name) and scope.kind == "class":
            owner, name = scope, target.value
        elif isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) \
                and target.value.value in ("self", "cls") and klass is not None:
            owner, name = klass, target.attr.value
        else:
            return
        names = _annotation_names(annotation.annotation)
        if names:
            owner.attr_types[name] = Annotation(names, line)

    def class_def(self, node: cst.ClassDef, parent: Scope) -> None:
        name = node.name.value
        qualname = f"{parent.qualname}.{name}" if parent.qualname else name
        scope = Scope("class", name, qualname, self.line(node))
        scope.bases = [self.expr(arg.value) for arg in node.bases]
        scope.decorators = [self.expr(d.decorator) for d in node.decorators]
        parent.children[name] = scope
        self.scoped_body(node.body.body, scope, scope)  # an indented block or a one-line suite

    def scoped_body(self, statements, scope: Scope, klass: Scope | None) -> None:
        """A def or class body: the branches around the definition are not its calls' tests."""
        outer, self.tests = self.tests, []
        try:
            self.body(statements, scope, False, klass)
        finally:
            self.tests = outer

    def bind_walruses(self, test: cst.BaseExpression, scope: Scope, line: int, conditional: bool) -> None:
        """``if value := (config.host or os.getenv("HOST")):`` assigns ``value`` (``_walruses``)."""
        for named in _walruses(test):
            self.assign(scope, named.target.value, self.expr(named.value), line, conditional)  # type: ignore[attr-defined]

    def branch(self, visit, tests: tuple[Test, ...]) -> None:
        """A conditional block (``visit`` walks it): its calls run under ``tests`` as well."""
        depth = len(self.tests)
        self.tests.extend(tests)
        try:
            visit()
        finally:
            del self.tests[depth:]

    def pattern_shape(self, subject: Expr, pattern: cst.MatchPattern) -> tuple | None:
        """A ``case`` pattern as a test of the subject (``case "openai":``, ``case "a" | "b":``),
        or None for patterns that are not literal values."""
        if isinstance(pattern, cst.MatchValue):
            return ("compare", subject, "==", self.expr(pattern.value))
        if isinstance(pattern, cst.MatchOr):
            parts = [self.pattern_shape(subject, p.pattern) for p in pattern.patterns]
            return ("or", parts) if all(p is not None for p in parts) else None
        return None

    def test_shape(self, node: cst.BaseExpression) -> tuple:
        """A branch test's structure for ``branch_tests``."""
        if isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Not):
            return ("not", self.test_shape(node.expression))
        if isinstance(node, cst.BooleanOperation):
            kind = "and" if isinstance(node.operator, cst.And) else "or"
            return (kind, [self.test_shape(node.left), self.test_shape(node.right)])
        if isinstance(node, cst.Comparison) and len(node.comparisons) == 1 \
                and type(node.comparisons[0].operator) in _COMPARE_OPS:
            target = node.comparisons[0]
            return ("compare", self.expr(node.left), _COMPARE_OPS[type(target.operator)], self.expr(target.comparator))
        if isinstance(node, cst.NamedExpr) and isinstance(node.target, cst.Name):
            return ("value", self.expr(node.target))  # ``if url := …:`` tests the name it binds
        return ("value", self.expr(node))

    # -- calls ---------------------------------------------------------------
    def collect_calls(self, node: cst.CSTNode, scope: Scope) -> None:
        found, comprehensions = _calls_in(node)
        if self.positions is None:
            n = len(found)
            queue, self.call_queue = self.call_queue[:n], self.call_queue[n:]
            pairs = list(zip(found, queue))
            if len(queue) == n and all(_same_callee(c, a) for c, a in pairs):
                for cst_call, ast_call in pairs:
                    self.call_lines[id(cst_call)] = (ast_call.lineno, ast_call.col_offset + 1)
        for comprehension, around in comprehensions:  # before any call in one is converted on its own
            self.comprehension_scope(comprehension, self.line(around) if around is not None else self.stmt_line)
        for call in found:
            func = call.func
            if isinstance(func, cst.Name) and func.value in SKIP_CALLS:
                continue
            line = self.line(call)
            ir = self.expr(call)
            assert isinstance(ir, Call)
            self.calls.append(CallSite(ir.func, ir.args, ir.kwargs, line, self.column(call), scope.qualname,
                                       self.source_line(line), tuple(self.guards), tuple(self.tests)))

    # -- expressions ---------------------------------------------------------
    def expr(self, node: cst.CSTNode | None) -> Expr:
        if node is None:
            return Opaque("missing", 0)
        line = self.line(node)
        if isinstance(node, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
            return joined_string(self.string_pieces(node, line), line)
        if isinstance(node, (cst.Integer, cst.Float)):
            return Lit(node.value, line)
        if isinstance(node, cst.Name):
            bound = self.comp_names.get(id(node))
            if bound is not None:
                return self.comprehension_variable(*bound)
            if node.value == "None":
                return NoneLit(line)
            if node.value in ("True", "False"):
                return Lit(node.value, line)
            return Name(node.value, line)
        if isinstance(node, cst.Attribute):
            return Attr(self.expr(node.value), node.attr.value, line)
        if isinstance(node, cst.Subscript):
            if len(node.slice) == 1 and isinstance(node.slice[0].slice, cst.Index) \
                    and not isinstance(node.slice[0].comma, cst.Comma):  # x[i,] indexes with a tuple
                return Sub(self.expr(node.value), self.expr(node.slice[0].slice.value), line)
            return Opaque("slice", line)
        if isinstance(node, cst.Call):
            outer, self.expr_line = self.expr_line, line
            try:
                return self._call_expr(node, line)
            finally:
                self.expr_line = outer
        return self._other_expr(node, line)

    def string_pieces(self, node: cst.CSTNode, line: int) -> list[Expr]:
        """A string literal's pieces, implicit concatenations flattened (as ``ast`` does)."""
        if isinstance(node, cst.ConcatenatedString):
            return self.string_pieces(node.left, line) + self.string_pieces(node.right, line)
        if isinstance(node, cst.SimpleString):
            value = node.evaluated_value
            return [Lit(value.decode("latin-1") if isinstance(value, bytes) else value, line)]
        pieces: list[Expr] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                pieces.append(Lit(_fstring_text(node, part.value), line))
            elif isinstance(part, cst.FormattedStringExpression):
                if part.equal is not None:  # f"{x=}" prints its own source first
                    code = cst.Module([]).code_for_node
                    pieces.append(Lit(part.whitespace_before_expression.value + code(part.expression)
                                      + part.whitespace_after_expression.value + code(part.equal), line))
                pieces.append(self.expr(part.expression))
        return pieces

    def _call_expr(self, node: cst.Call, line: int) -> Expr:
        args: list[Expr] = []
        kwargs: list[tuple[str, Expr]] = []
        for arg in node.args:
            if arg.keyword is not None:
                kwargs.append((arg.keyword.value, self.expr(arg.value)))
            elif arg.star == "**":
                kwargs.append(("**", self.expr(arg.value)))
            elif arg.star == "*":
                args.append(Opaque("*args", line))
            else:
                args.append(self.expr(arg.value))
        return Call(self.expr(node.func), tuple(args), tuple(kwargs), line)

    def _other_expr(self, node: cst.CSTNode, line: int) -> Expr:
        if isinstance(node, cst.BinaryOperation):
            if isinstance(node.operator, cst.Add):
                return Concat(tuple(self.expr(part) for part in _added(node)), line)
            if isinstance(node.operator, cst.Modulo):
                return Percent(self.expr(node.left), self.expr(node.right), line)
            if isinstance(node.operator, cst.Divide):  # pathlib: Path(__file__).parent / "config.yaml"
                return Call(Attr(self.expr(node.left), "__truediv__", line), (self.expr(node.right),), (), line)
            return Opaque("arithmetic", line)
        if isinstance(node, cst.BooleanOperation):
            right = self.expr(node.right)
            if isinstance(node.operator, cst.Or):
                left = self.expr(node.left)
                if _is_tested(left) and _is_tested(right):  # ``a is None or not b``: a bool, kept as tests
                    return Opaque(right.why, right.line, truth_of(self.test_shape(node), line))  # type: ignore[union-attr]
                return Either((left, right), line)
            if _is_tested(right):  # ``a is not None and not b``: kept as tests
                return Opaque(right.why, right.line, truth_of(self.test_shape(node), line))  # type: ignore[union-attr]
            return right
        if isinstance(node, cst.IfExp):
            return Either((self.expr(node.body), self.expr(node.orelse)), line)
        if isinstance(node, (cst.Tuple, cst.List)):
            return Seq(tuple(self.expr(e.value) for e in node.elements if isinstance(e, cst.Element)), line)
        if isinstance(node, cst.Dict):
            items = tuple((self.expr(e.key), self.expr(e.value)) for e in node.elements if isinstance(e, cst.DictElement))
            return DictLit(items, line)
        if isinstance(node, cst.Await):
            return self.expr(node.expression)
        if isinstance(node, cst.NamedExpr):
            return self.expr(node.value)
        if isinstance(node, _COMPREHENSIONS):
            return self.comprehension(node, line)
        if _is_test(node):  # ``x is not None``, ``not x``: a bool, kept as tests
            return Opaque(type(node).__name__, line, truth_of(self.test_shape(node), line))
        return Opaque(type(node).__name__, line)

    def comprehension(self, node: Comprehension, line: int) -> Expr:
        """``[f(u) for u in URLS]``: a one-item list of its element (a dict comprehension: a
        one-entry dict), where each name a ``for`` clause binds stands for an element of what
        the clause iterates, read inside the comprehension only (as ``extract.py`` has it)."""
        self.comprehension_scope(node, line)
        if isinstance(node, cst.DictComp):
            return DictLit(((self.expr(node.key), self.expr(node.value)),), line)
        return Seq((self.expr(node.elt),), line)

    def comprehension_scope(self, node: Comprehension, line: int) -> None:
        """Mark each name read in ``node`` that one of its ``for`` clauses binds (a later
        clause's binding, and a nested comprehension's, marked later, win); ``line``: the line
        its parts are read at (the innermost recorded call around it, else the statement's)."""
        if id(node) in self.comp_info:
            return
        self.comp_info[id(node)] = (node, line)
        generators = _generators(node)
        tails = [node.key, node.value] if isinstance(node, cst.DictComp) else [node.elt]
        for clause, generator in enumerate(generators):
            names = set(_target_names(generator.target))
            regions: list[cst.CSTNode] = [*(i.test for i in generator.ifs)]
            for later in generators[clause + 1:]:
                regions += [later.iter, *(i.test for i in later.ifs)]
            for region in [*regions, *tails]:
                for name in _names_under(region):
                    if name.value in names:
                        self.comp_names[id(name)] = (id(node), clause, name.value)

    def clause_values(self, comprehension: int, clause: int) -> dict[str, Expr]:
        """What the names ``for`` clause ``clause`` of a comprehension binds stand for (its
        iterable converted at the comprehension's line, once)."""
        found = self.comp_values.get((comprehension, clause))
        if found is None:
            node, line = self.comp_info[comprehension]
            generator = _generators(node)[clause]
            outer, self.expr_line = self.expr_line, line
            try:
                iterated = self.expr(generator.iter)
            finally:
                self.expr_line = outer
            found = self.comp_values[(comprehension, clause)] = comprehension_names(
                _loop_target(generator.target), _target_names(generator.target), iterated)
        return found

    def comprehension_variable(self, comprehension: int, clause: int, name: str) -> Expr:
        return self.clause_values(comprehension, clause)[name]


def _fstring_text(node: cst.FormattedString, raw: str) -> str:
    """The value of an f-string's literal text, escapes applied as Python does."""
    prefix = node.prefix.lower().replace("f", "")
    quote = node.start[len(node.prefix):]
    try:
        value = ast.literal_eval(f"{prefix}{quote}{raw}{quote}")
    except (SyntaxError, ValueError):
        value = raw
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    return value.replace("{{", "{").replace("}}", "}")


def _same_callee(cst_call: cst.Call, ast_call: ast.Call) -> bool:
    """A cheap check that the two trees' calls were paired right: the called names agree."""
    func, other = cst_call.func, ast_call.func
    if isinstance(func, cst.Name):
        return isinstance(other, ast.Name) and other.id == func.value
    if isinstance(func, cst.Attribute):
        return isinstance(other, ast.Attribute) and other.attr == func.attr.value
    return not isinstance(other, (ast.Name, ast.Attribute))


def _calls_in(node: cst.CSTNode) -> tuple[list[cst.Call], list[tuple[Comprehension, cst.Call | None]]]:
    """Every call under ``node``, outermost first, in source order (as ``ast`` orders them);
    and every comprehension, outermost first, with the innermost call around it.

    A plain walk over the node's dataclass fields: libcst's visitor machinery rebuilds
    every node it passes and costs several times more.
    """
    found: list[cst.Call] = []
    comprehensions: list[tuple[Comprehension, cst.Call | None]] = []
    stack: list[tuple[cst.CSTNode, cst.Call | None]] = [(node, None)]
    while stack:
        current, around = stack.pop()
        if isinstance(current, cst.Call):
            found.append(current)
            around = current
        elif isinstance(current, _COMPREHENSIONS):
            comprehensions.append((current, around))
        stack.extend((child, around) for child in reversed(_children(current)))
    return found, comprehensions


def _children(node: cst.CSTNode) -> list[cst.CSTNode]:
    if isinstance(node, cst.IfExp):  # fields say test, body, orelse; the source says body, test, orelse
        return [node.body, node.test, node.orelse]
    out: list[cst.CSTNode] = []
    for name in _FIELDS.setdefault(type(node), tuple(f.name for f in dataclasses.fields(node))):
        value = getattr(node, name)
        if isinstance(value, cst.CSTNode):
            if not isinstance(value, _WHITESPACE):
                out.append(value)
        elif isinstance(value, (list, tuple)):
            out.extend(v for v in value if isinstance(v, cst.CSTNode) and not isinstance(v, _WHITESPACE))
    return out


_FIELDS: dict[type, tuple[str, ...]] = {}
_WHITESPACE = (cst.BaseParenthesizableWhitespace, cst.LeftParen, cst.RightParen, cst.Comma, cst.Dot,
               cst.Colon, cst.AssignEqual, cst.Semicolon, cst.TrailingWhitespace, cst.EmptyLine, cst.Newline)


def _annotation_names(node: cst.BaseExpression) -> tuple[str, ...]:
    """``annotation_names`` of an annotation, read from its code by ``ast`` (as ``extract.py`` reads it)."""
    try:
        parsed = ast.parse(f"({cst.Module([]).code_for_node(node)})", mode="eval").body
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ()
    return annotation_names(parsed)


def _annotation_lines(stmt: ast.stmt | None, name: str) -> dict[str, int]:
    """The line of each parameter's annotation in the ``def`` statement ``ast`` read (``name``'s)."""
    if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) or stmt.name != name:
        return {}
    args = stmt.args
    return {arg.arg: arg.annotation.lineno for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs)
            if arg.annotation is not None}


def _dotted(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _added(node: cst.BinaryOperation) -> list[cst.BaseExpression]:
    """The terms of ``a + b + c`` in order, as ``extract.py`` flattens them."""
    rights: list[cst.BaseExpression] = []
    current: cst.BaseExpression = node
    while isinstance(current, cst.BinaryOperation) and isinstance(current.operator, cst.Add):
        rights.append(current.right)
        current = current.left
    return [current, *reversed(rights)]
