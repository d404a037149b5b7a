"""The policy file checked against its published JSON Schema (``flowscan/schemas/policy.schema.json``)
before it is read: an unknown key, a wrong type or a misspelt rule id stops the scan with
``file:line: key: what is wrong`` (exit 2), never a silent pass. Names the schema cannot know
(regions, countries, groups) are checked by ``policy.load_policy`` against the catalog;
:func:`line_of` gives those errors their line too.
"""

from __future__ import annotations

import difflib
import json
import re
from functools import lru_cache
from typing import Any

POLICY_SCHEMA = "policy.schema.json"


@lru_cache(maxsize=1)
def policy_schema() -> dict[str, Any]:
    from .rulefiles import schema_text

    return json.loads(schema_text(POLICY_SCHEMA))


def schema_problem(data: Any, text: str, source: str) -> str | None:
    """The first schema violation of ``data`` (parsed from ``text``), as ``source:line: key: message``."""
    from jsonschema import Draft202012Validator

    errors = list(Draft202012Validator(policy_schema()).iter_errors(data))
    if not errors:
        return None
    nodes = _compose(text)
    described = [_describe(error, nodes) for error in errors]
    line, key, message = min(described, key=lambda d: (d[0] or 0, d[1]))
    return f"{source}:{line}: {key}: {message}" if line else f"{source}: {key}: {message}"


def _describe(error, nodes) -> tuple[int | None, str, str]:
    path = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = sorted(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        name = extra[0] if extra else "?"
        return (_line(nodes, path, key=name), _dotted(path + [name]),
                f"unknown key {name!r} (expected one of: {', '.join(allowed)}){_did_you_mean(name, allowed)}")
    if "propertyNames" in error.absolute_schema_path:  # a key outside the names it may take
        name = str(error.instance)
        choices = [str(c) for c in error.validator_value] if error.validator == "enum" else []
        what = "rule id (see `flowscan rules`)" if path and path[-1] == "rules" else f"name; one of {', '.join(choices)}"
        return _line(nodes, path, key=name), _dotted(path + [name]), f"unknown {what}{_did_you_mean(name, choices)}"
    if error.validator == "enum":
        choices = [c for c in error.validator_value if isinstance(c, str)]
        return (_line(nodes, path), _dotted(path), f"{error.instance!r} is not one of {', '.join(choices)}"
                + _did_you_mean(str(error.instance), choices))
    if error.validator == "type":
        expected = error.validator_value if isinstance(error.validator_value, list) else [error.validator_value]
        names = [_TYPE_NAMES.get(t, t) for t in expected if t != "null"]
        hint = " (YAML reads a bare NO, no, off or yes as true/false: quote it, e.g. 'NO')" \
            if isinstance(error.instance, bool) and "string" in expected else ""
        return (_line(nodes, path), _dotted(path), f"must be {' or '.join(names)}, not {_type_name(error.instance)}{hint}")
    if error.validator == "required":
        return _line(nodes, path), _dotted(path), error.message.replace("is a required property", "is missing")
    return _line(nodes, path), _dotted(path), error.message


_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
               "boolean": "true or false"}


def _type_name(value: Any) -> str:
    if value is None:
        return "empty"
    return {dict: "a mapping", list: "a list", str: "a string", bool: "true/false", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def _did_you_mean(name: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def _dotted(path: list) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _compose(text: str):
    import yaml

    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None


def _line(node, path: list, key: str | None = None) -> int | None:
    """The 1-based line of the node at ``path`` (or of its key ``key``) in the composed YAML."""
    import yaml

    if node is None:
        return None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == str(part)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            node = None
        if node is None:
            return None
    if key is not None and isinstance(node, yaml.MappingNode):
        found = next((k for k, _ in node.value if k.value == key), None)
        if found is not None:
            return found.start_mark.line + 1
    return node.start_mark.line + 1


_WHERE = re.compile(r"^(?P<source>[^:]+): (?P<key>[\w$-]+(?:\.[\w/$-]+|\[\d+\])*)")


def line_of(message: str, text: str) -> str:
    """``source: residency.allowed[0]: ...`` with the key's line added (``source:3: ...``)."""
    match = _WHERE.match(message)
    if match is None:
        return message
    path: list = []
    for part in re.finditer(r"\[(\d+)\]|([^.\[\]]+)", match.group("key")):
        path.append(int(part.group(1)) if part.group(1) is not None else part.group(2))
    nodes = _compose(text)
    line = _line(nodes, path[:-1], key=str(path[-1])) if path and not isinstance(path[-1], int) else _line(nodes, path)
    if line is None:
        return message
    return f"{match.group('source')}:{line}: {message[len(match.group('source')) + 2:]}"
