"""Template control flow: the content lines reached under ``if``/``else``/``with``/``range``
over known values, each with its scope.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ...model import Step
from .template import _ACTION, NotEvaluated, Scope, Val, _empty, evaluate

_CONTROL = ("if", "else", "end", "with", "range", "define", "block")
_OPENERS = ("if", "with", "range", "define", "block")


@dataclass
class Line:
    """A template content line as the evaluator reaches it (``range`` bodies repeat)."""

    number: int
    text: str
    scope: Scope
    uncertain: bool  # under a condition that could not be evaluated


def _control_actions(text: str) -> list[tuple[str, str]] | None:
    """``[(keyword, rest)]`` when the line holds only control actions (``if``, ``end``,
    ``$x := …``, comments), else None."""
    if not text.strip() or _ACTION.sub("", text).strip():
        return None
    out = []
    for m in _ACTION.finditer(text):
        expr = m.group(2)
        word = expr.split(None, 1)[0] if expr else ""
        if expr.startswith("/*"):
            continue
        if word in _CONTROL:
            out.append((word, expr[len(word):].strip()))
        elif word.startswith("$") and re.match(r"^\$\w*\s*:?=", expr):
            out.append(("assign", expr))
        else:
            return None
    return out


def _truth(expr: str, scope: Scope) -> bool | None:
    try:
        return not _empty(evaluate(expr, scope).value)
    except NotEvaluated:
        return None


@dataclass
class _Frame:
    keyword: str
    state: bool | None  # this branch: True taken, False skipped, None unknown
    done: bool | None  # some branch so far was taken (None: maybe)
    scope: Scope  # the scope inside the branch
    outer: Scope  # the scope around the block (for else branches)


def walk(lines: list[tuple[int, str]], scope: Scope, uncertain: bool = False) -> list[Line]:
    """Content lines reached under ``if``/``else``/``with``/``range`` over known values."""
    out: list[Line] = []
    stack: list[_Frame] = []
    i = 0
    while i < len(lines):
        number, text = lines[i]
        actions = _control_actions(text)
        current = stack[-1].scope if stack else scope
        active = all(f.state is not False for f in stack)
        unsure = uncertain or any(f.state is None for f in stack)
        if actions is None:
            if active:
                out.append(Line(number, text, current, unsure))
            i += 1
            continue
        for keyword, rest in actions:
            if keyword == "range":
                end = _matching_end(lines, i)
                if active:
                    out.extend(_walk_range(rest, lines[i + 1:end], current, unsure))
                i = end
                break
            _control(keyword, rest, stack, current)
            current = stack[-1].scope if stack else scope
        i += 1
    return out


def _control(keyword: str, rest: str, stack: list[_Frame], scope: Scope) -> None:
    if keyword == "if":
        state = _truth(rest, scope)
        stack.append(_Frame("if", state, state, scope, scope))
    elif keyword == "with":
        try:
            val: Val | None = evaluate(rest, scope)
            state: bool | None = not _empty(val.value)
        except NotEvaluated:
            val, state = None, None
        stack.append(_Frame("with", state, state, scope.child(val), scope))
    elif keyword in ("define", "block"):
        stack.append(_Frame(keyword, False, False, scope, scope))
    elif keyword == "else" and stack:
        _else(rest, stack[-1])
    elif keyword == "end" and stack:
        stack.pop()
    elif keyword == "assign":
        name, _, expr = re.match(r"^(\$\w*)\s*(:?=)\s*(.*)$", rest).groups()
        try:
            scope.variables[name] = evaluate(expr, scope)
        except NotEvaluated:
            scope.variables.pop(name, None)


def _else(rest: str, frame: _Frame) -> None:
    """``else`` / ``else if COND``: taken only when no earlier branch was."""
    frame.scope = frame.outer
    if frame.done is True:
        frame.state = False
        return
    condition = _truth(rest[3:], frame.outer) if rest.startswith("if ") else True
    if frame.done is None:
        frame.state = False if condition is False else None
    else:
        frame.state = condition
    if frame.state is True:
        frame.done = True
    elif frame.state is None:
        frame.done = None


def _matching_end(lines: list[tuple[int, str]], start: int) -> int:
    depth = 0
    for j in range(start, len(lines)):
        for keyword, _ in _control_actions(lines[j][1]) or []:
            if keyword in _OPENERS:
                depth += 1
            elif keyword == "end":
                depth -= 1
                if depth == 0:
                    return j
    return len(lines)


def _walk_range(rest: str, body: list[tuple[int, str]], scope: Scope, uncertain: bool) -> list[Line]:
    """A ``range`` body once per item of a known list or map (Go sorts map keys)."""
    m = re.match(r"^(?:(\$\w+)\s*(?:,\s*(\$\w+))?\s*:=\s*)?(.*)$", rest)
    first, second, expr = m.groups() if m else (None, None, rest)
    body = _drop_else(body)
    try:
        target = evaluate(expr, scope)
    except NotEvaluated:
        return walk(body, scope.child(None), uncertain=True)
    node = target.node
    if node is None or not isinstance(node.value, (dict, list)):
        return []
    items = sorted(node.value.items()) if isinstance(node.value, dict) else list(enumerate(node.value))
    out: list[Line] = []
    for key, child in items:
        item = Val(child.plain(), (Step(child.path, child.line, f"{expr} item {key}"),), child)
        names: dict[str, Val | None] = {}
        if first and second:
            names = {first: Val(key), second: item}
        elif first:
            names = {first: item}
        out.extend(walk(body, scope.child(item, **names), uncertain))
    return out


def _drop_else(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The body of a ``range`` without its ``else`` branch (for empty collections)."""
    depth = 0
    for j, (_, text) in enumerate(body):
        for keyword, _rest in _control_actions(text) or []:
            if keyword in _OPENERS:
                depth += 1
            elif keyword == "end":
                depth -= 1
            elif keyword == "else" and depth == 0:
                return body[:j]
    return body
