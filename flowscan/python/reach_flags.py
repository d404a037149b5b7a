"""Opt-in by an enablement flag: a guard whose subject is a bool made of configuration tests.

``aws_enabled = AWS_KEY is not None and AWS_SECRET is not None`` (module level, or imported
from another module), ``def is_resend_enabled(): return bool(RESEND_API_KEY)``, ``def
is_e2b_enabled(): return not is_none_or_empty(os.getenv("E2B_API_KEY"))``: the resolver gives
such a value as a ``Scalar`` carrying its tests (``objects.Truth``), found through names,
imports, module attributes, helper calls and their arguments as any value is. A guard
``if aws_enabled:`` / ``if not is_resend_enabled(): return`` / ``if flag is False:`` reads no
configuration itself, so ``reach`` would call it run-time control flow; here its tests are
evaluated in the flag's own frame, each like a branch test, and combined:

- ``and``: fails when one part fails (a run-time part does not matter then); else undecided
  when one part is; else run-time when one part is; else holds.
- ``or``: holds when one part holds; else run-time when one part is (it may hold by default);
  else undecided when one is; else fails.

A guard whose flag comes out run-time keeps today's answer (no switch); so does any subject
that is not only such bools. The switch names the settings of the tests that decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from weakref import WeakKeyDictionary

from ..model import Switch
from .facts import Cond, Lit, Test
from .objects import Frame, Obj, Scalar

MAX_DEPTH = 8  # flags made of flags, nested this deep at most (a cycle ends here)
_RUN_TIME = "run-time"  # a part that reads no configuration
_DEPTH: WeakKeyDictionary = WeakKeyDictionary()  # resolver -> flags being evaluated, nested

Evaluate = Callable[[Test, Frame, object], Switch | None]


@dataclass(frozen=True)
class _Outcome:
    value: bool | None | str  # True, False, None (undecided) or _RUN_TIME
    switches: tuple[Switch, ...] = ()  # the tests that decide it


def flag_switch(test: Test, subject: list[Obj], frame: Frame, resolver, evaluate: Evaluate) -> Switch | None:
    """The switch of a guard ``test`` (at ``frame``) whose subject evaluates to ``subject``,
    when that is a bool made of configuration tests; None otherwise (run-time control flow)."""
    negated = _polarity(test)
    if negated is None or not subject or not all(isinstance(o, Scalar) and o.truth is not None for o in subject):
        return None
    depth = _DEPTH.get(resolver, 0)
    if depth >= MAX_DEPTH:
        return None
    _DEPTH[resolver] = depth + 1
    reads = resolver.env_reads_seen
    try:  # the flag is one of these values: the guard holds when it holds for one
        outcome = _combine([_cond(o.truth.cond, o.truth.frame, negated, resolver, evaluate)  # type: ignore[union-attr]
                            for o in subject], any_of=True)
    finally:
        _DEPTH[resolver] = depth
    if outcome.value == _RUN_TIME or not outcome.switches:
        resolver.env_reads_seen = reads  # what the tests read does not make the guard read configuration
        return None
    leaves = outcome.switches
    settings = ", ".join(dict.fromkeys(s.setting for s in leaves))
    # the deciding tests joined as the code joins them (``a or b`` fails when each fails); for
    # alternatives of different shapes, what holds is one of them and what fails is each
    shapes = {o.truth.cond.any_of != negated for o in subject}  # type: ignore[union-attr]
    any_of = shapes.pop() if len(shapes) == 1 else outcome.value is True
    joined = " or " if any_of else " and "
    condition = joined.join(dict.fromkeys(_located(s) for s in leaves))
    shipped = ", ".join(dict.fromkeys(s.shipped for s in leaves))
    return Switch(frame.module.path, test.line, settings, condition, shipped, outcome.value)  # type: ignore[arg-type]


def _located(switch: Switch) -> str:
    """A test's words with where it is (once: a flag made of flags names the innermost)."""
    return switch.condition if _AT in switch.condition else f"{switch.condition}{_AT}{switch.path}:{switch.line})"


_AT = " (at "


def _polarity(test: Test) -> bool | None:
    """Whether ``test`` holds when its subject is false (``not flag``, ``flag is False``);
    None when it is no test of a bool's truth."""
    if test.op == "truthy":
        return test.negated
    if test.op in ("is", "==", "is not", "!=") and isinstance(test.value, Lit) and test.value.text in ("True", "False"):
        falsy = (test.value.text == "False") == (test.op in ("is", "=="))
        return falsy != test.negated
    return None


def _cond(cond: Cond, frame: Frame, negated: bool, resolver, evaluate: Evaluate) -> _Outcome:
    """``cond`` (``not cond`` when ``negated``) with the shipped configuration."""
    outcomes = []
    for part in cond.parts:
        if isinstance(part, Cond):
            outcomes.append(_cond(part, frame, negated, resolver, evaluate))
            continue
        leaf = Test(part.subject, part.op, part.value, part.negated != negated, part.line)
        switch = evaluate(leaf, frame, resolver)
        outcomes.append(_Outcome(_RUN_TIME) if switch is None else _Outcome(switch.taken, (switch,)))
    return _combine(outcomes, any_of=cond.any_of != negated)


def _combine(outcomes: list[_Outcome], any_of: bool) -> _Outcome:
    """An ``or`` (``any_of``) or an ``and`` of outcomes, with the switches that decide it."""
    values = [o.value for o in outcomes]
    order = (True, _RUN_TIME, None, False) if any_of else (False, None, _RUN_TIME, True)
    for value in order:
        if value in values:
            found = tuple(s for o in outcomes if o.value == value and type(o.value) is type(value) for s in o.switches)
            return _Outcome(value, tuple(dict.fromkeys(found)))
    return _Outcome(False if any_of else True)  # no part: ``any([])``, ``all([])``
