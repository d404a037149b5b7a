"""YAML with line numbers: pyyaml's node API (safe loader, no object construction).

``load_documents(data)`` returns every document of a multi-document stream as a tree of
:class:`Y` values: plain Python data plus the 1-based line of each value, anchors and
aliases resolved by pyyaml itself. Nothing is executed; tags are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

import yaml


@dataclass
class Y:
    """A YAML value with its line. ``value`` is a str/int/float/bool/None scalar, a
    ``dict[str, Y]`` or a ``list[Y]``."""

    value: Any
    line: int
    # The line of the key this value belongs to in its mapping (``services:`` of a block
    # mapping whose value starts on the next line); None at the top and for merged keys.
    key_line: int | None = field(default=None, kw_only=True)

    @property
    def key_or_value_line(self) -> int:
        return self.key_line if self.key_line is not None else self.line

    def get(self, key: str) -> Y | None:
        if isinstance(self.value, dict):
            return self.value.get(key)
        return None

    def scalar(self) -> str | None:
        """The value as text, for scalars; None for mappings, lists and null."""
        if self.value is None or isinstance(self.value, (dict, list)):
            return None
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return str(self.value)

    def items(self) -> Iterator[tuple[str, Y]]:
        if isinstance(self.value, dict):
            yield from self.value.items()

    def elements(self) -> list[Y]:
        return self.value if isinstance(self.value, list) else []

    def plain(self) -> Any:
        """Plain Python data without lines."""
        if isinstance(self.value, dict):
            return {k: v.plain() for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain() for v in self.value]
        return self.value


_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser: the same safe rules at C speed


def list_item_lines(*nodes: Y | None) -> tuple[int, ...] | None:
    """The line of each scalar item of the given list nodes, in order (a command's words);
    None when one of them is not a list (a string's words are not placed on lines)."""
    lines: list[int] = []
    for node in nodes:
        if node is None:
            continue
        if not isinstance(node.value, list):
            return None
        lines += [e.line for e in node.elements() if e.scalar() is not None]
    return tuple(lines)


MAX_NODES = 250_000  # values one file may expand to: aliases can make a few bytes into billions


class YamlTooLarge(yaml.YAMLError):
    """The file expands beyond ``MAX_NODES`` values (an alias bomb) or nests too deep to read."""

    def __init__(self, problem: str, line: int = 1):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = yaml.Mark("", 0, line - 1, 0, None, None)


class _Loader(_SAFE):  # type: ignore[misc, valid-type]
    nodes = 0  # values converted so far in this file
    merged = False  # whether a merge key (<<) was flattened: the composed nodes were changed


def _convert(node: yaml.Node, loader: _Loader, depth: int = 0) -> Y:
    line = node.start_mark.line + 1
    loader.nodes += 1
    if loader.nodes > MAX_NODES:
        raise YamlTooLarge(f"expands to more than {MAX_NODES:,} values through aliases (an alias bomb?); not read", line)
    if depth > 200:
        return Y(None, line)
    if isinstance(node, yaml.MappingNode):
        own = {id(key_node) for key_node, _ in node.value}
        if any(key_node.tag in _MERGE_TAGS for key_node, _ in node.value):
            loader.merged = True
        loader.flatten_mapping(node)  # merge keys (<<: *anchor); changes the composed nodes
        out: dict[str, Y] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if key is None and isinstance(key_node, yaml.ScalarNode):
                key = "null"
            if key is None:
                continue
            child = _convert(value_node, loader, depth + 1)
            if id(key_node) in own:
                child.key_line = key_node.start_mark.line + 1
            out[str(key)] = child
        return Y(out, line)
    if isinstance(node, yaml.SequenceNode):
        return Y([_convert(n, loader, depth + 1) for n in node.value], line)
    try:
        value = loader.construct_object(node)
    except yaml.YAMLError:
        value = node.value
    if not isinstance(value, (str, int, float, bool)) and value is not None:
        value = str(node.value)
    return Y(value, line)


_MERGE_TAGS = ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value")


def load_documents(data: bytes | str, docs: list[Y] | None = None, nodes: list[yaml.Node] | None = None) -> list[Y]:
    """Every document in ``data``; raises ``yaml.YAMLError`` on malformed YAML. ``docs``, when
    given, receives each document as it is read (those before a malformed one are kept);
    ``nodes``, when given, each document's composed node, unless a merge key changed it."""
    loader = _Loader(data)
    docs = [] if docs is None else docs
    try:
        while loader.check_node():
            node = loader.get_node()
            if node is not None:
                docs.append(_convert(node, loader))
                if nodes is not None and not loader.merged:
                    nodes.append(node)
        return docs
    finally:
        loader.dispose()


@dataclass(frozen=True)
class ParsedYaml:
    """A YAML file parsed once: its documents, or the error that stopped the parser. Every
    YAML extractor reads this, so a file is parsed once however many extractors look at it."""

    documents: list[Y]
    error: yaml.YAMLError | None = None
    # The composed node of a one-document file parsed with ``keep_node`` (and without merge
    # keys): another reader of the same text (the CloudFormation decoder) builds its own data
    # from it instead of parsing the file again.
    node: yaml.Node | None = None


def parse_yaml(data: bytes | str, keep_node: bool = False) -> ParsedYaml:
    """The documents of ``data``; when one is malformed (or too large), those before it and
    the error. With ``keep_node``, a one-document file keeps its composed node."""
    docs: list[Y] = []
    nodes: list[yaml.Node] | None = [] if keep_node else None
    try:
        load_documents(data, docs, nodes)
    except RecursionError:  # pyyaml's composer recurses once per nesting level
        return ParsedYaml(docs, YamlTooLarge("nests too deep to read; not read"))
    except yaml.YAMLError as exc:
        return ParsedYaml(docs, exc)
    return ParsedYaml(docs, node=nodes[0] if nodes and len(nodes) == 1 == len(docs) else None)


def error_line(exc: yaml.YAMLError) -> int:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    return mark.line + 1 if mark is not None else 1


def error_message(exc: yaml.YAMLError) -> str:
    """``invalid YAML: <context>; <problem>`` (PyYAML's two halves, without its position lines)."""
    parts = [p for p in (getattr(exc, "context", None), getattr(exc, "problem", None)) if p]
    text = str(exc).strip()
    return "invalid YAML: " + ("; ".join(parts) if parts else text.splitlines()[0] if text else type(exc).__name__)
