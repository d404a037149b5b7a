"""TOML with line numbers, as :class:`~flowscan.extract.yamlnodes.Y` trees.

The values come from the standard library's ``tomllib`` (the file is data: nothing is run).
``tomllib`` gives no positions, so each key's line is read from the file's own structure:
table headers (``[a.b]``, ``[[a.b]]``) and ``key = value`` lines (bare, quoted and dotted
keys) at the start of a line. A key written inside an inline table or an array takes the
line of the key that holds it.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from .yamlnodes import Y

_HEADER = re.compile(r"^\s*(?P<open>\[\[?)\s*(?P<path>[^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*(?P<key>(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*=""")
_PART = re.compile(r"""[A-Za-z0-9_-]+|"[^"]*"|'[^']*'""")


class TomlError(ValueError):
    """A malformed TOML file; ``line`` is where the parser stopped (1 when it does not say)."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def load_toml(data: bytes) -> Y:
    """The document as a ``Y`` tree with the line of every key that stands on its own line."""
    try:
        text = data.decode("utf-8")
        document = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise TomlError(str(exc), int(match.group(1)) if match else 1) from exc
    return _tree(document, key_lines(text), (), 1)


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line of each key path (the first time it is written); the items of an array of
    tables (``[[servers]]``) are told apart by their index: ``("servers", "1", "url")``."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    items: dict[tuple[str, ...], int] = {}
    in_multiline = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            in_multiline = line.count('"""') % 2 == 0 and line.count("'''") % 2 == 0
            continue
        header = _HEADER.match(line)
        if header:
            table = _parts(header.group("path"))
            lines.setdefault(table, number)
            if header.group("open") == "[[":
                items[table] = items.get(table, -1) + 1
                table = (*table, str(items[table]))
                lines.setdefault(table, number)
            continue
        key = _KEY.match(line)
        if key:
            path = table + _parts(key.group("key"))
            for depth in range(len(table) + 1, len(path) + 1):
                lines.setdefault(path[:depth], number)
            rest = line[key.end():]
            in_multiline = rest.count('"""') % 2 == 1 or rest.count("'''") % 2 == 1
    return lines


def _parts(dotted: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in _PART.findall(dotted))


def _tree(value: Any, lines: dict[tuple[str, ...], int], path: tuple[str, ...], inherited: int) -> Y:
    line = lines.get(path, inherited)
    if isinstance(value, dict):
        node = Y({key: _tree(item, lines, (*path, key), line) for key, item in value.items()}, line)
    elif isinstance(value, list):
        node = Y([_tree(item, lines, (*path, str(i)), line) for i, item in enumerate(value)], line)
    elif isinstance(value, (str, int, float, bool)):
        node = Y(value, line)
    else:  # dates and times
        node = Y(str(value), line)
    node.key_line = lines.get(path) if path else None
    return node
