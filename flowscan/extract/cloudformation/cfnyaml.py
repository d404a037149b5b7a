"""CloudFormation YAML read the way cfn-lint's decoder reads it, without importing cfn-lint.

cfn-lint's ``decode_str`` loads its whole rule engine (and sympy) on import: more than a
second of CPU, for a decoder of a few dozen lines. This module builds the same template on a
template that parses cleanly: libyaml's safe loader, every mapping, list and string carrying
its ``start_mark`` (a ``dict`` subclass whose ``get`` gives a dict default the mapping's
marks, as cfn-lint's does), and the short-form intrinsics (``!Ref``, ``!Sub``, ``!GetAtt``, ...)
turned into their ``Fn::`` mappings. Anything else (a YAML error, which cfn-lint may retry
as JSON; a duplicate, null or merge key; more than one document; aliases that expand beyond
cfn-lint's bound) is :class:`Unsupported`: the caller then asks cfn-lint itself, so errors
and their wording stay cfn-lint's. ``tests/test_cloudformation_decoder.py`` compares the two.
"""

from __future__ import annotations

from typing import Any

import yaml

_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_UNCONVERTED = ("Ref", "Condition")  # short forms that keep their name; the rest become Fn::Name
MAX_EXPANDED_NODES = 250_000  # cfn-lint's bound on a template's size with its aliases expanded


class Unsupported(Exception):
    """A template this decoder leaves to cfn-lint."""


class _Mark:
    """The mark of a value that has no place in the text (an empty template)."""

    line = 0
    column = 0


class DictNode(dict):
    def __init__(self, items: Any, start_mark: Any, end_mark: Any):
        super().__init__(items)
        self.start_mark = start_mark
        self.end_mark = end_mark

    def get(self, key, default=None):
        if isinstance(default, dict):
            default = DictNode(default, self.start_mark, self.end_mark)
        return super().get(key, default)


class ListNode(list):
    def __init__(self, items: Any, start_mark: Any, end_mark: Any):
        super().__init__(items)
        self.start_mark = start_mark
        self.end_mark = end_mark


class StrNode(str):
    def __new__(cls, text: str, start_mark: Any, end_mark: Any):
        return str.__new__(cls, text)

    def __init__(self, text: str, start_mark: Any, end_mark: Any):
        self.start_mark = start_mark
        self.end_mark = end_mark


class _Loader(_SAFE):  # type: ignore[misc, valid-type]
    def construct_yaml_map(self, node):
        keys = []
        for key_node, value_node in node.value:
            if key_node.tag in ("tag:yaml.org,2002:merge", "tag:yaml.org,2002:value"):
                raise Unsupported("a merge or value key")
            key = self.construct_object(key_node, False)
            self.construct_object(value_node, False)
            if key is None or key in keys:
                raise Unsupported("a null or duplicate key")
            keys.append(key)
        (data,) = yaml.SafeLoader.construct_yaml_map(self, node)
        return DictNode(data, node.start_mark, node.end_mark)

    def construct_yaml_str(self, node):
        return StrNode(yaml.SafeLoader.construct_yaml_str(self, node), node.start_mark, node.end_mark)

    def construct_yaml_seq(self, node):
        (data,) = yaml.SafeLoader.construct_yaml_seq(self, node)
        return ListNode(data, node.start_mark, node.end_mark)

    def construct_getatt(self, node):
        if isinstance(node.value, str):
            return ListNode(node.value.split(".", 1), node.start_mark, node.end_mark)
        if isinstance(node.value, list) and not any(isinstance(v, tuple) for v in node.value):
            return ListNode([self.construct_object(child, deep=True) for child in node.value],
                            node.start_mark, node.end_mark)
        raise Unsupported("a !GetAtt of another form")


def _intrinsic(loader: _Loader, suffix: str, node):
    name = suffix if suffix in _UNCONVERTED else f"Fn::{suffix}"
    if name == "Fn::GetAtt":
        value = loader.construct_getatt(node)
    elif isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, True)
    elif isinstance(node, yaml.MappingNode):
        value = loader.construct_mapping(node, True)
    else:
        raise Unsupported(f"the tag !{suffix}")
    return DictNode({name: value}, node.start_mark, node.end_mark)


_Loader.add_constructor("tag:yaml.org,2002:map", _Loader.construct_yaml_map)
_Loader.add_constructor("tag:yaml.org,2002:str", _Loader.construct_yaml_str)
_Loader.add_constructor("tag:yaml.org,2002:seq", _Loader.construct_yaml_seq)
_Loader.add_multi_constructor("!", _intrinsic)


def load_template(text: str) -> Any:
    """The decoded template, as cfn-lint's ``decode_str`` gives it; :class:`Unsupported` or a
    YAML error when cfn-lint must decide."""
    loader = _Loader(text)
    try:
        template = loader.get_single_data()
    finally:
        loader.dispose()
    if template is None:
        return DictNode({}, _Mark(), _Mark())
    if "&" in text and _expanded_size(template) > MAX_EXPANDED_NODES:
        raise Unsupported("aliases expand beyond cfn-lint's bound")
    return template


def template_from_node(node: yaml.Node, text: str) -> Any:
    """``load_template`` of ``text`` built from its already composed (one-document) ``node``:
    the scan's YAML parse read the file, so it is not parsed again."""
    loader = _Loader("")
    try:
        template = loader.construct_document(node)
    finally:
        loader.dispose()
    if "&" in text and _expanded_size(template) > MAX_EXPANDED_NODES:
        raise Unsupported("aliases expand beyond cfn-lint's bound")
    return template


def _expanded_size(template: Any) -> int:
    """How many values the template holds with every alias expanded (shared values counted
    each time they appear; each walked once), stopping just past the bound."""
    sizes: dict[int, int] = {}

    def size(node: Any) -> int:
        known = sizes.get(id(node))
        if known is not None:
            return known
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        total = 1
        for child in children:
            total += size(child)
            if total > MAX_EXPANDED_NODES:
                break
        sizes[id(node)] = total
        return total

    return size(template)
