"""Secrets out of a file's facts before anything reads, caches or prints them.

Every string literal goes through ``redact`` (URL credentials, key-like tokens, JWTs, bearer
tokens), and every literal given to a secret-named place is masked whole: a keyword argument
or parameter (``api_key=``), a dict key (``{"x-api-key": ...}``, ``{"Authorization": ...}``),
a variable (``OPENAI_API_KEY = ...``) and the default of a secret-named env read
(``os.getenv("OPENAI_API_KEY", "sk-...")``). Source lines kept as evidence are redacted
too. Hosts, regions and URLs without credentials are left as they are: resolution needs
them and they are not secrets. Applied to every extraction, cached or not, so a scan gives
the same report either way.
"""

from __future__ import annotations

import dataclasses
from operator import is_

from ..redact import MASK, is_secret_name, redact
from .facts import (
    Assign, Attr, AttrAssign, Call, CallSite, Concat, Cond, DictLit, Each, Either, Lit, ModuleFacts, Name, NoneLit, Opaque, Param, Percent,
    Scope, Seq, Sub, Test,
)

_ENV_READS = frozenset({"getenv", "get", "setdefault", "pop"})
_LEAVES = frozenset({Name, NoneLit, Opaque})  # expressions that hold no string literal
_EXPRS = frozenset({Attr, Call, Concat, DictLit, Each, Either, Lit, Name, NoneLit, Opaque, Percent, Seq, Sub})
_PARTS: dict[type, tuple[str, ...]] = {}


def _parts(kind: type) -> tuple[str, ...]:
    """The fields of an expression class that can hold expressions."""
    found = _PARTS.get(kind)
    if found is None:
        found = _PARTS[kind] = tuple(f.name for f in dataclasses.fields(kind) if f.name != "line")
    return found


def redact_facts(facts: ModuleFacts) -> ModuleFacts:
    """``facts`` with secrets masked (the scopes are rewritten in place; the rest is new)."""
    _scope(facts.scope)
    calls = [_site(site) for site in facts.calls]
    attr_assigns = [_attr_assign(a) for a in facts.attr_assigns]
    return dataclasses.replace(facts, calls=calls, attr_assigns=attr_assigns)


def _scope(scope: Scope) -> None:
    for table in (scope.assigns, scope.instance_attrs):
        for name, assigns in table.items():
            secret = is_secret_name(name)
            table[name] = [_assign(a, secret) for a in assigns]
    scope.params = [_param(p) for p in scope.params]
    scope.returns = [_expr(e) for e in scope.returns]
    scope.bases = [_expr(e) for e in scope.bases]
    scope.decorators = [_expr(e) for e in scope.decorators]
    for child in scope.children.values():
        _scope(child)


def _assign(assign: Assign, secret: bool) -> Assign:
    value = _masked(assign.value) if secret else _expr(assign.value)
    text = redact(assign.text)
    if value is assign.value and text == assign.text:
        return assign
    return Assign(value, assign.line, assign.conditional, text, assign.tests, assign.at)


def _param(param: Param) -> Param:
    if param.default is None:
        return param
    default = _masked(param.default) if is_secret_name(param.name) else _expr(param.default)
    return param if default is param.default else Param(param.name, default, param.kind)


def _site(site: CallSite) -> CallSite:
    call = _expr(Call(site.func, site.args, site.kwargs, site.line))
    assert isinstance(call, Call)
    text = redact(site.text)
    if call.args is site.args and call.kwargs is site.kwargs and call.func is site.func and text == site.text:
        return site
    return dataclasses.replace(site, func=call.func, args=call.args, kwargs=call.kwargs, text=text)


def _attr_assign(assign: AttrAssign) -> AttrAssign:
    target = assign.target
    name = target.key.text if isinstance(target, Sub) and isinstance(target.key, Lit) else getattr(target, "attr", "")
    secret = is_secret_name(name or "")  # pkg.api_key = …, os.environ["OPENAI_API_KEY"] = …
    value = _masked(assign.value) if secret else _expr(assign.value)
    text = redact(assign.text)
    if value is assign.value and text == assign.text:
        return assign
    return dataclasses.replace(assign, value=value, text=text)


