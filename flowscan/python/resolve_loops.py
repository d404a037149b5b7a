"""Collections read element by element, for the resolver: the elements a ``for`` loop binds
(``for base in MIRRORS``, ``for name, url in ENDPOINTS.items()``) over a list, tuple or dict
literal or settings data, and the entries a dict gives for a key not known statically
(``BASES[region]``): each element is a value of its own, with the line it is written on."""

from __future__ import annotations

from typing import TYPE_CHECKING

import re

from ..model import Step, Switch
from ..values import StrValue
from .facts import Attr, Call, Each, Expr, Lit, Name, Sub
from .objects import DataObj, DictObj, Ext, Frame, ListObj, Obj, Pieces, Strs, Unknown, UserInput, is_caller_set
from .resolve_setattr import loop_pin

if TYPE_CHECKING:
    from .resolve import Resolver

LOOP_VARIABLE = "loop variable"  # the hole of an element the analysis cannot enumerate
_VIEWS = frozenset({"items", "keys", "values"})
_SAME_ELEMENTS = frozenset({"sorted", "list", "tuple", "reversed", "set", "frozenset", "iter"})
CHOSEN = "chosen at run time by"  # the step detail that marks a dict entry picked by a key not known statically
_CHOSEN_STEP = re.compile(r'^chosen at run time by (?P<key>.*?) \((?P<setting>.*), shipped: (?P<shipped>.*)\): entry "(?P<entry>.*)"$')

# An element: its objects, or a (key objects, value objects) pair of a dict's ``items()``.
Element = list[Obj] | tuple[list[Obj], list[Obj]]


class LoopResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    def each(self: Resolver, expr: Each, frame: Frame) -> list[Obj]:
        """The values a loop target (or the part of it ``expr.path`` picks) takes: every
        element's, or one element's where the frame pins the loop to it (``loop_pin``)."""
        pinned = frame.bound(loop_pin(expr)) if frame.bindings else None
        if pinned is not None:
            return list(pinned)
        source, path = _peeled(expr.source, expr.path)
        if path is None:
            return [Unknown("loop index", expr.line)]
        view, source = viewed(source)
        out: list[Obj] = []
        for obj in self.eval(source, frame):
            if isinstance(obj, UserInput):
                out.append(obj.reached(f"{obj.expr}[…]"))
                continue
            elements = self.elements(obj, view)
            if elements is None:
                out.append(Unknown(LOOP_VARIABLE, expr.line))
                continue
            for element in elements:
                out.extend(self._element_part(element, path, expr.line))
        return out or [Unknown(LOOP_VARIABLE, expr.line)]

    def elements(self: Resolver, obj: Obj, view: str | None = None) -> list[Element] | None:
        """What iterating ``obj`` (or its ``view``: ``items``, ``keys``, ``values``) gives,
        one entry per element; None when ``obj`` is no collection the analysis reads."""
        if isinstance(obj, ListObj) and view is None:
            return [self.eval(item, frame) for item, frame in obj.pairs()]
        if isinstance(obj, Pieces) and view is None:  # every piece of every alternative
            return [[Strs((value,))] for row, _ in obj.rows for value in row]
        if isinstance(obj, DictObj):
            out: list[Element] = []
            for key, value, at in obj.entries():
                keys = [Strs((StrValue.literal(key),))] if isinstance(key, str) else self.eval(key, at)
                if view == "values":
                    out.append(self.eval(value, at))
                elif view == "items":
                    out.append((keys, self.eval(value, at)))
                else:
                    out.append(keys)
            return out
        if isinstance(obj, DataObj):
            node = obj.node.value
            if isinstance(node, list) and view is None:
                return [self._data_value(obj, str(i), child) for i, child in enumerate(node)]
            if isinstance(node, dict):
                found: list[Element] = []
                for key, child in node.items():
                    keys: list[Obj] = [Strs((StrValue.literal(str(key), (Step(obj.path, child.key_or_value_line, f"{key}:"),)),))]
                    if view == "values":
                        found.append(self._data_value(obj, str(key), child))
                    elif view == "items":
                        found.append((keys, self._data_value(obj, str(key), child)))
                    else:
                        found.append(keys)
                return found
        return None

    def dict_choice(self: Resolver, obj: DictObj, expr: Sub, frame: Frame) -> list[Obj]:
        """``mapping[key]`` of a dict literal: the entries of the key's values. Where the key
        is not known statically, or comes from a setting (an env var, a settings file), every
        other entry is a possible destination too, each marked as chosen by the key
        (``choice_switch``): the setting names one at run time."""
        keys = self.strings(self.eval(expr.key, frame), frame)
        known = [k.text for k in keys if k.is_known]
        chosen = self._dict_values(obj, known)
        setting = _key_setting(keys, frame.module.path)
        if known and len(known) == len(keys) and setting is None:
            return chosen or [Unknown(f"key {known[0]} not in dict", expr.key.line)]
        shipped = ", ".join(sorted({_shipped(k) for k in keys if not is_caller_set(k)})) or "unset"
        label = f"{_expr_text(expr.key)} ({setting or 'a run-time value'}, shipped: {shipped})"
        out: list[Obj] = list(chosen)
        for key, value, at in obj.entries():
            names = [key] if isinstance(key, str) else [k.text for k in self.strings(self.eval(key, at), at) if k.is_known]
            if not names or any(name in known for name in names):
                continue
            step = Step(frame.module.path, expr.line, f'{CHOSEN} {label}: entry "{names[0]}"')
            out.extend(_chosen(o, step) for o in self.eval(value, at))
        return out or [Unknown("key ? not in dict", expr.key.line)]

    def _element_part(self: Resolver, element: Element, path: tuple[int, ...], line: int) -> list[Obj]:
        """The part of one element that an unpacking position picks (``path``)."""
        if isinstance(element, tuple):
            if not path:
                return [Unknown("a (key, value) pair", line)]
            if path[0] > 1:
                return [Unknown(LOOP_VARIABLE, line)]
            return self._element_part(element[path[0]], path[1:], line)
        if not path:
            return element
        out: list[Obj] = []
        for obj in element:
            if isinstance(obj, ListObj) and path[0] < len(obj.items):
                item, frame = obj.pairs()[path[0]]
                out.extend(self._element_part(self.eval(item, frame), path[1:], line))
            elif isinstance(obj, UserInput):
                out.append(obj.reached(f"{obj.expr}[{path[0]}]"))
            else:
                out.append(Unknown(LOOP_VARIABLE, line))
        return out


