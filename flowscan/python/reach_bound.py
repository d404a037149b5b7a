"""Opt-in by binding: a call through a module-level name that only code under configuration
tests binds (``if twilio_enabled: client = Client(…)`` then ``client.verify…create(…)`` in a
function; ``if state.billing_enabled: import stripe`` then ``stripe.Customer.retrieve(…)``)
is made only when those tests pass: with the shipped configuration the name is never bound
and the call raises before it sends anything.

Every binding of the name in the module must be under a failing test: its assignments (their
``tests``) and its imports (``ImportSite.tests``). A name the call's own function (or a scope
around it) binds, a name some function declares ``global``, a module-level ``def``/``class``
of it, a module with a star import, or an import of it inside a function: no switch.
"""

from __future__ import annotations

from typing import Iterator
from weakref import WeakKeyDictionary

from ..model import Switch
from .facts import Attr, Call, CallSite, Expr, ModuleFacts, Name, Scope, Sub, Test, all_scopes
from .objects import Frame
from .reach_flags import Evaluate
from .reach_memo import memoised

_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # resolver -> (path, name) -> switches


def bound_switches(site: CallSite, frame: Frame, resolver, evaluate: Evaluate) -> tuple[Switch, ...]:
    """The failing configuration tests every binding of the module-level name ``site`` calls
    through is under; none when one binding is not, or the name is not surely module-level."""
    root = _root(site.func)
    module = frame.module
    if root is None or _bound_locally(module.scope, site.scope, root):
        return ()
    # a test that calls through the name itself finds no switch: no evidence
    return memoised(_MEMO, "bound-switches", (module.path, root), resolver,
                    lambda: _switches(module, root, resolver, evaluate))


def _switches(module: ModuleFacts, name: str, resolver, evaluate: Evaluate) -> tuple[Switch, ...]:
    bindings = list(_bindings(module, name))
    if not bindings or any(b is None for b in bindings):
        return ()
    found: list[Switch] = []
    for line, tests in bindings:  # type: ignore[misc]
        evaluated = [evaluate(test, Frame(module, "", line), resolver) for test in tests]
        failing = [s for s in evaluated if s is not None and s.taken is False]
        if not failing:
            return ()
        found.extend(failing)
    return tuple(dict.fromkeys(found))


def _bindings(module: ModuleFacts, name: str) -> Iterator[tuple[int, tuple[Test, ...]] | None]:
    """Each module-level binding of ``name`` as (line, tests); None for one that may bind it
    some other way (a def or class, ``global``, a star import, an import in a function)."""
    scope = module.scope
    if name in scope.children or module.star_imports or any(name in s.globals_declared for s in all_scopes(scope)):
        yield None
        return
    for assign in scope.assigns.get(name, []):
        yield assign.line, assign.tests
    target = module.imports.get(name)
    if target is None:
        return
    for site in module.import_sites:
        if site.module == target or site.module.startswith(target + "."):
            yield (site.line, site.tests) if site.scope == "" else None


def _bound_locally(root: Scope, qualname: str, name: str) -> bool:
    """Whether a function or class scope around ``qualname`` binds ``name`` itself."""
    scope = root
    for part in qualname.split(".") if qualname else []:
        scope = scope.children.get(part)  # type: ignore[assignment]
        if scope is None:
            return True  # not found: not surely module-level
        if name in scope.assigns or name in scope.children or any(p.name == name for p in scope.params):
            return True
    return False


def _root(func: Expr) -> str | None:
    """The name a call's callee starts from: ``client`` of ``client.verify.v2.services(x).create``."""
    while True:
        if isinstance(func, Name):
            return func.id
        if isinstance(func, Attr):
            func = func.base
        elif isinstance(func, Call):
            func = func.func
        elif isinstance(func, Sub):
            func = func.base
        else:
            return None


