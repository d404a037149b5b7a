"""Fixture annotations, Semgrep-test style: ``# expect: RULE`` / ``# ok: RULE``.

An annotation on a line with code applies to that line; an annotation alone on its line
applies to the next line that is not a comment or blank. Works in every file type that
uses ``#`` comments (Python, YAML, HCL, .env, Dockerfile, shell), and in Bicep's ``//`` comments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from .discover import classify

_ANNOTATION = re.compile(r"(?:#|//)\s*(expect|ok):\s*([a-z0-9/_\-, ]+)")


@dataclass(frozen=True, order=True)
class Annotation:
    path: str
    line: int
    rule: str
    kind: str  # expect | ok


def annotations(root: Path) -> list[Annotation]:
    found: list[Annotation] = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or classify(path.name) is None:
            continue
        rel = path.relative_to(root).as_posix()
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
        for index, text in enumerate(lines):
            for m in _ANNOTATION.finditer(text):
                before = text[: m.start()].strip()
                target = index + 1
                if not before:
                    target = _next_code_line(lines, index)
                for rule in (r.strip() for r in m.group(2).split(",")):
                    if rule:
                        found.append(Annotation(rel, target, rule, m.group(1)))
    return sorted(found)


def _next_code_line(lines: list[str], index: int) -> int:
    for j in range(index + 1, len(lines)):
        stripped = lines[j].strip()
        if stripped and not stripped.startswith(("#", "//")):
            return j + 1
    return index + 1


def compare(expected: list[Annotation], actual: list[tuple[str, int, str]]) -> list[str]:
    """Problems, both ways, with findings counted: a missing expected finding, a finding where
    ``ok`` was promised, a finding with no annotation, and one reported more often than it is
    annotated (``# expect: r, r`` expects two)."""
    from collections import Counter

    problems = []
    wanted = Counter((a.path, a.line, a.rule) for a in expected if a.kind == "expect")
    forbidden = {(a.path, a.line, a.rule) for a in expected if a.kind == "ok"}
    got = Counter(actual)
    for item in sorted(set(wanted) - set(got)):
        problems.append(f"missing   {item[0]}:{item[1]} {item[2]}")
    for item in sorted(set(got) & forbidden):
        problems.append(f"forbidden {item[0]}:{item[1]} {item[2]} (marked ok)")
    for item in sorted(set(got) - set(wanted) - forbidden):
        problems.append(f"unexpected {item[0]}:{item[1]} {item[2]}")
    for item in sorted(set(got) & set(wanted)):
        if got[item] > wanted[item]:
            problems.append(f"repeated  {item[0]}:{item[1]} {item[2]} ({got[item]} times, annotated {wanted[item]})")
    return problems