def viewed(source: Expr) -> tuple[str | None, Expr]:
    """A dict view a loop iterates (``d.items()``: ``items``) and the dict, else None and ``source``."""
    if isinstance(source, Call) and not source.args and not source.kwargs \
            and isinstance(source.func, Attr) and source.func.attr in _VIEWS:
        return source.func.attr, source.func.base
    return None, source


def _peeled(source: Expr, path: tuple[int, ...]) -> tuple[Expr, tuple[int, ...] | None]:
    """``source`` without the builtins that keep its elements (``sorted(x)``, ``list(x)``) or
    number them (``enumerate(x)``: position 1 of an element is the element of ``x``; its
    position 0, the index, gives a None path)."""
    while isinstance(source, Call) and isinstance(source.func, Name) and len(source.args) >= 1:
        name = source.func.id
        if name in _SAME_ELEMENTS and len(source.args) == 1:
            source = source.args[0]
        elif name == "enumerate":
            if not path or path[0] != 1:
                return source, None
            source, path = source.args[0], path[1:]
        else:
            break
    return source, path


def _chosen(obj: Obj, step: Step) -> Obj:
    """``obj``, marked as the entry a key picked (strings and external names carry the mark)."""
    if isinstance(obj, Strs):
        return Strs(tuple(v.then(step) for v in obj.values))
    if isinstance(obj, Ext):
        return Ext(obj.dotted, obj.receiver, obj.trail + (step,))
    return obj


def choice_switch(value: StrValue | Ext) -> Switch | None:
    """The switch of a value (or an SDK callable) that a dict entry gave for a key the code
    chooses at run time (``dict_choice``): taken when the key's setting is unset is False (the
    setting must name the entry), unknown for a run-time value."""
    step = next((s for s in value.trail if s.detail.startswith(CHOSEN)), None)
    found = _CHOSEN_STEP.match(step.detail) if step is not None else None
    if found is None:
        return None
    setting, entry, shipped = found["setting"], found["entry"], found["shipped"]
    by_setting = setting != "a run-time value"
    return Switch(step.path, step.line, setting if by_setting else f"{found['key']} (chosen at run time)",
                  f"{setting if by_setting else found['key']} == {entry!r}", shipped if by_setting else "not known statically",
                  False if by_setting else None)


def _key_setting(keys: list[StrValue], path: str) -> str | None:
    """The setting a dict key is read from (``env:REGION``, a settings file's key), if any."""
    from .reach import _setting
    return _setting([k.trail for k in keys], path) or next(
        (h.label for k in keys for h in k.holes() if h.label.startswith("env:") or is_caller_set(k)), None)


def _shipped(key: StrValue) -> str:
    if key.is_known:
        return repr(key.text)
    return "unset" if any(h.label.startswith("env:") for h in key.holes()) else "not known statically"


def _expr_text(expr: Expr) -> str:
    """A short spelling of a key expression, for the switch it makes."""
    if isinstance(expr, Name):
        return expr.id
    if isinstance(expr, Attr):
        return f"{_expr_text(expr.base)}.{expr.attr}"
    if isinstance(expr, Lit):
        return repr(expr.text)
    if isinstance(expr, Call):
        return f"{_expr_text(expr.func)}(…)"
    if isinstance(expr, Sub):
        return f"{_expr_text(expr.base)}[…]"
    return "the key"
