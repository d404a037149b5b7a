"""Attributes an instance is given from outside its class, for the resolver: a profile module
doing ``interpreter.llm.model = "groq/llama-3.1-70b-versatile"`` sets the ``model`` that
``Llm``'s methods read as ``self.model``, besides what ``Llm.__init__`` assigns.

An ``x.attr = value`` statement (not ``self.attr``, an ``AttrAssign`` fact) counts for class
``C`` when ``x`` evaluates to an instance of ``C``: the value is one more alternative of the
attribute, with the statement as its step. The statements are found by their bytes, one pass over
the tree's sources on the first question, and only where ``x`` can name an instance made
elsewhere without following callers: its first name is imported by the file (a module's shared
instance, ``from app import interpreter``), or the file names the class (``llm = Llm()``). A
write through a parameter or ``self.other`` is not looked for (each would cost parsing files a
scan otherwise never reads); nor is ``setattr(x, name, value)`` from outside the class (in a
large library, following every such call's object costs more than the rest of the scan).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from ..model import Step
from ..values import StrValue, dedupe
from .facts import Attr, Name
from .objects import ClassRef, Frame, Inst, Obj, Strs
from .program import mentions_in

if TYPE_CHECKING:
    from .program import Program
    from .resolve import Resolver

# ``root.a.b.attr =`` (not ``==``): the chain's first name and its last attribute
_WRITE = re.compile(rb"(?<![\w.])([A-Za-z_]\w*)(?:[ \t]*\.[ \t]*\w+)*[ \t]*\.[ \t]*(\w+)[ \t]*=(?!=)")
_OWN = frozenset({"self", "cls"})
_WRITERS: WeakKeyDictionary = WeakKeyDictionary()  # program -> attr -> path -> first names written through


def writer_files(program: Program, attr: str, class_name: str) -> list[str]:
    """The files whose bytes hold ``x.….attr = …`` with an ``x`` that may name an instance of
    class ``class_name`` (``_may_name_instance``)."""
    index = _WRITERS.get(program)
    if index is None:
        found: dict[str, dict[str, set[str]]] = {}
        for path, data in program.shown_sources.items():
            if path.endswith((".py", ".pyi")):
                for attr_name, roots in attribute_writes(data).items():
                    found.setdefault(attr_name, {})[path] = roots
        index = _WRITERS[program] = found
    return sorted(path for path, roots in index.get(attr, {}).items()
                  if any(_may_name_instance(program, path, root, class_name) for root in roots))


def _may_name_instance(program: Program, path: str, root: str, class_name: str) -> bool:
    """Whether name ``root`` in file ``path`` may be an instance made elsewhere: the file
    imports it, or names the class."""
    return _names_instance(program.sources[path], program.words(path), root, class_name)


def _names_instance(data: bytes, words: frozenset[bytes] | None, root: str, class_name: str) -> bool:
    imported = re.search(rb"^[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t][^\n]*\b" + re.escape(root.encode()) + rb"\b",
                         data, re.M)
    return imported is not None or mentions_in(data, class_name, words)


OUTSIDE_WRITE = "outside-write:"  # the hook's question: does a file write ``x.….ATTR =`` for an instance of CLASS


def attribute_writes(data: bytes) -> dict[str, set[str]]:
    """A file's ``x.….attr = …`` writes through a name other than ``self`` / ``cls``: attr -> first names."""
    found: dict[str, set[str]] = {}
    for match in _WRITE.finditer(data):
        root = match.group(1).decode("ascii", "replace")
        if root not in _OWN:
            found.setdefault(match.group(2).decode("ascii", "replace"), set()).add(root)
    return found


def writes_for_instance(data: bytes, words: frozenset[bytes] | None, writes: dict[str, set[str]], attr: str,
                        class_name: str) -> bool:
    """Whether a file (its bytes, words and ``attribute_writes``) is one ``writer_files`` would
    list for ``attr`` and ``class_name``: the answer to ``outside-write:ATTR:CLASS``, which the
    hook compares before and after an edit."""
    return any(_names_instance(data, words, root, class_name) for root in writes.get(attr, ()))


class OutsideWriteResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    def outside_writes(self: Resolver, ref: ClassRef, attr: str) -> list[Obj]:
        """The values ``x.attr = …`` statements outside the class give instances of ``ref``."""
        program = self.program
        if program.deps is not None:  # a file starting or ceasing to write it for an instance of the class changes it
            program.deps.ask(f"{OUTSIDE_WRITE}{attr}:{ref.scope.name}")
        key = ("outside writes", ref.module.path, ref.scope.qualname, attr)
        if key in self._active:  # the owner's own value asks for this attribute: cut the cycle
            return []
        self._active.add(key)
        try:
            out: list[Obj] = []  # what is not a string (an object, a hole's cause) stays as is
            strings: list[StrValue] = []  # one Strs of all: past the cap a hole says more exist (``dedupe``)
            for path in writer_files(program, attr, ref.scope.name):
                module = program.load(path, "attribute writes")
                if module.parse_error:
                    continue
                for assign in module.attr_assigns:
                    target = assign.target
                    if not (isinstance(target, Attr) and target.attr == attr) or _root(target) in _OWN:
                        continue
                    frame = Frame(module, assign.scope, assign.line)
                    if not any(_instance_of(obj, ref) for obj in self.eval(target.base, frame)):
                        continue
                    step = Step(path, assign.line, assign.text or f"{attr} = …")
                    for obj in self.eval(assign.value, frame):
                        if isinstance(obj, Strs):
                            strings.extend(v.then(step) for v in obj.values)
                        else:
                            out.append(obj)
            return ([Strs(tuple(dedupe(strings)))] if strings else []) + out
        finally:
            self._active.discard(key)


def _instance_of(obj: Obj, ref: ClassRef) -> bool:
    return (isinstance(obj, Inst) and isinstance(obj.of, ClassRef) and obj.of.module.path == ref.module.path
            and obj.of.scope.qualname == ref.scope.qualname)


def _root(expr: Attr) -> str | None:
    """The first name of an attribute chain (``interpreter`` of ``interpreter.llm.model``)."""
    base = expr.base
    while isinstance(base, Attr):
        base = base.base
    return base.id if isinstance(base, Name) else None
