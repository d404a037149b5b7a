"""Dicts filled by stores made under tests, read key by key.

SDK arguments are very often built as ``params = {"collection_name": name}`` followed by
``if url: params["url"] = url``, ``if api_key: params["api_key"] = api_key``, … and passed as
``Client(**params)``. Read as whole dicts, n such stores give 2^n versions of ``params`` (one
per combination of the tests), over the cap on alternatives at five, and the keywords are lost.
Here the dict is one mapping whose entries set under a test carry that store's step: a key's
values are those of its entries (the literal's, then each store's, with the store's step so its
tests decide its reach, see ``reach_assigned``), and, where only stores under a test set it, the
key may be unset (``Absent``: the SDK's own default). The number of alternatives then grows with
the keys' own values, not with the number of stores.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..model import Step
from ..values import StrValue
from .facts import Assign, Expr, ItemSet, Lit, Name
from .objects import Absent, DictObj, Frame, Obj, Strs

if TYPE_CHECKING:
    from .resolve import Resolver

KEY_UNSET = "set only under a test: unset otherwise"  # the step detail (after the key) of a key a store may not set


def conditional_stores(chosen: list[Assign], name: str) -> bool:
    """Whether some of the assignments of ``name`` reaching a read, after the first, are
    ``name[key] = …`` stores made under a test."""
    return any(assign.conditional and _store_of(assign, name) for assign in chosen[1:])


def _store_of(assign: Assign, name: str) -> bool:
    value = assign.value
    return isinstance(value, ItemSet) and isinstance(value.base, Name) and value.base.id == name


def is_unset_key(obj: Obj) -> bool:
    """Whether ``obj`` is the unset side of a key only stores under a test set."""
    return isinstance(obj, Absent) and bool(obj.trail) and obj.trail[-1].detail.endswith(KEY_UNSET)


def with_store(obj: Obj, store: ItemSet, frame: Frame) -> Obj:
    """A dict ``obj`` after ``d[key] = value`` made unconditionally (``store``, at ``frame``): the
    entry is added, replacing those with the same literal key (set under a test or not); a
    mapping the analysis does not model stays as it was."""
    if not isinstance(obj, DictObj):
        return obj
    replaced = store.key.text if isinstance(store.key, Lit) else None
    kept = [(key, value, at, made) for (key, value, at), made in zip(obj.entries(), obj.store_steps())
            if replaced is None or _literal(key) != replaced]
    kept.append((store.key, store.value, frame, None))
    stores = tuple(made for *_, made in kept)
    return DictObj(tuple((key, value) for key, value, _, _ in kept), obj.frame, tuple(at for _, _, at, _ in kept),
                   stores if any(stores) else ())


def _with_stores(obj: DictObj, stores: list[tuple[Expr | str, Expr, Frame, Step]]) -> DictObj:
    """``obj`` with ``stores`` added as entries set under a test."""
    entries = obj.entries()
    return DictObj((*obj.items, *((key, value) for key, value, _, _ in stores)), obj.frame,
                   (*(at for _, _, at in entries), *(at for _, _, at, _ in stores)),
                   (*obj.store_steps(), *(step for *_, step in stores)))


def _literal(key: object) -> str | None:
    return key if isinstance(key, str) else key.text if isinstance(key, Lit) else None


class DictStoreResolution:
    """Mixed into the resolver; uses its ``eval`` and ``strings``."""

    def stored_dict(self: Resolver, chosen: list[Assign], name: str, frame_at: Callable[[int], Frame]) -> list[Obj]:
        """The values of ``name`` from the assignments ``chosen`` (in order, see ``_reaching``):
        each assignment adds its values, each later store under a test adds an entry set under
        that test to every dict so far. ``frame_at(line)`` is the frame of an assignment at ``line``.
        Each dict is built once, with all its stores (linear in them)."""
        from .resolve import _cap  # resolve imports this module
        from .resolve_data import short_text  # resolve_data imports this module's users

        objs: list[tuple[Obj, int]] = []  # each value, and the first store it takes
        stores: list[tuple[Expr | str, Expr, Frame, Step]] = []
        for index, assign in enumerate(chosen):
            frame = frame_at(assign.line)
            step = Step(frame.module.path, assign.line, short_text(assign.text) or f"{name} = …")
            if index and assign.conditional and _store_of(assign, name):
                stores.append((assign.value.key, assign.value.value, frame, step))
            else:
                objs.extend((_then(obj, step), len(stores)) for obj in self.eval(assign.value, frame))
        # at most the alternatives an expression has (``_cap``), chosen before the dicts are built
        firsts = {id(obj): first for obj, first in objs}
        return [_with_stores(obj, stores[first:]) if isinstance(obj, DictObj) and (first := firsts.get(id(obj), 0)) < len(stores)
                else obj for obj in _cap([obj for obj, _ in objs])]

    def keyed_values(self: Resolver, obj: DictObj, keys: list[str]) -> list[Obj]:
        """The values of the entries of ``obj`` whose key is one of ``keys``; where only stores
        under a test set the key, also its unset side (an ``Absent`` ending in ``KEY_UNSET``)."""
        out: list[Obj] = []
        always = False
        sometimes: Step | None = None
        for (k_expr, v_expr, frame), store in zip(obj.entries(), obj.store_steps()):
            if isinstance(k_expr, str):
                if k_expr not in keys:
                    continue
            elif not any(v.is_known and v.text in keys for v in self.strings(self.eval(k_expr, frame), frame)):
                continue
            values = self.eval(v_expr, frame)
            if store is None:
                always = True
                out.extend(values)
            else:
                sometimes = store
                out.extend(_then(value, store) for value in values)
        if sometimes is not None and not always:
            out.append(_unset(obj, keys[0]))
        return out

    def entry_objs(self: Resolver, obj: DictObj, index: int) -> list[Obj]:
        """The values of entry ``index`` of ``obj``; of a store under a test, with its step and
        the unset side (iterating the dict may not find the entry)."""
        key, v_expr = obj.items[index]
        frame = obj.frames[index] if obj.frames else obj.frame
        store = obj.stores[index] if obj.stores else None
        if store is None:
            return self.eval(v_expr, frame)
        return [*(_then(value, store) for value in self.eval(v_expr, frame)), _unset(obj, _literal(key) or "key")]


def _unset(obj: DictObj, key: str) -> Absent:
    return Absent((Step(obj.frame.module.path, obj.frame.line, f"{key} {KEY_UNSET}"),))


def _then(obj: Obj, step: Step) -> Obj:
    if isinstance(obj, Strs):
        return Strs(tuple(StrValue.then(v, step) for v in obj.values))
    return obj
