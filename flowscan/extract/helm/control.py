"""Template control flow: the content lines reached under ``if``/``else``/``with``/``range``
over known values, each with its scope, the values lines that chose its branch, and the
conditions around it that could not be evaluated (both branches of those are reached).

Actions written over several lines (``{{- if or`` … ``}}``) are joined first. A line that is
only ``{{ include "name" ARG | nindent N }}`` is replaced by the named template's lines,
walked with ``.`` bound to ARG and indented by N; ``include`` inside an expression renders
the named template to text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ...model import Step
from .defines import Define
from .template import _ACTION, LOOKUP_UNDECIDED, NotEvaluated, Scope, Val, _empty, evaluate, node_steps, render

_CONTROL = ("if", "else", "end", "with", "range", "define", "block")
_OPENERS = ("if", "with", "range", "define", "block")
_INCLUDE_LINE = re.compile(r'^include\s+"([^"]+)"\s+(.+?)(?:\s*\|\s*(n?indent)\s+(\d+))?$')
MAX_INCLUDE_DEPTH = 8


@dataclass
class Line:
    """A template content line as the evaluator reaches it (``range`` bodies repeat)."""

    number: int
    text: str
    scope: Scope
    uncertain: bool  # under a condition that could not be evaluated
    path: str | None = None  # the file of a line reached through ``include`` (None: the template read)
    decided_by: tuple[Step, ...] = ()  # values lines read by the innermost condition that chose this branch
    undecided: tuple[str, ...] = ()  # the conditions around this line that could not be evaluated
    site: int | None = None  # for a line reached through ``include``: the template line that included it
    pad: int = 0  # spaces the including ``indent``/``nindent`` put before this line (already in ``text``)


@lru_cache(maxsize=8192)
def _control_actions(text: str) -> tuple[tuple[str, str], ...] | None:
    """``((keyword, rest), ...)`` when the line holds only control actions (``if``, ``end``,
    ``$x := …``, comments), else None. Cached: range bodies and includes read lines again."""
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
    return tuple(out)


def join_actions(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Lines with every action that spans several lines joined onto its first line."""
    out: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, text in lines:
        if pending is not None:
            pending = (pending[0], pending[1] + " " + text.strip())
            if _open_action(pending[1]):
                continue
            out.append(pending)
            pending = None
        elif _open_action(text):
            pending = (number, text)
        else:
            out.append((number, text))
    if pending is not None:
        out.append(pending)
    return out


def _open_action(text: str) -> bool:
    return text.rfind("{{") > text.rfind("}}")


@dataclass
class _Frame:
    keyword: str
    state: bool | None  # this branch: True taken, False skipped, None unknown
    done: bool | None  # some branch so far was taken (None: maybe)
    scope: Scope  # the scope inside the branch
    outer: Scope  # the scope around the block (for else branches)
    steps: tuple[Step, ...] = ()  # the values lines the conditions so far were read from
    undecided: tuple[str, ...] = ()  # conditions of this block that could not be evaluated