def _expr(expr):
    """``expr`` with its literals redacted and secret-named parts masked; the same object
    when nothing changed."""
    kind = type(expr)
    if kind is Lit:
        text = redact(expr.text)
        return expr if text == expr.text else Lit(text, expr.line)
    if kind is Call:
        return _call(expr)
    if kind is DictLit:
        items = tuple((key, _masked(value) if type(key) is Lit and is_secret_name(key.text) else _expr(value))
                      for key, value in ((_expr(k), v) for k, v in expr.items))
        return expr if all(a[0] is b[0] and a[1] is b[1] for a, b in zip(items, expr.items)) else DictLit(items, expr.line)
    if kind is Opaque and expr.cond is not None:
        return _tested(expr, _expr)
    if kind in _LEAVES:
        return expr
    if kind is Attr:  # the commonest node: what _rebuilt would do, without its generic walk
        base = _expr(expr.base)
        return expr if base is expr.base else Attr(base, expr.attr, expr.line)
    return _rebuilt(expr, _expr)


def _call(call: Call) -> Call:
    func = _expr(call.func)
    args = tuple(map(_expr, call.args))
    name = getattr(call.func, "attr", None) or getattr(call.func, "id", None)
    if name in _ENV_READS and len(args) >= 2 and type(args[0]) is Lit and is_secret_name(args[0].text):
        args = (args[0], *map(_masked, args[1:]))
    kwargs = tuple([(key, _masked(value) if is_secret_name(key) else _expr(value)) for key, value in call.kwargs])
    if func is call.func and all(map(is_, args, call.args)) \
            and all([a[1] is b[1] for a, b in zip(kwargs, call.kwargs)]):
        return call
    return Call(func, args, kwargs, call.line)


def _masked(expr):
    """``expr`` with every string literal in it masked (names and calls kept: they are not
    the secret, and resolution may follow them)."""
    kind = type(expr)
    if kind is Lit:
        if "://" in expr.text:  # a URL given as a credential (a DSN): its host is evidence, its userinfo is not
            return _expr(expr)
        return expr if expr.text == MASK or not expr.text else Lit(MASK, expr.line)
    if kind is Call:
        return _call(expr)  # a call's own arguments are judged by their own names
    if kind is Opaque and expr.cond is not None:
        return _tested(expr, _masked)
    if kind in _LEAVES:
        return expr
    return _rebuilt(expr, _masked)


def _tested(expr: Opaque, transform) -> Opaque:
    """A boolean expression with ``transform`` applied to its tests' operands."""
    def cond(found: Cond) -> Cond:
        parts = tuple(cond(p) if isinstance(p, Cond) else test(p) for p in found.parts)
        return found if all(map(is_, parts, found.parts)) else Cond(parts, found.any_of)

    def test(found: Test) -> Test:
        subject = transform(found.subject)
        value = transform(found.value) if found.value is not None else None
        if subject is found.subject and value is found.value:
            return found
        return dataclasses.replace(found, subject=subject, value=value)

    assert expr.cond is not None
    new = cond(expr.cond)
    return expr if new is expr.cond else Opaque(expr.why, expr.line, new)


def _rebuilt(expr, transform):
    """``expr`` with ``transform`` applied to each sub-expression (in a tuple field, to each
    element, or to the value of each ``(key, value)`` pair); the same object when nothing changed."""
    changes = {}
    for name in _parts(type(expr)):
        value = getattr(expr, name)
        if type(value) is tuple:
            new = tuple(_element(v, transform) for v in value)
            if any(a is not b for a, b in zip(new, value)):
                changes[name] = new
        elif _is_expr(value):
            new = transform(value)
            if new is not value:
                changes[name] = new
    return dataclasses.replace(expr, **changes) if changes else expr


def _element(value, transform):
    if _is_expr(value):
        return transform(value)
    if type(value) is tuple:
        return (value[0], transform(value[1]))
    return value


def _is_expr(value) -> bool:
    return type(value) in _EXPRS or (type(value) is not str and dataclasses.is_dataclass(value))
