"""Shell scripts → the simple commands they run, word by word, with lines.

``extract_shell(path, data)`` never runs the script. It joins backslash-continued lines,
drops comments and splits each logical line with :mod:`shlex` (POSIX rules, control
operators ``&&`` ``||`` ``;`` ``|`` ``&`` as separate tokens), then cuts it into simple
commands. Each command goes to ``details.commands`` as a
:class:`~flowscan.configfacts.ShellCommand` (``line``, ``words``, ``lines``), where
``lines[i]`` is the physical line of ``words[i]`` (so a flag on the third line of a
``vllm serve \\`` block keeps its own line). A line that shlex cannot split (an unclosed
quote, a heredoc body) is skipped with a note. No deployment context is made: a script is
not an env source.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from ..configfacts import ConfigFacts, ShellCommand, ShellFacts

KIND = "shell"
OPERATORS = frozenset({"&&", "||", ";", "|", "&", ";;", "|&"})


@dataclass(frozen=True)
class Segment:
    """One physical line of a logical (backslash-continued) line."""

    line: int
    text: str


def extract_shell(path: str, data: bytes) -> ConfigFacts:
    """Facts of one shell script: its simple commands, with the line of every word."""
    facts = ConfigFacts(path=path, kind=KIND)
    text = data.decode("utf-8", errors="replace")
    commands: list[ShellCommand] = []
    for segments in _logical_lines(text.splitlines()):
        tokens = _tokens(segments)
        if tokens is None:
            facts.notes.append(f"{path}:{segments[0].line}: could not split the line like a shell; skipped")
            continue
        commands.extend(_commands(tokens))
    facts.details = ShellFacts(commands)
    return facts


def split_words(text: str) -> list[str] | None:
    """``text`` split like a POSIX shell, comments dropped; None if it cannot be split."""
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        return list(lexer)
    except ValueError:
        return None


def _logical_lines(lines: list[str]) -> list[list[Segment]]:
    """Physical lines grouped into logical lines at trailing backslashes."""
    out: list[list[Segment]] = []
    current: list[Segment] = []
    for number, line in enumerate(lines, start=1):
        continued = _continues(line)
        current.append(Segment(number, line[:-1] if continued else line))
        if not continued:
            out.append(current)
            current = []
    if current:
        out.append(current)
    return out


def _continues(line: str) -> bool:
    """Whether a line ends with an odd number of backslashes (a continuation)."""
    stripped = line.rstrip("\r")
    trailing = len(stripped) - len(stripped.rstrip("\\"))
    return trailing % 2 == 1


def _tokens(segments: list[Segment]) -> list[tuple[str, int]] | None:
    """Words of a logical line with their lines: each physical line split on its own when
    that works (quotes closed on the line), else the whole line at its first line."""
    out: list[tuple[str, int]] = []
    for segment in segments:
        words = split_words(segment.text)
        if words is None:
            joined = split_words(" ".join(s.text for s in segments))
            return None if joined is None else [(w, segments[0].line) for w in joined]
        out.extend((word, segment.line) for word in words)
        if segment.text.lstrip().startswith("#"):
            break  # a comment line ends the logical line, continuation or not
    return out


def _commands(tokens: list[tuple[str, int]]) -> list[ShellCommand]:
    """Simple commands of one logical line, cut at control operators."""
    commands: list[ShellCommand] = []
    current: list[tuple[str, int]] = []
    for word, line in tokens + [(";", 0)]:
        if word in OPERATORS or (word and set(word) <= set("&|;()")):
            if current:
                commands.append(ShellCommand(current[0][1], tuple(w for w, _ in current),
                                             tuple(n for _, n in current)))
            current = []
        else:
            current.append((word, line))
    return commands
