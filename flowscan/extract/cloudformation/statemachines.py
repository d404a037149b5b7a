"""State machines of a template (``AWS::StepFunctions::StateMachine``, SAM
``AWS::Serverless::StateMachine``) → the endpoints their Task states call, in the stack's region.

The definition is read inline (``Definition``), from JSON text (``DefinitionString``, a
``Fn::Sub`` template's text included) or from a local ``*.asl.json`` file (SAM ``DefinitionUri``);
one in S3 is not read, and a note says so. ``${name}`` in a Resource is replaced from
``DefinitionSubstitutions``.
"""

from __future__ import annotations

import posixpath
import re
from typing import Any

from ...configfacts import ConfigEndpoint
from ..stepfunctions import (
    Definition,
    MachineRegion,
    bundled_stepfunctions_rules,
    from_json_text,
    task_endpoints,
)
from .decode import at_path as get
from .decode import line_of
from .evaluate import Stack
from .rules import StateMachineRule

_PLACEHOLDER = re.compile(r"\$\{([^}!][^}]*)\}")


def state_machine_endpoints(stack: Stack, logical: str, line: int, resource: dict[str, Any], rule: StateMachineRule,
                            definitions: dict[str, bytes], notes: list[str]) -> list[ConfigEndpoint]:
    found = _definition(stack, logical, line, resource, rule, definitions, notes)
    if found is None:
        return []
    definition, path = found
    region = stack.region
    substitutions = get(resource, rule.substitutions) if rule.substitutions else None
    substitutions = substitutions if isinstance(substitutions, dict) else {}

    def text_of(node: Any, at: int) -> str | None:
        text = stack.eval(node, at).text
        if text is None and isinstance(node, dict) and isinstance(node.get("Fn::Sub"), str):
            text = node["Fn::Sub"]  # a Sub's text, its ${...} read below
        if text is None or "${" not in text:
            return text
        # the partition does not change which service a state calls (its region is placed apart)
        text = _PLACEHOLDER.sub(lambda m: _substitute(stack, substitutions, m, at), text.replace("${AWS::Partition}", "aws"))
        return None if "${" in text else text

    return task_endpoints(f"{logical} (stack {posixpath.basename(stack.path)})", definition,
                          MachineRegion(region.text, region.chain, region.why), path, text_of,
                          bundled_stepfunctions_rules(), notes)


def _substitute(stack: Stack, substitutions: dict[str, Any], match: re.Match[str], line: int) -> str:
    name = match.group(1)
    if name not in substitutions:
        return match.group(0)
    value = stack.eval(substitutions[name], line)
    return value.text if value.text is not None else match.group(0)


def _definition(stack: Stack, logical: str, line: int, resource: dict[str, Any], rule: StateMachineRule,
                definitions: dict[str, bytes], notes: list[str]) -> tuple[Definition, str] | None:
    """The definition and the file it is written in."""
    where = f"{stack.path}:{line}: {logical}"
    inline = get(resource, rule.definition) if rule.definition else None
    if isinstance(inline, dict):
        return Definition(inline, lambda state, name: line_of(state.get("Resource"), line_of(state, line))), stack.path
    text_node = get(resource, rule.definition_string) if rule.definition_string else None
    if text_node is not None:
        text = text_node if isinstance(text_node, str) else stack.eval(text_node, line).text
        if text is None and isinstance(text_node, dict) and "Fn::Sub" in text_node:
            sub = text_node["Fn::Sub"]
            text = sub if isinstance(sub, str) else sub[0] if isinstance(sub, list) and sub and isinstance(sub[0], str) else None
        first = line_of(text_node, line)
        if text is not None and "\n" in text and not stack.path.endswith(".json"):
            first += 1  # a YAML block scalar: its text starts on the next line
        parsed = from_json_text(text, first) if text is not None else None
        if parsed is None:
            notes.append(f"{where}: DefinitionString is not JSON flowscan can read; its states are not placed")
            return None
        return parsed, stack.path
    file_node = get(resource, rule.definition_file) if rule.definition_file else None
    if isinstance(file_node, str) and not file_node.startswith("s3://"):
        path = posixpath.normpath(posixpath.join(posixpath.dirname(stack.path), file_node))
        data = definitions.get(path)
        parsed = from_json_text(data.decode("utf-8", "replace")) if data is not None else None
        if parsed is None:
            notes.append(f"{where}: DefinitionUri {file_node} is not a *.asl.json file of the scan; its states are not placed")
            return None
        return parsed, path
    s3 = get(resource, rule.definition_s3) if rule.definition_s3 else None
    if file_node is not None or s3 is not None:
        notes.append(f"{where}: the definition is in S3; its states are not placed")
    return None
