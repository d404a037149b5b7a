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


def image_registries(command: StrValue, spec: dict[str, Any]) -> list[StrValue]:
    """The registry each image operand of the command pulls from: the first word after one of
    ``spec["after"]`` (``docker run``) that is neither an option nor an option's value (an
    option not among ``spec["flags"]``, the flags that take no value, takes the next word unless
    written ``--opt=value``), as the URL of its registry (``image_registry``)."""
    words = _word_parts(command)
    texts = [_text_of(word) for word in words]
    flags = set(spec.get("flags", ()))
    out: list[StrValue] = []
    for after in spec["after"]:
        wanted = after.split()
        for start in range(len(texts) - len(wanted) + 1):
            if texts[start:start + len(wanted)] != wanted:
                continue
            image = _operand(words, texts, start + len(wanted), flags)
            if image is not None:
                out.append(image_registry(StrValue(tuple(image), command.trail)))
    return dedupe(out)


def _text_of(word: list[Part]) -> str | None:
    return word[0] if len(word) == 1 and isinstance(word[0], str) else None


def _operand(words: list[list[Part]], texts: list[str | None], i: int, flags: set[str]) -> list[Part] | None:
    """The first operand from word ``i`` on, options and their values skipped; a word the
    analysis cannot read ends the search there (it may be the operand)."""
    while i < len(words):
        text = texts[i]
        if text is None or not text.startswith("-") or text == "-":
            return words[i]
        if "=" in text or text in flags or (not text.startswith("--") and all(f"-{c}" in flags for c in text[1:])):
            i += 1
        else:
            i += 2  # ``--name NAME``: the next word is the option's value
    return None


def image_registry(image: StrValue) -> StrValue:
    """The registry host an image reference pulls from, as a URL: its first path component when
    that is a host (it holds ``.`` or ``:``, is ``localhost``, or is not lower case), else Docker
    Hub's registry (``python:3.12-slim``, ``library/python``); a reference whose first component
    is not known is a hole."""
    head = image.parts[0] if image.parts and isinstance(image.parts[0], str) else ""
    first, slash, _ = head.partition("/")
    if not slash and not image.is_known:
        return StrValue.hole("image registry", image.trail)  # the first component may go on in the hole
    is_host = slash and (first == "localhost" or "." in first or ":" in first or first.lower() != first)
    host = first if is_host and first not in _DOCKER_HUB else "registry-1.docker.io"
    return StrValue.literal(f"https://{host}", image.trail)


_DOCKER_HUB = frozenset({"docker.io", "index.docker.io"})  # Docker Hub's names; its registry is registry-1
