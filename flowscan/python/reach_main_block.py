"""Opt-in by a module's script block: ``if __name__ == "__main__":`` in a module of a package
runs only when someone runs that module as a script (``python -m pkg.module``). In a tree that
declares its commands (console scripts, ``reach_uncalled``), those are what the shipped program
runs; a console script calls a function, so no module's script block runs with it. Calls in
such a block (a demo, a self-test) are then ``opt-in``, with the switch "module pkg.module run
as a script", and so are the functions only they call.

Fail closed (no switch, the test reads as before): a tree declaring no commands (any module
may be how it is run), a file outside a package or a package's ``__main__.py``, and a module
that another shown file names as something to run: ``-m pkg.module`` or its path ``pkg/module.py``
(a Dockerfile's CMD, a Procfile, a script, a ``subprocess`` call), or its dotted name in a
Python string (``runpy.run_module("pkg.module")``). The module's own docstring saying how to
try it (``python -m pkg.module``) does not run it.
"""

from __future__ import annotations

import re

from ..model import Switch
from .facts import Lit, Name, Test
from .objects import Frame
from .reach_uncalled import _declares_commands, _in_package
from .resolve import Resolver

RUN_AS_SCRIPT = "run as a script"
_MAIN = "__main__"


def main_block_switch(test: Test, frame: Frame, resolver: Resolver) -> Switch | None:
    """The switch of ``__name__ == "__main__"`` (or its negation) in a package module of a tree
    declaring its commands; None for any other test."""
    if not _is_main_test(test):
        return None
    module = frame.module
    if not _in_package(module.path, resolver) or not _declares_commands(resolver) \
            or _run_by_name(module.module, module.path, resolver):
        return None
    holds = test.op == "=="
    setting = f"module {module.module} {RUN_AS_SCRIPT}"
    condition = f"python -m {module.module}" if holds != test.negated else f"not python -m {module.module}"
    return Switch(module.path, test.line, setting, condition, "imported, not run as a script", holds == test.negated)


def _is_main_test(test: Test) -> bool:
    """``__name__ == "__main__"`` or ``__name__ != "__main__"``, either way round."""
    if test.op not in ("==", "!="):
        return False
    sides = (test.subject, test.value)
    return any(isinstance(a, Name) and a.id == "__name__" and isinstance(b, Lit) and b.text == _MAIN
               for a, b in (sides, sides[::-1]))


def _run_by_name(dotted: str, path: str, resolver: Resolver) -> bool:
    """Whether a shown file names the module as something to run: ``-m pkg.module``, its path,
    or (in Python) its dotted name in a string."""
    program = resolver.program
    last = dotted.rsplit(".", 1)[-1]
    if program.deps is not None:  # a file starting or ceasing to name it changes the answer
        program.deps.ask(f"mention:{last}")
    run = re.compile(rb"""-m["',\s]+""" + re.escape(dotted.encode()) + rb"(?![\w.])")  # also a JSON-array CMD
    file = re.compile(re.escape("/".join(path.split("/")[-2:]).encode()))  # ``pkg/module.py``
    quoted = re.compile(rb"""["']""" + re.escape(dotted.encode()) + rb"""["']""")
    for other in sorted(program.shown_sources):  # the module's own text (a docstring's "python -m …") does not run it
        if other == path or last.encode() not in program.words(other) or not program.runs(other, path):
            continue
        data = program.sources[other]
        if run.search(data) or file.search(data) or (other.endswith(".py") and quoted.search(data)):
            return True
    return False
