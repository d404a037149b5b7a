"""Returns a call cannot reach, for the resolver: when a function is followed with the
arguments of one call, a ``return`` under a test those arguments decide against is not a value
of that call. ``get_secret("AWS_REGION_NAME")`` never takes the ``if name.startswith("oidc/")``
branch, so the tokens that branch returns are not a region.

Only literals written in the code decide: a value read from the environment or a settings file
may differ per deployment, so a test of one is never decided here (that is reach's job, which
reports it as a switch rather than dropping the path)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .facts import Attr, Call, Expr, Lit, Name, NoneLit, Seq, Test
from .objects import Absent, Frame, ListObj, Strs

if TYPE_CHECKING:
    from .resolve import Resolver

_NONE = object()  # the literal None
_ENV_STEP = re.compile(r"\b(?:reads|default of) env \w|is not set in any scanned config")  # resolve._env_value's steps
_PREFIX_TESTS = frozenset({"startswith", "endswith"})


class FeasibleResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    def infeasible(self: Resolver, tests: tuple[Test, ...], frame: Frame, bound: frozenset[str]) -> bool:
        """Whether a test in ``tests`` fails for every value the bound parameters give."""
        for test in tests:
            if not _reads(test.subject, bound):
                continue
            at = Frame(frame.module, frame.scope, test.line, frame.bindings, frame.depth, frame.inline)
            if self._decide(test, at) is False:
                return True
        return False

    def _decide(self: Resolver, test: Test, frame: Frame) -> bool | None:
        subject = test.subject
        if test.op == "truthy" and isinstance(subject, Call) and isinstance(subject.func, Attr) \
                and subject.func.attr in _PREFIX_TESTS and len(subject.args) == 1 and not subject.kwargs:
            values = self._literals(subject.func.base, frame)
            affixes = self._literals(subject.args[0], frame, items=True)
            if values is None or affixes is None or _NONE in values or _NONE in affixes:
                return None
            method = subject.func.attr
            outcomes = {any(getattr(v, method)(a) for a in affixes) for v in values}
        else:
            values = self._literals(subject, frame)
            if values is None:
                return None
            if test.op == "truthy":
                outcomes = {v is not _NONE and v != "" for v in values}
            else:
                expected = self._literals(test.value, frame, items=test.op in ("in", "not in")) if test.value is not None else None
                if expected is None:
                    return None
                outcomes = {_holds(v, test.op, expected) for v in values}
        if len(outcomes) != 1 or None in outcomes:
            return None
        (taken,) = outcomes
        return (not taken) if test.negated else taken

    def _literals(self: Resolver, expr: Expr, frame: Frame, items: bool = False) -> list | None:
        """The values of ``expr`` when all are literals of the code (strings, None), else None.
        ``items``: a tuple or list literal gives its elements (``x in ("a", "b")``)."""
        if isinstance(expr, NoneLit):
            return [_NONE]
        if isinstance(expr, Lit):
            return [expr.text]
        if items and isinstance(expr, Seq):
            out: list = []
            for item in expr.items:
                found = self._literals(item, frame)
                if found is None:
                    return None
                out.extend(found)
            return out
        reads = self.env_reads_seen
        objs = self.eval(expr, frame)
        if self.env_reads_seen != reads:
            return None  # the environment decides it, per deployment
        out = []
        for obj in objs:
            if isinstance(obj, Absent):
                if _configured(obj.trail):
                    return None
                out.append(_NONE)
            elif isinstance(obj, Strs):
                for value in obj.values:
                    if not value.is_known or _configured(value.trail):
                        return None
                    out.append(value.text)
            elif items and isinstance(obj, ListObj):
                for item, item_frame in obj.pairs():
                    found = self._literals(item, item_frame)
                    if found is None:
                        return None
                    out.extend(found)
            else:
                return None
        return out or None


def _configured(trail) -> bool:
    """Whether a value came through the environment or a settings file (its steps say so)."""
    return any(not step.path.endswith(".py") or _ENV_STEP.search(step.detail) for step in trail)


def _holds(value, op: str, expected: list) -> bool | None:
    if op in ("==", "is", "in"):
        return value in expected
    if op in ("!=", "is not", "not in"):
        return value not in expected
    return None


def _reads(expr: Expr, names: frozenset[str]) -> bool:
    """Whether ``expr`` reads one of ``names`` (directly, or as the base of a call or attribute)."""
    while True:
        if isinstance(expr, Name):
            return expr.id in names
        if isinstance(expr, Call):
            expr = expr.func
        elif isinstance(expr, Attr):
            expr = expr.base
        else:
            return False
