"""Lists built from other lists: ``a + b`` and ``cmd += args`` of list values, lists built
item by item (``items.append(x)``, ``items.extend(more)``), and ``"-m playwright install".split()``. The result is one list whose items keep the frame they
are evaluated in, so a command assembled in a helper (``[sys.executable, "-m", "pip", "install"]
+ args``) is read word by word, as a list literal is."""

from __future__ import annotations

from dataclasses import replace
from itertools import islice, product
from typing import TYPE_CHECKING

from ..values import MAX_ALTERNATIVES, StrValue
from .facts import Concat, Each, Expr, ListAdd, Lit, Name, scope_at
from .objects import Frame, ListObj, Obj, Unknown

if TYPE_CHECKING:
    from .resolve import Resolver

_PER_PART = 4  # list alternatives of one operand that are combined


class ListResolution:
    """Mixed into the resolver; uses its ``words``."""

    def joined_list(self: Resolver, expr: Concat, operands: list[list[Obj]], frame: Frame) -> list[Obj] | None:
        """The lists ``expr`` concatenates (its parts evaluated to ``operands``), joined: one
        per combination of alternatives; None when an operand is not only lists (then ``+`` is
        string concatenation)."""
        if not operands or not all(objs and all(isinstance(o, ListObj) for o in objs) for objs in operands):
            return None
        lists = [[o for o in objs if isinstance(o, ListObj)][:_PER_PART] for objs in operands]
        out: list[Obj] = []
        for combo in islice(product(*lists), MAX_ALTERNATIVES):
            pairs = [pair for lst in combo for pair in lst.pairs()]
            out.append(ListObj(tuple(item for item, _ in pairs), frame, expr.line, tuple(f for _, f in pairs)))
        return out

    def list_added(self: Resolver, expr: ListAdd, frame: Frame) -> list[Obj]:
        """What a list holds after ``items.append(x)`` (or ``extend``, ``insert``; ``expr``, at
        ``frame``): each list ``items`` held with the new items at the end (an insert's position
        is not kept: a loop over the list reads every item alike). A run of adds (``lines.append``
        thirty times) is read in one step, not one evaluation deep per add. A value that is no
        list the analysis reads stays as it was."""
        chain = _run_of_adds(expr, frame)
        added = [pair for add in chain for pair in self._added_items(add, replace(frame, line=add.line))]
        out: list[Obj] = []
        for held in self.eval(chain[0].base, replace(frame, line=chain[0].line)):
            if isinstance(held, ListObj):
                pairs = [*held.pairs(), *added]
                held = ListObj(tuple(item for item, _ in pairs), held.frame, held.line, tuple(at for _, at in pairs))
            out.append(held)
        return out

    def _added_items(self: Resolver, add: ListAdd, frame: Frame) -> list[tuple[Expr, Frame]]:
        """The items one add puts in the list: an extend by one list literal adds its items one
        by one (a command's words stay words), by anything else one item that is any of its
        elements (a hole where they are not known)."""
        if not add.spread:
            return [(add.item, frame)]
        extension = self.eval(add.item, frame)
        if len(extension) == 1 and isinstance(extension[0], ListObj):
            return extension[0].pairs()
        return [(Each(add.item, (), add.line), frame)]

    def split_words(self: Resolver, values: tuple[StrValue, ...], frame: Frame, line: int) -> list[Obj]:
        """``text.split()``: the list of its whitespace-separated words, for each known value."""
        out: list[Obj] = []
        for value in values:
            if not value.is_known:
                out.append(Unknown("str.split() of a value not known statically", line))
                continue
            words = tuple(self.words.setdefault((word, line), Lit(word, line)) for word in value.text.split())
            out.append(ListObj(words, frame, line))
        return out


def _run_of_adds(expr: ListAdd, frame: Frame) -> list[ListAdd]:
    """The adds to the same name that lead to ``expr`` with no other assignment between them
    (in ``frame``'s scope), first to last."""
    assigns = scope_at(frame.module.scope, frame.scope).assigns.get(expr.base.id, []) \
        if isinstance(expr.base, Name) else []
    chain = [expr]
    while True:
        before = [a for a in assigns if a.line < chain[-1].line]
        last = before[-1] if before else None
        if last is None or last.conditional or not isinstance(last.value, ListAdd) \
                or not isinstance(last.value.base, Name) or last.value.base.id != expr.base.id:
            break
        chain.append(last.value)
    return chain[::-1]

