"""Calls of a module-level function through an attribute that holds it: ``Llm.__init__`` doing
``self.completions = fixed_litellm_completions`` makes ``llm.completions(**params)``, in any
file the ``Llm`` instance reaches, a call of ``fixed_litellm_completions``.

The candidate call sites are the calls named after such an attribute in the files next to the
function's module by import (those importing it, and those it imports, where an instance it
makes is handed to a helper: ``run_tool_calling_llm(self, params)``) whose bytes hold
``.attr(``; the resolver keeps only those whose callee evaluates to the function itself
(``Resolver.callers_of``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterator
from weakref import WeakKeyDictionary

from .facts import Attr, CallSite, ModuleFacts, Name, Scope

if TYPE_CHECKING:
    from .program import Program

_CALL = re.compile(rb"\.[ \t]*(\w+)[ \t]*\(")
_CALLERS: WeakKeyDictionary = WeakKeyDictionary()  # program -> attr -> files holding ``.attr(``


def attribute_aliases(module: ModuleFacts, scope: Scope) -> list[str]:
    """The attribute names the module-level function ``scope`` is stored under in its own
    module: ``self.NAME = function`` in a method, ``obj.NAME = function`` anywhere."""
    if "." in scope.qualname:
        return []
    names: set[str] = set()
    for klass in _classes(module.scope):
        for attr, assigns in klass.instance_attrs.items():
            if any(isinstance(a.value, Name) and a.value.id == scope.name for a in assigns):
                names.add(attr)
    for assign in module.attr_assigns:
        if isinstance(assign.target, Attr) and isinstance(assign.value, Name) and assign.value.id == scope.name:
            names.add(assign.target.attr)
    names.discard(scope.name)  # calls named so are found by name already
    return sorted(names)


def alias_call_sites(program: Program, module: ModuleFacts, scope: Scope) -> list[tuple[ModuleFacts, CallSite]]:
    """The calls ``x.NAME(…)`` in the tree for each attribute NAME that holds ``scope``."""
    out: list[tuple[ModuleFacts, CallSite]] = []
    deps = program.deps
    for alias in attribute_aliases(module, scope):
        if deps is not None:  # a file starting or ceasing to call ``x.alias(…)`` changes the answer
            deps.ask(f"{ATTR_CALL}{alias}")
        near = set(program.files_mentioning(alias, module)) | _imported_files(program, module)
        for path in sorted(near.intersection(_files_calling(program, alias))):
            if deps is not None:  # what is read of the file: its calls named ``alias`` (as asked)
                deps.read(path, asked=True)
            facts = program.load(path, "callers", read=False)
            out.extend((facts, site) for site in program.calls_named(facts, alias) if isinstance(site.func, Attr))
    return out


ATTR_CALL = "attr-call:"  # the hook's question: does a file call ``x.NAME(…)``


def called_attributes(data: bytes) -> set[bytes]:
    """The NAMEs a file's bytes call as ``x.NAME(…)``: ``attr-call:NAME`` holds for these."""
    return {match.group(1) for match in _CALL.finditer(data)}


def _files_calling(program: Program, attr: str) -> list[str]:
    index = _CALLERS.get(program)
    if index is None:
        found: dict[str, set[str]] = {}
        for path, data in program.shown_sources.items():
            if path.endswith((".py", ".pyi")):
                for match in _CALL.finditer(data):
                    found.setdefault(match.group(1).decode("ascii", "replace"), set()).add(path)
        index = _CALLERS[program] = {name: sorted(paths) for name, paths in found.items()}
    return index.get(attr, [])


def _imported_files(program: Program, module: ModuleFacts) -> set[str]:
    """The tree's files ``module`` imports (a module, or the module a name is taken from)."""
    out: set[str] = set()
    for dotted in module.imports.values():
        path = program.path_of(dotted) or program.path_of(dotted.rpartition(".")[0])
        if path is not None:
            out.add(path)
    return out


def _classes(scope: Scope) -> Iterator[Scope]:
    for child in scope.children.values():
        if child.kind == "class":
            yield child
            yield from _classes(child)
