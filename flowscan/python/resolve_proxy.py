"""An attribute of a delegating proxy: an instance of a class whose ``__getattr__`` or
``__getattribute__`` returns ``getattr(target, name)`` (``global_args = _ArgsProxy()`` standing
for the parsed command line, the namespace kept in a module-level ``_global_args``) has, for an
attribute its class does not define, the target's attribute of that name. The target is read
where the method returns it; a method with no such return, or with two different targets,
delegates nothing known (the attribute stays undefined, as before)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Step
from .facts import Attr, Call, ModuleFacts, Name, Scope
from .objects import Frame, Obj, Strs

if TYPE_CHECKING:
    from .resolve import Resolver

DELEGATING_METHODS = ("__getattr__", "__getattribute__")


def delegated_attr(resolver: Resolver, module: ModuleFacts, klass: Scope, attr: str) -> list[Obj] | None:
    """The target's ``attr`` when ``klass`` delegates attribute access to one target; else None."""
    for method_name in DELEGATING_METHODS:
        method = klass.children.get(method_name)
        target = _target(module, method) if method is not None and method.kind == "function" else None
        if target is not None:
            step = Step(module.path, target.line, f"{klass.name}.{method_name} delegates .{attr}")
            found = resolver.eval(Attr(target, attr, target.line), Frame(module, method.qualname, target.line))
            return [Strs(tuple(v.then(step) for v in obj.values)) if isinstance(obj, Strs) else obj for obj in found]
    return None


def _target(module: ModuleFacts, method: Scope) -> Name | Attr | None:
    """The one ``target`` (a name or a dotted attribute) of the method's ``return getattr(target,
    name)`` returns, ``name`` being the attribute asked for (its second parameter); ``self`` is
    no target."""
    if len(method.params) < 2 or "getattr" in module.imports:
        return None
    asked = method.params[1].name
    targets: dict[str, Name | Attr] = {}
    for value in method.returns:
        if isinstance(value, Call) and isinstance(value.func, Name) and value.func.id == "getattr" \
                and len(value.args) == 2 and isinstance(value.args[1], Name) and value.args[1].id == asked:
            dotted = _dotted(value.args[0])
            if dotted is None or dotted.split(".")[0] == method.params[0].name:
                return None  # a computed target, or the proxy itself
            targets.setdefault(dotted, value.args[0])
    return next(iter(targets.values())) if len(targets) == 1 else None


def _dotted(expr) -> str | None:
    if isinstance(expr, Name):
        return expr.id
    if isinstance(expr, Attr):
        base = _dotted(expr.base)
        return f"{base}.{expr.attr}" if base else None
    return None
