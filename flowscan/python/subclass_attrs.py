"""Class attributes a subclass overrides, read in a base class's method: ``self.base_url`` in
``OpenAIChat.get_client`` is ``None`` for an ``OpenAIChat`` and ``"https://api.together.xyz/v1"``
for a ``Together(OpenAIChat)`` that declares ``base_url = "https://api.together.xyz/v1"`` (a
dataclass or pydantic field default, a class constant) or sets ``self.base_url`` in its own
methods (its ``__init__``). The method runs for instances of every
subclass, so where the instance is not known (``self`` in a method, an instance made
anywhere) each in-tree subclass's own value is one more alternative, with the subclass's
assignment as its step. Subclasses are found as the constructor callers' are
(``inherited_callers.direct_subclasses``), a few levels deep.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Step
from .facts import ModuleFacts, Scope
from .inherited_callers import subclasses_below
from .objects import ClassRef, Frame, Obj

if TYPE_CHECKING:
    from .resolve import Resolver

SUBCLASS_VALUE = "value a subclass declares: "  # the step detail of a subclass's own value


def subclass_values(resolver: Resolver, ref: ClassRef, attr: str) -> list[Obj]:
    """The values in-tree subclasses of ``ref`` declare for class attribute ``attr`` in their
    own bodies (the nearest declaration on each path down)."""
    from .resolve import END_OF_FILE, _then  # resolve imports this module

    from .resolve import _method_of, _reaching_any_method

    out: list[Obj] = []
    for module, sub in _overriding(resolver, ref.module, ref.scope, attr):
        if attr in sub.assigns:  # ``base_url: str = "https://…"`` in the class body
            step = Step(module.path, sub.assigns[attr][-1].line, f"{SUBCLASS_VALUE}{sub.name}.{attr}")
            values = resolver._assigned(module, sub, attr, sub.assigns[attr], END_OF_FILE, Frame(module, sub.qualname, 0))
            out.extend(_then(value, step) for value in values)
            continue
        for assign in _reaching_any_method(sub, sub.instance_attrs[attr]):  # ``self.base_url = …`` in its methods
            step = Step(module.path, assign.line, f"{SUBCLASS_VALUE}{sub.name}.{attr}")
            method = _method_of(sub, assign.line) or sub.qualname
            out.extend(_then(value, step) for value in resolver.eval(assign.value, Frame(module, method, assign.line)))
    return out


def _overriding(resolver: Resolver, module: ModuleFacts, klass: Scope, attr: str) -> list[tuple[ModuleFacts, Scope]]:
    """The in-tree subclasses below ``klass`` that set ``attr`` (in their class body or their
    methods), without one in between that does."""
    def sets(sub: Scope) -> bool:
        return attr in sub.assigns or attr in sub.instance_attrs

    return [(facts, sub) for facts, sub in subclasses_below(resolver.program, module, klass, lambda sub: not sets(sub))
            if sets(sub)]
