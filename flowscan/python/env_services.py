"""Services a library switches on from the environment alone: LangSmith tracing in any
LangChain code once ``LANGSMITH_TRACING=true`` is set, an OpenTelemetry exporter once
``OTEL_EXPORTER_OTLP_ENDPOINT`` is. No call in the code names them, so they are reported where
a scanned config sets the switch, when the analysed code imports the library
(``env_services`` in rules/)."""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Callable

from ..catalog import Catalog, EnvService
from ..model import Location, Step
from ..values import StrValue
from .flows import SinkHit
from .objects import EnvLookup


def env_service_hits(catalog: Catalog, importers: dict[str, set[str]], lookup: EnvLookup,
                     covers: Callable[[str], bool] = lambda path: True) -> list[SinkHit]:
    """One hit per service whose switch the context's env turns on, in code that imports its
    library. ``importers``: dotted name -> files importing it or below it (the pre-pass's
    import index); ``covers``: whether a file's code runs in the context."""
    hits: list[SinkHit] = []
    for service in catalog.env_services:
        found = _first_importer(service, importers, covers)
        if found is None:
            continue
        switch = _switch_value(service, lookup)
        if switch is None:
            continue
        library, path = found
        name, value = switch
        set_at = value.trail[0] if value.trail else Step(path, 1, f"{name}={value.text}")
        on = Step(set_at.path, set_at.line,
                  f"{name}={value.text} switches on {service.name} in code importing {library} ({path})")
        for url in _urls(service, lookup, on):
            hits.append(SinkHit(service.provider, f"env:{name}", Location(set_at.path, set_at.line), url))
    return hits


def _first_importer(service: EnvService, importers: dict[str, set[str]],
                    covers: Callable[[str], bool]) -> tuple[str, str] | None:
    """The first library (top-level module) matching the service's globs, and the first file
    importing it, in name order."""
    for top in sorted(name for name in importers if "." not in name):
        if any(fnmatchcase(top, pattern) for pattern in service.imports):
            paths = sorted(p for p in importers[top] if covers(p))
            if paths:
                return top, paths[0]
    return None


def _switch_value(service: EnvService, lookup: EnvLookup) -> tuple[str, StrValue] | None:
    """The first switch env var set in this context, when its value turns the service on."""
    for name in service.switch_env:
        values = lookup(name)
        if values is None:
            continue
        for value in values:
            if not value.is_known:
                continue
            text = value.text.strip()
            if (service.equals is None and text) or (service.equals is not None and text == service.equals):
                return name, value
        return None
    return None


def _urls(service: EnvService, lookup: EnvLookup, on: Step) -> list[StrValue]:
    for name in service.url.get("env", []):
        values = lookup(name)
        if values is not None:
            return [StrValue(v.parts, (on, *v.trail, Step(on.path, on.line, f"{service.name} sends to {name}")))
                    for v in values]
    if "default" in service.url:
        unset = ", ".join(service.url.get("env", []))
        why = f"{service.name} default" + (f" ({unset} not set in any scanned config)" if unset else "")
        return [StrValue.literal(service.url["default"], (on, Step(on.path, on.line, why)))]
    first = service.url.get("env", ["?"])[0]
    return [StrValue.hole(f"env:{first}", (on,))]
