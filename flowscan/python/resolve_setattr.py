"""Attributes set by name, for the resolver: a configuration class that fills itself from a
mapping, ``for key, value in config.items(): setattr(self, key.lower(), value)``, has as
attribute ``llm_provider`` the mapping's ``LLM_PROVIDER`` entry (and whatever the loop body
assigns to ``value`` first, such as an env override ``os.getenv(key)``).

Each element of the loop is followed on its own: the loop variables are pinned to that
element's key and value (``loop_pin`` bindings, read by ``LoopResolution.each``), so the key
and the value stay paired. An entry's value is the shipped value of a setting its user may
change, so its chain marks it as a configuration default (``CONFIG_FIELD_STEP``) and reach
reads a test of it as a switch. What the analysis cannot enumerate (a mapping read from a file
it cannot place, a key not known statically) may set any attribute: it adds a hole, so the
attribute "may be something else" rather than only what the readable entries say.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator
from weakref import WeakKeyDictionary

from ..model import Step
from ..values import StrValue
from .facts import Attr, Call, CallSite, Concat, Each, Expr, Name, Scope, Sub, scope_at
from .objects import Absent, ClassRef, Frame, Obj, Strs
from .resolve_models import CONFIG_FIELD_STEP

if TYPE_CHECKING:
    from .resolve import Resolver

SETATTR_UNKNOWN = "may be set by setattr from a mapping not known statically"
_VIEWS = frozenset({"items", "keys", "values"})
_SITES: WeakKeyDictionary = WeakKeyDictionary()  # class scope -> its setattr(self, …) call sites


def loop_pin(each: Each) -> str:
    """The binding name that pins a loop target (``Each``) to one element (what it iterates
    is part of it: two ``for`` clauses of a comprehension share a line and a path)."""
    return f"\0for {each.line} {each.path} {hash(each.source)}"


class SetattrResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    def setattr_field(self: Resolver, ref: ClassRef, attr: str) -> list[Obj] | None:
        """The values ``setattr(self, KEY, VALUE)`` calls in the methods of ``ref`` give
        attribute ``attr``; None when no such call can name it."""
        sites = _SITES.get(ref.scope)
        if sites is None:
            sites = _SITES[ref.scope] = _setattr_sites(ref.module.calls, ref.scope)
        if not sites:
            return None
        out: list[Obj] = []
        for site in sites:
            out.extend(self._setattr_values(ref, site, attr))
        return out or None

    def _setattr_values(self: Resolver, ref: ClassRef, site: CallSite, attr: str) -> list[Obj]:
        module = ref.module
        frame = Frame(module, site.scope, site.line)
        key_expr, value_expr = site.args[1], site.args[2]
        step = Step(module.path, site.line, f"{CONFIG_FIELD_STEP}{ref.scope.name}.{attr}")
        loop = _loop_targets(scope_at(module.scope, site.scope), key_expr, site.line)
        if loop is None:
            return self._named_value(frame, key_expr, value_expr, attr, step)
        source, view, targets = loop
        out: list[Obj] = []
        for obj in self.eval(source, frame):
            elements = self.elements(obj, view)
            if elements is None:
                if not isinstance(obj, Absent):
                    out.append(_may_be_anything(step))
                continue
            for element in elements:
                pins = [(loop_pin(each), tuple(self._element_part(element, each.path, each.line))) for each in targets]
                pinned = Frame(module, site.scope, site.line, self.intern(pins))
                out.extend(self._named_value(pinned, key_expr, value_expr, attr, step))
        return out

    def _named_value(self: Resolver, frame: Frame, key_expr: Expr, value_expr: Expr, attr: str, step: Step) -> list[Obj]:
        """``value_expr`` when ``key_expr`` names ``attr``; an unknown when it may."""
        keys = self.strings(self.eval(key_expr, frame), frame)
        if any(key.is_known and key.text == attr for key in keys):
            return [_marked(obj, step) for obj in self.eval(value_expr, frame)]
        if any(not key.is_known for key in keys):
            return [_may_be_anything(step)]
        return []


def _setattr_sites(calls: list[CallSite], klass: Scope) -> list[CallSite]:
    """``setattr(self, KEY, VALUE)`` calls in the methods of ``klass`` (``self``: the method's
    first parameter)."""
    inside = klass.qualname + "."
    out = []
    for site in calls:
        if not (site.scope.startswith(inside) and isinstance(site.func, Name) and site.func.id == "setattr"
                and len(site.args) == 3 and isinstance(site.args[0], Name)):
            continue
        method = klass.children.get(site.scope[len(inside):].split(".", 1)[0])
        if method is not None and method.kind == "function" and method.params and method.params[0].name == site.args[0].id:
            out.append(site)
    return out


def _loop_targets(scope: Scope, key_expr: Expr, line: int) -> tuple[Expr, str | None, list[Each]] | None:
    """The ``for`` loop the key at ``line`` is read from: what it iterates (without ``.items()`` and its
    kin, given apart), and every target it binds; None when the key reads no loop target."""
    loops = [a for name in _names(key_expr) for a in scope.assigns.get(name, [])
             if isinstance(a.value, Each) and a.line <= line]
    if not loops:
        return None
    each = max(loops, key=lambda a: a.line).value  # the innermost loop that binds it before the call
    assert isinstance(each, Each)
    targets = [a.value for assigns in scope.assigns.values() for a in assigns
               if isinstance(a.value, Each) and a.value.line == each.line and a.value.source == each.source]
    source, view = each.source, None
    if isinstance(source, Call) and not source.args and not source.kwargs \
            and isinstance(source.func, Attr) and source.func.attr in _VIEWS:
        view, source = source.func.attr, source.func.base
    return source, view, targets


def _names(expr: Expr) -> Iterator[str]:
    """The plain names an expression reads (``key`` in ``key.lower()``, ``f"{p}_{key}"``)."""
    if isinstance(expr, Name):
        yield expr.id
    elif isinstance(expr, Attr):
        yield from _names(expr.base)
    elif isinstance(expr, Call):
        yield from _names(expr.func)
        for arg in (*expr.args, *(v for _, v in expr.kwargs)):
            yield from _names(arg)
    elif isinstance(expr, Concat):
        for part in expr.parts:
            yield from _names(part)
    elif isinstance(expr, Sub):
        yield from _names(expr.base)
        yield from _names(expr.key)


def _may_be_anything(step: Step) -> Strs:
    """A value the analysis cannot read, of a configuration attribute: a hole whose chain
    names the attribute (so a test of it is a switch whose shipped value is not known)."""
    return Strs((StrValue.hole(SETATTR_UNKNOWN, (step,)),))


def _marked(obj: Obj, step: Step) -> Obj:
    from .resolve import _then
    return _then(obj, step)
