"""Static evaluation of HCL expressions in a :class:`Scope` (one module instance in one
context): references, child modules, providers, templates, conditionals.
"""

from __future__ import annotations

import copy
import posixpath
import re
from dataclasses import dataclass
from typing import Any

import hcl2
from hcl2.rules import base as hb
from hcl2.rules import containers as hc
from hcl2.rules import expressions as he
from hcl2.rules import functions as hf
from hcl2.rules import indexing as hi
from hcl2.rules import literal_rules as hl
from hcl2.rules import strings as hs
from hcl2.rules.abstract import LarkToken
from hcl2.utils import SerializationOptions, process_escape_sequences

from ...model import Step
from .modules import Module
from .parse import Block, ParsedFile, _label, _line, _unwrap
from .values import UNKNOWN, Val, _merge, call_function, to_plain, to_str, unknown

DEFAULT_CONTEXT = "default"
MAX_MODULE_DEPTH = 8
MAX_EVAL_DEPTH = 40
_META_ARGS = {"source", "version", "providers", "count", "for_each", "depends_on"}


@dataclass
class ProviderRef:
    """A provider configuration and the scope its arguments are evaluated in."""

    key: str
    block: Block
    scope: "Scope"


class Scope:
    """One instance of a module in one context: its variable values, providers and children."""

    def __init__(self, module: Module, inputs: dict[str, Val], context: str, address: str = "",
                 providers: dict[str, ProviderRef] | None = None, modules: dict[str, Module] | None = None,
                 depth: int = 0, root_folder: str | None = None) -> None:
        self.module = module
        self.root_folder = module.folder if root_folder is None else root_folder  # where Terraform runs
        self.inputs = inputs
        self.context = context
        self.address = address  # "" or "module.a.module.b."
        self.modules = modules or {}
        self.depth = depth
        self.providers: dict[str, ProviderRef] = dict(providers or {})
        for key, block in module.providers.items():
            self.providers[key] = ProviderRef(key, block, self)
        self._locals: dict[str, Val] = {}
        self._children: dict[str, Scope | None] = {}
        self._active: set[str] = set()

    @classmethod
    def empty(cls, parsed: ParsedFile) -> "Scope":
        return cls(Module(posixpath.dirname(parsed.path)), {}, DEFAULT_CONTEXT)

    # -- references ------------------------------------------------------------------------
    def file(self, path: str) -> ParsedFile:
        return self.module.files.get(path) or ParsedFile(path, [])

    def var(self, name: str, line: int, path: str) -> Val:
        decl = self.module.variables.get(name)
        if decl is None:
            return unknown(line, Step(path, line, f"var.{name} is not declared in this module"))
        decl_file = self.file(decl.path)
        ref = Step(decl.path, decl.line, f"var.{name}")
        if name in self.inputs:
            return self.inputs[name].then(ref)
        default = decl.attrs.get("default")
        if default is None:
            how = "no default and no tfvars value" if not self.address else "no default and no module input"
            return unknown(line, Step(decl.path, decl.line, f"var.{name} has {how}"))
        return self._guarded(f"default:{name}", line, lambda: self.eval(default.expr, decl_file)).then(
            Step(decl.path, default.line, decl_file.text(default.line)), ref)

    def local(self, name: str, line: int, path: str) -> Val:
        attr = self.module.locals.get(name)
        if attr is None:
            return unknown(line, Step(path, line, f"local.{name} is not defined in this module"))
        if name not in self._locals:
            parsed = self.file(attr.path)
            self._locals[name] = self._guarded(f"local:{name}", line, lambda: self.eval(attr.expr, parsed)).then(
                Step(attr.path, attr.line, parsed.text(attr.line)))
        return self._locals[name]

    def resource_attr(self, rtype: str, name: str, attr_name: str, line: int, path: str) -> Val:
        block = self.module.resources.get(f"{rtype}.{name}")
        attr = block.attrs.get(attr_name) if block else None
        if attr is None:
            return unknown(line, Step(path, line, f"{rtype}.{name}.{attr_name} is known only after apply"))
        parsed = self.file(attr.path)
        return self._guarded(f"res:{rtype}.{name}.{attr_name}", line, lambda: self.eval(attr.expr, parsed)).then(
            Step(attr.path, attr.line, f"{rtype}.{name}: {parsed.text(attr.line)}"))

    def module_output(self, call: str, output: str, line: int, path: str) -> Val:
        child = self.child(call)
        if child is None:
            return unknown(line, Step(path, line, f"module.{call} is not a local module flowscan can read"))
        block = child.module.outputs.get(output)
        value = block.attrs.get("value") if block else None
        if value is None:
            return unknown(line, Step(path, line, f"module.{call} has no output {output!r}"))
        parsed = child.file(value.path)
        return child._guarded(f"out:{output}", line, lambda: child.eval(value.expr, parsed)).then(
            Step(value.path, value.line, f"output {output}: {parsed.text(value.line)}"))

    def _guarded(self, key: str, line: int, compute: Any) -> Val:
        if key in self._active or len(self._active) > MAX_EVAL_DEPTH:
            return unknown(line)
        self._active.add(key)
        try:
            return compute()
        finally:
            self._active.discard(key)

    # -- child modules -----------------------------------------------------------------------
    def child(self, name: str) -> "Scope | None":
        """The scope of ``module "name"`` (a local module), created on first use."""
        if name in self._children:
            return self._children[name]
        call = self.module.calls.get(name)
        folder = self.module.child_folder(call) if call else None
        module = self.modules.get(folder) if folder is not None else None
        if call is None or module is None or self.depth >= MAX_MODULE_DEPTH:
            self._children[name] = None
            return None
        parsed = self.file(call.path)
        inputs = {}
        for key, attr in call.attrs.items():
            if key not in _META_ARGS:
                inputs[key] = self.eval(attr.expr, parsed).then(Step(attr.path, attr.line, f"module.{name}: {parsed.text(attr.line)}"))
        child = Scope(module, inputs, self.context, f"{self.address}module.{name}.",
                      self.passed_providers(call), self.modules, self.depth + 1, self.root_folder)
        self._children[name] = child
        return child

    def view(self, address: str, providers: dict[str, ProviderRef]) -> "Scope":
        """This scope under another address and providers: a remote module's resources are
        evaluated with the caller's expressions, at ``module.x.`` with the providers it passes."""
        view = copy.copy(self)
        view.address = address
        view.providers = dict(providers)
        return view

    def passed_providers(self, call: Block) -> dict[str, ProviderRef]:
        """Default providers are inherited; ``providers = { aws = aws.eu }`` maps others."""
        passed = {key: ref for key, ref in self.providers.items() if "." not in key}
        mapping = call.attrs.get("providers")
        node = _unwrap(mapping.expr) if mapping else None
        if isinstance(node, hc.ObjectRule):
            for elem in node.elements:
                key = _key_text(elem.key)
                target = _traversal_text(elem.expression)
                if key and target and target in self.providers:
                    passed[key] = self.providers[target]
        return passed

    def provider(self, key: str) -> ProviderRef | None:
        return self.providers.get(key)

    # -- expressions -------------------------------------------------------------------------
    def eval(self, node: Any, parsed: ParsedFile) -> Val:
        """Evaluate an hcl2 expression node; unknown parts stay UNKNOWN."""
        line = _line(node)
        if isinstance(node, he.ExprTermRule):
            return self.eval(node.expression, parsed)
        if isinstance(node, hs.StringRule):
            return self._template(self._string_parts(node, parsed), line)
        if isinstance(node, hs.HeredocTemplateRule):
            return self._template(self._heredoc_parts(node, parsed, line), line)
        if isinstance(node, (hl.IntLitRule, hl.FloatLitRule)):
            raw = node.token.value
            try:
                return Val(raw if isinstance(raw, (int, float)) else (float(raw) if "." in str(raw) or "e" in str(raw).lower() else int(raw)), line)
            except ValueError:
                return unknown(line)
        if isinstance(node, hl.LiteralValueRule):
            return Val({"true": True, "false": False, "null": None}.get(str(node.token.value), UNKNOWN), line)
        if isinstance(node, hc.ObjectRule):
            return Val({k: v for k, v in ((self._key(e.key, parsed), self.eval(e.expression, parsed).at(_line(e))) for e in node.elements) if k is not None}, line)
        if isinstance(node, hc.TupleRule):
            return Val([self.eval(e, parsed) for e in node.elements], line)
        if isinstance(node, (hi.GetAttrExprTermRule, hi.IndexExprTermRule, hl.IdentifierRule)):
            return self._traversal(node, parsed, line)
        if isinstance(node, hf.FunctionCallRule):
            return self._call(node, parsed, line)
        if isinstance(node, he.ConditionalRule):
            cond = self.eval(node.condition, parsed)
            if isinstance(cond.value, bool):
                branch = node.if_true if cond.value else node.if_false
                return self.eval(branch, parsed).then(*cond.chain)
            return unknown(line, *cond.chain)
        if isinstance(node, he.BinaryOpRule):
            return self._binary(node, parsed, line)
        return unknown(line)

    def _key(self, key: Any, parsed: ParsedFile) -> str | None:
        if isinstance(key, hc.ObjectElemKeyRule):
            inner = key.value
            if isinstance(inner, hs.StringRule):
                return to_str(self.eval(inner, parsed))
            return str(inner.token.value)
        if isinstance(key, hc.ObjectElemKeyExpressionRule):
            return to_str(self.eval(key.expression, parsed))
        return None

    def _string_parts(self, node: hs.StringRule, parsed: ParsedFile) -> list[str | Val]:
        parts: list[str | Val] = []
        for part in node.string_parts:
            content = part.content
            if isinstance(content, hs.InterpolationRule):
                parts.append(self.eval(content.expression, parsed))
            elif isinstance(content, LarkToken):
                text = str(content.value)
                if content.lark_name() == "STRING_CHARS":
                    parts.append(process_escape_sequences(text))
                else:  # $${ and %%{ escapes
                    parts.append(text[1:])
            else:  # %{if}/%{for} directives
                parts.append(unknown(_line(node)))
        return parts

    def _heredoc_parts(self, node: hs.HeredocTemplateRule, parsed: ParsedFile, line: int) -> list[str | Val]:
        options = SerializationOptions(preserve_heredocs=False, strip_string_quotes=True, with_comments=False)
        parts: list[str | Val] = []
        for part in split_template(node.serialize(options), line):
            if isinstance(part, (str, Val)):
                parts.append(part)
            else:  # an expression node parsed out of ``${...}``: its lines are relative, use the heredoc's
                parts.append(self.eval(part, parsed).at(line))
        return parts

    def _template(self, parts: list[str | Val], line: int) -> Val:
        """Join template parts: a single ``${x}`` keeps x's type; else every part must be a string."""
        vals = [p for p in parts if isinstance(p, Val)]
        chain = _merge(*(v.chain for v in vals))
        if len(parts) == 1 and vals:
            return Val(vals[0].value, line, chain)
        texts = [p if isinstance(p, str) else to_str(p) for p in parts]
        if any(t is None for t in texts):
            return unknown(line, *chain)
        return Val("".join(texts), line, chain)  # type: ignore[arg-type]

    def _traversal(self, node: Any, parsed: ParsedFile, line: int) -> Val:
        root, steps = _flatten(node)
        names = [s for s in steps[:3] if isinstance(s, str)]
        if root == "var" and names:
            base, rest = self.var(names[0], line, parsed.path), steps[1:]
        elif root == "local" and names:
            base, rest = self.local(names[0], line, parsed.path), steps[1:]
        elif root == "module" and len(names) >= 2 and isinstance(steps[1], str):
            base, rest = self.module_output(names[0], names[1], line, parsed.path), steps[2:]
        elif root == "path" and names and names[0] in ("module", "root", "cwd"):
            # relative to the folder Terraform runs in, as Terraform gives it
            folder = posixpath.relpath(self.module.folder or ".", self.root_folder or ".") if names[0] == "module" else "."
            return Val(folder, line, (Step(parsed.path, line, f"path.{names[0]} = {folder} (relative to {self.root_folder or '.'}/)"),))
        elif root in ("data", "each", "count", "path", "terraform", "self") or root is None:
            return unknown(line, Step(parsed.path, line, f"{_traversal_text(node) or 'expression'} is known only at plan/apply time"))
        elif len(steps) >= 2 and isinstance(steps[0], str) and isinstance(steps[1], str) and "_" in root:
            base, rest = self.resource_attr(root, steps[0], steps[1], line, parsed.path), steps[2:]
        else:
            return unknown(line)
        return _index_into(base, rest, self, parsed).at(line)

    def _call(self, node: hf.FunctionCallRule, parsed: ParsedFile, line: int) -> Val:
        name = "::".join(str(i.token.value) for i in node.identifiers)
        args = [self.eval(a, parsed) for a in (node.arguments.arguments if node.arguments else [])]
        chain = _merge(*(a.chain for a in args))
        result = call_function(name, args)
        if result is UNKNOWN and name in ("file", "templatefile"):
            return unknown(line, *chain, Step(parsed.path, line, f"{name}() reads a file at plan time; not followed"))
        return Val(result, line, chain)

    def _binary(self, node: he.BinaryOpRule, parsed: ParsedFile, line: int) -> Val:
        left = self.eval(node.expr_term, parsed)
        op = str(node.binary_term.binary_operator.token.value).strip()
        right = self.eval(node.binary_term.expr_term, parsed)
        chain = _merge(left.chain, right.chain)
        if not (left.known and right.known):
            return unknown(line, *chain)
        a, b = to_plain(left), to_plain(right)
        ops = {"==": lambda: a == b, "!=": lambda: a != b,
               "&&": lambda: bool(a) and bool(b) if isinstance(a, bool) and isinstance(b, bool) else UNKNOWN,
               "||": lambda: bool(a) or bool(b) if isinstance(a, bool) and isinstance(b, bool) else UNKNOWN}
        return Val(ops[op]() if op in ops else UNKNOWN, line, chain)


