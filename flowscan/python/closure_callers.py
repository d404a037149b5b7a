"""The call sites of a function a factory returns: ``OpenAI = client_factory("OpenAI")`` then
``OpenAI(base_url=url)`` calls ``client_factory``'s inner ``factory``, so its parameters are the
arguments of those calls (a lazy client wrapper, a decorator-free closure)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .facts import Call, CallSite, ModuleFacts, Name, Scope

if TYPE_CHECKING:
    from .resolve import Resolver


def closure_call_sites(resolver: Resolver, module: ModuleFacts, scope: Scope, outer: Scope | None
                       ) -> list[tuple[ModuleFacts, CallSite]]:
    """The calls of ``scope``, a function defined in function ``outer`` that ``outer`` returns by
    name, through the names the callers of ``outer`` bind its result to, in the same function
    and after the binding."""
    if outer is None or outer.kind != "function" or scope.kind != "function":
        return []
    if not any(isinstance(value, Name) and value.id == scope.name for value in outer.returns):
        return []
    out: list[tuple[ModuleFacts, CallSite]] = []
    for facts, site in resolver.callers_of(module, outer):
        holder = _scope_of(facts, site.scope)
        if holder is None:
            continue
        for name, assigns in holder.assigns.items():
            if not any(isinstance(a.value, Call) and a.line == site.line for a in assigns):
                continue
            out.extend((facts, call) for call in facts.calls
                       if call.scope == site.scope and call.line > site.line
                       and isinstance(call.func, Name) and call.func.id == name)
    return out


def _scope_of(facts: ModuleFacts, qualname: str) -> Scope | None:
    scope = facts.scope
    for part in qualname.split(".") if qualname else ():
        scope = scope.children.get(part)
        if scope is None:
            return None
    return scope
