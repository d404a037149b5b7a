"""The CDK app's Python, read with ``ast`` (never imported or run): import aliases, qualified
names of calls, and the static value of the expressions that give a region, an asset folder or
an env var (string literals, names assigned once, f-strings, ``os.path.join``/``Path`` on
``__file__``, ``node.try_get_context`` from ``cdk.json``, parameters of the stack's ``__init__``
bound by its instantiation). Anything else is unknown, and says why.
"""

from __future__ import annotations

import ast
import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

from ...model import Step
from ..cloudformation.evaluate import Value, unknown
from .rules import CdkRules


@dataclass
class CdkModule:
    path: str
    tree: ast.Module
    aliases: dict[str, str] = field(default_factory=dict)  # local name -> dotted import path
    assigns: dict[str, ast.expr] = field(default_factory=dict)  # module-level NAME = expr (last wins)

    @classmethod
    def parse(cls, path: str, data: bytes) -> "CdkModule":
        tree = ast.parse(data, filename=path)
        module = cls(path, tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    module.aliases[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    module.aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                module.assigns[node.targets[0].id] = node.value
        return module

    def qualname(self, node: ast.expr) -> str | None:
        """``_lambda.Function`` → ``aws_cdk.aws_lambda.Function`` through the imports."""
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id, node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value)
            return f"{base}.{node.attr}" if base else None
        return None


@dataclass
class CdkContext:
    """``cdk.json`` ``context`` values with their lines."""

    path: str | None = None
    values: dict[str, tuple[Any, int]] = field(default_factory=dict)

    @classmethod
    def read(cls, path: str, data: bytes) -> "CdkContext":
        text = data.decode("utf-8", "replace")
        document = json.loads(text)
        context = document.get("context") if isinstance(document, dict) else None
        out = cls(path)
        for key, value in (context or {}).items():
            match = re.search(r'"' + re.escape(key) + r'"\s*:', text)
            out.values[key] = (value, text.count("\n", 0, match.start()) + 1 if match else 1)
        return out


class Reader:
    """Static values in one module, for one stack instance (its region and constructor arguments)."""

    def __init__(self, module: CdkModule, rules: CdkRules, context: CdkContext, app_dir: str,
                 region: Value | None = None, arguments: dict[str, tuple[ast.expr, "Reader"]] | None = None,
                 local: dict[str, ast.expr] | None = None):
        self.module = module
        self.rules = rules
        self.context = context
        self.app_dir = app_dir
        self.region = region
        self.arguments = arguments or {}  # the stack __init__'s parameters bound at instantiation
        self.local = local or {}
        self._depth = 0

    def step(self, node: ast.AST, detail: str | None = None) -> Step:
        return Step(self.module.path, getattr(node, "lineno", 1), detail or ast.unparse(node))

    def text(self, node: ast.expr) -> Value:
        self._depth += 1
        try:
            if self._depth > 30:
                return unknown("too many steps", self.step(node))
            return self._text(node)
        finally:
            self._depth -= 1

    def _text(self, node: ast.expr) -> Value:
        if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)) and not isinstance(node.value, bool):
            return Value(str(node.value), (self.step(node),))
        if isinstance(node, ast.Name):
            if node.id in self.local:
                return self._then(self.text(self.local[node.id]), node)
            if node.id in self.arguments:
                expr, caller = self.arguments[node.id]
                return self._then(caller.text(expr), node, f"{node.id} (a parameter of the stack)")
            if node.id in self.module.assigns:
                return self._then(self.text(self.module.assigns[node.id]), node)
            return unknown(f"{node.id} is not assigned a value this reader follows", self.step(node))
        if isinstance(node, ast.JoinedStr):
            return self._join([self.text(v.value) if isinstance(v, ast.FormattedValue) else self.text(v) for v in node.values])
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self._join([self.text(node.left), self.text(node.right)])
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, (ast.Attribute, ast.Subscript)):
            return self._attribute(node)
        return unknown(f"{ast.unparse(node)} is computed", self.step(node))

    def _then(self, value: Value, node: ast.expr, detail: str | None = None) -> Value:
        return Value(value.text, value.chain + (self.step(node, detail),), value.why)

    def _join(self, parts: list[Value]) -> Value:
        chain = tuple(s for p in parts for s in p.chain)
        missing = next((p for p in parts if not p.known), None)
        if missing is not None:
            return Value(None, chain, missing.why)
        return Value("".join(p.text or "" for p in parts), chain)

    def _call(self, node: ast.Call) -> Value:
        name = self.module.qualname(node.func) or ""
        if name.endswith("try_get_context") and node.args and isinstance(node.args[0], ast.Constant):
            key = str(node.args[0].value)
            if key in self.context.values and not isinstance(self.context.values[key][0], (dict, list)):
                value, line = self.context.values[key]
                return Value(str(value), (Step(self.context.path or "cdk.json", line, f'context "{key}": {value}'),
                                          self.step(node)))
            why = f'cdk.json sets no context "{key}" (it may be given with -c at synth time)'
            return unknown(why, self.step(node, f"{ast.unparse(node)}: {why}"))
        if name in ("os.getenv", "os.environ.get") and node.args:
            return self._environ(node, node.args[0])
        return unknown(f"{ast.unparse(node)} is computed", self.step(node))

    def _attribute(self, node: ast.Attribute | ast.Subscript) -> Value:
        if isinstance(node, ast.Subscript) and self.module.qualname(node.value) == "os.environ":
            return self._environ(node, node.slice)
        name = self.module.qualname(node) if isinstance(node, ast.Attribute) else None
        if self.region is not None and (name in self.rules.region_names or (
                isinstance(node, ast.Attribute) and node.attr in self.rules.region_attributes and _is_stack_ref(node.value))):
            return Value(self.region.text, self.region.chain + (self.step(node, f"{ast.unparse(node)}: the stack's region"),),
                         self.region.why)
        return unknown(f"{ast.unparse(node)} is known at deploy time", self.step(node))

    def _environ(self, node: ast.expr, key: ast.expr) -> Value:
        var = key.value if isinstance(key, ast.Constant) else ast.unparse(key)
        why = (f"{var}: the region of the AWS profile that runs cdk deploy" if var == "CDK_DEFAULT_REGION"
               else f"{var} is read from the environment that runs cdk synth")
        return unknown(why, self.step(node, f"{ast.unparse(node)} ({why})"))

    # -- asset folders --------------------------------------------------------------------------------
    def folder(self, node: ast.expr) -> str | None:
        """An asset path as a folder from the scan root: a literal is relative to the CDK app's
        folder (where cdk runs); ``__file__``-based paths are relative to this module."""
        parts = self._path_parts(node)
        if parts is None:
            return None
        return posixpath.normpath(posixpath.join(*parts)) if parts else None

    def _path_parts(self, node: ast.expr) -> list[str] | None:
        name = self.module.qualname(node.func) if isinstance(node, ast.Call) else None
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [self.app_dir or ".", node.value]
        if isinstance(node, ast.Name):
            if node.id == "__file__":
                return [self.module.path]
            bound = self.local.get(node.id) or self.module.assigns.get(node.id)
            return self._path_parts(bound) if bound is not None else None
        if isinstance(node, ast.Call) and name in ("os.path.join", "pathlib.Path", "Path") and node.args:
            first = self._path_parts(node.args[0])
            rest = [a.value for a in node.args[1:] if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            return first + rest if first is not None and len(rest) == len(node.args) - 1 else None
        if isinstance(node, ast.Call) and name in ("os.path.dirname", "os.path.abspath", "os.path.realpath", "str") and node.args:
            inner = self._path_parts(node.args[0])
            if inner is not None and name == "os.path.dirname":
                return [posixpath.dirname(posixpath.join(*inner))]
            return inner
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in ("resolve", "absolute"):
            return self._path_parts(node.func.value)
        if isinstance(node, ast.Attribute) and node.attr == "parent":
            inner = self._path_parts(node.value)
            return [posixpath.dirname(posixpath.join(*inner))] if inner is not None else None
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and isinstance(node.right, ast.Constant):
            inner = self._path_parts(node.left)
            return inner + [str(node.right.value)] if inner is not None else None
        return None


def _is_stack_ref(node: ast.expr) -> bool:
    """``self`` or ``Stack.of(self)``."""
    if isinstance(node, ast.Name):
        return node.id == "self"
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "of"
