"""What a test of an attribute says about a call's argument: under
``if self.config.base_url:`` a call given ``base_url=self.config.base_url`` gets a value that is
not None (nor empty), so the SDK's own default does not apply there. Where every value the
analysis sees for it is None (a config field whose default is None, set by whoever builds the
config), the value is one it does not see: the destination is the user's, not the SDK's."""

from __future__ import annotations

from .facts import Attr, Expr, ModuleFacts, Name, Test, scope_at
from .guards import _excludes_none  # the same reading of a test as for a plain name
from .objects import Absent, Obj, Unknown


def attr_not_none_at(expr: Expr, module: ModuleFacts, qualname: str, line: int, tests: tuple[Test, ...]) -> bool:
    """Whether ``tests`` (the conditions a call at ``line`` of scope ``qualname`` runs under)
    say that the attribute chain ``expr`` (``self.config.url``) is truthy or not None there,
    with nothing in the module assigning that attribute, nor the scope its root name, between
    the test and the call."""
    spelled = _spelling(expr)
    if spelled is None or "." not in spelled:
        return False
    root = spelled.split(".", 1)[0]
    assigns = scope_at(module.scope, qualname).assigns.get(root, [])
    for test in tests:
        if _spelling(test.subject) != spelled or not _excludes_none(test):
            continue
        if any(test.line < a.line < line for a in assigns):
            continue
        if any(test.line < a.line < line and _spelling(a.target) == spelled for a in module.attr_assigns):
            continue
        return True
    return False


def tested_given(given: list[Obj], expr: Expr, line: int) -> list[Obj]:
    """The values of an argument a test before the call rules None out of: the ones that are
    not None; where none is left, one the analysis does not see."""
    kept = [o for o in given if not isinstance(o, Absent)]
    return kept or [Unknown(f"{_spelling(expr) or 'the argument'}: tested before the call, set where it is not None", line)]


def _spelling(expr: Expr) -> str | None:
    """``self.config.url`` for an attribute chain on a name; None for any other expression."""
    if isinstance(expr, Name):
        return expr.id
    if isinstance(expr, Attr):
        base = _spelling(expr.base)
        return f"{base}.{expr.attr}" if base is not None else None
    return None

