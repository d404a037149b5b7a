"""Files in the user's home folder, for the resolver: a settings loader given a path under the
home folder (``Path.home() / ".config" / "app" / "config.toml"``, ``os.path.expanduser("~/…")``,
``platformdirs.user_config_dir("app")``) reads the user's own file, which no scanned tree holds.
What it gives is an ``Unshipped`` value naming the file: a test of a key of it has no shipped
value (``reach_unshipped``). Which calls name the home folder is data (``user_files:`` in
``rules/entrypoints/``)."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from ..catalog import default_rules_dir, load_rule_file
from .objects import Ext, Inst, Obj, PathVal, Strs
from .resolve_records import Unshipped

if TYPE_CHECKING:
    from .resolve import Resolver

USER_FILE = "user file "  # how ``Unshipped.source`` names a file of the user's home folder
_JOINS = (".__truediv__", ".joinpath")  # a path joined with more parts: its receiver is the folder
_SAME = (".expanduser", ".resolve", ".absolute")
_PATH_OF = frozenset({"pathlib.Path", "pathlib.PosixPath", "os.path.join", "os.path.abspath", "os.path.realpath",
                      "os.path.normpath"})  # a path made from its first argument
_READS = frozenset({"read_text", "read_bytes", "open"})  # pathlib.Path methods that read the file
MAX_DEPTH = 8


@lru_cache(maxsize=1)
def _rules() -> tuple[frozenset[str], frozenset[str]]:
    calls: set[str] = set()
    writes: set[str] = set()
    for path in sorted((default_rules_dir() / "entrypoints").glob("*.yaml")):
        for entry in load_rule_file(path, "rules-entrypoints.schema.json").get("user_files", []):
            calls.update(entry["calls"])
            writes.update(entry.get("writes", []))
    return frozenset(calls), frozenset(writes)


def home_calls() -> frozenset[str]:
    """The calls that return a folder of the user's home (``user_files:`` in rules/entrypoints/)."""
    return _rules()[0]


def file_writes() -> frozenset[str]:
    """The last names of calls that write a file (``writes`` of ``user_files:``)."""
    return _rules()[1]


def user_file(resolver: Resolver, obj: Obj, loader: str, path: str, line: int) -> Unshipped | None:
    """What ``loader`` (called at ``path:line``) reads from the path ``obj`` when it is under
    the user's home folder; None otherwise."""
    shown = _home_path(resolver, obj, 0)
    if shown is None:
        return None
    named_in = obj.call.frame.module.path if isinstance(obj, Inst) and obj.call is not None else ""
    return Unshipped(f"{loader}() of the user's file {shown} (outside the scanned tree)", line, path,
                     f"{USER_FILE}{shown}", (named_in, ""))


def read_user_file(resolver: Resolver, stream: Inst, loader: str, path: str, line: int) -> Unshipped | None:
    """``loader(P.read_text())``, ``loader(P.open())`` for a path ``P`` under the home folder."""
    receiver = stream.of.receiver if isinstance(stream.of, Ext) else None
    if receiver is None or stream.of.dotted.rpartition(".")[2] not in _READS:
        return None
    return user_file(resolver, receiver, loader, path, line)


def _home_path(resolver: Resolver, obj: Obj, depth: int) -> str | None:
    """The path as shown (``~/.config/app/config.toml``), when it is under the home folder."""
    if depth > MAX_DEPTH:
        return None
    if isinstance(obj, (Strs, PathVal)):
        texts = {v.text for v in obj.values if v.is_known}
        if len(texts) == len(obj.values) == 1 and next(iter(texts)).startswith("~"):
            return next(iter(texts))
        return None
    if not (isinstance(obj, Inst) and isinstance(obj.of, Ext)):
        return None
    dotted, call = obj.of.dotted, obj.call
    if dotted in home_calls():
        return "~" if dotted.endswith("home") else f"{dotted.rpartition('.')[2]}({_args(resolver, obj)})"
    receiver = obj.of.receiver
    if dotted.endswith(_JOINS) and receiver is not None:
        folder = _home_path(resolver, receiver, depth + 1)
        return None if folder is None else f"{folder}/{_args(resolver, obj, '/')}"
    if dotted.endswith(_SAME) and receiver is not None:
        return _home_path(resolver, receiver, depth + 1)
    if (dotted in _PATH_OF or dotted == "os.path.expanduser") and call is not None and call.args:
        parts = [_home_path(resolver, o, depth + 1) for o in resolver.eval(call.args[0], call.frame)]
        if parts and all(p is not None for p in parts) and len(set(parts)) == 1:
            rest = _args(resolver, obj, "/", skip=1)
            return parts[0] + (f"/{rest}" if rest else "")
    return None


def _args(resolver: Resolver, obj: Inst, sep: str = ", ", skip: int = 0) -> str:
    """The call's positional arguments as known text (``…`` for one not known)."""
    call = obj.call
    if call is None:
        return ""
    shown: list[str] = []
    for arg in call.args[skip:]:
        values = resolver.strings(resolver.eval(arg, call.frame), call.frame)
        shown.append(values[0].text if len(values) == 1 and values[0].is_known else "…")
    return sep.join(shown)
