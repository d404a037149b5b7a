"""``pathlib`` arithmetic on paths known as text, for the resolver: ``Path(__file__).parent /
"config.yaml"``, ``.resolve()``, ``.joinpath(…)``, ``.with_name(…)``, and reading the file
(``.read_text()``, ``.open()``), so a settings loader given such a path finds the file in the
tree (``__file__`` is the module's path in the tree)."""

from __future__ import annotations

import posixpath

from ..model import Step
from ..values import MAX_ALTERNATIVES, StrValue, join_parts, merge_trails
from .objects import CallCtx, Obj, PathMethod, PathOpened, PathVal, Strs, Unknown

PATH_CLASSES = frozenset({"pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "pathlib.PurePosixPath"})
_SAME = frozenset({"resolve", "absolute", "expanduser"})
_READ = frozenset({"read_text", "read_bytes", "open"})


def path_value(texts: list[str], path: str, line: int, what: str) -> PathVal:
    step = Step(path, line, what)
    return PathVal(tuple(StrValue.literal(t, (step,)) for t in dict.fromkeys(texts)))


def joined(args: list[list[StrValue]]) -> list[str] | None:
    """The texts of ``os.path.join``-ing the arguments' strings, when all are known."""
    if not args or any(not values or not all(v.is_known for v in values) for values in args):
        return None
    texts = [v.text for v in args[0]]
    for more in args[1:]:
        texts = [posixpath.join(t, v.text) for t in texts for v in more]
    return texts


def path_attr(base: PathVal, attr: str, path: str, line: int) -> Obj:
    if attr == "parent":
        return path_value([posixpath.dirname(v.text) for v in base.values], path, line, ".parent")
    if attr == "name":
        return Strs(tuple(StrValue.literal(posixpath.basename(v.text), v.trail) for v in base.values))
    return PathMethod(base, attr)


def path_call(resolver, method: PathMethod, ctx: CallCtx) -> list[Obj]:
    frame = ctx.frame
    path, line = frame.module.path, ctx.line
    name = method.name
    texts = [v.text for v in method.path.values]
    if name in _SAME:
        return [method.path]
    if name in _READ:
        return [PathOpened(method.path.values)]
    if name in ("as_posix", "__str__", "__fspath__"):
        return [Strs(method.path.values)]
    args = [resolver.strings(resolver.eval(arg, frame), frame) for arg in ctx.args]
    if name in ("__truediv__", "joinpath"):
        found = joined([[StrValue.literal(t) for t in texts], *args])
        if found is not None:
            return [path_value(found, path, line, f"/ {args[0][0].text}" if name == "__truediv__" and args else f".{name}(…)")]
        named = joined_with_holes([list(method.path.values), *args], Step(path, line, f".{name}(…)"))
        if named and all(v.parts and isinstance(v.parts[-1], str) and "." in posixpath.basename(v.parts[-1]) for v in named):
            return [PathVal(tuple(named))]  # ``folder / f"{name}.json"``: a file a name picks (``SettingsFiles.matching``)
    if name == "with_name" and len(args) == 1:
        found = joined([[StrValue.literal(posixpath.dirname(t)) for t in texts], args[0]])
        if found is not None:
            return [path_value(found, path, line, f".with_name({args[0][0].text})")]
    return [Unknown(f"Path.{name}()", line)]


def url_joined(parts: list[list[StrValue]], step: Step) -> list[StrValue] | None:
    """``os.path.join(BASE_URL, repo, name)`` where BASE_URL is a known URL and later parts may
    be unknown: the URL with each part after a ``/`` (posix ``join``), holes kept, so the host
    is known. None when the first part is not a known URL. A later part known to start with
    ``/`` replaces what came before, as in ``posixpath.join``; one not known may too, which
    this does not model."""
    if not parts or not parts[0] or not all(v.is_known and "://" in v.text for v in parts[0]):
        return None
    return joined_with_holes(parts, step)


def joined_with_holes(parts: list[list[StrValue]], step: Step) -> list[StrValue] | None:
    """``os.path.join`` of parts whose first is known and later ones may have unknown parts
    (``join(dirname(__file__), "configs", f"{name}.json")``): each part after a ``/``, holes kept."""
    if not parts or not parts[0] or not all(v.is_known for v in parts[0]):
        return None
    joined = list(parts[0])
    for more in parts[1:]:
        joined = [_join_one(base, tail) for base in joined for tail in more][:MAX_ALTERNATIVES]
    return [StrValue(v.parts, merge_trails(v.trail, (step,))) for v in joined]


def _join_one(base: StrValue, tail: StrValue) -> StrValue:
    if tail.is_known and tail.text.startswith("/"):
        return tail
    last = base.parts[-1] if base.parts else ""
    slash = "" if isinstance(last, str) and (last == "" or last.endswith("/")) else "/"
    return StrValue(join_parts([*base.parts, slash, *tail.parts]), merge_trails(base.trail, tail.trail))
