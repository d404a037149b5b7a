"""SDK clients subclassed in the tree (``class Gateway(OpenAI): ...``) are the SDK: a call
that constructs such a class (when no in-tree class on the way defines ``__init__``) or a
``super().__init__(…)`` inside one is the SDK's constructor call, with those arguments."""

from __future__ import annotations

from ..catalog import Catalog
from .facts import Attr, CallSite, ModuleFacts, Name, is_super_init
from .objects import ClassRef, Ext
from .resolve import Resolver, _enclosing_class


def subclass_names(modules: list[ModuleFacts], last_names: frozenset[str]) -> frozenset[str]:
    """Classes of ``modules`` with a base named like a sink (``OpenAI``, ``openai.OpenAI``),
    or like such a class: their constructor calls may be sink calls."""
    return subclasses_among([c for facts in modules for c in class_bases(facts)], last_names)


def subclasses_among(classes: list[tuple[str, frozenset[str]]], last_names: frozenset[str]) -> frozenset[str]:
    """The classes (name, last names of their bases) that derive from a sink-named class."""
    found: set[str] = set()
    known = set(last_names)
    while True:
        new = {name for name, bases in classes if name not in found and bases & known}
        if not new:
            return frozenset(found)
        found |= new
        known |= new


def class_bases(facts: ModuleFacts) -> list[tuple[str, frozenset[str]]]:
    """Each class of ``facts`` (nested ones too) with the last names of its bases."""
    classes: list[tuple[str, frozenset[str]]] = []
    stack = [facts.scope]
    while stack:
        scope = stack.pop()
        for child in scope.children.values():
            if child.kind == "class":
                classes.append((child.name, frozenset(n for b in child.bases if (n := _last(b)))))
            stack.append(child)
    return classes


def sdk_of_class(resolver: Resolver, ref: ClassRef, catalog: Catalog, through_init: bool) -> str | None:
    """The SDK sink class ``ref`` derives from; with ``through_init`` False, None when an
    in-tree class on the way defines ``__init__`` (its ``super().__init__`` call is the one)."""
    seen: set[tuple[str, str]] = set()
    todo = [ref]
    while todo:
        current = todo.pop(0)
        key = (current.module.path, current.scope.qualname)
        if key in seen:
            continue
        seen.add(key)
        if not through_init and "__init__" in current.scope.children:
            return None
        for base in resolver._bases(current):
            if isinstance(base, Ext) and base.dotted in catalog.sinks and catalog.sinks[base.dotted].kind == "call":
                return base.dotted
            if isinstance(base, ClassRef):
                todo.append(base)
    return None


def super_init_sdk(resolver: Resolver, facts: ModuleFacts, site: CallSite, catalog: Catalog) -> str | None:
    """The SDK whose constructor ``super().__init__(…)`` at ``site`` calls."""
    klass = _enclosing_class(facts.scope, site.scope)
    if klass is None:
        return None
    return sdk_of_class(resolver, ClassRef(facts, klass), catalog, through_init=True)


def constructed_sdk(resolver: Resolver, obj, catalog: Catalog) -> str | None:
    return sdk_of_class(resolver, obj, catalog, through_init=False) if isinstance(obj, ClassRef) else None


def _last(expr) -> str | None:
    if isinstance(expr, Name):
        return expr.id
    if isinstance(expr, Attr):
        return expr.attr
    return None


__all__ = ["constructed_sdk", "is_super_init", "subclass_names", "super_init_sdk"]
