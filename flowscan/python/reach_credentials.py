"""Opt-in by credential: an outbound call made by a method of an in-tree class that keeps a
secret (``self.client_secret``, ``self.api_key``) read only from env vars no scanned config
sets, with no default, talks to a service that needs that secret: it is reached once the
env var is set (``chainlit``'s OAuth providers, an integration's client).

The secrets the method itself reads (``self.github_client_secret``) decide; a method that
reads none of them (a second call to the same service, with the token the first returned)
depends on every secret its class keeps. A secret with any other source (a literal, a
default, a constructor argument) makes no switch.
"""

from __future__ import annotations

import dataclasses
from weakref import WeakKeyDictionary

from ..model import Switch
from ..redact import is_secret_name
from .facts import Attr, Expr, ModuleFacts, Name, Scope
from .objects import UNSET_IS_NONE, Absent, Frame, Strs
from .resolve import Resolver, _enclosing_class, _method_of, _scope_chain

_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # resolver -> (path, qualname) -> switches


def credential_switches(module: ModuleFacts, qualname: str, resolver: Resolver) -> tuple[Switch, ...]:
    """The unset-secret switches of the code at ``qualname`` (a method, or a function nested
    in one); none outside a class, or when a secret it depends on has another source."""
    memo = _MEMO.setdefault(resolver, {})
    key = (module.path, qualname)
    deps = resolver.deps
    if key not in memo:
        if deps is not None:
            deps.begin()
        memo[key] = _switches(module, qualname, resolver)
        if deps is not None:
            deps.end(("credential-switches", resolver.dep_scope), key)
    elif deps is not None:
        deps.hit(("credential-switches", resolver.dep_scope), key)
    return memo[key]


def _switches(module: ModuleFacts, qualname: str, resolver: Resolver) -> tuple[Switch, ...]:
    if not qualname:
        return ()
    chain = _scope_chain(module.scope, qualname)
    klass = _enclosing_class(module.scope, qualname)
    if klass is None or chain[-1].kind != "function":
        return ()
    secrets = {attr: assigns for attr, assigns in klass.instance_attrs.items() if is_secret_name(attr)}
    if not secrets:
        return ()
    inside = chain[chain.index(klass) + 1:]  # the method, and the functions nested in it down to the call
    read = {attr for attr in _self_attrs(module, inside) if attr in secrets}
    found: list[Switch] = []
    for attr in sorted(read or secrets):
        switches = _unset_env(module, klass, attr, resolver)
        if not switches:
            return ()
        found.extend(switches)
    return tuple(dict.fromkeys(found))


def _unset_env(module: ModuleFacts, klass: Scope, attr: str, resolver: Resolver) -> list[Switch]:
    """One switch per env var ``self.attr`` is read from when every value it can have is such
    an env var, unset in this deployment context; else none."""
    out: list[Switch] = []
    for assign in klass.instance_attrs[attr]:
        frame = Frame(module, _method_of(klass, assign.line) or klass.qualname, assign.line)
        objs = resolver.eval(assign.value, frame)
        if not objs:
            return []
        for obj in objs:
            name = _unset_env_name(obj)
            if name is None:
                return []
            out.append(Switch(module.path, assign.line, f"env:{name}",
                              f"env:{name} is set (the secret self.{attr} of {klass.name})", "unset", False))
    return out


def _unset_env_name(obj) -> str | None:
    """The env var an object is the unset value of: ``os.getenv(NAME)``'s None, or the hole
    ``env:NAME`` of a read with no default."""
    if isinstance(obj, Absent):
        for step in obj.trail:
            if step.detail.startswith("env ") and step.detail.endswith(UNSET_IS_NONE):
                return step.detail[4:-len(UNSET_IS_NONE)].strip()
        return None
    if isinstance(obj, Strs) and len(obj.values) == 1:
        parts = obj.values[0].parts
        if len(parts) == 1 and not isinstance(parts[0], str) and parts[0].label.startswith("env:"):
            return parts[0].label[4:]
    return None


def _self_attrs(module: ModuleFacts, scopes: list[Scope]) -> set[str]:
    """The attributes of ``self`` that the code of ``scopes`` reads."""
    names = {scope.qualname for scope in scopes}
    exprs: list = []
    for scope in scopes:
        exprs.extend(a.value for assigns in scope.assigns.values() for a in assigns)
        exprs.extend(scope.returns)
    for site in module.calls:
        if site.scope in names:
            exprs.extend((site.func, *site.args, *(v for _k, v in site.kwargs)))
    found: set[str] = set()
    for expr in exprs:
        _collect(expr, found)
    return found


def _collect(expr: Expr, found: set[str]) -> None:
    stack: list = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Attr) and isinstance(node.base, Name) and node.base.id == "self":
            found.add(node.attr)
        if isinstance(node, tuple):
            stack.extend(node)
        elif dataclasses.is_dataclass(node) and not isinstance(node, type):
            stack.extend(getattr(node, f.name) for f in dataclasses.fields(node) if f.name != "line")
