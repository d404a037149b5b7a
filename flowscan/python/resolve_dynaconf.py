"""Dynaconf settings: ``settings.A.B``, ``settings["A"]`` and ``settings.get("A.B", default)`` of
``Dynaconf(settings_files=[...], envvar_prefix=P)``, with their ``path:line`` in the settings file.

What dynaconf does (dynaconf 3.3.5): keys match in any case and ``get("a.b")`` walks tables
(dynaconf/base.py ``Settings.get``: ``if "." in key and dotted_lookup: return self._dotted_get``);
env vars override the files (dynaconf/loaders/env_loader.py ``load``): ``P_KEY`` for
``envvar_prefix="P"`` (default ``"DYNACONF"``), every env var with no prefix for
``envvar_prefix=False`` (``False -> load *``; ``load_from_env`` strips no prefix), none for
``None`` (``None -> return not loading anything``); a comma-separated prefix loads each, the
first is taken here. A nested key is ``KEY__SUB`` (base.py ``set``: ``FOO__bar -> FOO.bar``
with ``NESTED_SEPARATOR_FOR_DYNACONF`` ``__``). A listed settings file missing from the tree
is skipped, as dynaconf skips one missing on disk.

Files are read in order, a later file's top-level key replacing an earlier one, unless merging
is on: ``merge_enabled=True`` or a ``dynaconf_merge = true`` key in the later table merges it
into the earlier one key by key, recursively (base.py ``_merge_before_set``: ``if local_merge or
(context_merge and local_merge is not False): value = object_merge(existing, value)``; utils
``object_merge`` keeps the earlier keys the later table lacks). ``environments=True`` sections
and dotenv loading are not modelled.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Step
from ..values import StrValue, merge_trails
from .facts import Call, Lit, NoneLit
from .objects import Absent, CallCtx, DataObj, DynaconfGet, DynaconfUnset, Frame, Inst, Obj, Unknown
from .settings import SettingsFiles

if TYPE_CHECKING:
    from ..extract.yamlnodes import Y
    from .resolve import Resolver

_NO_ENV = ""  # envvar_prefix=None: no env var is read
_ALL_ENV = "*"  # envvar_prefix=False or "": every env var, no prefix


def _env_name(prefix: str, key: str) -> str | None:
    """The env var that overrides top-level ``key`` under ``prefix``; None when none does."""
    if prefix == _NO_ENV:
        return None
    return key.upper() if prefix == _ALL_ENV else f"{prefix}_{key}".upper()


def _child_key(node: Y, key: str) -> str | None:
    """The key of mapping ``node`` that ``key`` names, in any case (the last one written)."""
    if not isinstance(node.value, dict):
        return None
    return next((k for k in reversed(node.value) if k.lower() == key.lower()), None)


def _merging(call: Call) -> bool:
    """Whether ``Dynaconf(...)`` merges tables across files (``merge_enabled=True``)."""
    value = call.kwarg("merge_enabled")
    return isinstance(value, Lit) and value.text == "True"


def _merges_locally(node: Y) -> bool:
    """Whether table ``node`` asks to be merged into the earlier one (``dynaconf_merge = true``)."""
    flag = node.value.get("dynaconf_merge") if isinstance(node.value, dict) else None
    return flag is not None and flag.scalar() == "true"


def _tables(layers: tuple[DataObj | None, ...]) -> tuple[DataObj, ...]:
    """The layers that are tables."""
    return tuple(layer for layer in layers if layer is not None)


class DynaconfResolution:
    """Mixed into the resolver; uses its ``eval``, ``strings``, ``items``, ``_env_value`` and
    ``_data_value``."""

    def dynaconf_prefix(self: Resolver, call: Call, frame: Frame) -> str | None:
        """The env prefix of a ``Dynaconf(...)`` call: a name, ``_ALL_ENV``, ``_NO_ENV``, or None
        when not known statically."""
        value = call.kwarg("envvar_prefix")
        if value is None:
            return "DYNACONF"
        if isinstance(value, NoneLit):
            return _NO_ENV
        if isinstance(value, Lit) and value.text in ("False", ""):
            return _ALL_ENV
        found = self.strings(self.eval(value, frame), frame)
        if len(found) != 1 or not found[0].is_known:
            return None
        return found[0].text.split(",")[0].strip() or _ALL_ENV

    def dynaconf_item(self: Resolver, settings: Inst, attr: str, path: str, line: int) -> list[Obj]:
        """``settings.KEY``: env var ``P_KEY`` (per ``envvar_prefix``), else ``KEY`` in any case from
        the last listed file that has it; a table stays data whose keys are read the same way,
        merged with the same table of earlier files when merging is on."""
        call = settings.call
        assert call is not None
        frame = call.frame
        found: list[tuple[DataObj, str, Y]] = []
        files = call.kwarg("settings_files") or call.kwarg("settings_file")
        registry: SettingsFiles | None = getattr(self.program, "settings", None)
        for obj in self.items(self.eval(files, frame)) if files is not None and registry is not None else []:
            for written in self.strings([obj], frame):
                tree_path = registry.find(written.text, frame.module.path) if written.is_known else None
                document = registry.document(tree_path) if tree_path is not None else None
                key = _child_key(document, attr) if document is not None else None
                if key is not None:
                    step = Step(frame.module.path, call.line, f"Dynaconf({tree_path})")
                    found.append((DataObj(document, tree_path, (*written.trail, step)), key, document.value[key]))
        prefix = self.dynaconf_prefix(call, frame)
        env = _env_name(prefix, attr) if prefix is not None else None
        label = f"Dynaconf setting {attr}"
        if found:
            data, key, node = found[-1]
            values = self._data_value(data, key, node)
            if isinstance(node.value, dict):
                merged = _merging(call) or _merges_locally(node)
                under = tuple(self._table(*entry, env) for entry in found[:-1]) if merged else ()
                return [DataObj(node, data.path, values[0].trail, env, _tables(under)) if isinstance(values[0], DataObj) else values[0]]
            return self._env_value(env, values, path, line, f"env {env} ({label})") if env else values
        if prefix is None:
            return [Unknown(f"{label}: envvar_prefix not known statically", line)]
        if env is None:
            return [Absent((Step(path, line, f"{label} is in no settings file and envvar_prefix=None reads no env"),))]
        return [DynaconfUnset(env, path, line, (Step(path, line, f"{label} is in no listed settings file"),))]

    def _table(self: Resolver, data: DataObj, key: str, node: Y, env: str | None) -> DataObj | None:
        """Table ``key`` of file ``data`` as a Dynaconf table named by ``env``; None when not a table."""
        values = self._data_value(data, key, node)
        if not isinstance(node.value, dict) or not isinstance(values[0], DataObj):
            return None
        return DataObj(node, data.path, values[0].trail, env)

    def dynaconf_child(self: Resolver, data: DataObj, attr: str, path: str, line: int) -> list[Obj]:
        """Key ``attr`` of Dynaconf table ``data``: env ``{data.env}__ATTR`` first, else the file's
        value, else (merging on) the value in the last earlier file's table that has it."""
        env = f"{data.env}__{attr.upper()}" if data.env is not None else None
        layers = (*data.under, data)
        holders = [layer for layer in layers if _child_key(layer.node, attr) is not None]
        if not holders:
            step = Step(data.path, data.node.key_or_value_line, f"no key {attr} in this table")
            if env is None:
                return [Absent((*data.trail, step))]
            return [DynaconfUnset(env, path, line, (*data.trail, step))]
        top = holders[-1]
        key = _child_key(top.node, attr)
        assert key is not None
        node = top.node.value[key]
        values = self._data_value(top, key, node)
        if isinstance(node.value, dict):
            merged = bool(data.under) or _merges_locally(node)
            under = tuple(self._table(layer, k, layer.node.value[k], env) for layer in holders[:-1]
                          if (k := _child_key(layer.node, attr)) is not None) if merged else ()
            return [DataObj(v.node, v.path, v.trail, env, _tables(under)) if isinstance(v, DataObj) else v for v in values]
        return self._env_value(env, values, path, line, f"env {env} (Dynaconf setting {attr})") if env else values

    def dynaconf_key(self: Resolver, base: Obj, attr: str, path: str, line: int) -> list[Obj]:
        """One step of a Dynaconf key path: ``base.attr`` (``base["attr"]``)."""
        if isinstance(base, Inst):
            return self.dynaconf_item(base, attr, path, line)
        if isinstance(base, DataObj):
            dynaconf = base.env is not None or base.under
            return self.dynaconf_child(base, attr, path, line) if dynaconf else self._data_item(base, attr)
        if isinstance(base, DynaconfUnset):
            return [DynaconfUnset(f"{base.env}__{attr.upper()}", path, line, base.trail)]
        if isinstance(base, Absent):
            return [base]
        return [Unknown(f"Dynaconf key {attr} of a value that is not a table", line)]

    def dynaconf_get(self: Resolver, get: DynaconfGet, ctx: CallCtx) -> list[Obj]:
        """``settings.get("a.b", default)``: the dotted key walked table by table; ``default``
        where no file and no env var sets it."""
        frame = ctx.frame
        path = frame.module.path
        key = ctx.args[0] if ctx.args else ctx.kwarg("key")
        default = ctx.args[1] if len(ctx.args) > 1 else ctx.kwarg("default")
        defaults = self.eval(default, frame) if default is not None else []
        out: list[Obj] = []
        for text in self.strings(self.eval(key, frame), frame) if key is not None else []:
            if not text.is_known:
                out.append(Unknown("Dynaconf key not known statically", ctx.line))
                continue
            objs: list[Obj] = [get.base]
            for part in text.text.split("."):
                objs = [found for obj in objs for found in self.dynaconf_key(obj, part, path, ctx.line)]
            for obj in objs:
                if isinstance(obj, DynaconfUnset):
                    out.extend(self._env_value(obj.env, defaults, obj.path, obj.line, f"env {obj.env} (Dynaconf setting {text.text})"))
                elif isinstance(obj, Absent) and default is not None:
                    out.extend(defaults)
                else:
                    out.append(obj)
        return out or [Unknown("Dynaconf key not known statically", ctx.line)]

    def dynaconf_unset_strings(self: Resolver, unset: DynaconfUnset, frame: Frame) -> list[StrValue]:
        """The text of a Dynaconf key no file sets: its env var's value in this context, else a hole."""
        values = self._env_value(unset.env, [], unset.path, unset.line, f"env {unset.env} (Dynaconf setting)")
        return [StrValue(v.parts, merge_trails(unset.trail, v.trail)) for v in self.strings(values, frame)]
