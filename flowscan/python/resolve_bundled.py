"""Configuration models loaded from settings files, for the resolver: a pydantic model the code
builds from a file (``Settings.model_validate_json(path.read_text())``, ``parse_file``,
``model_validate(json.load(f))``), where the file is one a name picks at run time
(``importlib.resources.files(pkg.configs) / f"{name}.json"``), may hold any of those files'
values. An instance whose construction the analysis does not see (``self`` in a method) is read
with each file's value of the field beside the class's own default, as an opt-in choice."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from ..model import Step
from ..values import StrValue
from .facts import Attr, Expr, Name, imported_callee
from .objects import Absent, CallCtx, ClassRef, DataObj, Ext, Frame, ModRef, Obj, PathVal, Strs, Unknown

if TYPE_CHECKING:
    from .resolve import Resolver

RESOURCE_FILES = frozenset({"importlib.resources.files", "importlib_resources.files"})
# pydantic's class methods that build a model from a file's text, or from its parsed data
_FROM_TEXT = ("model_validate_json", "parse_raw")
_FROM_DATA = ("model_validate", "parse_obj")
_LOADERS = (*_FROM_TEXT, *_FROM_DATA)


class BundledResolution:
    """Mixed into the resolver (``self`` is a :class:`Resolver`)."""

    def package_folder(self: Resolver, ctx: CallCtx) -> list[Obj]:
        """``importlib.resources.files(pkg)``: the folder of package ``pkg`` in the tree (a
        folder without ``__init__.py`` is found under its parent package's)."""
        frame = ctx.frame
        written = imported_callee(frame.module, ctx.args[0]) if _root_imported(ctx.args[0], frame) else None
        # ``pkg.configs`` as imported: a folder of data files need not be a module the tree has
        folder = self._folder_of(written) if written else None
        if folder is not None:
            step = Step(frame.module.path, ctx.line, f"importlib.resources.files({written}): {folder}")
            return [PathVal((StrValue.literal(folder, (step,)),))]
        out: list[Obj] = []
        for obj in self.eval(ctx.args[0], frame):
            dotted = obj.module.module if isinstance(obj, ModRef) else obj.dotted if isinstance(obj, Ext) else None
            if isinstance(obj, Strs) and len(obj.values) == 1 and obj.values[0].is_known:
                dotted = obj.values[0].text
            folder = self._folder_of(dotted) if dotted else None
            if folder is None:
                out.append(Unknown(f"importlib.resources.files() of {dotted or 'a package not known statically'}", ctx.line))
                continue
            step = Step(frame.module.path, ctx.line, f"importlib.resources.files({dotted}): {folder}")
            out.append(PathVal((StrValue.literal(folder, (step,)),)))
        return out

    def _folder_of(self: Resolver, dotted: str) -> str | None:
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            path = self.program.path_of(".".join(parts[:cut]))
            if path is None:
                continue
            if posixpath.basename(path) != "__init__.py":
                return None  # a module, not a package: no folder of files
            return posixpath.join(posixpath.dirname(path), *parts[cut:])
        return None

    def file_values(self: Resolver, ref: ClassRef, attr: str) -> list[Obj]:
        """Field ``attr`` of an instance of ``ref`` built from a settings file a name picks:
        each such file's value for it (a file without the field leaves the class's default)."""
        out: list[Obj] = []
        for data in self.loaded_from_files(ref):
            out.extend(o for o in self._data_item(data, attr) if not isinstance(o, Absent))
        return out

    def loaded_from_files(self: Resolver, ref: ClassRef) -> list[DataObj]:
        """The data of the settings files the code builds instances of ``ref`` from, where a
        name picks the file (each marked as chosen by it); none for most classes."""
        key = ("bundled", ref.module.path, ref.scope.qualname)
        if key in self._active:
            return []  # a load site reading the class's own fields does not loop
        found = self._recall(key)  # memoised as evaluations are: what it read is recorded for reuse
        if found is not None:
            return [o for o in found if isinstance(o, DataObj)]
        reads = self.env_reads_seen
        self._active.add(key)
        out: list[DataObj] = []
        try:
            for loader in _LOADERS:
                for facts, site in self.program.sites_calling(loader, ref.module):
                    func = site.func
                    if not isinstance(func, Attr) or not site.args:
                        continue
                    frame = Frame(facts, site.scope, site.line)
                    if not any(isinstance(o, ClassRef) and o.scope is ref.scope for o in self.eval(func.base, frame)):
                        continue
                    ctx = CallCtx(frame, site.args, site.kwargs, site.line)
                    data = self._settings_file(loader, ctx) if loader in _FROM_TEXT else self.eval(site.args[0], frame)
                    out.extend(o for o in data if isinstance(o, DataObj) and _picked_by_name(o))
        finally:
            self._active.discard(key)
        if not self.over_budget:
            self._remember(key, list(out), reads)
        else:
            self._forget()
        return out


def _picked_by_name(data: DataObj) -> bool:
    """Whether a settings file's data is one a name picks at run time (``_named_settings_files``):
    a file the code always loads is read where it is loaded, not added to every instance."""
    from .resolve_loops import CHOSEN

    return any(step.detail.startswith(CHOSEN) for step in data.trail)


def _root_imported(expr: Expr, frame: Frame) -> bool:
    """Whether ``expr`` is a dotted name (``pkg.configs``) whose first name is an import."""
    while isinstance(expr, Attr):
        expr = expr.base
    return isinstance(expr, Name) and expr.id in frame.module.imports