@dataclass
class Walker:
    """Walks template lines; knows the chart's named templates for ``include``."""

    defines: dict[str, Define] = field(default_factory=dict)
    depth: int = 0

    def scope(self, root: Val) -> Scope:
        """The top-level scope of a template: ``.`` and ``$`` are the root."""
        return Scope(root, root, include=self.include)

    def walk(self, lines: list[tuple[int, str]], scope: Scope, uncertain: bool = False, *,
             path: str | None = None, decided: tuple[Step, ...] = (), undecided: tuple[str, ...] = ()
             ) -> list[Line]:
        """Content lines reached under ``if``/``else``/``with``/``range`` over known values."""
        lines = join_actions(lines)
        out: list[Line] = []
        stack: list[_Frame] = []
        i = 0
        while i < len(lines):
            number, text = lines[i]
            actions = _control_actions(text)
            current = stack[-1].scope if stack else scope
            active = all(f.state is not False for f in stack)
            unsure = uncertain or any(f.state is None for f in stack)
            here_decided = stack[-1].steps if stack else decided
            here_undecided = undecided + tuple(c for f in stack for c in f.undecided)
            if actions is None:
                if active:
                    out.extend(self._content(number, text, current, unsure, path, here_decided, here_undecided))
                i += 1
                continue
            for keyword, rest in actions:
                if keyword == "range":
                    end = _matching_end(lines, i)
                    if active:
                        out.extend(self._range(rest, lines[i + 1:end], current, unsure, path,
                                               here_decided, here_undecided))
                    i = end
                    break
                _control(keyword, rest, stack, current)
                current = stack[-1].scope if stack else scope
            i += 1
        return out

    def _content(self, number: int, text: str, scope: Scope, uncertain: bool, path: str | None,
                 decided: tuple[Step, ...], undecided: tuple[str, ...]) -> list[Line]:
        """A content line, or the lines of the named template it includes."""
        stripped = text.strip()
        match = _ACTION.fullmatch(stripped)
        included = _INCLUDE_LINE.match(match.group(2)) if match else None
        if included is None or included.group(1) not in self.defines or self.depth >= MAX_INCLUDE_DEPTH:
            return [Line(number, text, scope, uncertain, path, decided, undecided)]
        name, argument, _, width = included.groups()
        define = self.defines[name]
        try:
            dot: Val | None = evaluate(argument, scope)
        except NotEvaluated:
            dot = None
        pad = " " * int(width) if width else ""
        inner = Walker(self.defines, self.depth + 1)
        body = [(n, pad + line) for n, line in define.lines]
        lines = inner.walk(body, Scope(dot, dot, {}, inner.include), uncertain or dot is None,
                           path=define.path, decided=decided, undecided=undecided)
        for line in lines:
            line.site = number  # the outermost include wins: it runs last
            line.pad += len(pad)
        return lines

    def include(self, name: str, argument: Val) -> Val:
        """``include NAME ARG`` in an expression: the named template rendered to text."""
        define = self.defines.get(name)
        if define is None or self.depth >= MAX_INCLUDE_DEPTH:
            raise NotEvaluated(f"include {name}")
        inner = Walker(self.defines, self.depth + 1)
        lines = inner.walk(list(define.lines), Scope(argument, argument, {}, inner.include))
        if any(line.uncertain for line in lines):
            raise NotEvaluated(f"include {name}: a condition not evaluated")
        texts, steps = [], []
        for line in lines:
            rendered, line_steps = render(line.text, line.scope)
            texts.append(rendered)
            steps.extend(line_steps)
        return Val("\n".join(texts).strip(), tuple(steps))

    def _range(self, rest: str, body: list[tuple[int, str]], scope: Scope, uncertain: bool, path: str | None,
               decided: tuple[Step, ...], undecided: tuple[str, ...]) -> list[Line]:
        """A ``range`` body once per item of a known list or map (Go sorts map keys)."""
        m = re.match(r"^(?:(\$\w+)\s*(?:,\s*(\$\w+))?\s*:=\s*)?(.*)$", rest)
        first, second, expr = m.groups() if m else (None, None, rest)
        body = _drop_else(body)
        try:
            target = evaluate(expr, scope)
        except NotEvaluated:
            return self.walk(body, scope.child(None), True, path=path, decided=decided,
                             undecided=undecided + (f"range {expr}",))
        node = target.node
        if node is None or not isinstance(node.value, (dict, list)):
            return []
        items = sorted(node.value.items()) if isinstance(node.value, dict) else list(enumerate(node.value))
        out: list[Line] = []
        for key, child in items:
            item = Val(child.plain(), node_steps(child, f"{expr} item {key}"), child)
            names: dict[str, Val | None] = {}
            if first and second:
                names = {first: Val(key), second: item}
            elif first:
                names = {first: item}
            out.extend(self.walk(body, scope.child(item, **names), uncertain, path=path, decided=decided,
                                 undecided=undecided))
        return out


def walk(lines: list[tuple[int, str]], scope: Scope, uncertain: bool = False) -> list[Line]:
    """Content lines of a template with no named templates to include."""
    return Walker().walk(lines, scope, uncertain)


def _truth(expr: str, scope: Scope) -> tuple[bool | None, tuple[Step, ...]]:
    try:
        val = evaluate(expr, scope)
    except NotEvaluated:
        return None, ()
    return not _empty(val.value), val.steps


def _control(keyword: str, rest: str, stack: list[_Frame], scope: Scope) -> None:
    if keyword == "if":
        state, steps = _truth(rest, scope)
        stack.append(_Frame("if", state, state, scope, scope, steps, _undecided("if", rest, state)))
    elif keyword == "with":
        try:
            val: Val | None = evaluate(rest, scope)
            state: bool | None = not _empty(val.value)
        except NotEvaluated:
            val, state = None, None
        steps = val.steps if val is not None else ()
        stack.append(_Frame("with", state, state, scope.child(val), scope, steps, _undecided("with", rest, state)))
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


def _undecided(keyword: str, condition: str, state: bool | None) -> tuple[str, ...]:
    if state is not None:
        return ()
    why = f" ({LOOKUP_UNDECIDED})" if re.search(r"\blookup\b", condition) else ""
    return (f"{keyword} {condition}{why}",)


def _else(rest: str, frame: _Frame) -> None:
    """``else`` / ``else if COND``: taken only when no earlier branch was."""
    frame.scope = frame.outer
    if frame.done is True:
        frame.state = False
        return
    if rest.startswith("if "):
        condition, steps = _truth(rest[3:], frame.outer)
        frame.steps += steps
        frame.undecided += _undecided("else if", rest[3:], condition)
    else:
        condition = True
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