def _flatten(node: Any) -> tuple[str | None, list[str | Any]]:
    """``var.m["a"].b`` → ("var", ["m", <index expr>, "b"]); index expressions stay nodes."""
    steps: list[str | Any] = []
    while True:
        node = _unwrap(node)
        if isinstance(node, hi.GetAttrExprTermRule):
            steps.append(str(node.get_attr.identifier.token.value))
            node = node.expr_term
        elif isinstance(node, hi.IndexExprTermRule):
            steps.append(node.children[1].index_expression)
            node = node.children[0]
        elif isinstance(node, hl.IdentifierRule):
            return str(node.token.value), steps[::-1]
        else:
            return None, steps[::-1]


def _traversal_text(node: Any) -> str | None:
    root, steps = _flatten(node)
    if root is None or not all(isinstance(s, str) for s in steps):
        return None
    return ".".join([root, *steps])


def _key_text(key: Any) -> str | None:
    if isinstance(key, hc.ObjectElemKeyRule):
        inner = key.value
        return _label(inner) if isinstance(inner, (hs.StringRule, hl.IdentifierRule)) else None
    if isinstance(key, hc.ObjectElemKeyExpressionRule):
        return _traversal_text(key.expression)
    return None


def _index_into(base: Val, steps: list[Any], scope: Scope, parsed: ParsedFile) -> Val:
    current = base
    for step in steps:
        if not current.known:
            return current
        key: Any = step if isinstance(step, str) else to_plain(scope.eval(step, parsed))
        v = current.value
        if isinstance(v, dict) and isinstance(key, str) and key in v:
            current = Val(v[key].value, v[key].line, _merge(v[key].chain, current.chain))
        elif isinstance(v, list) and isinstance(key, int) and 0 <= key < len(v):
            current = Val(v[key].value, v[key].line, _merge(v[key].chain, current.chain))
        else:
            return unknown(current.line, *current.chain)
    return current


