"""Module state an SDK reads at call time: ``dashscope.base_http_api_url = "…"`` or
``litellm.api_base = "…"`` anywhere in the analysed code sets the host of later calls that
pass none of their own (the ``state:`` key of a sink's url spec)."""

from __future__ import annotations

from weakref import WeakKeyDictionary

from ..model import Step
from ..values import StrValue, dedupe
from .facts import Attr, AttrAssign, ModuleFacts
from .objects import Ext, Frame
from .resolve import Resolver


def module_state(resolver: Resolver, names: list[str], read: Step) -> tuple[list[StrValue] | None, bool]:
    """The values assigned to the module attributes ``names`` in the analysed modules that
    import the SDK (in path order), each followed by ``read``; None when none is assigned. And
    whether the state may stay unset: every assignment is conditional (``if settings.get(
    "OPENAI.API_BASE"): litellm.api_base = ...``), so the SDK's own choice applies as well."""
    wanted = frozenset(names)
    out: list[StrValue] = []
    always = False
    for module, assign in _assignments(resolver, names):
        frame = Frame(module, assign.scope, assign.line)
        if not any(isinstance(o, Ext) and o.dotted in wanted for o in resolver.written(assign.target, frame)):
            continue
        step = Step(module.path, assign.line, assign.text or f"{assign.target.attr} = …")
        out.extend(v.then(step).then(read) for v in resolver.strings(resolver.eval(assign.value, frame), frame))
        always = always or not assign.conditional
    return dedupe(out) or None, not always


# program -> (names, modules loaded) -> assignments: every call of an SDK asks the same question,
# and the answer changes only when the program loads another module.
_FOUND: WeakKeyDictionary = WeakKeyDictionary()


def _assignments(resolver: Resolver, names: list[str]) -> list[tuple[ModuleFacts, AttrAssign]]:
    """``x.attr = …`` statements whose attr is one of ``names``' in modules importing their SDK."""
    program = resolver.program
    last_parts = frozenset(name.rsplit(".", 1)[-1] for name in names)
    if program.before_state is not None:
        program.before_state(last_parts)
    key = (tuple(names), len(program.modules))
    known = _FOUND.setdefault(program, {})
    if key not in known:
        known[key] = _find_assignments(program, names)
    if program.deps is not None:  # a file starting or ceasing to assign one changes the answer
        for part in sorted(last_parts):
            program.deps.ask(f"mention:{part}")
        for module, _ in known[key]:
            program.deps.read(module.path)
    return known[key]


def _find_assignments(program, names: list[str]) -> list[tuple[ModuleFacts, AttrAssign]]:
    last_parts = {name.rsplit(".", 1)[-1] for name in names}
    tops = {name.split(".", 1)[0] for name in names}
    return [(module, assign) for module in program.modules
            if program.feeds(module.path) and any(target.split(".", 1)[0] in tops for target in module.imports.values())
            for assign in module.attr_assigns
            if isinstance(assign.target, Attr) and assign.target.attr in last_parts]
