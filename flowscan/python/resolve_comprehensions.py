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
from .objects import DictObj, Frame, ListObj, Obj, Strs, Unknown
from .resolve_loops import _peeled, viewed
from .resolve_setattr import loop_pin

if TYPE_CHECKING:
    from .resolve import Resolver

_MAX_ELEMENTS = 64  # pinned combinations of a comprehension's clauses; past it, elements stay unpaired
_MAX_VERSION_ROWS = 256  # elements of all versions of a one-clause comprehension's collection


class ComprehensionResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    def dict_value(self: Resolver, expr: DictLit, frame: Frame) -> list[Obj]:
        """A dict literal, with a comprehension's entry repeated per element (``pinned_frames``):
        one dict per version of what it iterates."""
        versions = self.pinned_frames(expr.items[0], frame) if len(expr.items) == 1 else None
        if versions is None:
            return [DictObj(expr.items, frame)]
        return [DictObj(expr.items * len(frames), frame, tuple(frames)) for frames in versions]

    def list_value(self: Resolver, expr: Seq, frame: Frame) -> list[Obj]:
        """A list or tuple literal, with a comprehension's item repeated per element: one list
        per version of what it iterates."""
        versions = self.pinned_frames(expr.items, frame) if len(expr.items) == 1 else None
        if versions is None:
            return [ListObj(expr.items, frame, expr.line)]
        return [ListObj(expr.items * len(frames), frame, expr.line, tuple(frames)) for frames in versions]

    def pinned_frames(self: Resolver, exprs: tuple[Expr, ...], frame: Frame) -> list[list[Frame]] | None:
        """Per version of what the comprehension iterates, one frame per combination of
        elements of the clauses ``exprs`` read, each clause pinned to one element; None when
        they read none the analysis can enumerate, or too many combinations.

        A single clause over several versions of a collection (a dict filled under conditions
        has one per combination of them) gives one result per version, so that
        ``{k: v for k, v in params.items() if v is not None}`` keeps apart what each version
        holds; several clauses pin across all versions at once."""
        clauses: dict[tuple, list[Each]] = {}
        for each in _eaches(exprs):
            if _peeled(each.source, each.path)[1] is not None:  # an enumerate index stays unpinned
                clauses.setdefault((each.line, each.source), []).append(each)
        groups = [found for eaches in clauses.values() if (found := self._clause_pins(eaches, frame)) is not None]
        if not groups:
            return None
        if len(groups) == 1:
            versions = groups[0]
            if sum(len(rows) for rows in versions) > _MAX_VERSION_ROWS:
                return None
        else:
            combinations: list[tuple] = [()]
            for versions in groups:
                rows = [row for rows in versions for row in rows]
                combinations = [(*done, *row) for done, row in product(combinations, rows)]
                if len(combinations) > _MAX_ELEMENTS:
                    return None
            versions = [combinations]
        return [[Frame(frame.module, frame.scope, frame.line, self.intern([*frame.bindings, *pins]), frame.depth,
                       frame.inline) for pins in rows] for rows in versions]

    def _clause_pins(self: Resolver, eaches: list[Each], frame: Frame) -> list[list[tuple]] | None:
        """Per version of what the clause ``eaches`` read iterates, per element the pin binding
        of each; None when no version is a collection the analysis reads. A version it does not
        read (the "more values than the 16" hole after 16 versions) is one element whose parts
        are unknown, so its key never meets a read element's value."""
        view, source = viewed(_peeled(eaches[0].source, eaches[0].path)[0])
        versions: list[list[tuple]] = []
        unread: list[Obj] = []
        count = 0
        for obj in self.eval(source, frame):
            elements = self.elements(obj, view)
            if elements is None:
                unread.append(obj)
                continue
            rows = []
            for element in elements:
                rows.append(tuple((loop_pin(each), tuple(self._element_part(element, _peeled(each.source, each.path)[1] or (),
                                                                            each.line)))
                                  for each in eaches))
            count += len(rows)
            if count > _MAX_VERSION_ROWS:
                return None
            versions.append(rows)
        if not versions:
            return None
        if unread:
            part = tuple(_unread_part(obj, eaches[0].line) for obj in unread)
            versions.append([tuple((loop_pin(each), part) for each in eaches)])
        return versions


def _unread_part(obj: Obj, line: int) -> Obj:
    """An element of ``obj``, a value no collection the analysis reads: its holes (a string's
    known text is no element), else an unknown."""
    holes = tuple(value for value in obj.values if not value.is_known) if isinstance(obj, Strs) else ()
    return Strs(holes) if holes else Unknown("an element of a collection the analysis does not read", line)


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
