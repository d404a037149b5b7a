"""The calls of a module that a rule table names (model-server launches, framework configs:
specs with ``python_calls``), found once per module and table: several checks ask for the
launches of every module, and each asking walked every call of the module again."""

from __future__ import annotations

from typing import Protocol, Sequence, TypeVar
from weakref import WeakKeyDictionary

from .facts import CallSite, ModuleFacts, imported_callee


class _Spec(Protocol):
    @property
    def python_calls(self) -> tuple[str, ...]: ...


S = TypeVar("S", bound=_Spec)

# module -> id of a spec table -> (the table, its calls); the table is held, so its id is not reused
_FOUND: WeakKeyDictionary[ModuleFacts, dict[int, tuple[Sequence, list]]] = WeakKeyDictionary()


def spec_calls(module: ModuleFacts, specs: Sequence[S]) -> list[tuple[CallSite, S]]:
    """The calls of ``module`` whose callee (through its imports) is a ``python_calls`` name of
    one of ``specs``, each with the first such spec, in call order."""
    tables = _FOUND.setdefault(module, {})
    entry = tables.get(id(specs))
    if entry is not None and entry[0] is specs:
        return entry[1]
    first: dict[str, S] = {}
    for spec in specs:
        for name in spec.python_calls:
            first.setdefault(name, spec)
    found = [(call, first[name]) for call in module.calls if (name := imported_callee(module, call.func)) and name in first]
    tables[id(specs)] = (specs, found)
    return found
