"""Eval harnesses and load-test tools (``rules/readiness/tools.yaml``, validated with
``schemas/rules-readiness-tools.schema.json``) and where a repository shows it uses one: a
config file name, a Python import, a command in a shell script."""

from __future__ import annotations

import fnmatch
import posixpath
import re
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


@lru_cache(maxsize=None)
def _file_patterns(tool: Tool) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """The tool's file patterns as two regexes (``fnmatch`` rules): those without ``/`` match a
    file's name, the others the end of its path."""
    names = [fnmatch.translate(p) for p in tool.files if "/" not in p]
    paths = [fnmatch.translate("*" + p) for p in tool.files if "/" in p]
    return (re.compile("|".join(names)) if names else None, re.compile("|".join(paths)) if paths else None)


def find_evidence(purpose: str, files: Iterable[str], imports: Mapping[str, Iterable[str]],
                  commands: Iterable[tuple[str, int, tuple[str, ...]]]) -> list[Evidence]:
    """Evidence of tools of ``purpose``: ``files`` are repository paths, ``imports`` the dotted
    imports of each Python file, ``commands`` (path, line, words) of shell scripts."""
    wanted = [t for t in tools() if t.purpose == purpose]
    out: list[Evidence] = []
    for path in files:
        name = posixpath.basename(path)
        for tool in wanted:
            by_name, by_path = _file_patterns(tool)
            if (by_name is not None and by_name.match(name)) or (by_path is not None and by_path.match(path)):
                out.append(Evidence(tool.id, path, 1, f"file {path}"))
    tops = {m.partition(".")[0] for tool in wanted for m in tool.imports}
    for path, modules in imports.items():
        for module in modules:
            if module.partition(".")[0] not in tops:
                continue
            parts = module.split(".")
            prefixes = {".".join(parts[:i]) for i in range(1, len(parts) + 1)}  # module == m or below m
            for tool in wanted:
                if not prefixes.isdisjoint(tool.imports):
                    out.append(Evidence(tool.id, path, 1, f"import {module}"))
    for path, line, words in commands:
        for tool in wanted:
            if any(tuple(words[:len(c)]) == c for c in tool.commands):
                out.append(Evidence(tool.id, path, line, f"command {' '.join(words[:3])}"))
    return out
