"""Opt-in by loading a file by its path: a Python file shipped inside a package as data (in a
folder without ``__init__.py`` inside a package, like ``pkg/profiles/defaults/cerebras.py``, or
with a name that is no identifier, like ``pkg/profiles/aws-docs.py``) cannot be imported as a
module of the package. Its code runs only when something loads it by its path (``exec`` of its
text, ``runpy``, ``importlib.util.spec_from_file_location``), which a user's choice (a profile,
a plugin, a script to run) decides. Its outbound calls are ``opt-in``, and so is a value
written in it (``interpreter.llm.api_base = "https://api.cerebras.ai/v1"``) wherever it is
used, with the switch "loading pkg/…/file.py".

A file of the tree importing its module (a namespace package), or listing its folder's
modules to import them all (``pkgutil.iter_modules`` in a file naming the folder), makes no
switch. Another file
naming it (in Python its file name ``cerebras.py`` or a quoted dotted or slashed path ending in
it, ``"pkg.profiles.cerebras"``, ``"profiles/cerebras"``; in a configuration file a value that
is such a name) decides: a name written on the line of an assignment or a call that runs only
under failing configuration tests (``if args.groq: args.profile = "groq.py"``) makes the file
opt-in with those tests; any other makes no switch. A bare word (``"groq"``, a flag's name or
a key a path is built from at run time) is not taken for the file.
"""

from __future__ import annotations

import re
from weakref import WeakKeyDictionary

from ..model import Switch
from ..values import StrValue
from .facts import ModuleFacts, all_scopes
from .objects import Frame
from .reach import _evaluate
from .resolve import Resolver

LOADING = "loading"  # the setting a loaded file's switch names
_SKIPPED = frozenset({"__init__.py", "__main__.py", "setup.py", "conftest.py"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # resolver -> path -> switch or None
_LISTERS = ("iter_modules", "walk_packages")  # pkgutil's: import every module of a folder
_LISTER_WORDS = tuple(word.encode() for word in _LISTERS)


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
    """The switch of file ``path``, once per resolver (a deployment context decides the tests of
    the places naming it), its reads recorded as a ``loaded-switch`` unit (``deps``)."""
    memo = _MEMO.setdefault(resolver, {})
    deps = resolver.deps
    if path in memo:
        if deps is not None:
            deps.hit(("loaded-switch", resolver.dep_scope), path)
        return memo[path]
    memo[path] = None  # a place naming it whose tests read a value it writes: no evidence
    if deps is not None:
        deps.begin()
    memo[path] = _compute(path, resolver)
    if deps is not None:
        deps.end(("loaded-switch", resolver.dep_scope), path)
    return memo[path]


def _compute(path: str, resolver: Resolver) -> Switch | None:
    program = resolver.program
    if path not in program.sources or not _not_importable(path, program.sources):
        return None
    if _imported(path, program):
        return None  # imported as a module of a namespace package
    if program.deps is not None:  # a file starting or ceasing to name it changes the answer
        for word in (*_stem_words(path), *_LISTERS):
            program.deps.ask(f"mention:{word}")
    if _folder_listed(path, program):
        return None
    naming = _naming_switches(path, resolver)
    if naming is None:
        return None
    if naming:  # named only where a failing configuration test selects it (``if args.groq: args.profile = "groq.py"``)
        first = naming[0]
        shipped = "; ".join(dict.fromkeys(f"{s.setting}: {s.shipped}" for s in naming))
        return Switch(first.path, first.line, f"{LOADING} {path}", " or ".join(dict.fromkeys(s.condition for s in naming)),
                      shipped, False)
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


def _imported(path: str, program) -> bool:
    """Whether a file imports the module of ``path`` (or a module below it) by a dotted name of
    two or more parts that its path ends with (``khoj.processor.image.generate`` for
    ``src/khoj/processor/image/generate.py``): a folder without ``__init__.py`` is a namespace
    package when it is imported so. A one-part name (``groq``) may be an SDK, and does not count."""
    index = program.import_index.under
    for name in program._module_names.get(path, ()):
        parts = name.split(".")
        for cut in range(len(parts) - 1):
            dotted = ".".join(parts[cut:])
            if dotted in index and index[dotted] - {path}:
                return True
    return False


def _folder_listed(path: str, program) -> bool:
    """Whether a Python file lists the modules of the file's folder to import them all
    (``pkgutil.iter_modules([built_in_path])`` in a file naming the folder ``built_in``): the
    file is then loaded by default, whichever of its contents a setting picks later."""
    folder = path.rpartition("/")[0].rpartition("/")[2]
    if not _IDENTIFIER.match(folder):
        return False
    name = folder.encode()
    for other in sorted(program.sources):
        words = program.words(other) if other.endswith(".py") else frozenset()
        if name in words and any(word in words for word in _LISTER_WORDS):
            return True
    return False


def _stem_words(path: str) -> list[str]:
    return _WORD.findall(path.rpartition("/")[2][:-3])


def _naming_switches(path: str, resolver: Resolver) -> list[Switch] | None:
    """How other files name the file (see the module's docstring): ``[]`` when none does; the failing configuration tests of
    the places that do, when each is an assignment or a call on the line naming it that runs
    only under such a test; None when one may name it by default (no failing test, a name in
    a configuration file, or a place flowscan does not attribute)."""
    program = resolver.program
    stem = path.rpartition("/")[2][:-3]
    word = re.escape(stem.encode())
    in_python = re.compile(rb"(?<![\w-])" + word + rb"\.py\b|[\"'][\w.-]*[\w)][./]" + word + rb"(?:\.py)?[\"']")
    in_config = re.compile(rb"""(?:[:=,\[]|^\s*-)\s*["']?(?:[\w.-]*[./]""" + word + rb"(?:\.py)?|" + word
                           + rb"""\.py)["']?\s*(?:$|[,\]}#])""", re.MULTILINE)
    words = [w.encode() for w in _stem_words(path)]
    found: list[Switch] = []
    for other in sorted(program.sources):
        if other == path or not all(w in program.words(other) for w in words):
            continue
        data = program.sources[other]
        if not other.endswith(".py"):
            if in_config.search(data):
                return None
            continue
        lines = sorted({data.count(b"\n", 0, m.start()) + 1 for m in in_python.finditer(data)})
        if not lines:
            continue
        facts = program.load(other, "loaded")
        if facts.parse_error:
            return None
        for line in lines:
            failing = _failing_at(facts, line, resolver)
            if not failing:
                return None
            found.extend(failing)
    return found


def _failing_at(facts: ModuleFacts, line: int, resolver: Resolver) -> list[Switch]:
    """The failing configuration tests of the assignments and calls on ``line``; none when
    there is none of them or one is not under a failing test."""
    places = [(a.scope, a.tests) for a in facts.attr_assigns if a.line == line]
    places += [(c.scope, c.tests) for c in facts.calls if c.line == line]
    places += [(scope.qualname, a.tests) for scope in all_scopes(facts.scope)
               for assigns in scope.assigns.values() for a in assigns if a.line == line]
    found: list[Switch] = []
    for qualname, tests in places:
        frame = Frame(facts, qualname, line)
        failing = [s for s in (_evaluate(t, frame, resolver) for t in tests) if s is not None and s.taken is False]
        if not failing:
            return []
        found.extend(failing)
    return found
