"""Values the tests before a call rule out. After ``if not host: raise …`` (or inside ``if
host:``), the call runs only with ``host`` truthy: a None side of ``host`` (an unset env var,
a ``None`` default) never reaches it, so the SDK's own default for None does not apply there.

Only a plain local name is narrowed, and only when no assignment to it comes between the test
and the call; anything else keeps every side (a None side kept costs an endpoint the call may
not reach, a None side dropped by mistake would hide one)."""

from __future__ import annotations

from .facts import Expr, ModuleFacts, Name, NoneLit, Test, scope_at


def not_none_at(expr: Expr, module: ModuleFacts, qualname: str, line: int, tests: tuple[Test, ...]) -> bool:
    """Whether ``tests`` (the conditions a call at ``line`` of scope ``qualname`` runs under)
    say that ``expr`` is truthy or not None there."""
    if not isinstance(expr, Name):
        return False
    assigns = scope_at(module.scope, qualname).assigns.get(expr.id, [])
    for test in tests:
        if not (isinstance(test.subject, Name) and test.subject.id == expr.id and _excludes_none(test)):
            continue
        if not any(test.line < assign.line < line for assign in assigns):
            return True
    return False


def _excludes_none(test: Test) -> bool:
    if test.op == "truthy":
        return not test.negated
    if isinstance(test.value, NoneLit):
        return (test.op == "is not") != test.negated
    return False

