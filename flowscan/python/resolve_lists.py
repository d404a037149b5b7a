"""Lists built from other lists: ``a + b`` and ``cmd += args`` of list values, and
``"-m playwright install".split()``. The result is one list whose items keep the frame they
are evaluated in, so a command assembled in a helper (``[sys.executable, "-m", "pip", "install"]
+ args``) is read word by word, as a list literal is."""

from __future__ import annotations

from itertools import islice, product
from typing import TYPE_CHECKING

from ..values import MAX_ALTERNATIVES, StrValue
from .facts import Concat, Lit
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
