"""The values comprehensions make, for the resolver: ``{k: f(v) for k, v in d.items()}`` is a
dict with one entry per element of ``d``, its key and its value read from that same element
(the extractors put ``Each`` values where a comprehension reads its variables). Each element
is followed on its own: the clauses the entry reads are pinned to one element at a time
(``loop_pin`` bindings, as ``resolve_setattr`` pins a loop), so a key never meets another
element's value. A clause the analysis cannot enumerate stays unpinned (any of its elements)."""

from __future__ import annotations

from itertools import product
from typing import TYPE_CHECKING, Iterator

from .facts import Attr, Call, Concat, DictLit, Each, Either, Expr, ItemSet, ListAdd, Percent, Seq, Sub
from .objects import DictObj, Frame, ListObj, Obj
from .resolve_loops import _peeled, viewed
from .resolve_setattr import loop_pin

if TYPE_CHECKING:
    from .resolve import Resolver

_MAX_ELEMENTS = 64  # pinned combinations of one comprehension; past it, elements stay unpaired


class ComprehensionResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    def dict_value(self: Resolver, expr: DictLit, frame: Frame) -> Obj:
        """A dict literal, with a comprehension's entry repeated per element (``pinned_frames``)."""
        frames = self.pinned_frames(expr.items[0], frame) if len(expr.items) == 1 else None
        if frames is None:
            return DictObj(expr.items, frame)
        return DictObj(expr.items * len(frames), frame, tuple(frames))

    def list_value(self: Resolver, expr: Seq, frame: Frame) -> Obj:
        """A list or tuple literal, with a comprehension's item repeated per element."""
        frames = self.pinned_frames(expr.items, frame) if len(expr.items) == 1 else None
        if frames is None:
            return ListObj(expr.items, frame, expr.line)
        return ListObj(expr.items * len(frames), frame, expr.line, tuple(frames))

    def pinned_frames(self: Resolver, exprs: tuple[Expr, ...], frame: Frame) -> list[Frame] | None:
        """One frame per combination of elements of the comprehension clauses ``exprs`` read,
        each clause pinned to one element; None when they read none the analysis can
        enumerate, or too many combinations."""
        clauses: dict[tuple, list[Each]] = {}
        for each in _eaches(exprs):
            if _peeled(each.source, each.path)[1] is not None:  # an enumerate index stays unpinned
                clauses.setdefault((each.line, each.source), []).append(each)
        combinations: list[tuple] = [()]
        for eaches in clauses.values():
            rows = self._clause_pins(eaches, frame)
            if rows is None:
                continue
            combinations = [(*done, *row) for done, row in product(combinations, rows)]
            if len(combinations) > _MAX_ELEMENTS:
                return None
        if combinations == [()]:
            return None
        return [Frame(frame.module, frame.scope, frame.line, self.intern([*frame.bindings, *pins]), frame.depth,
                      frame.inline) for pins in combinations]

    def _clause_pins(self: Resolver, eaches: list[Each], frame: Frame) -> list[tuple] | None:
        """Per element of the clause ``eaches`` read, each one's pin binding; None when what
        it iterates is no collection the analysis reads."""
        view, source = viewed(_peeled(eaches[0].source, eaches[0].path)[0])
        rows: list[tuple] = []
        for obj in self.eval(source, frame):
            elements = self.elements(obj, view)
            if elements is None:
                return None
            for element in elements:
                rows.append(tuple((loop_pin(each), tuple(self._element_part(element, _peeled(each.source, each.path)[1] or (),
                                                                            each.line)))
                                  for each in eaches))
                if len(rows) > _MAX_ELEMENTS:
                    return None
        return rows or None


def _eaches(exprs: tuple[Expr, ...]) -> Iterator[Each]:
    """The ``Each`` values in ``exprs`` (and in what they iterate)."""
    stack: list[object] = list(exprs)
    while stack:
        expr = stack.pop()
        if isinstance(expr, tuple):
            stack.extend(expr)
        elif isinstance(expr, Each):
            yield expr
            stack.append(expr.source)
        elif isinstance(expr, (Attr, Call, Concat, DictLit, Either, ItemSet, ListAdd, Percent, Seq, Sub)):
            stack.extend(getattr(expr, name) for name in expr.__match_args__ if name != "line")
