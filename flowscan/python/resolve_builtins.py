"""Builtins that convert a value, for the resolver: ``str(v)`` is v's text, ``int``/``float``
make numbers, ``len``/``round``/``abs``/``min``/``max``/``sum`` numbers, ``bool``/``isinstance``/
``hasattr``/``any``/``all`` bools. A number known statically is its text (as a literal number
is: ``int("8080")`` is ``8080``); one that is not is a :class:`Scalar`, a value that is never the
text of a host (``urls.split_url``) nor a mapping of keywords (``DataResolution.splatted``).
The names are builtins only where nothing in the module binds them (``Resolver._name``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ..model import Step
from ..values import StrValue
from .facts import Cond, Expr, Test
from .objects import Absent, CallCtx, Obj, Scalar, Strs, Truth, Unknown

if TYPE_CHECKING:
    from .resolve import Resolver

_TO_NUMBER = frozenset({"int", "float"})
_NUMERIC = frozenset({"round", "abs"})
_EXTREMES = frozenset({"min", "max"})
# Builtins whose result is a number or bool whatever they are given (or they raise).
_SCALAR_RESULTS = frozenset({"bool", "len", "sum", "pow", "ord", "hash", "id", "isinstance", "issubclass",
                             "hasattr", "callable", "any", "all"})
CONVERSIONS = frozenset({"str", *_TO_NUMBER, *_NUMERIC, *_EXTREMES, *_SCALAR_RESULTS})
BUILTIN_CALLS = frozenset({"str", *(f"builtins.{name}" for name in CONVERSIONS)})
# Opaque expressions (``facts.Opaque.why``) whose value is a number or bool.
SCALAR_SHAPES = {"Comparison": "a comparison", "UnaryOperation": "a unary operation"}
_LONGEST_NUMBER = 40  # characters of a number's text worth converting


class BuiltinResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    def builtin_call(self: Resolver, dotted: str, ctx: CallCtx) -> list[Obj]:
        """The value of a call of builtin ``dotted`` (``builtins.int``) with ``ctx``'s arguments."""
        name = dotted.removeprefix("builtins.")
        frame = ctx.frame
        step = Step(frame.module.path, ctx.line, f"{name}(…)")
        if name == "str":
            if not ctx.args:
                return [Strs((StrValue.literal("", (step,)),))]
            return self.eval(ctx.args[0], frame)  # the argument's text (a number's stays a number)
        if name in _TO_NUMBER and ctx.args and len(ctx.args) + len(ctx.kwargs) == 1:
            return _numbers(self.eval(ctx.args[0], frame), name, step, ctx.line)
        if name in _TO_NUMBER and not ctx.args and not ctx.kwargs:
            return [Strs((StrValue.literal("0" if name == "int" else "0.0", (step,)),))]
        if name in _NUMERIC and ctx.args:
            return self._numeric(name, ctx, step)
        if name in _EXTREMES and ctx.args:
            return self._extreme(name, ctx, step)
        if name == "bool" and len(ctx.args) == 1 and not ctx.kwargs:  # its tests: ``reach_flags``
            test = Test(ctx.args[0], "truthy", None, False, ctx.line)
            return [Scalar("bool(…)", ctx.line, truth=Truth(Cond((test,), False), frame))]
        return [Scalar(f"{name}(…)", ctx.line)]

    def _known_number(self: Resolver, expr: Expr, ctx: CallCtx) -> int | float | None:
        """The one number ``expr`` is, when it is known statically."""
        objs = self.eval(expr, ctx.frame)
        if len(objs) == 1 and isinstance(objs[0], Strs) and len(objs[0].values) == 1 and objs[0].values[0].is_known:
            return _parsed(objs[0].values[0].text)
        return None

    def _numeric(self: Resolver, name: str, ctx: CallCtx, step: Step) -> list[Obj]:
        """``round(x[, n])`` and ``abs(x)`` of numbers known statically; else an unknown number."""
        numbers = [self._known_number(arg, ctx) for arg in ctx.args]
        if ctx.kwargs or None in numbers or len(numbers) > (2 if name == "round" else 1):
            return [Scalar(f"{name}(…)", ctx.line)]
        try:
            result = round(*numbers) if name == "round" else abs(numbers[0])
        except (TypeError, ValueError, OverflowError):
            return [Scalar(f"{name}(…)", ctx.line)]
        return [Strs((StrValue.literal(_text(result), (step,)),))]

    def _extreme(self: Resolver, name: str, ctx: CallCtx, step: Step) -> list[Obj]:
        """``min``/``max`` of several arguments: of numbers known statically, the number; of
        numbers, an unknown number; of anything else, any of the arguments (it returns one)."""
        if len(ctx.args) == 1 or ctx.kwargs:  # of an iterable, or with key=/default=: one of the items
            return [o for arg in ctx.args for o in self.items(self.eval(arg, ctx.frame))]
        numbers = [self._known_number(arg, ctx) for arg in ctx.args]
        if None not in numbers:
            return [Strs((StrValue.literal(_text(min(numbers) if name == "min" else max(numbers)), (step,)),))]
        values = [o for arg in ctx.args for o in self.eval(arg, ctx.frame)]
        if all(isinstance(o, Scalar) or (isinstance(o, Strs) and _all_numbers(o)) for o in values):
            return [Scalar(f"{name}(…)", ctx.line)]
        return values


def _numbers(objs: list[Obj], name: str, step: Step, line: int) -> list[Obj]:
    """``int(x)`` / ``float(x)`` for each value ``x`` may have: a known number's text, else an
    unknown number. A None or a text that is no number raises there: no value."""
    texts: list[StrValue] = []
    unknown: list[Scalar] = []
    for obj in objs:
        if isinstance(obj, Absent):
            continue  # int(None) raises TypeError
        if not isinstance(obj, Strs):
            unknown.append(Scalar(f"{name}(…)", line))
            continue
        for value in obj.values:
            if not value.is_known:
                unknown.append(Scalar(f"{name}({value.text})", line, value.trail))
                continue
            number = _converted(value.text, name)
            if number is None and name == "int" and _parsed(value.text) is not None:
                unknown.append(Scalar(f"int({value.text})", line, value.trail))  # int(3.7) is 3, int("3.7") raises
            elif number is not None:
                texts.append(StrValue.literal(number, (*value.trail, step)))
    out: list[Obj] = [Strs(tuple(texts))] if texts else []
    out.extend(dict.fromkeys(unknown))
    return out or [Unknown(f"{name}() of a value that is no number raises", line)]


def _converted(text: str, name: str) -> str | None:
    """``int(text)`` or ``float(text)`` written out; None when it raises."""
    if len(text) > _LONGEST_NUMBER:
        return None
    try:
        return _text(int(text) if name == "int" else float(text))
    except ValueError:
        return None


def _parsed(text: str) -> int | float | None:
    """The number a literal's text spells (``8080``, ``0.5``), or None."""
    if len(text) > _LONGEST_NUMBER:
        return None
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return None


def _text(number: int | float) -> str:
    return repr(number) if isinstance(number, float) and math.isfinite(number) else str(number)


def _all_numbers(obj: Strs) -> bool:
    return all(v.is_known and _parsed(v.text) is not None for v in obj.values)
