"""Named templates (``{{ define "name" }} … {{ end }}``) of a chart, for ``include``.

Defines are read from every file under ``templates/`` (``_helpers.tpl`` and friends, and
workload templates that define their own). A define's body keeps its file and first line,
so lines reached through an ``include`` point at the helper that wrote them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .template import _ACTION

_DEFINE = re.compile(r'^define\s+"([^"]+)"$')
_OPENERS = ("if", "with", "range", "define", "block")


@dataclass(frozen=True)
class Define:
    """One named template: the file it is in and its body as numbered lines."""

    name: str
    path: str
    lines: tuple[tuple[int, str], ...]


def find_defines(path: str, text: str) -> dict[str, Define]:
    """Every top-level ``define`` in ``text``, by name."""
    out: dict[str, Define] = {}
    depth = 0
    current: tuple[str, int] | None = None  # (name, offset where the body starts)
    for match in _ACTION.finditer(text):
        expr = match.group(2)
        word = expr.split(None, 1)[0] if expr else ""
        if word in _OPENERS:
            depth += 1
            named = _DEFINE.match(expr)
            if depth == 1 and named is not None:
                current = (named.group(1), match.end())
        elif word == "end":
            depth -= 1
            if depth == 0 and current is not None:
                name, start = current
                out[name] = Define(name, path, _body_lines(text, start, match.start()))
                current = None
    return out


def _body_lines(text: str, start: int, end: int) -> tuple[tuple[int, str], ...]:
    """The body between ``start`` and ``end`` as (line number, text), without blank edge
    lines (what ``-}}`` / ``{{-`` trim in the usual layouts)."""
    first_line = text.count("\n", 0, start) + 1
    body = text[start:end]
    lines = body.split("\n")
    numbered = [(first_line + i, line) for i, line in enumerate(lines)]
    while numbered and not numbered[0][1].strip():
        numbered.pop(0)
    while numbered and not numbered[-1][1].strip():
        numbered.pop()
    return tuple(numbered)
