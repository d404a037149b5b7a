"""Reads ``.tf`` / ``.tfvars`` / ``.tfvars.json`` files into a :class:`ParsedFile`: blocks and
attributes with their lines, expressions kept as python-hcl2 nodes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

import hcl2
from hcl2.rules import base as hb
from hcl2.rules import expressions as he
from hcl2.rules import strings as hs
from hcl2.rules.abstract import LarkToken


@dataclass
class Attr:
    name: str
    expr: Any  # an hcl2 expression rule
    path: str
    line: int


@dataclass
class Block:
    kind: str
    labels: tuple[str, ...]
    path: str
    line: int
    attrs: dict[str, Attr] = field(default_factory=dict)
    blocks: list["Block"] = field(default_factory=list)

    def children(self, kind: str) -> list["Block"]:
        return [b for b in self.blocks if b.kind == kind]

    def find(self, path: Iterable[str]) -> Iterator["Block"]:
        """Every nested block reached by following block kinds ``path``."""
        current = [self]
        for kind in path:
            current = [child for b in current for child in b.children(kind)]
        yield from current


@dataclass
class ParsedFile:
    path: str
    lines: list[str]
    body: Block | None = None
    error: tuple[int, str] | None = None

    def text(self, line: int) -> str:
        """The source line, stripped and without a trailing comment, for provenance steps."""
        if not 1 <= line <= len(self.lines):
            return ""
        text = _strip_comment(self.lines[line - 1].strip())
        return re.sub(r"^([\w.\"-]+)\s+=\s*", r"\1 = ", text)[:160]


def _strip_comment(text: str) -> str:
    """Drop a trailing ``# ...`` / ``// ...`` comment that is outside quotes."""
    in_string = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and in_string:
            i += 2
            continue
        if ch == '"':
            in_string = not in_string
        elif not in_string and (ch == "#" or text.startswith("//", i)):
            return text[:i].rstrip()
        i += 1
    return text


def _line(node: Any, default: int = 0) -> int:
    meta = getattr(node, "_meta", None)
    return getattr(meta, "line", None) or default


def _label(node: Any) -> str:
    if isinstance(node, hs.StringRule):
        return "".join(str(p.content.value) for p in node.string_parts if isinstance(p.content, LarkToken))
    return str(node.token.value)


def _to_block(rule: hb.BlockRule, path: str) -> Block:
    labels = [_label(label) for label in rule.labels]
    block = Block(labels[0], tuple(labels[1:]), path, _line(rule))
    _fill_body(block, rule.body, path)
    return block


def _fill_body(block: Block, body: hb.BodyRule, path: str) -> None:
    for child in body.children:
        if isinstance(child, hb.AttributeRule):
            name = str(child.identifier.token.value)
            block.attrs[name] = Attr(name, child.expression, path, _line(child))
        elif isinstance(child, hb.BlockRule):
            block.blocks.append(_to_block(child, path))


def parse_hcl(path: str, data: bytes) -> ParsedFile:
    """Parse one ``.tf`` / ``.tfvars`` file; ``error`` is set (line, message) if it is malformed."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ParsedFile(path, [], error=(data[:exc.start].count(b"\n") + 1, "not UTF-8 text"))
    lines = text.splitlines()
    parsed = ParsedFile(path, lines)
    try:
        tree = hcl2.parses(text, discard_comments=True)
    except Exception as exc:  # lark raises several exception types; all mean "malformed"
        line = getattr(exc, "line", None) or 1
        line = max(1, min(int(line), len(lines) or 1))
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        parsed.error = (line, f"invalid HCL: {message}")
        return parsed
    parsed.body = Block("", (), path, 1)
    _fill_body(parsed.body, tree.body, path)
    return parsed


def _parse_tfvars_json(path: str, data: bytes) -> ParsedFile:
    """``*.tfvars.json``: top-level keys become attributes (line of the key's first occurrence)."""
    try:
        text = data.decode("utf-8")
        values = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        return ParsedFile(path, [], error=(getattr(exc, "lineno", 1), f"invalid JSON: {exc}"))
    lines = text.splitlines()
    body = Block("", (), path, 1)
    hcl_text = "\n".join(f"{k} = {json.dumps(v)}" for k, v in values.items()) if isinstance(values, dict) else ""
    try:
        tree = hcl2.parses(hcl_text + "\n", discard_comments=True)
    except Exception:
        return ParsedFile(path, lines, body)
    finder = _LineFinder(ParsedFile(path, lines), 1)
    for child in tree.body.children:
        if isinstance(child, hb.AttributeRule):
            name = str(child.identifier.token.value)
            body.attrs[name] = Attr(name, child.expression, path, finder.find(name))
    return ParsedFile(path, lines, body)


class _LineFinder:
    """Locate the line of a JSON key's string (``"NAME"``) in an attribute's text, in order."""

    def __init__(self, parsed: ParsedFile, start: int) -> None:
        self.parsed = parsed
        self.line = start

    def find(self, name: str) -> int:
        needle = json.dumps(name)
        for number in range(self.line, len(self.parsed.lines) + 1):
            if needle in self.parsed.lines[number - 1]:
                self.line = number
                return number
        return self.line


def _unwrap(node: Any) -> Any:
    while isinstance(node, he.ExprTermRule):
        node = node.expression
    return node
