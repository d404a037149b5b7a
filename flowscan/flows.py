"""Find the outbound calls in the analysed Python modules and the values that reach them."""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import Catalog, Sink
from .model import Location, Step
from .pyfacts import Attr, CallSite, ModuleFacts, Name
from .resolve import MAX_CALLER_DEPTH, CallCtx, Ext, Frame, Resolver
from .sinks import SinkCall, evaluate_spec
from .values import StrValue


@dataclass(frozen=True)
class SinkHit:
    """One value that reaches one outbound call."""

    sink: Sink
    sdk: str  # the dotted name that matched, e.g. openai.OpenAI
    location: Location
    text: str  # the source line
    value: StrValue | None  # None: the call's endpoint could not be determined at all


def _last_names(catalog: Catalog) -> frozenset[str]:
    return frozenset(name.rsplit(".", 1)[-1] for name in catalog.sinks)


def find_hits(modules: list[ModuleFacts], resolver: Resolver, catalog: Catalog) -> list[SinkHit]:
    """Every (value, call) pair where a resolved value reaches a sink of the catalog."""
    last_names = _last_names(catalog)
    hits: list[SinkHit] = []
    for facts in modules:
        for site in facts.calls:
            name = site.func.attr if isinstance(site.func, Attr) else site.func.id if isinstance(site.func, Name) else None
            if name not in last_names:
                continue
            frame = Frame(facts, site.scope, site.line)
            resolver.start_budget()
            # What is being called: followed through names, imports, attributes and returns,
            # but not back through the callers of a parameter (too costly for what it finds).
            for obj in resolver.eval(site.func, Frame(facts, site.scope, site.line, depth=MAX_CALLER_DEPTH)):
                if isinstance(obj, Ext) and obj.dotted in catalog.sinks and catalog.sinks[obj.dotted].kind == "call":
                    call = SinkCall(CallCtx(frame, site.args, site.kwargs, site.line), receiver=obj.receiver)
                    hits.extend(_evaluate(catalog.sinks[obj.dotted], obj.dotted, call, facts, site, resolver))
                    break
        for assign in facts.attr_assigns:
            if not isinstance(assign.target, Attr) or assign.target.attr not in last_names:
                continue
            frame = Frame(facts, assign.scope, assign.line)
            resolver.start_budget()
            for obj in resolver.eval(assign.target, frame):
                if isinstance(obj, Ext) and obj.dotted in catalog.sinks and catalog.sinks[obj.dotted].kind == "assign":
                    call = SinkCall(CallCtx(frame, (), (), assign.line), assigned=assign.value)
                    site = CallSite(assign.target, (), (), assign.line, assign.column, assign.scope, assign.text)
                    hits.extend(_evaluate(catalog.sinks[obj.dotted], obj.dotted, call, facts, site, resolver))
                    break
    return hits


def _evaluate(sink: Sink, sdk: str, call: SinkCall, facts: ModuleFacts, site: CallSite,
              resolver: Resolver) -> list[SinkHit]:
    location = Location(facts.path, site.line, site.column)
    values = evaluate_spec(sink.override, call, resolver, sdk) if sink.override else None
    if not values:
        values = evaluate_spec(sink.url, call, resolver, sdk)
    if values is None:
        if not sink.required:
            return []
        return [SinkHit(sink, sdk, location, site.text, None)]
    use = Step(facts.path, site.line, f"{sdk}(…)" if sink.kind == "call" else f"{sdk} = …")
    return [SinkHit(sink, sdk, location, site.text, value.then(use)) for value in values]
