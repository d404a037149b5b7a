"""Rows of a database, for the resolver: ``Model.objects`` of an in-tree ORM model class (one
deriving from a base that ``records:`` in ``rules/entrypoints/`` names) stands for the model's
stored rows. Rows are added at run time (an admin panel, an API, a management command), so
what is read from them (``.filter(…).first()``, a field, an item) has no shipped value: an
``Unshipped`` value, an unknown that says where the value lives. Reach reads a test of it
(``reach_unshipped``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import TYPE_CHECKING

from ..catalog import default_rules_dir, load_rule_file
from .objects import Absent, CallCtx, ClassRef, Ext, Obj, Unknown

if TYPE_CHECKING:
    from .resolve import Resolver

DB_ROWS = "db rows of "  # how ``Unshipped.source`` names a model's rows
MAX_BASE_DEPTH = 6  # in-tree base classes followed up to a library model base


@dataclass(frozen=True)
class Unshipped(Unknown):
    """A value no shipped file holds: what is read from a database row. ``source`` names where
    it lives at run time (``db rows of ChatModel``); ``model`` the model class (path, name), or
    for the user's file the module that names it (path, "")."""

    source: str = ""
    model: tuple[str, str] = ("", "")
    method: str = ""  # the attribute last read off it, for a call that follows (``cfg.get``)


@dataclass(frozen=True)
class RecordRules:
    bases: frozenset[str]
    managers: frozenset[str]
    creates: frozenset[str]
    loaders: frozenset[str]


@lru_cache(maxsize=1)
def record_rules() -> RecordRules:
    """The ``records:`` entries of ``rules/entrypoints/*.yaml``, merged."""
    sets: dict[str, set[str]] = {"bases": set(), "managers": set(), "creates": set(), "loaders": set()}
    for path in sorted((default_rules_dir() / "entrypoints").glob("*.yaml")):
        for entry in load_rule_file(path, "rules-entrypoints.schema.json").get("records", []):
            for key, names in sets.items():
                names.update(entry.get(key, []))
    return RecordRules(*(frozenset(sets[k]) for k in ("bases", "managers", "creates", "loaders")))


def stored_rows(resolver: Resolver, ref: ClassRef, attr: str) -> Unshipped | None:
    """``Model.objects`` (a manager of an ORM model class): the model's stored rows; None for
    any other attribute or class."""
    rules = record_rules()
    if attr not in rules.managers or not is_model(resolver, ref):
        return None
    name = ref.scope.name
    return Unshipped(f"{DB_ROWS}{name} (stored at run time, none in the scanned files)", ref.scope.line,
                     ref.module.path, f"{DB_ROWS}{name}", (ref.module.path, ref.scope.qualname))


def is_model(resolver: Resolver, ref: ClassRef, depth: int = 0) -> bool:
    """Whether ``ref`` derives, through in-tree classes, from a library ORM model base."""
    if depth > MAX_BASE_DEPTH:
        return False
    for base in resolver._bases(ref):
        if isinstance(base, Ext) and base.dotted in record_rules().bases:
            return True
        if isinstance(base, ClassRef) and is_model(resolver, base, depth + 1):
            return True
    return False


_WITH_DEFAULT = frozenset({"get", "pop", "setdefault"})  # mapping methods whose second argument is the default


def unshipped_call(resolver: Resolver, func: Unshipped, ctx: CallCtx) -> list[Obj]:
    """A call of a method read off an unshipped value: what it holds, and for ``.get(key,
    default)`` the default too (what a missing key gives: None without one)."""
    value = replace(func, method="")
    if func.method not in _WITH_DEFAULT or not ctx.args:
        return [value]
    default = ctx.args[1] if len(ctx.args) > 1 else ctx.kwarg("default")
    return [value, *(resolver.eval(default, ctx.frame) if default is not None else [Absent()])]
