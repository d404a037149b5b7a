"""Opt-in by loading a file by its path: a Python file shipped inside a package as data (in a
folder without ``__init__.py`` inside a package, like ``pkg/profiles/defaults/cerebras.py``, or
with a name that is no identifier, like ``pkg/profiles/aws-docs.py``) cannot be imported as a
module of the package. Its code runs only when something loads it by its path (``exec`` of its
text, ``runpy``, ``importlib.util.spec_from_file_location``), which a user's choice (a profile,
a plugin, a script to run) decides. Its outbound calls are ``opt-in``, and so is a value
written in it (``interpreter.llm.api_base = "https://api.cerebras.ai/v1"``) wherever it is
used, with the switch "loading pkg/…/file.py".

It makes no switch when the tree may load the file by default or under a name flowscan does
not follow: a file of the tree imports its module (a namespace package), or another file
names it (in Python its file name ``cerebras.py``, its stem quoted ``"cerebras"``, a dotted
path ending in it, or a path ending in ``/cerebras``; in a configuration file a value that is
such a name): the place naming it decides, and flowscan does not read it.
"""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from ..model import Switch
from ..values import StrValue
from .facts import ModuleFacts
from .resolve import Resolver

LOADING = "loading"  # the setting a loaded file's switch names
_SKIPPED = frozenset({"__init__.py", "__main__.py", "setup.py", "conftest.py"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # program -> path -> switch or None


def loaded_switches(module: ModuleFacts, resolver: Resolver) -> tuple[Switch, ...]:
    """The switch of a call in ``module`` when the module's file runs only when loaded by its path."""
    switch = _switch(module.path, resolver)
    return (switch,) if switch is not None else ()


def loaded_value_switches(value: StrValue, resolver: Resolver) -> tuple[Switch, ...]:
    """The switches of the files that run only when loaded by path which ``value`` was written
    or passed in (a step of its chain there): the value exists only once such a file runs."""
    paths = dict.fromkeys(step.path for step in value.trail if step.path.endswith(".py"))
    return tuple(switch for path in paths if (switch := _switch(path, resolver)) is not None)


def _switch(path: str, resolver: Resolver) -> Switch | None:
    program = resolver.program
    memo = _MEMO.setdefault(program, {})
    if path not in memo:
        memo[path] = _compute(path, resolver)
    elif program.deps is not None:
        for word in _stem_words(path):
            program.deps.ask(f"mention:{word}")
    return memo[path]


def _compute(path: str, resolver: Resolver) -> Switch | None:
    program = resolver.program
    if path not in program.sources or not _not_importable(path, program.sources):
        return None
    if any(program.import_index.under.get(name) for name in program._module_names.get(path, ())):
        return None  # imported as a module (a namespace package)
    if program.deps is not None:  # a file starting or ceasing to name it changes the answer
        for word in _stem_words(path):
            program.deps.ask(f"mention:{word}")
    if _named_elsewhere(path, program):
        return None
    return Switch(path, 1, f"{LOADING} {path}",
                  f"code or a user loads {path} by its path (a file shipped as data in a package, not importable)",
                  "nothing in the scanned tree names it", False)


def _not_importable(path: str, sources) -> bool:
    """Whether ``path`` sits inside a package but cannot be imported as one of its modules: its
    folder has no ``__init__.py`` while a folder above has one (a data folder of the package,
    unless a file imports it as a namespace package), or its name is no identifier in a
    package folder."""
    folder, _, name = path.rpartition("/")
    if not name.endswith(".py") or name in _SKIPPED or not folder:
        return False
    stem = name[:-3]
    if f"{folder}/__init__.py" in sources:
        return not _IDENTIFIER.match(stem)
    while "/" in folder:
        folder = folder.rpartition("/")[0]
        if f"{folder}/__init__.py" in sources:
            return True
    return False


def _stem_words(path: str) -> list[str]:
    return _WORD.findall(path.rpartition("/")[2][:-3])


def _named_elsewhere(path: str, program) -> bool:
    """Whether another file of the tree names the file: in Python ``stem.py``, a quoted
    ``"stem"``, a dotted path ``….stem`` or a path ``…/stem``; in a configuration file a value
    that is such a name (``profile: fast.py``, ``plugins = ["pkg/plugins/fast"]``), not prose."""
    stem = path.rpartition("/")[2][:-3]
    word = re.escape(stem.encode())
    in_python = re.compile(rb"(?<![\w-])" + word + rb"\.py\b|[\"']" + word + rb"[\"']|[\w)][./]" + word + rb"(?![\w-])")
    in_config = re.compile(rb"""(?:[:=,\[]|^\s*-)\s*["']?(?:[\w.-]*[./]""" + word + rb"(?:\.py)?|" + word
                           + rb"""\.py)["']?\s*(?:$|[,\]}#])""", re.MULTILINE)
    words = [w.encode() for w in _stem_words(path)]
    for other in sorted(program.sources):
        if other == path or not all(w in program.words(other) for w in words):
            continue
        if (in_python if other.endswith(".py") else in_config).search(program.sources[other]):
            return True
    return False
