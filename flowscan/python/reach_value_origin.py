"""Shipped values of a tested setting: a value a test compares that the shipped configuration
never gives is no evidence that the test holds by default. Such a value is a dict entry chosen
by a key an unset setting names (``model = DEFAULT_MODELS[provider]`` with ``provider`` from
``$MODEL``: ``resolve_loops.choice_switch``), or one assigned only under configuration tests
the shipped values fail (``reach_assigned``): ``if "/" not in name and name in KEYS: name =
DEFAULT_MODELS[name]``. A test of ``provider == "openrouter"`` whose only passing values are
such entries then does not hold by default (its other values, the shipped ones, decide). An
entry a key known only at run time picks (``DEFAULTS.get(provider)`` with ``provider`` from a
request) passes or fails as that key does: its outcome is not known statically.
"""

from __future__ import annotations

from ..values import StrValue
from .reach_assigned import assigned_switches, isolated
from .resolve import Resolver
from .resolve_loops import choice_switch

Outcome = tuple[bool | None, object, tuple]


def shipped_outcomes(outcomes: list[Outcome], resolver: Resolver) -> list[Outcome] | None:
    """The outcomes without the passing values the shipped configuration never gives, and with
    the passing entries a run-time key picks undecided, when every passing value is one of
    those and a value the shipped configuration gives remains; else None (the test's outcome
    stays as its values give it)."""
    passing = [o for o in outcomes if o[0] is True]
    rest = [o for o in outcomes if o[0] is not True]
    if not passing or not rest:
        return None
    undecided: list[Outcome] = []
    with isolated(resolver):
        for _, value, trail in passing:
            origin = _origin(trail, resolver)
            if origin is None:
                return None
            if origin == _RUN_TIME:
                undecided.append((None, value, trail))
    return [*rest, *undecided]


_UNSHIPPED = "unshipped"
_RUN_TIME = "run-time"


def _origin(trail: tuple, resolver: Resolver) -> str | None:
    """``_UNSHIPPED`` for a value only a failing configuration gives, ``_RUN_TIME`` for an
    entry a key known only at run time picks (which entry the shipped run picks is not known
    statically, as ``choice_switch`` says), else None."""
    value = StrValue((), trail)
    found = choice_switch(value)
    if found is not None and found.taken is False:
        return _UNSHIPPED
    if assigned_switches(value, resolver):
        return _UNSHIPPED
    return _RUN_TIME if found is not None and found.taken is None else None