_INTERP = re.compile(r"(\$\$\{|%%\{|\$\{|%\{)")


def split_template(text: str, line: int) -> list[str | Any]:
    """Split a template body into literal text and ``${...}`` expression nodes (parsed with hcl2).

    ``$${`` / ``%%{`` are escapes; ``%{...}`` directives and unparseable expressions become
    unknown values.
    """
    parts: list[str | Any] = []
    pos = 0
    while True:
        m = _INTERP.search(text, pos)
        if m is None:
            parts.append(text[pos:])
            break
        parts.append(text[pos:m.start()])
        token = m.group(1)
        if token in ("$${", "%%{"):
            parts.append(token[1:])
            pos = m.end()
            continue
        end = _closing_brace(text, m.end())
        if end < 0:
            parts.append(unknown(line))
            break
        expr_text = text[m.end():end]
        parts.append(_parse_expression(expr_text, line) if token == "${" else unknown(line))
        pos = end + 1
    return [p for p in parts if p != ""]


def _closing_brace(text: str, start: int) -> int:
    depth, i, in_string = 1, start, False
    while i < len(text):
        ch = text[i]
        if in_string:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _parse_expression(text: str, line: int) -> Any:
    """An expression node for the text of one ``${...}``, or an unknown value."""
    try:
        tree = hcl2.parses(f"x = {text.strip().lstrip('~').rstrip('~')}\n", discard_comments=True)
    except Exception:
        return unknown(line)
    attrs = [c for c in tree.body.children if isinstance(c, hb.AttributeRule)]
    return attrs[0].expression if attrs else unknown(line)
