"""flowscan's cache entries as JSON: data that is read back by type, never code that runs.

``dumps(value)`` writes a dataclass tree (facts, reports) as JSON; ``loads(text, kind)``
rebuilds it by the field types of ``kind``'s dataclasses, checking every value against its
annotation. Only the classes those annotations name can be built, so a crafted entry can
at worst be refused (``CodecError``), never run code or reach the scan with a wrong type.

A dataclass is written as an array, its class name then its fields in order
(``["Lit","https://a.example.com",3]``). With ``shared=True`` an object met again (a branch
condition shared by every call under its ``if``) is written as the number of its first
writing, counted in the order objects start; reading builds it once and shares it, as the
writer did. Only kinds whose every field is typed (``fully_typed``: no ``Any`` or bare
``dict`` a dataclass could hide in, which the reader would not count) are written so.

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

FORMAT = 2


class CodecError(ValueError):
    """An entry that is not what its kind says: a miss, to be rebuilt."""


def dumps(value: object, version: str, shared: bool = False) -> bytes:
    """JSON of ``value``, ASCII-escaped (a lone surrogate from an undecodable source byte is
    stored as ``\\udcxx`` and read back as it was). The C encoder does the work, calling back
    only for dataclasses and sets; a dict whose keys JSON objects cannot hold (tuples) falls
    back to the encoder in Python, which writes every dict as ``{"@dict": [[key, value], ...]}``.
    ``shared``: objects met again are written as references (see the module's docstring)."""
    try:
        body = json.dumps(value, default=_Writer(shared).default, separators=(",", ":"), check_circular=False)
    except (TypeError, ValueError):
        body = json.dumps(_Writer(shared).encode(value), separators=(",", ":"))
    return f'{{"format":{FORMAT},"version":{json.dumps(version)},"value":{body}}}'.encode("utf-8")


_SCALARS = (str, int, float, bool, type(None))
_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(value: object) -> tuple[str, ...] | None:
    kind = type(value)
    names = _FIELD_NAMES.get(kind)
    if names is None and dataclasses.is_dataclass(value) and not isinstance(value, type):
        names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value))
    return names


class _Writer:
    """Numbers each dataclass object as it starts (the order ``loads`` builds them in) and
    writes an object met again as its number."""

    def __init__(self, shared: bool) -> None:
        self.shared = shared
        self.seen: dict[int, tuple[int, object]] = {}  # id -> (number, the object, kept alive)

    def _number(self, value: object) -> int | None:
        if not self.shared:
            return None
        known = self.seen.get(id(value))
        if known is not None:
            return known[0]
        self.seen[id(value)] = (len(self.seen), value)
        return None

    def default(self, value: object) -> object:
        names = _field_names(value)
        if names is not None:
            number = self._number(value)
            if number is not None:
                return number
            return [type(value).__name__, *[getattr(value, name) for name in names]]
        if isinstance(value, (set, frozenset)):
            return sorted(value, key=repr)
        raise TypeError(f"cannot store a {type(value).__name__} in the cache")

    def encode(self, value: object) -> object:
        kind = type(value)
        if kind in _SCALARS:
            return value
        names = _field_names(value)
        if names is not None:
            number = self._number(value)
            if number is not None:
                return number
            return [kind.__name__, *[self.encode(getattr(value, name)) for name in names]]
        if kind is list or kind is tuple:
            return [self.encode(v) for v in value]  # type: ignore[attr-defined]
        if isinstance(value, (set, frozenset)):
            return [self.encode(v) for v in sorted(value, key=repr)]
        if isinstance(value, dict):
            return {"@dict": [[self.encode(k), self.encode(v)] for k, v in value.items()]}
        if isinstance(value, (str, int, float)):  # subclasses (enums)
            return value
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
        return _decoder(kind)(entry.get("value"), [])
    except RecursionError:
        raise CodecError("nested too deep") from None


def fully_typed(kind: type) -> bool:
    """Whether every value under ``kind`` is read by a typed decoder (no ``Any``, ``object``
    or unparameterised container), so that reading counts every object the writer counted."""
    seen: set[object] = set()
    todo: list[object] = [kind]
    while todo:
        hint = todo.pop()
        if hint in seen:
            continue
        seen.add(hint)
        if hint is Any or hint is object or hint in (dict, list, tuple, set, frozenset):
            return False
        if isinstance(hint, type) and dataclasses.is_dataclass(hint):
            todo.extend(h for _, h in _hints(hint))
        else:
            todo.extend(a for a in typing.get_args(hint) if a is not Ellipsis)
    return True


