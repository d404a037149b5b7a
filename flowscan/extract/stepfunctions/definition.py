"""The Task states of an Amazon States Language document, wherever they nest (Parallel
``Branches``, Map ``Iterator``/``ItemProcessor``), each with the line of its ``Resource``."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

_DEFINITION_FILE = re.compile(r"\.asl\.(json|ya?ml)$", re.IGNORECASE)


def is_definition_file(path: str) -> bool:
    """``*.asl.json`` / ``*.asl.yaml``: a state machine definition kept beside the IaC that deploys it."""
    return _DEFINITION_FILE.search(path) is not None


@dataclass
class Definition:
    """A parsed definition: ``document`` (plain dicts and lists, or a CloudFormation node tree)
    and how to find a state's line (``line_of(state, name)``)."""

    document: Any
    line_of: Callable[[dict[str, Any], str], int]


@dataclass(frozen=True)
class TaskState:
    name: str
    state: dict[str, Any]
    line: int


def task_states(definition: Definition) -> Iterator[TaskState]:
    yield from _walk(definition.document, definition)


def _walk(node: Any, definition: Definition) -> Iterator[TaskState]:
    if isinstance(node, list):
        for item in node:
            yield from _walk(item, definition)
        return
    if not isinstance(node, dict):
        return
    states = node.get("States")
    if isinstance(states, dict):
        for name, state in states.items():
            if isinstance(state, dict) and state.get("Type") == "Task":
                yield TaskState(str(name), state, definition.line_of(state, str(name)))
    for key, value in node.items():
        if key != "Resource":
            yield from _walk(value, definition)


def from_json_text(text: str, first_line: int = 1) -> Definition | None:
    """A definition written as JSON text (a file, ``DefinitionString``); a state's line is the
    line of its ``"Resource"`` after its name (counted from ``first_line``). None if not JSON."""
    try:
        document = json.loads(text)
    except ValueError:
        return None
    lines = text.splitlines()

    def line_of(state: dict[str, Any], name: str) -> int:
        at = _find(lines, re.compile(re.escape(json.dumps(name)) + r"\s*:"), 0)
        resource = _find(lines, re.compile(r'"Resource"\s*:'), at) if at >= 0 else -1
        return first_line + (resource if resource >= 0 else max(at, 0))

    return Definition(document, line_of)


def _find(lines: list[str], key: re.Pattern[str], start: int) -> int:
    """The index of the first line from ``start`` where ``key`` occurs, -1 if none."""
    return next((i for i in range(start, len(lines)) if key.search(lines[i])), -1)
