"""Command lines a call runs (``subprocess.run([sys.executable, "-m", "pip", "install", pkg])``,
``os.system("playwright install chromium")``) as one string, and which of a sink's cases the
command's words select: a tool that downloads on its own (pip from PyPI, Playwright its browsers)
is reached through the command that starts it (``command: true`` and ``match: words`` in rules/)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..model import Step
from ..urls import url_start
from ..values import Hole, Part, StrValue, concat, dedupe, join_parts
from .objects import Frame, ListObj, Obj

if TYPE_CHECKING:
    from .resolve import Resolver

_UNKNOWN_WORD = "\0"
_SPACE = re.compile(r"(\s+)")


def command_line(objs: list[Obj], frame: Frame, resolver: Resolver) -> list[StrValue]:
    """Each command among ``objs`` as text: a list of words (an argv) joined by single spaces,
    a string as it is (the shell splits it); a word the analysis cannot resolve is a hole."""
    out: list[StrValue] = []
    for obj in objs:
        if isinstance(obj, ListObj):
            pieces: list[list[StrValue]] = []
            for i, (item, item_frame) in enumerate(obj.pairs()):
                if i:
                    pieces.append([StrValue.literal(" ")])
                words = resolver.strings(resolver.eval(item, item_frame), item_frame, what="word")
                pieces.append(words or [StrValue.hole("word not resolved")])
            joined, _ = concat(pieces)
            step = Step(frame.module.path, obj.line or frame.line, "command words")
            out.extend(v.then(step) for v in joined)
        else:
            out.extend(resolver.strings([obj], frame, what="command"))
    return dedupe(out)


def first_words_case(selector: StrValue, cases: dict[str, Any]) -> str | None:
    """The first case (in rule order) whose key's words occur, adjacent and in order, among the
    known words of ``selector`` (``pip install`` in ``{sys.executable} -m pip install -U x``)."""
    words = _words(selector)
    for key in cases:
        wanted = key.split()
        if wanted and any(words[i:i + len(wanted)] == wanted for i in range(len(words) - len(wanted) + 1)):
            return key
    return None


def _words(value: StrValue) -> list[str]:
    """The whitespace-separated words of ``value``; a word that touches a hole is unknown and
    matches no case word."""
    text = "".join(_UNKNOWN_WORD if isinstance(part, Hole) else part for part in value.parts)
    return [word if _UNKNOWN_WORD not in word else _UNKNOWN_WORD for word in text.split()]


def option_values(command: StrValue, options: list[str]) -> list[StrValue]:
    """The values the command gives ``options`` (``--index-url URL``, ``--index-url=URL``,
    ``-i URL``): the word after the option, or the part after ``=``; a value word the analysis
    cannot resolve stays a hole. Empty when no option word is known in the command."""
    words = _word_parts(command)
    out: list[StrValue] = []
    for i, word in enumerate(words):
        head = word[0] if word and isinstance(word[0], str) else ""
        for option in options:
            if len(word) == 1 and head == option and i + 1 < len(words):
                out.append(StrValue(tuple(words[i + 1]), command.trail))
            elif head.startswith(option + "=") and option.startswith("--"):
                out.append(StrValue(join_parts([head[len(option) + 1:], *word[1:]]), command.trail))
    return dedupe(out)


def url_words(command: StrValue) -> list[StrValue]:
    """Every word of the command that holds a URL (``https://download.pytorch.org/whl/cpu``,
    ``git+https://github.com/org/repo.git``, ``pkg@git+https://...``, ``--find-links=https://...``):
    the URL from its scheme on, without a ``git+`` / ``hg+`` / ``svn+`` / ``bzr+`` prefix."""
    out: list[StrValue] = []
    for word in _word_parts(command):
        head = word[0] if word and isinstance(word[0], str) else ""
        start = url_start(head)
        if start is not None:
            out.append(StrValue(join_parts([head[start:], *word[1:]]), command.trail))
    return dedupe(out)


def _word_parts(value: StrValue) -> list[list[Part]]:
    """The whitespace-separated words of ``value``, each as its parts (a hole stays in the word
    it touches), quotes around a word dropped."""
    words: list[list[Part]] = []
    current: list[Part] = []
    for part in value.parts:
        if isinstance(part, Hole):
            current.append(part)
            continue
        for chunk in _SPACE.split(part):
            if chunk.isspace():
                if current:
                    words.append(current)
                current = []
            elif chunk:
                current.append(chunk)
    if current:
        words.append(current)
    return [list(join_parts([p.strip("'\"") if isinstance(p, str) else p for p in word])) for word in words]
