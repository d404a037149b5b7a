"""``config.get("key", default)`` on a mapping a library's caller passes, for the resolver.

A library class configured by its caller (``def __init__(self, config=None)``, nothing in the
tree calls it) reads ``config.get("endpoint", "https://api.example.com")``: the default is what
the shipped code reaches when the caller does not set the key, and the caller's own value is
a hole that says so (``set by the caller: parameter config of Store.__init__() may set
endpoint``), never one unexplained unknown. The mapping is a parameter no in-tree call passes:
either with no default (a parameter hole) or with ``None`` as its default (``None.get`` would
raise, so a caller passes a mapping). ``config["key"]`` is the caller's value alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import Step
from ..values import StrValue
from .facts import Sub
from .objects import CALLER_SET, Absent, CallCtx, Frame, Inst, Obj, Unknown, is_parameter_hole

if TYPE_CHECKING:
    from .resolve import Resolver


@dataclass(frozen=True)
class UnpassedNone(Absent):
    """The ``None`` default of a parameter no in-tree call passes (``Resolver._param_values``)."""

    parameter: str = ""  # "parameter config of Store.__init__()"
    # the in-tree classes its annotation names (``config: Optional[StoreConfig] = None``), as
    # instances made by a caller: an attribute read on the parameter cannot be the None's
    typed: tuple[Inst, ...] = ()


@dataclass(frozen=True, eq=False)
class CallerGet:
    """``mapping.get`` of a mapping a library's caller passes (``parameter`` names it)."""

    parameter: str  # "parameter config of Store.__init__()"


class CallerGetResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    def caller_mapping_get(self: Resolver, base: Obj) -> CallerGet | None:
        """``base.get`` when ``base`` is a parameter no in-tree call passes: a parameter hole,
        or its ``None`` default."""
        if is_parameter_hole(base):
            return CallerGet(base.values[0].parts[0].label)
        if isinstance(base, UnpassedNone):
            return CallerGet(base.parameter)
        if isinstance(base, Unknown) and base.why.startswith(CALLER_SET):  # an entry of the caller's mapping
            return CallerGet(base.why[len(CALLER_SET):])
        return None

    def caller_item(self: Resolver, mapping: CallerGet, expr: Sub, frame: Frame) -> Unknown | None:
        """``mapping[key]``: what the caller sets (the key must be there), a hole naming it;
        None for an index (``args[0]``: a sequence, not a mapping of settings)."""
        keys = self.strings(self.eval(expr.key, frame), frame, "key")
        if any(k.is_known and k.text.lstrip("-").isdigit() for k in keys):
            return None
        return Unknown(f"{CALLER_SET}{_entry(mapping.parameter, 'sets', _shown(keys))}", expr.line)

    def caller_get_call(self: Resolver, func: CallerGet, ctx: CallCtx) -> list[Obj]:
        """The key's default where the caller's mapping lacks it (None without one), and the
        caller's own value, a hole naming the parameter and the key."""
        frame = ctx.frame
        key = ctx.args[0] if ctx.args else ctx.kwarg("key")
        if key is None:
            return [Unknown("get() without a key", ctx.line)]
        shown = _shown(self.strings(self.eval(key, frame), frame, "key"))
        default = ctx.args[1] if len(ctx.args) > 1 else ctx.kwarg("default")
        lacking = self.eval(default, frame) if default is not None else [
            Absent((Step(frame.module.path, ctx.line, f"None: the caller's {func.parameter} may lack {shown}"),))]
        return [*lacking, Unknown(f"{CALLER_SET}{_entry(func.parameter, 'may set', shown)}", ctx.line)]


def _entry(parameter: str, verb: str, key: str) -> str:
    """What names an entry of the caller's mapping: ``parameter config of f() may set llm``,
    and in that entry ``… may set llm.provider``."""
    return f"{parameter}.{key}" if " may set " in parameter or " sets " in parameter else f"{parameter} {verb} {key}"


def _shown(keys: list[StrValue]) -> str:
    return " or ".join(sorted(k.text for k in keys)) or "a key"
