"""Reads a ``.bicep`` file with pycep's grammar (pycep-parser, the parser Checkov uses) into its
declarations: parameters, variables, resources, modules and outputs, each with its line and its
value kept as a Lark tree for the evaluator. pycep is imported here only, when a Bicep file is read.

pycep's JSON form drops the difference between an identifier (``location``) and a string literal
(``'location'``) and keeps lines per declaration only, so the Lark tree is read instead: tokens
keep their type and every node its line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any


@dataclass
class Decl:
    """One ``param`` / ``var`` / ``output`` / ``resource`` / ``module`` declaration."""

    kind: str
    name: str
    line: int
    value: Any = None  # Lark tree of the value, default or body; None when absent
    type: str = ""  # resource type (Microsoft.App/containerApps), module path, or data type
    existing: bool = False
    decorators: tuple[str, ...] = ()
    parent: str | None = None  # a nested resource's parent symbol


@dataclass
class BicepFile:
    path: str
    lines: list[str]
    params: dict[str, Decl] = field(default_factory=dict)
    variables: dict[str, Decl] = field(default_factory=dict)
    resources: dict[str, Decl] = field(default_factory=dict)
    modules: dict[str, Decl] = field(default_factory=dict)
    outputs: dict[str, Decl] = field(default_factory=dict)
    target_scope: str = "resourceGroup"
    error: tuple[int, str] | None = None

    def text(self, line: int) -> str:
        if not 1 <= line <= len(self.lines):
            return ""
        return self.lines[line - 1].strip().split(" //", 1)[0][:160]


@lru_cache(maxsize=1)
def _parser() -> Any:
    from pycep import BicepParser  # lark grammar, compiled once (cached on disk by lark)

    return BicepParser().lark_parser


def parse_expression(text: str) -> Any:
    """The Lark tree of one expression (the inside of a ``${...}``), or None if it does not parse."""
    try:
        tree = _parser().parse(f"var x = {text}\n")
    except Exception:  # lark raises several exception types; all mean "not an expression"
        return None
    return tree.children[0].children[-1] if tree.children else None


def parse_bicep(path: str, data: bytes) -> BicepFile:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return BicepFile(path, [], error=(data[:exc.start].count(b"\n") + 1, "not UTF-8 text"))
    parsed = BicepFile(path, text.splitlines())
    if text.count("'''") % 2:
        parsed.error = (1, "invalid Bicep: an unclosed ''' string")
        return parsed
    try:
        tree = _parser().parse(text if text.endswith("\n") else text + "\n")
    except Exception as exc:  # lark's UnexpectedInput family and friends
        line = max(1, min(int(getattr(exc, "line", 1) or 1), len(parsed.lines) or 1))
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        parsed.error = (line, f"invalid Bicep: {message}")
        return parsed
    for element in tree.children:
        _declare(parsed, element)
    return parsed


def _token(node: Any) -> str:
    return str(node) if node is not None else ""


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == "'" else text


def _decorators(node: Any) -> tuple[str, ...]:
    if node is None:
        return ()
    return tuple(str(d.children[0]) for d in node.children if getattr(d, "children", None))


def _declare(parsed: BicepFile, element: Any) -> None:
    kind = getattr(element, "data", None)
    c = element.children
    # the line of the declaration's name (after its decorators)
    name = c[1] if len(c) > 1 and hasattr(c[1], "line") else None
    line = name.line if name is not None and name.line else (element.meta.line if not element.meta.empty else 0)
    if kind == "scope":
        parsed.target_scope = _unquote(_token(c[0]))
    elif kind == "param":
        parsed.params[_token(c[1])] = Decl("param", _token(c[1]), line, c[3], _data_type(c[2]), decorators=_decorators(c[0]))
    elif kind == "var":
        parsed.variables[_token(c[1])] = Decl("var", _token(c[1]), line, c[-1], decorators=_decorators(c[0]))
    elif kind == "output":
        parsed.outputs[_token(c[1])] = Decl("output", _token(c[1]), line, c[-1], _data_type(c[2]), decorators=_decorators(c[0]))
    elif kind == "resource":
        rtype = _unquote(_token(c[2].children[0])).split("@", 1)[0]
        decl = Decl("resource", _token(c[1]), line, c[-1], rtype, c[3] is not None, _decorators(c[0]))
        parsed.resources[decl.name] = decl
        _declare_children(parsed, decl)
    elif kind == "module":
        path = _unquote(_token(c[2].children[0]))
        parsed.modules[_token(c[1])] = Decl("module", _token(c[1]), line, c[-1], path, decorators=_decorators(c[0]))


def _declare_children(parsed: BicepFile, parent: Decl) -> None:
    """Nested ``resource name 'config' = {...}`` inside a resource body: declared with the full
    type (``Microsoft.Web/sites/config``) and the parent's symbol."""
    body = parent.value
    if getattr(body, "data", None) in ("deploy_condition", "loop"):
        body = body.children[-1]
    for child in getattr(body, "children", ()) if getattr(body, "data", None) == "object" else ():
        if getattr(child, "data", None) != "child_resource":
            continue
        name, rtype, existing, value = child.children[0], child.children[1], child.children[2], child.children[-1]
        decl = Decl("resource", _token(name), name.line or parent.line, value,
                    f"{parent.type}/{_unquote(_token(rtype)).split('@', 1)[0]}", existing is not None, parent=parent.name)
        parsed.resources.setdefault(decl.name, decl)
        _declare_children(parsed, decl)


def _data_type(node: Any) -> str:
    try:
        return str(node.children[0].children[0])
    except (AttributeError, IndexError):
        return ""