@lru_cache(maxsize=None)
def _hints(cls: type) -> tuple[tuple[str, object], ...]:
    hints = typing.get_type_hints(cls)
    return tuple((f.name, hints[f.name]) for f in dataclasses.fields(cls) if f.init)


# A decoder reads one value: (raw JSON value, the objects built so far, by number) -> value.
Decoder = Callable[[object, list], Any]


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

        def literal(raw: object, built: list) -> Any:
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

        def fixed_tuple(raw: object, built: list) -> Any:
            if type(raw) is not list or len(raw) != len(items):
                raise CodecError("expected a tuple of its length")
            return tuple([item()(v, built) for item, v in zip(items, raw)])
        return fixed_tuple
    if container in (list, tuple, set, frozenset):
        if args and args[0] in _INLINE:
            return _scalar_sequence(container, args[0])
        item = _lazy(args[0] if args else Any)
        build = container

        def sequence(raw: object, built: list) -> Any:
            if type(raw) is not list:
                raise CodecError(f"expected a {build.__name__}")
            if not raw:  # most of a fact's lists are empty
                return build()
            read = item()
            return build([read(v, built) for v in raw])
        return sequence
    if container is dict:
        key_hint = args[0] if args else Any
        if key_hint in (str, int) and len(args) == 2 and args[1] in (str, bool):
            return _scalar_mapping(key_hint, args[1])
        key, value = (_lazy(a) for a in (args if args else (Any, Any)))

        def mapping(raw: object, built: list) -> Any:
            if type(raw) is dict and not raw:
                return {}
            read_key, read_value = key(), value()
            return {_hashable(read_key(_object_key(k, key_hint), built)): read_value(v, built) for k, v in _pairs(raw)}
        return mapping
    raise CodecError(f"no reading for {hint!r}")


def _scalar_sequence(build: type, kind: type) -> Decoder:
    """A list, tuple or set of ``str``, ``int`` or ``bool`` (a file's imports): a JSON array
    checked in one pass, not read item by item."""
    def scalar_sequence(raw: object, built: list) -> Any:
        if type(raw) is not list:
            raise CodecError(f"expected a {build.__name__}")
        if raw and not set(map(type, raw)) <= {kind}:
            raise CodecError(f"expected a {build.__name__} of {kind.__name__}")
        return build(raw)  # a copy: a raw document read twice (``from_json``) shares no list
    return scalar_sequence


def _scalar_mapping(key: type, kind: type) -> Decoder:
    """A ``dict[str, str]``, ``dict[str, bool]`` (a file's identifier lookups), ``dict[int, str]``
    or ``dict[int, bool]`` (line digests): a JSON object checked in one pass, not read key by key."""
    general = None

    def scalar_mapping(raw: object, built: list) -> Any:
        nonlocal general
        if type(raw) is dict and "@dict" not in raw and set(map(type, raw.values())) <= {kind}:
            if key is str:
                return dict(raw)  # (a JSON object's keys are strings)
            try:
                return {int(k): v for k, v in raw.items()}
            except ValueError:
                raise CodecError("a key that is not an int") from None
        if general is None:
            general = _pairs_decoder(key, kind)
        return general(raw, built)
    return scalar_mapping


def _pairs_decoder(key: type, kind: type) -> Decoder:
    """``dict[key, kind]`` read pair by pair (the ``{"@dict": ...}`` form, or to say what is wrong)."""
    read_key, read_value = _exact(key), _exact(kind)

    def mapping(raw: object, built: list) -> Any:
        return {read_key(_object_key(k, key), built): read_value(v, built) for k, v in _pairs(raw)}
    return mapping


def _lazy(hint: object) -> Callable[[], Decoder]:
    """The decoder of ``hint``, looked up when first used (types refer to themselves: a
    Scope's children are Scopes)."""
    found: list[Decoder] = []

    def get() -> Decoder:
        if not found:
            found.append(_direct(hint))
        return found[0]
    return get


