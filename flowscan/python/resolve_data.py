"""Values from settings files, ``**mapping`` keywords and path arithmetic: the part of
:class:`~flowscan.python.resolve.Resolver` that reads data rather than code."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Iterable

from ..model import Step
from ..values import StrValue, concat, merge_trails
from .facts import Call, Expr, ModuleFacts, Name, Param, Scope
from .objects import (
    CALLER_SET,
    Absent,
    CallCtx,
    DataObj,
    DictObj,
    EnvRead,
    Ext,
    Frame,
    Inst,
    Obj,
    PathOpened,
    Scalar,
    Strs,
    Unknown,
    UserInput,
    describe,
    is_parameter_hole,
)
from .settings import OPENERS, PATH_LOADERS, PATH_READERS, SETTINGS_SUFFIXES, SettingsFiles, placeholders
from .resolve_paths import joined_with_holes, url_joined
from .resolve_loops import CHOSEN
from .resolve_caller_get import UnpassedNone
from .resolve_user_files import read_user_file, user_file

if TYPE_CHECKING:
    from ..extract.yamlnodes import Y

PATH_JOIN = frozenset({"os.path.join"})
PATH_SAME = frozenset({"os.path.abspath", "os.path.realpath", "os.path.normpath", "os.fspath"})
PATH_DIRNAME = frozenset({"os.path.dirname"})
PATH_FUNCTIONS = PATH_JOIN | PATH_SAME | PATH_DIRNAME


def _is_text(obj: Obj) -> bool:
    """Whether ``obj`` is certainly a string: known text, or text with env var values in it
    (an env var's value is a string), not a placeholder for a value of any kind."""
    return isinstance(obj, Strs) and all(
        isinstance(part, str) or part.label.startswith("env:") for value in obj.values for part in value.parts)


def short_text(text: str, limit: int = 80) -> str:
    """``text`` on one line, cut to ``limit`` characters (for provenance steps)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class DataResolution:
    """Mixed into the resolver; uses its ``eval``, ``strings``, ``env``, ``env_reads``,
    ``program`` and ``_dict_values``."""

    def splatted(self, ctx: CallCtx, names: Iterable[str]) -> list[Obj] | None:
        """A keyword argument passed inside ``**mapping`` (``client(**kwargs)`` with ``kwargs =
        dict(base_url=...)`` or a dict literal or settings data): in each mapping the analysis
        can read, the first of ``names`` it holds; None when no ``**`` mapping gives one. Where
        one of the mappings the value may be lacks the keyword, it may be absent too (the SDK's
        own default). A mapping it cannot read may hold the keyword: then the keyword is that
        unknown (or user-supplied) value, or absent, never silently the default alone."""
        frame = ctx.frame
        names = list(names)
        given: list[Obj] = []
        lacking = False
        unread: list[Obj] = []
        for key, source in ctx.kwargs:
            if key != "**":
                continue
            splat = f"**{source.id}" if isinstance(source, Name) else "**mapping"
            for mapping in self._copies_read(self.eval(source, frame)):
                if isinstance(mapping, (DictObj, DataObj)):
                    found = next((found for name in names if (found := self._mapping_value(mapping, name))), None)
                    given.extend(found or ())
                    lacking = lacking or not found
                elif isinstance(mapping, Scalar) or _is_text(mapping):
                    continue  # no mapping: ``**`` of a number, bool or string raises, it sets no keyword
                elif isinstance(mapping, UserInput):
                    unread.append(mapping.reached(f"{mapping.expr}[{names[0]!r}]"))
                elif is_parameter_hole(mapping):  # a library's caller passes it: their configuration
                    unread.append(Unknown(f"{CALLER_SET}{splat} ({mapping.values[0].parts[0].label}) may set {names[0]}",
                                          ctx.line))
                elif isinstance(mapping, Unknown):
                    unread.append(Unknown(f"{splat} not read ({mapping.why}); it may set {names[0]}", ctx.line))
                elif not isinstance(mapping, Absent):
                    unread.append(Unknown(f"{splat} not read ({describe(mapping)}); it may set {names[0]}", ctx.line))
        if given:
            return [*given, *unread, Absent()] if lacking or unread else given
        return [*unread, Absent()] if unread else None

    def _copies_read(self: Resolver, mappings: list[Obj]) -> list[Obj]:
        """``mappings`` with each ``dict(mapping)`` (a copy: ``kwargs = dict(self._kwargs)``)
        replaced by the mapping it copies, for the keywords a ``**`` of it passes."""
        out: list[Obj] = []
        for mapping in mappings:
            call = mapping.call if isinstance(mapping, Inst) and isinstance(mapping.of, Ext) \
                and mapping.of.dotted == "dict" else None
            if call is not None and len(call.args) == 1 and not call.kwargs:
                out.extend(self.eval(call.args[0], call.frame))
            else:
                out.append(mapping)
        return out

    def _mapping_value(self: Resolver, mapping: DictObj | DataObj, name: str) -> list[Obj]:
        """The values of key ``name`` in a dict literal or settings mapping (none: it lacks it)."""
        if isinstance(mapping, DictObj):
            return self._dict_values(mapping, [name])
        return [o for o in self._data_item(mapping, name) if not isinstance(o, Absent)]

    def entry_values(self, objs: list[Obj]) -> list[Obj]:
        """The value of every entry of each mapping (a dict literal or settings mapping of named
        connections: ``{"search": {"url": ...}, "files": {...}}``); objects of another kind stay
        as they are (holes that say what they are)."""
        out: list[Obj] = []
        for obj in objs:
            if isinstance(obj, DictObj):
                for _key, value, frame in obj.entries():
                    out.extend(self.eval(value, frame))
            elif isinstance(obj, DataObj) and isinstance(obj.node.value, dict):
                for key in obj.node.value:
                    out.extend(self._data_item(obj, str(key)))
            else:
                out.append(obj)
        return out

    def field_of(self, objs: list[Obj], name: str) -> list[Obj]:
        """Keyword ``name`` of the call that made each object (``ClientOptions(api_endpoint=…)``),
        or key ``name`` of a dict or settings mapping; objects of another kind stay as they are
        (holes that say what they are)."""
        out: list[Obj] = []
        for obj in objs:
            if isinstance(obj, Inst) and obj.call is not None:
                expr = obj.call.kwarg(name)
                out.extend(self.eval(expr, obj.call.frame) if expr is not None else [Absent()])
            elif isinstance(obj, DictObj):
                out.extend(self._dict_values(obj, [name]) or [Absent()])
            elif isinstance(obj, DataObj):
                out.extend(self._data_item(obj, name))
            else:
                out.append(obj)
        return out

    # settings files ---------------------------------------------------------
    def _path_op(self, name: str, ctx: CallCtx) -> list[Obj]:
        """``os.path.join`` / ``dirname`` / ``abspath`` on paths known as text (``__file__``
        is the module's path in the tree, so ``dirname(__file__)`` is its folder)."""
        frame = ctx.frame
        parts = [self.strings(self.eval(arg, frame), frame) for arg in ctx.args]
        step = Step(frame.module.path, ctx.line, f"{name}(…)")
        if any(not values or not all(v.is_known for v in values) for values in parts):
            urls = url_joined(parts, step) if name in PATH_JOIN else None
            if urls:
                return [Strs(tuple(urls))]
            named = joined_with_holes(parts, step) if name in PATH_JOIN else None
            if named and all(v.parts and isinstance(v.parts[-1], str) and v.parts[-1].endswith(SETTINGS_SUFFIXES)
                             for v in named):  # a settings file picked by name: ``settings.matching`` reads it
                return [Strs(tuple(named))]
            return [Unknown(f"{name}() of a path not known statically", ctx.line)]
        texts: list[str] = [v.text for v in parts[0]]
        if name in PATH_JOIN:
            for more in parts[1:]:
                texts = [posixpath.join(t, v.text) for t in texts for v in more]
        elif name in PATH_DIRNAME:
            texts = [posixpath.dirname(t) for t in texts]
        return [Strs(tuple(StrValue.literal(t, (step,)) for t in dict.fromkeys(texts)))]

    def _settings_file(self, loader: str, ctx: CallCtx) -> list[Obj]:
        """``yaml.safe_load(open(P))``, ``OmegaConf.load(P)``, ...: the file's data when ``P``
        names a YAML file in the tree."""
        frame = ctx.frame
        settings: SettingsFiles | None = getattr(self.program, "settings", None)
        paths: list[StrValue] = []
        out: list[Obj] = []  # the user's own files (``user_file``), then the files of the paths
        for obj in self.eval(ctx.args[0], frame):
            if isinstance(obj, PathOpened):  # yaml.safe_load(Path(__file__).with_name("config.yaml").read_text())
                paths += obj.values
            elif loader in PATH_LOADERS and not _opened(obj):
                paths += self._file_paths([obj], frame, loader, ctx.line, out)
            elif isinstance(obj, Inst) and isinstance(obj.of, Ext):  # a stream: open(P), Path(P).open()
                opener = obj.call if obj.of.dotted in OPENERS else None
                if (home := read_user_file(self, obj, loader, frame.module.path, ctx.line)) is not None:
                    out.append(home)  # (Path.home() / "app.toml").read_text()
                    continue
                if obj.of.dotted in PATH_READERS and obj.of.receiver is not None:
                    opener = obj.of.receiver.call  # pathlib.Path(P).read_text()
                if opener is not None and opener.args:
                    paths += self._file_paths(self.eval(opener.args[0], opener.frame), opener.frame, loader, ctx.line, out)
        for path in paths:
            if settings is not None and not path.is_known and (named := settings.matching(path, frame.module.path)):
                out.extend(self._named_settings_files(loader, path, named, ctx))
                continue
            found = settings.find(path.text, frame.module.path) if settings is not None and path.is_known else None
            document = settings.document(found) if found is not None else None
            if document is None:
                out.append(Unknown(f"{loader}() of {path.text if path.is_known else 'a file not known statically'}",
                                   ctx.line))
                continue
            out.append(DataObj(document, found, (*path.trail, Step(frame.module.path, ctx.line, f"{loader}({found})"))))
        return out

    def _file_paths(self, objs: list[Obj], frame: Frame, loader: str, line: int, home: list[Obj]) -> list[StrValue]:
        """The paths among ``objs``, as strings; a path under the user's home folder is the
        user's own file instead, added to ``home``."""
        rest: list[Obj] = []
        for obj in objs:
            if isinstance(obj, UnpassedNone) or is_parameter_hole(obj):
                # a file the library's caller names (``from_config(config_path)``): its settings
                # are the caller's, not shipped
                label = obj.parameter if isinstance(obj, UnpassedNone) else obj.values[0].parts[0].label
                home.append(Unknown(f"{CALLER_SET}the file named by {label}", line))
                continue
            found = user_file(self, obj, loader, frame.module.path, line)
            if found is not None:
                home.append(found)
            else:
                rest.append(obj)
        return self.strings(rest, frame)

    def _named_settings_files(self, loader: str, path: StrValue, named: list[str], ctx: CallCtx) -> list[Obj]:
        """The data of each tree file a path with unknown parts names (``configs/{name}.json``):
        the code picks one by name at run time, so each is an entry chosen by that name (a
        setting: taken only where it is given, see ``choice_switch``)."""
        settings: SettingsFiles = self.program.settings
        where = ctx.frame.module.path
        pattern = "".join(p if isinstance(p, str) else "*" for p in path.parts)
        out: list[Obj] = []
        for found in named:
            document = settings.document(found)
            if document is None:
                out.append(Unknown(f"{loader}() of {found}: not a mapping or list", ctx.line))
                continue
            entry = posixpath.splitext(posixpath.basename(found))[0]
            chosen = Step(where, ctx.line, f'{CHOSEN} name (settings file {pattern} picked by name, shipped: unset): entry "{entry}"')
            out.append(DataObj(document, found, (*path.trail, chosen, Step(where, ctx.line, f"{loader}({found})"))))
        return out

    def hydra_config(self, module: ModuleFacts, scope: Scope, param: Param) -> list[Obj] | None:
        """The config Hydra passes as the first parameter of a ``@hydra.main(config_path=P,
        config_name=N)`` function: ``P/N.yaml`` beside the module (defaults lists and command
        line overrides are not composed); None when ``scope`` is no such function."""
        if not scope.params or scope.params[0] is not param:
            return None
        for decorator in scope.decorators:
            if not isinstance(decorator, Call):
                continue
            frame = Frame(module, scope.qualname.rpartition(".")[0], scope.line)
            if not any(isinstance(o, Ext) and o.dotted == "hydra.main" for o in self.eval(decorator.func, frame)):
                continue
            folder = self._known_text(decorator, "config_path", frame)
            name = self._known_text(decorator, "config_name", frame)
            if name is None:
                return [Unknown("@hydra.main config_name not known statically", decorator.line)]
            file = name if name.endswith((".yaml", ".yml")) else f"{name}.yaml"
            written = posixpath.normpath(posixpath.join(posixpath.dirname(module.path), folder or "", file))
            settings: SettingsFiles | None = getattr(self.program, "settings", None)
            found = settings.find(written, module.path) if settings is not None else None
            document = settings.document(found) if found is not None else None
            if document is None:
                return [Unknown(f"@hydra.main config {written} not found in the tree", decorator.line)]
            return [DataObj(document, found, (Step(module.path, decorator.line, f"@hydra.main({found})"),))]
        return None

    def _known_text(self, call: Call, keyword: str, frame: Frame) -> str | None:
        value = next((v for k, v in call.kwargs if k == keyword), None)
        return self._known_text_of(value, frame) if value is not None else None

    def _known_text_of(self, value: Expr, frame: Frame) -> str | None:
        found = self.strings(self.eval(value, frame), frame)
        return found[0].text if len(found) == 1 and found[0].is_known else None

    def _data_item(self, data: DataObj, key: str) -> list[Obj]:
        node = data.node
        child = node.get(key) if isinstance(node.value, dict) else (
            node.value[int(key)] if isinstance(node.value, list) and key.isdigit() and int(key) < len(node.value)
            else None)
        if child is None:
            return [Absent((Step(data.path, node.line, f"no key {key}"),))]
        return self._data_value(data, key, child)

    def _data_get(self, data: DataObj, ctx: CallCtx) -> list[Obj]:
        frame = ctx.frame
        key = ctx.args[0] if ctx.args else ctx.kwarg("key")
        default = ctx.args[1] if len(ctx.args) > 1 else ctx.kwarg("default")
        out: list[Obj] = []
        for value in self.strings(self.eval(key, frame), frame) if key is not None else []:
            found = self._data_item(data, value.text) if value.is_known else []
            if all(isinstance(o, Absent) for o in found) and default is not None:
                found = self.eval(default, frame)
            out.extend(found)
        return out or [Unknown("settings key not known statically", ctx.line)]

    def _data_value(self, data: DataObj, key: str, node: Y) -> list[Obj]:
        """A settings value: a nested mapping or list stays data; a scalar becomes a string
        whose env placeholders are looked up in this deployment context."""
        line = node.key_or_value_line
        before = data.trail
        if isinstance(node.value, (dict, list)):
            return [DataObj(node, data.path, (*before, Step(data.path, line, f"{key}:")))]
        text = node.scalar()
        if text is None:
            return [Absent((*before, Step(data.path, line, f"{key}: null")))]
        step = Step(data.path, line, f"{key}: {short_text(text)}")
        pieces: list[list[StrValue]] = []
        pos = 0
        for holder in placeholders(text):
            pieces.append([StrValue.literal(text[pos:holder.start])])
            bound, unset = self.env_values(holder.env)
            piece = [v.then(Step(data.path, line, f"{holder.env} from the environment")) for v in bound]
            if unset and holder.default is not None:
                piece.append(StrValue.literal(holder.default, (Step(data.path, line, f"{holder.env} unset: default"),)))
            elif unset:
                piece.append(StrValue.hole(f"env {holder.env}"))
            pieces.append(piece)
            self.env_reads.append(EnvRead(holder.env, data.path, line))
            pos = holder.end
        pieces.append([StrValue.literal(text[pos:])])
        values, _ = concat(pieces)
        return [Strs(tuple(StrValue(v.parts, merge_trails((*before, step), v.trail)) for v in values))]


def _opened(obj: Obj) -> bool:
    """Whether ``obj`` is a file opened by path (``toml.load`` takes a stream as well as a path)."""
    return isinstance(obj, Inst) and isinstance(obj.of, Ext) and (
        obj.of.dotted in OPENERS or (obj.of.dotted in PATH_READERS and obj.of.receiver is not None))
