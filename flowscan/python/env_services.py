"""Services a library switches on from the environment alone: LangSmith tracing in any
LangChain code once ``LANGSMITH_TRACING=true`` is set, an OpenTelemetry exporter once
``OTEL_EXPORTER_OTLP_ENDPOINT`` is. No call in the code names them, so they are reported where
a scanned config sets the switch, when the analysed code imports the library
(``env_services`` in rules/)."""

from __future__ import annotations

from collections.abc import Mapping
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Callable, Iterable

from ..catalog import Catalog, EnvService
from ..model import Location, Step, Switch
from ..values import StrValue

if TYPE_CHECKING:  # the engine is imported only when a scan has something to resolve
    from .flows import SinkHit
    from .objects import EnvLookup


def env_service_hits(catalog: Catalog, importers: Mapping[str, set[str]], lookup: EnvLookup,
                     covers: Callable[[str], bool] = lambda path: True,
                     import_line: Callable[[str, str], int] = lambda path, library: 1,
                     write_switches: Callable[[str, str, int], tuple[Switch, ...]] = lambda key, path, line: ()
                     ) -> list[SinkHit]:
    """One hit per service whose switch the context's env turns on (or, for a service on by
    default, leaves on), in code that imports its library. ``importers``: dotted name -> files
    importing it or below it (the pre-pass's import index); ``covers``: whether a file's code
    runs in the context; ``import_line``: the line of a file that imports a library;
    ``write_switches``: the configuration tests the code's own write of an env var at a
    ``path:line`` runs under (``reach_env_writes``)."""
    from .flows import SinkHit

    hits: list[SinkHit] = []
    tops = _top_levels(importers)
    for service in catalog.env_services:
        found = _first_importer(service, importers, tops, covers)
        if found is None:
            continue
        library, path = found
        if service.default_on:
            hits.extend(_default_on_hits(service, lookup, library, path, import_line(path, library)))
            continue
        switch = _switch_value(service, lookup)
        if switch is None:
            if service.unset_opt_in and all(lookup(name) is None for name in service.switch_env):
                hits.extend(_opt_in_hits(service, lookup, library, path, import_line(path, library)))
            continue
        name, value = switch
        set_at = value.trail[0] if value.trail else Step(path, 1, f"{name}={value.text}")
        on = Step(set_at.path, set_at.line,
                  f"{name}={value.text} switches on {service.name} in code importing {library} ({path})")
        switches = write_switches(name, set_at.path, set_at.line)
        for url in _urls(service, lookup, on):
            hits.append(SinkHit(service.provider, f"env:{name}", Location(set_at.path, set_at.line), url, switches))
    return hits


def default_on_imported(catalog: Catalog, importers: Mapping[str, set[str]]) -> bool:
    """Whether some file imports a library that sends a service on its own (``default_on``), or
    an integration reported opt-in (``unset_opt_in``):
    then the tree has an endpoint though no sink call is in it."""
    tops = _top_levels(importers)
    return any((service.default_on or service.unset_opt_in)
               and _first_importer(service, importers, tops, lambda path: True) is not None
               for service in catalog.env_services)


def _default_on_hits(service: EnvService, lookup: EnvLookup, library: str, path: str, line: int) -> list[SinkHit]:
    """The hits of a service the library sends on its own unless a variable turns it off: none
    when one of its variables is set, in this context, only to values that turn it off."""
    from .flows import SinkHit

    off_hint = f"{service.switch_env[0]}=" + (service.off[0] if service.off else "…")
    kept: list[tuple[str, StrValue]] = []
    for name in service.switch_env:
        values = lookup(name)
        if values is None:
            continue
        if all(v.is_known and not _stays_on(service, v.text) for v in values):
            return []
        kept.append((name, next(v for v in values if not v.is_known or _stays_on(service, v.text))))
    if kept:
        name, value = kept[0]
        set_at = value.trail[0] if value.trail else Step(path, line, f"{name}={value.text}")
        on = Step(set_at.path, set_at.line,
                  f"{name}={value.text} leaves {service.name} on in code importing {library} ({path}); {off_hint} turns it off")
        switch = Switch(set_at.path, set_at.line, f"env:{name}", f"{off_hint} is not set", value.text,
                        True if value.is_known else None)
        return [SinkHit(service.provider, f"env:{name}", Location(set_at.path, set_at.line), url, (switch,))
                for url in _urls(service, lookup, on)]
    on = Step(path, line, f"{service.name} is on by default in code importing {library}: "
                          f"{' / '.join(service.switch_env)} not set in any scanned config ({off_hint} turns it off)")
    switch = Switch(path, line, f"env:{service.switch_env[0]}", f"{off_hint} is not set", "unset", True)
    return [SinkHit(service.provider, library, Location(path, line), url, (switch,)) for url in _urls(service, lookup, on)]


def _opt_in_hits(service: EnvService, lookup: EnvLookup, library: str, path: str, line: int) -> list[SinkHit]:
    """The hits of a service the code chose by importing its integration (``unset_opt_in``),
    where no config sets its switch: opt-in on the deployment setting it."""
    from .flows import SinkHit

    names = " / ".join(service.switch_env)
    on = Step(path, line, f"{service.name} is on in code importing {library} once {names} is set "
                          f"(not set in any scanned config)")
    switch = Switch(path, line, f"env:{service.switch_env[0]}", f"{names} is set", "unset", False)
    return [SinkHit(service.provider, library, Location(path, line), url, (switch,)) for url in _urls(service, lookup, on)]


def _stays_on(service: EnvService, text: str) -> bool:
    """Whether a variable set to ``text`` leaves a default-on service on: a value among ``on``
    (when given), a value not among ``off`` (when given), else only the empty value. Values
    compare exactly (a rule lists the spellings its library accepts)."""
    value = text.strip()
    if service.on:
        return value in service.on
    if service.off:
        return value not in service.off
    return not value


def _top_levels(importers: Mapping[str, set[str]]) -> list[str]:
    """The top-level modules imported, in name order."""
    return sorted(name for name in importers if "." not in name)


def _first_importer(service: EnvService, importers: Mapping[str, set[str]], tops: list[str],
                    covers: Callable[[str], bool]) -> tuple[str, str] | None:
    """The first library (top-level module, of ``tops``) matching the service's globs, and the
    first file importing it, in name order."""
    for top in _matching(service.imports, importers, tops):
        paths = sorted(p for p in importers[top] if covers(p))
        if paths:
            return top, paths[0]
    return None


def _matching(patterns: Iterable[str], importers: Mapping[str, set[str]], tops: list[str]) -> list[str]:
    """The modules matching ``patterns``, in name order: a plain or dotted name is looked up,
    only a glob goes through ``tops``."""
    found: set[str] = set()
    globs = []
    for pattern in patterns:
        if any(char in pattern for char in "*?["):
            globs.append(pattern)
        elif pattern in importers:  # a top-level module, or a module below one (``langfuse.openai``)
            found.add(pattern)
    if globs:
        found.update(top for top in tops if any(fnmatchcase(top, glob) for glob in globs))
    return sorted(found)


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
