"""flowscan's cache entries as JSON: data that is read back by type, never code that runs.

``dumps(value)`` writes a dataclass tree (facts, reports) as JSON; ``loads(text, kind)``
rebuilds it by the field types of ``kind``'s dataclasses, checking every value against its
annotation. Only the classes those annotations name can be built, so a crafted entry can
at worst be refused (``CodecError``), never run code or reach the scan with a wrong type.

Every entry carries ``FORMAT`` and the flowscan digest it was written by; an entry of
another format or version is a miss.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from functools import lru_cache
from typing import Any, Union

FORMAT = 1


class CodecError(ValueError):
    """An entry that is not what its kind says: a miss, to be rebuilt."""


def dumps(value: object, version: str) -> bytes:
    return json.dumps({"format": FORMAT, "version": version, "value": _encode(value)},
                      separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def loads(data: bytes, kind: type, version: str) -> Any:
    """The ``kind`` stored in ``data`` by ``dumps`` with the same ``version``; raises ``CodecError``."""
    try:
        entry = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise CodecError(f"not JSON: {type(exc).__name__}") from None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT or entry.get("version") != version:
        raise CodecError("another format or flowscan version")
    try:
        return _decode(entry.get("value"), kind)
    except RecursionError:
        raise CodecError("nested too deep") from None


def _encode(value: object) -> object:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)} | {
            "@": type(value).__name__}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=repr) if isinstance(value, (set, frozenset)) else value
        return [_encode(v) for v in items]
    if isinstance(value, dict):
        return {"@dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    raise TypeError(f"cannot store a {type(value).__name__} in the cache")


@lru_cache(maxsize=None)
def _hints(cls: type) -> tuple[tuple[str, object], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls) if f.init)


def _decode(raw: object, hint: object) -> Any:
    if hint is Any or hint is object:
        return _plain(raw)
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return _decode_union(raw, typing.get_args(hint))
    if origin is typing.Literal:
        if raw in typing.get_args(hint):
            return raw
        raise CodecError(f"{raw!r} is not one of {typing.get_args(hint)}")
    if hint is type(None):
        if raw is None:
            return None
        raise CodecError("expected null")
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        if not isinstance(raw, dict) or raw.get("@") != hint.__name__:
            raise CodecError(f"expected a {hint.__name__}")
        fields = _hints(hint)
        if set(raw) != {name for name, _ in fields} | {"@"}:
            raise CodecError(f"the fields of a {hint.__name__} differ")
        return hint(**{name: _decode(raw[name], field_hint) for name, field_hint in fields})
    if hint in (str, bool):
        if type(raw) is hint:
            return raw
        raise CodecError(f"expected a {hint.__name__}")
    if hint is int:
        if type(raw) is int:
            return raw
        raise CodecError("expected an int")
    if hint is float:
        if type(raw) in (int, float):
            return float(raw)
        raise CodecError("expected a number")
    container = origin or hint
    args = typing.get_args(hint)
    if container in (list, tuple, set, frozenset):
        if not isinstance(raw, list):
            raise CodecError(f"expected a {container.__name__}")
        if container is tuple and args and args[-1] is not Ellipsis:
            if len(args) != len(raw):
                raise CodecError("a tuple of another length")
            return tuple(_decode(v, a) for v, a in zip(raw, args))
        item = args[0] if args else Any
        return container(_decode(v, item) for v in raw)
    if container is dict:
        pairs = _pairs(raw)
        key, value = args if args else (Any, Any)
        return {_hashable(_decode(k, key)): _decode(v, value) for k, v in pairs}
    raise CodecError(f"no reading for {hint!r}")


def _decode_union(raw: object, options: tuple) -> Any:
    if isinstance(raw, dict) and "@" in raw:  # a dataclass: the one its tag names
        for option in options:
            if isinstance(option, type) and option.__name__ == raw["@"]:
                return _decode(raw, option)
        raise CodecError(f"{raw['@']!r} is not allowed here")
    for option in options:
        try:
            return _decode(raw, option)
        except CodecError:
            continue
    raise CodecError("matches none of its types")


def _pairs(raw: object) -> list:
    pairs = raw.get("@dict") if isinstance(raw, dict) and len(raw) == 1 else None
    if not isinstance(pairs, list) or not all(isinstance(p, list) and len(p) == 2 for p in pairs):
        raise CodecError("expected a dict")
    return pairs


def _plain(raw: object) -> Any:
    """An untyped value (``dict``, ``Any``): plain JSON data (scalars, lists, dicts), no objects."""
    if isinstance(raw, list):
        return [_plain(v) for v in raw]
    if isinstance(raw, dict):
        try:
            return {_hashable(_plain(k)): _plain(v) for k, v in _pairs(raw)}
        except TypeError:
            raise CodecError("an unhashable key") from None
    return raw


def _hashable(key: object) -> Any:
    if isinstance(key, list):
        return tuple(_hashable(k) for k in key)
    hash(key)
    return key
