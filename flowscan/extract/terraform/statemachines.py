"""``aws_sfn_state_machine`` → the endpoints its Task states call, in its region (its provider's).

The definition is read from ``jsonencode({...})`` (each state's line is where it is written), a
JSON string or heredoc, or ``file()``/``templatefile()`` of a ``*.asl.json`` file of the scan.
"""

from __future__ import annotations

from typing import Any

from hcl2.rules import functions as hf

from ...configfacts import ConfigEndpoint, Placement
from ..stepfunctions import (
    Definition,
    MachineRegion,
    bundled_stepfunctions_rules,
    from_json_text,
    task_endpoints,
)
from .code import path_from_root
from .evaluate import Scope
from .parse import Attr, Block, _unwrap
from .values import Encoded, Val, to_str


def state_machine_endpoints(scope: Scope, resource: Block, argument: str, placement: Placement | None,
                            definitions: dict[str, bytes], notes: list[str]) -> list[ConfigEndpoint]:
    attr = resource.attrs.get(argument)
    address = f"{scope.address}{'.'.join(resource.labels)}"
    if attr is None:
        return []
    found = _definition(scope, attr, definitions)
    if found is None:
        notes.append(f"{address} (line {resource.line}): its definition is not read statically; its states are not placed")
        return []
    definition, path = found
    region = MachineRegion(placement.region, placement.chain, "its provider's region, set at apply time") \
        if placement is not None else MachineRegion(None, (), "no region")
    return task_endpoints(address, definition, region, path, lambda node, line: node if isinstance(node, str) else None,
                          bundled_stepfunctions_rules(), notes)


def _definition(scope: Scope, attr: Attr, definitions: dict[str, bytes]) -> tuple[Definition, str] | None:
    node = _unwrap(attr.expr)
    if isinstance(node, hf.FunctionCallRule):
        name = "::".join(str(i.token.value) for i in node.identifiers)
        args = node.arguments.arguments if node.arguments else []
        if name in ("file", "templatefile") and args:
            path = path_from_root(scope, to_str(scope.eval(args[0], scope.file(attr.path))))
            data = definitions.get(path) if path is not None else None
            parsed = from_json_text(data.decode("utf-8", "replace")) if data is not None else None
            return (parsed, path) if parsed is not None and path is not None else None
    val = scope.eval(attr.expr, scope.file(attr.path))
    if isinstance(val.value, Encoded):
        lines: dict[int, int] = {}
        document = _plain(val.value.inner, lines)
        return Definition(document, lambda state, name: lines.get(id(state), attr.line)), attr.path
    text = to_str(val)
    parsed = from_json_text(text, attr.line + 1) if text is not None else None
    return (parsed, attr.path) if parsed is not None else None


def _plain(val: Val, lines: dict[int, int]) -> Any:
    """Plain data of a ``jsonencode`` argument; ``lines`` maps each object to the line of its
    ``Resource`` (or its own)."""
    value = val.value
    if isinstance(value, Encoded):
        return _plain(value.inner, lines)
    if isinstance(value, dict):
        out = {key: _plain(item, lines) for key, item in value.items()}
        resource = value.get("Resource")
        lines[id(out)] = (resource.line if resource is not None and resource.line else val.line)
        return out
    if isinstance(value, list):
        return [_plain(item, lines) for item in value]
    return to_str(val)
