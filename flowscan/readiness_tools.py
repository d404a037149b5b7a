"""Eval harnesses and load-test tools (``rules/readiness/tools.yaml``, validated with
``schemas/rules-readiness-tools.schema.json``) and where a repository shows it uses one: a
config file name, a Python import, a command in a shell script."""

from __future__ import annotations

import fnmatch
import posixpath
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping

from .catalog import default_rules_dir, load_rule_file


@dataclass(frozen=True)
class Tool:
    id: str
    purpose: str  # eval | load
    files: tuple[str, ...]
    imports: tuple[str, ...]
    commands: tuple[tuple[str, ...], ...]
    reference: str


@dataclass(frozen=True)
class Evidence:
    tool: str
    path: str
    line: int
    what: str


@lru_cache(maxsize=1)
def tools() -> tuple[Tool, ...]:
    data = load_rule_file(default_rules_dir() / "readiness" / "tools.yaml", "rules-readiness-tools.schema.json")
    return tuple(Tool(t["id"], t["purpose"], tuple(t.get("files", [])), tuple(t.get("imports", [])),
                      tuple(tuple(c.split()) for c in t.get("commands", [])), t["reference"])
                 for t in data["tools"])


def find_evidence(purpose: str, files: Iterable[str], imports: Mapping[str, Iterable[str]],
                  commands: Iterable[tuple[str, int, tuple[str, ...]]]) -> list[Evidence]:
    """Evidence of tools of ``purpose``: ``files`` are repository paths, ``imports`` the dotted
    imports of each Python file, ``commands`` (path, line, words) of shell scripts."""
    wanted = [t for t in tools() if t.purpose == purpose]
    out: list[Evidence] = []
    for path in files:
        name = posixpath.basename(path)
        for tool in wanted:
            if any(fnmatch.fnmatch(path if "/" in p else name, p if "/" not in p else "*" + p) for p in tool.files):
                out.append(Evidence(tool.id, path, 1, f"file {path}"))
    for path, modules in imports.items():
        for module in modules:
            for tool in wanted:
                if any(module == m or module.startswith(m + ".") for m in tool.imports):
                    out.append(Evidence(tool.id, path, 1, f"import {module}"))
    for path, line, words in commands:
        for tool in wanted:
            if any(tuple(words[:len(c)]) == c for c in tool.commands):
                out.append(Evidence(tool.id, path, line, f"command {' '.join(words[:3])}"))
    return out
