"""Command lines a call runs (``subprocess.run([sys.executable, "-m", "pip", "install", pkg])``,
``os.system("playwright install chromium")``) as one string, and which of a sink's cases the
command's words select: a tool that downloads on its own (pip from PyPI, Playwright its browsers)
is reached through the command that starts it (``command: true`` and ``match: words`` in rules/)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model import Step
from ..values import Hole, StrValue, concat, dedupe
from .objects import Frame, ListObj, Obj

if TYPE_CHECKING:
    from .resolve import Resolver

_UNKNOWN_WORD = "\0"


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