def _union_decoder(options: tuple) -> Decoder:
    tagged = {o.__name__: o for o in options if isinstance(o, type) and dataclasses.is_dataclass(o)}
    others = [_lazy(o) for o in options if o not in tagged.values()]
    if tagged and any(o in (int, Any, object) or typing.get_origin(o) in (list, tuple, set, frozenset)
                      or o in (list, tuple, set, frozenset) for o in options):
        raise TypeError(f"a union of dataclasses and numbers or sequences cannot be read back: {options}")
    readers: dict[str, Decoder] = {}

    def union(raw: object, built: list) -> Any:
        kind = type(raw)
        if tagged and kind is list and raw and type(raw[0]) is str:  # a dataclass: the one its tag names
            read = readers.get(raw[0])  # type: ignore[index]
            if read is None:
                cls = tagged.get(raw[0])  # type: ignore[index]
                if cls is None:
                    raise CodecError(f"{raw[0]!r} is not allowed here")  # type: ignore[index]
                read = readers[raw[0]] = _compile(cls)  # type: ignore[index]
            return read(raw, built)
        if tagged and kind is int:  # an object written before
            value = _built(raw, built)
            if tagged.get(type(value).__name__) is not type(value):  # one of the union's classes
                raise CodecError("a reference to an object of another type")
            return value
        for other in others:
            try:
                return other()(raw, built)
            except CodecError:
                continue
        raise CodecError("matches none of its types")
    return union


def _built(number: int, built: list) -> Any:
    if not 0 <= number < len(built) or built[number] is None:
        raise CodecError("a reference to an object not yet read")  # forward or cyclic: never written so
    return built[number]


_INLINE = (str, int, bool)  # field types checked inline


def _dataclass_decoder(cls: type) -> Decoder:
    """The reader of ``cls``: its code is generated on first use from the class's field
    annotations (flowscan's own classes, never the entry's data), one line per field, so a
    field costs a type check instead of a call (a scan reads a quarter of a million facts)."""
    compiled: list[Decoder] = []

    def dataclass_value(raw: object, built: list) -> Any:
        if not compiled:
            compiled.append(_compile(cls))
        return compiled[0](raw, built)
    return dataclass_value


def _direct(hint: object) -> Decoder:
    """The decoder of ``hint``, a dataclass's generated reader itself when it is one (no
    wrapper call per object): for readers looked up when first used, once every class exists."""
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return _compile(hint)
    return _decoder(hint)


@lru_cache(maxsize=None)
def _compile(cls: type) -> Decoder:
    hints = _hints(cls)
    scope: dict[str, Any] = {"cls": cls, "name": cls.__name__, "CodecError": CodecError, "reference": _reference}
    body = [
        "def read(raw, built):",
        f"    if type(raw) is not list or len(raw) != {len(hints) + 1} or raw[0] != name:",
        "        if type(raw) is int:",
        "            return reference(raw, built, cls)",
        "        raise CodecError('expected a ' + name)",
        "    slot = len(built)",
        "    built.append(None)",
    ]
    for i, (_, hint) in enumerate(hints):
        value = f"raw[{i + 1}]"
        optional = typing.get_origin(hint) in (Union, types.UnionType) and type(None) in typing.get_args(hint)
        scalar = [a for a in typing.get_args(hint) if a is not type(None)] if optional else [hint]
        if len(scalar) == 1 and scalar[0] in _INLINE:
            scope[f"T{i}"] = scalar[0]
            allowed = f"(v{i} is not None and type(v{i}) is not T{i})" if optional else f"type(v{i}) is not T{i}"
            body += [f"    v{i} = {value}",
                     f"    if {allowed}:",
                     f"        raise CodecError('a field of ' + name + ' is not a ' + T{i}.__name__)"]
        else:
            scope[f"R{i}"] = _decoder(hint)
            body.append(f"    v{i} = R{i}({value}, built)")
    body += [f"    value = built[slot] = cls({', '.join(f'v{i}' for i in range(len(hints)))})",
             "    return value"]
    exec("\n".join(body), scope)  # noqa: S102 - the source above, built from annotations only
    return scope["read"]


def _reference(number: object, built: list, cls: type) -> Any:
    value = _built(number, built)  # type: ignore[arg-type]
    if type(value) is not cls:
        raise CodecError(f"a reference to an object that is not a {cls.__name__}")
    return value


def _exact(kind: type) -> Decoder:
    def exact(raw: object, built: list) -> Any:
        if type(raw) is kind:
            return raw
        raise CodecError(f"expected a {kind.__name__}")
    return exact


def _none(raw: object, built: list) -> None:
    if raw is None:
        return None
    raise CodecError("expected null")


def _number(raw: object, built: list) -> float:
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


def _plain(raw: object, built: list | None = None) -> Any:
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


def to_json(value: object) -> object:
    """``value`` as the JSON data ``dumps`` writes for it (no references), to be kept inside
    another JSON document and read back alone with ``from_json``."""
    return _Writer(False).encode(value)


def from_json(raw: object, kind: object) -> Any:
    """The ``kind`` that ``to_json`` gave ``raw``; raises ``CodecError``."""
    try:
        return _decoder(kind)(raw, [])
    except RecursionError:
        raise CodecError("nested too deep") from None
