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
from typing import Any, Callable, Union

FORMAT = 1


class CodecError(ValueError):
    """An entry that is not what its kind says: a miss, to be rebuilt."""


def dumps(value: object, version: str) -> bytes:
    """JSON of ``value``, ASCII-escaped (a lone surrogate from an undecodable source byte is
    stored as ``\\udcxx`` and read back as it was). The C encoder does the work, calling back
    only for dataclasses and sets; a dict whose keys JSON objects cannot hold (tuples) falls
    back to the encoder in Python, which writes every dict as ``{"@dict": [[key, value], ...]}``."""
    try:
        body = json.dumps(value, default=_default, separators=(",", ":"), check_circular=False)
    except (TypeError, ValueError):
        body = json.dumps(_encode(value), separators=(",", ":"))
    return f'{{"format":{FORMAT},"version":{json.dumps(version)},"value":{body}}}'.encode("utf-8")


def _default(value: object) -> object:
    kind = type(value)
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        out = {name: getattr(value, name) for name in names}
        out["@"] = kind.__name__
        return out
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    raise TypeError(f"cannot store a {kind.__name__} in the cache")


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


_SCALARS = (str, int, float, bool, type(None))
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _encode(value: object) -> object:
    kind = type(value)
    if kind in _SCALARS:
        return value
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    if names is not None:
        out = {name: _encode(getattr(value, name)) for name in names}
        out["@"] = kind.__name__
        return out
    if kind is list or kind is tuple:
        return [_encode(v) for v in value]  # type: ignore[attr-defined]
    if isinstance(value, (set, frozenset)):
        return [_encode(v) for v in sorted(value, key=repr)]
    if isinstance(value, dict):
        return {"@dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, (str, int, float)):  # subclasses (enums)
        return value
    raise TypeError(f"cannot store a {kind.__name__} in the cache")


@lru_cache(maxsize=None)
def _hints(cls: type) -> tuple[tuple[str, object], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls) if f.init)


def _decode(raw: object, hint: object) -> Any:
    return _decoder(hint)(raw)


Decoder = Callable[[object], Any]


@lru_cache(maxsize=None)
def _decoder(hint: object) -> Decoder:
    """A function reading a value of type ``hint`` (built once per type: decoding a scan's
    facts meets the same few types millions of times)."""
    if hint is Any or hint is object:
        return _plain
    origin = typing.get_origin(hint)
    if origin in (Union, types.UnionType):
        return _union_decoder(typing.get_args(hint))
    if origin is typing.Literal:
        allowed = typing.get_args(hint)

        def literal(raw: object) -> Any:
            if raw in allowed:
                return raw
            raise CodecError(f"{raw!r} is not one of {allowed}")
        return literal
    if hint is type(None):
        return _none
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _dataclass_decoder(hint)
    if hint in (str, bool, int):
        return _exact(hint)
    if hint is float:
        return _number
    container = origin or hint
    args = typing.get_args(hint)
    if container is tuple and args and args[-1] is not Ellipsis:
        items = [_lazy(a) for a in args]

        def fixed_tuple(raw: object) -> Any:
            if type(raw) is not list or len(raw) != len(items):
                raise CodecError("expected a tuple of its length")
            return tuple(item()(v) for item, v in zip(items, raw))
        return fixed_tuple
    if container in (list, tuple, set, frozenset):
        item = _lazy(args[0] if args else Any)
        build = container

        def sequence(raw: object) -> Any:
            if type(raw) is not list:
                raise CodecError(f"expected a {build.__name__}")
            read = item()
            return build([read(v) for v in raw])
        return sequence
    if container is dict:
        key_hint = args[0] if args else Any
        key, value = (_lazy(a) for a in (args if args else (Any, Any)))

        def mapping(raw: object) -> Any:
            read_key, read_value = key(), value()
            return {_hashable(read_key(_object_key(k, key_hint))): read_value(v) for k, v in _pairs(raw)}
        return mapping
    raise CodecError(f"no reading for {hint!r}")


def _lazy(hint: object) -> Callable[[], Decoder]:
    """The decoder of ``hint``, looked up when first used (types refer to themselves: a
    Scope's children are Scopes)."""
    found: list[Decoder] = []

    def get() -> Decoder:
        if not found:
            found.append(_decoder(hint))
        return found[0]
    return get


def _union_decoder(options: tuple) -> Decoder:
    tagged = {o.__name__: o for o in options if isinstance(o, type) and dataclasses.is_dataclass(o)}
    others = [_lazy(o) for o in options if o not in tagged.values()]

    def union(raw: object) -> Any:
        if type(raw) is dict and "@" in raw:  # a dataclass: the one its tag names
            cls = tagged.get(raw["@"])  # type: ignore[arg-type]
            if cls is None:
                raise CodecError(f"{raw['@']!r} is not allowed here")
            return _decoder(cls)(raw)
        for other in others:
            try:
                return other()(raw)
            except CodecError:
                continue
        raise CodecError("matches none of its types")
    return union


def _dataclass_decoder(cls: type) -> Decoder:
    name = cls.__name__
    fields: list[tuple[str, Callable[[], Decoder]]] = []
    expected: set[str] = set()

    def dataclass_value(raw: object) -> Any:
        if not fields:
            fields.extend((field, _lazy(hint)) for field, hint in _hints(cls))
            expected.update([field for field, _ in fields] + ["@"])
        if type(raw) is not dict or raw.get("@") != name:
            raise CodecError(f"expected a {name}")
        if len(raw) != len(expected) or not expected.issuperset(raw):
            raise CodecError(f"the fields of a {name} differ")
        return cls(**{field: read()(raw[field]) for field, read in fields})
    return dataclass_value


def _exact(kind: type) -> Decoder:
    def exact(raw: object) -> Any:
        if type(raw) is kind:
            return raw
        raise CodecError(f"expected a {kind.__name__}")
    return exact


def _none(raw: object) -> None:
    if raw is None:
        return None
    raise CodecError("expected null")


def _number(raw: object) -> float:
    if type(raw) in (int, float):
        return float(raw)  # type: ignore[arg-type]
    raise CodecError("expected a number")


def _object_key(key: object, hint: object) -> object:
    """A key as the C encoder wrote it in a JSON object (always a string), read back as the
    type the dict's annotation names: ``{"12": ...}`` of a ``dict[int, ...]`` is line 12."""
    if type(key) is str and hint is int:
        try:
            return int(key)
        except ValueError:
            raise CodecError(f"{key!r} is not an int key") from None
    return key


def _pairs(raw: object) -> list:
    if type(raw) is dict and not (len(raw) == 1 and "@dict" in raw):
        return list(raw.items())  # a JSON object: the C encoder's form of a dict with simple keys
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
