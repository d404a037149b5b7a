"""Connections a framework's settings module declares in a module-level dict (``settings`` in
rules/): Django's ``DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST":
DB_HOST}}``. No call in the code opens them, so each entry written as a dict is evaluated like a
call to its backend whose keywords are the entry's keys (the rule's ``kw: HOST``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from ..model import Location, Step
from .facts import CallSite, DictLit, Expr, Lit, ModuleFacts, Name
from .objects import CallCtx, Frame, PathVal, Strs
from .sinks import SinkCall

_PATH_OPS = ("os.path.", "pathlib.", "Path(")  # the steps of a value made by a path operation (``resolve_data._path_op``)

if TYPE_CHECKING:
    from ..catalog import Catalog, Sink
    from .flows import SinkHit
    from .resolve import Resolver

    Evaluate = Callable[[Sink, str, SinkCall, Location, Resolver, CallSite], list[SinkHit]]


def settings_sites(facts: ModuleFacts, names: frozenset[str]) -> list[tuple[str, int]]:
    """The (path, line) of each module-level assignment of a settings dict named in ``names``."""
    return [(facts.path, assign.line) for name in sorted(names & facts.scope.assigns.keys())
            for assign in facts.scope.assigns[name] if isinstance(assign.value, DictLit)]


def settings_hits(facts: ModuleFacts, line: int, resolver: Resolver, catalog: Catalog, evaluate: Evaluate) -> list[SinkHit]:
    """The endpoints of the settings dict ``facts`` assigns at ``line`` (a ``settings_sites``
    line), each entry given to ``evaluate`` (``flows._evaluate``) as a call of its backend's sink."""
    hits: list[SinkHit] = []
    for name in sorted(catalog.settings_dicts.keys() & facts.scope.assigns.keys()):
        backend_key = catalog.settings_dicts[name].backend_key
        for assign in facts.scope.assigns[name]:
            if assign.line != line or not isinstance(assign.value, DictLit):
                continue
            resolver.start_budget((facts.path, assign.line))
            for _alias, entry in assign.value.items:
                if not isinstance(entry, DictLit):
                    continue
                keys = tuple((key.text, value) for key, value in entry.items if isinstance(key, Lit))
                backend = next((value for key, value in keys if key == backend_key), None)
                if backend is None:
                    continue
                frame = Frame(facts, "", entry.line)
                site = CallSite(Name(name, entry.line), (), keys, entry.line, 0, "", assign.text, tests=assign.tests)
                for engine in resolver.strings(resolver.eval(backend, frame), frame):
                    backend_sink = catalog.settings_sinks.get(engine.text) if engine.is_known else None
                    if backend_sink is None:
                        continue
                    call = SinkCall(CallCtx(frame, (), keys, entry.line))
                    found = evaluate(backend_sink.sink, engine.text, call, Location(facts.path, assign.line), resolver, site)
                    sockets = _socket_paths(dict(keys).get(backend_sink.socket_key or ""), frame, resolver)
                    hits.extend(hit for hit in found if not _names_socket(hit, sockets))
    return hits


def _socket_paths(expr: Expr | None, frame: Frame, resolver: Resolver) -> set[Step]:
    """The first steps of the values of ``expr`` that are filesystem paths: Unix-socket
    directories (a ``Path``, an ``os.path`` result, a text with a ``/``, which no host name has)."""
    if expr is None:
        return set()
    objs = resolver.eval(expr, frame)
    paths = [v for obj in objs if isinstance(obj, PathVal) for v in obj.values]
    paths += [v for obj in objs if isinstance(obj, Strs) for v in obj.values
              if (v.is_known and "/" in v.text) or (v.trail and v.trail[0].detail.startswith(_PATH_OPS))]
    return {v.trail[0] for v in paths if v.trail}


def _names_socket(hit: SinkHit, sockets: set[Step]) -> bool:
    """Whether the hit's URL was made from one of the socket paths."""
    return hit.value is not None and bool(hit.value.trail) and hit.value.trail[0] in sockets
