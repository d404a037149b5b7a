"""``str.replace`` on values known in part, for the resolver. Every known old/new pair is a
possible result (a loop over several prefixes rewrites by any of them); a known ``old`` is
replaced in the value's known text, and a ``new`` not known statically is a hole there; an
``old`` not known statically may match anywhere: the value unchanged, or a hole. Under
``if s.startswith(p):`` (a test of the call, as its fact records it), ``s.replace(p, n)``
starts with ``n``: the rest of ``s`` follows it, even where ``s`` is not known at all (user
input, an env var): ``i.com/NAME`` rewritten to ``https://openinterpreter.com/profiles/NAME``."""

from __future__ import annotations

from itertools import islice, product
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from ..model import Step
from ..values import MAX_ALTERNATIVES, Hole, StrValue, dedupe, join_parts, merge_trails
from .facts import Attr, Call, CallSite, Expr, ModuleFacts, structure
from .objects import CallCtx, Frame, Obj, Strs

if TYPE_CHECKING:
    from .resolve import Resolver

_BY_LINE: WeakKeyDictionary[ModuleFacts, dict[int, list[CallSite]]] = WeakKeyDictionary()  # a module's ``.replace`` calls by line


class ReplaceResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    def str_replace(self: Resolver, values: tuple[StrValue, ...], ctx: CallCtx) -> list[Obj]:
        """``s.replace(old, new)`` for each alternative of ``s`` (``values``)."""
        frame = ctx.frame
        olds = self.strings(self.eval(ctx.args[0], frame), frame)
        news = self.strings(self.eval(ctx.args[1], frame), frame)
        step = Step(frame.module.path, ctx.line, ".replace(…)")
        out: list[StrValue] = []
        for value, old, new in islice(product(values, olds, news), MAX_ALTERNATIVES):
            if not old.is_known:  # it may match anywhere: unchanged, or changed in a way not known statically
                out += [value, StrValue.hole(f"str.replace() by {old.text}", (*value.trail, step))]
            elif old.text:
                out.append(_replaced(value, old.text, new, step))
            else:
                out.append(value)  # "".replace("", x) inserts x between characters: not a URL shape worth modelling
        return [Strs(tuple(dedupe(out)))]

    def prefix_replaced(self: Resolver, expr: Call, frame: Frame) -> list[Obj] | None:
        """``s.replace(p, n)`` where the call runs under ``if s.startswith(p):``: ``n`` followed by
        the rest of ``s`` (whatever ``s`` is); None when no such test guards the call."""
        func = expr.func
        if not (isinstance(func, Attr) and func.attr == "replace" and len(expr.args) == 2 and not expr.kwargs):
            return None
        if not _prefix_tested(frame, expr):
            return None
        olds = self.strings(self.eval(expr.args[0], frame), frame)
        if not olds or not all(old.is_known and old.text for old in olds):
            return None
        news = self.strings(self.eval(expr.args[1], frame), frame)
        step = Step(frame.module.path, expr.line, ".replace(…) of a value that starts with what it replaces")
        out: list[StrValue] = []
        for value, old, new in islice(product(self.strings(self.eval(func.base, frame), frame), olds, news),
                                      MAX_ALTERNATIVES):
            known = value.known_prefix
            if value.is_known or known.startswith(old.text) or not old.text.startswith(known):
                out.append(_replaced(value, old.text, new, step))  # the test reads the known text itself
                continue
            # what is known of it is a start of ``old``: ``old`` ends in its unknown part, the rest follows
            first = next(i for i, part in enumerate(value.parts) if isinstance(part, Hole))
            rest = _replaced(StrValue(value.parts[first:]), old.text, new, step)
            out.append(StrValue(join_parts([*new.parts, *rest.parts]), merge_trails(value.trail, new.trail, (step,))))
        return [Strs(tuple(dedupe(out)))]


def _replaced(value: StrValue, old: str, new: StrValue, step: Step) -> StrValue:
    """``value`` with ``old`` replaced by ``new`` in its known text (holes kept as they are)."""
    parts: list = []
    changed = False
    for part in value.parts:
        if isinstance(part, str) and old in part:
            pieces = part.split(old)
            for i, piece in enumerate(pieces):
                if i:
                    parts.extend(new.parts)
                parts.append(piece)
            changed = True
        else:
            parts.append(part)
    if not changed:
        return value
    # the chain of a known new text is the value's; an unknown one's says where its hole comes from
    return StrValue(join_parts(parts), value.trail if new.is_known else merge_trails(value.trail, new.trail, (step,)))


def _prefix_tested(frame: Frame, expr: Call) -> bool:
    """Whether a test of the call ``expr`` (its call site's ``tests``) says that what it is
    called on starts with its first argument (both the same expressions, lines aside)."""
    func = expr.func
    assert isinstance(func, Attr)
    by_line = _BY_LINE.get(frame.module)
    if by_line is None:
        by_line = _BY_LINE[frame.module] = {}
        for call in frame.module.calls:
            if isinstance(call.func, Attr) and call.func.attr == "replace":
                by_line.setdefault(call.line, []).append(call)
    site = next((s for s in by_line.get(expr.line, ()) if s.func == func and s.args == expr.args), None)
    if site is None:
        return False
    receiver, prefix = _shape(func.base), _shape(expr.args[0])
    for test in site.tests:
        subject = test.subject
        if test.op == "truthy" and not test.negated and isinstance(subject, Call) and isinstance(subject.func, Attr) \
                and subject.func.attr == "startswith" and len(subject.args) == 1 \
                and _shape(subject.func.base) == receiver and _shape(subject.args[0]) == prefix:
            return True
    return False


def _shape(expr: Expr) -> object:
    """``expr``'s structure without its lines."""
    return _lineless(structure(expr))


def _lineless(tree: object) -> object:
    if isinstance(tree, tuple):
        return tuple(_lineless(item) for item in tree if not (isinstance(item, tuple) and len(item) == 2 and item[0] == "line"))
    return tree
