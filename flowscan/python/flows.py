"""Find the outbound calls in the analysed Python modules and the values that reach them."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from itertools import accumulate

from ..catalog import Catalog, Sink
from ..configfacts import ConfigFacts
from ..model import Location, Step, Switch
from ..values import StrValue, dedupe
from .facts import Annotation, Attr, Call, CallSite, Either, ModuleFacts, Name, Scope, Sub, scope_at
from .objects import CallCtx, Ext, Frame, class_name
from .declared import declared_switch
from .reach import caller_switches, switches_of
from .reach_credentials import credential_switches
from .reach_developer import developer_switches
from .reach_extras import extra_switches
from .reach_assigned import assigned_switches, isolated
from .reach_imports import import_switches
from .reach_loaded import loaded_switches, loaded_value_switches
from .reach_selection import selection_switches
from .reach_subcommand import subcommand_switches
from .reach_stored import stored_switches
from .reach_uncalled import uncalled_switches
from .resolve import MAX_CALLER_DEPTH, Resolver, _enclosing_class, _scope_chain
from .resolve_loops import choice_switch
from .settings_dicts import settings_hits, settings_sites
from .sinks import SinkCall, evaluate_override, evaluate_spec, given_everywhere
from .subclass_sinks import constructed_sdk, is_super_init, subclass_names, super_init_sdk


@dataclass(frozen=True)
class SinkHit:
    """One value that reaches one outbound call."""

    provider: str | None  # the sink's provider (a config entry's own)
    sdk: str  # the dotted name that matched, e.g. openai.OpenAI
    location: Location
    value: StrValue | None  # None: the call's endpoint could not be determined at all
    switches: tuple[Switch, ...] = ()  # the configuration tests the call is under (``reach.py``)


def _sink_modules_by_last_name(catalog: Catalog) -> dict[str, frozenset[str]]:
    """``get`` -> {requests, httpx, aiohttp, ...}: which top-level modules a call named so
    could be a sink of."""
    out: dict[str, set[str]] = {}
    for name in catalog.sinks:
        out.setdefault(name.rpartition(".")[2], set()).add(name.partition(".")[0])
    return {k: frozenset(v) for k, v in out.items()}


def _could_reach(facts: ModuleFacts, func, tops: frozenset[str], seed_names: frozenset[str]) -> bool:
    """A callee can only be a sink if its value comes from the sink's module: a name
    imported from it, or from an in-tree module that itself imports a sink module (a seed:
    a shared ``session = requests.Session()``, a re-exported client), or a local name.
    Two-hop re-exports are not followed; skipping the rest keeps big trees from being parsed
    for nothing."""
    root = func
    while isinstance(root, (Attr, Sub, Call)):
        root = root.base if isinstance(root, (Attr, Sub)) else root.func
    if not isinstance(root, Name) or root.id not in facts.imports:
        return True  # a local variable, parameter, self, or an expression: resolve it
    return _from_sink_module(facts.imports[root.id], tops, seed_names)


def _from_sink_module(target: str, tops: frozenset[str], seed_names: frozenset[str]) -> bool:
    """Whether an imported dotted name comes from a sink's module or from a seed."""
    if target.partition(".")[0] in tops:
        return True
    prefixes = accumulate(target.split("."), lambda prefix, part: f"{prefix}.{part}")  # a, a.b, a.b.c
    return any(prefix in seed_names for prefix in prefixes)


def _called_name(facts: ModuleFacts, func) -> str | None:
    """The last name of what a call site calls: ``get`` of ``requests.get``, and of a name
    imported under another (``from turbopuffer import Turbopuffer as Client``) the imported one."""
    if isinstance(func, Attr):
        return func.attr
    if isinstance(func, Name):
        return facts.imports.get(func.id, func.id).rpartition(".")[2]
    return None


def _held_callee(facts: ModuleFacts, site: CallSite) -> bool:
    """Whether the callee is a value the code holds rather than a name it imports or defines:
    ``REGISTRY[name](…)``, ``CLIENTS.get(name)(…)``, or a variable (``cls = OpenAI if … else
    AzureOpenAI``; ``cls(…)``). Such a value may be an SDK client class."""
    func = site.func
    if isinstance(func, (Sub, Call)):
        return True
    if not isinstance(func, Name) or func.id in facts.imports:
        return False
    return _called_parameter(facts, site) or any(
        _picks_a_callable(assign.value) for scope in _scope_chain(facts.scope, site.scope)
        for assign in scope.assigns.get(func.id, ()))


def _called_parameter(facts: ModuleFacts, site: CallSite) -> bool:
    """Whether the callee is a parameter of the enclosing function, never reassigned there: a
    class or function its callers pass (``def _build_client(self, cls): return cls(**kw)``
    called as ``self._build_client(OpenAI)``)."""
    func = site.func
    if not isinstance(func, Name) or not site.scope:
        return False
    scope = _scope_chain(facts.scope, site.scope)[-1]
    return scope.kind == "function" and func.id not in scope.assigns \
        and any(p.name == func.id and p.kind in ("positional", "keyword") for p in scope.params)


def _picks_a_callable(value) -> bool:
    """Whether an assignment looks like it picks a class or function: a name or attribute, one
    of several (``A if … else B``, ``x or B``), a registry entry (``REG[k]``, ``REG.get(k)``,
    ``getattr(m, name)``); not any call's result (a factory's product is resolved where it is
    used)."""
    if isinstance(value, (Name, Attr, Sub)):
        return True
    if isinstance(value, Either):
        return any(_picks_a_callable(option) for option in value.options)
    if isinstance(value, Call):
        callee = value.func
        return (isinstance(callee, Attr) and callee.attr == "get") or (isinstance(callee, Name) and callee.id == "getattr")
    return False


def _imports_sinks(facts: ModuleFacts, tops: frozenset[str], seed_names: frozenset[str], memo: dict[str, bool]) -> bool:
    """Whether the module imports from a sink's module or from an in-tree module that does (a
    seed): only then can a value it holds be an SDK callable."""
    found = memo.get(facts.path)
    if found is None:
        found = memo[facts.path] = any(_from_sink_module(target, tops, seed_names) for target in facts.imports.values())
    return found


def _site_hits(facts: ModuleFacts, site: CallSite, resolver: Resolver, catalog: Catalog,
               env_free: set[tuple[str, int]] | None) -> list[SinkHit]:
    """The hits of one call site (see ``find_hits``)."""
    hits: list[SinkHit] = []
    frame = Frame(facts, site.scope, site.line)
    resolver.start_budget((facts.path, site.line))
    reads = resolver.env_reads_seen
    # What is being called: followed through names, imports, attributes and returns, and back
    # through the callers only for a parameter called as such (one hop).
    if is_super_init(site):
        sdk = super_init_sdk(resolver, facts, site, catalog)
        sdks: dict[str, Ext | None] = {sdk: None} if sdk is not None else {}
    else:
        # a parameter (``cls(**kw)``) is what its callers pass: one hop back
        depth = MAX_CALLER_DEPTH - 1 if _called_parameter(facts, site) else MAX_CALLER_DEPTH
        called = resolver.eval(site.func, Frame(facts, site.scope, site.line, depth=depth))
        sdks = _called_sdks(called, resolver, catalog)
    for sdk, callee in sdks.items():  # several where the callee is one of them (a registry of clients)
        call = SinkCall(CallCtx(frame, site.args, site.kwargs, site.line), receiver=callee.receiver if callee else None,
                        tests=site.tests)
        if callee is not None and callee.dotted != sdk and callee.receiver is not None:
            # a method of an SDK client a caller made (``client: OpenAI``): where its constructor sends
            call = SinkCall(CallCtx(frame, (), (), site.line), receiver=callee.receiver, tests=site.tests, made_by_caller=sdk)
        location = Location(facts.path, site.line, site.column)
        chosen = choice_switch(callee) if callee is not None else None  # a registry entry a setting picks
        hits.extend(hit if chosen is None else replace(hit, switches=(*hit.switches, chosen))
                    for hit in _evaluate(catalog.sinks[sdk], sdk, call, location, resolver, site))
    _note_env_free(env_free, resolver, (facts.path, site.line), reads)
    return hits


def _called_sdks(called: list, resolver: Resolver, catalog: Catalog) -> dict[str, Ext | None]:
    """The sinks a callee may be, each with the external name it was first reached as (its
    receiver, how a registry picked it): an SDK function or client class, or an in-tree
    subclass of an SDK client (None)."""
    out: dict[str, Ext | None] = {}
    # a receiver the code is followed to (it carries its constructor's arguments) comes before
    # one of the same class known only from an annotation
    followed = {class_name(o.receiver) for o in called if isinstance(o, Ext) and o.receiver is not None
                and o.receiver.typed is None}
    for obj in called:
        if isinstance(obj, Ext) and obj.receiver is not None and obj.receiver.typed is not None \
                and class_name(obj.receiver) in followed:
            continue
        if isinstance(obj, Ext) and obj.dotted in catalog.sinks and catalog.sinks[obj.dotted].kind == "call":
            out.setdefault(obj.dotted, obj)
            continue
        client = _typed_client(obj, catalog)
        if client is not None:
            out.setdefault(client, obj)
            continue
        sdk = constructed_sdk(resolver, obj, catalog)
        if sdk is not None:
            out.setdefault(sdk, None)
    return out


_LOCAL_METHODS = frozenset({"close", "aclose", "__enter__", "__exit__", "__aenter__", "__aexit__", "with_options",
                            "copy", "with_raw_response", "with_streaming_response"})  # send nothing themselves


def _typed_client(obj, catalog: Catalog) -> str | None:
    """The SDK client constructor (a sink that needs an endpoint) whose method ``obj`` is, on
    an instance known only from its annotation (``client.chat.completions.create`` with
    ``client: OpenAI``): the method sends where that client was made to, which the caller chose."""
    if not isinstance(obj, Ext) or obj.receiver is None or obj.receiver.typed is None:
        return None
    of = obj.receiver.of
    if not isinstance(of, Ext) or not obj.dotted.startswith(f"{of.dotted}."):
        return None
    sink = catalog.sinks.get(of.dotted)
    if sink is None or sink.kind != "call" or not sink.required or obj.dotted.rpartition(".")[2] in _LOCAL_METHODS:
        return None
    return of.dotted


def _on_typed_receiver(facts: ModuleFacts, site: CallSite, class_names: frozenset[str]) -> bool:
    """Whether a method call's receiver is a parameter, or an attribute of ``self``, annotated
    with a class whose name a sink has (``client.models.list()`` with ``client: OpenAI``): then
    it may be an SDK client's method, whatever its name."""
    func = site.func
    if not isinstance(func, Attr):
        return False
    attrs: list[str] = []
    while isinstance(func, Attr):
        attrs.append(func.attr)
        func = func.base
    if not isinstance(func, Name):
        return False
    scope = scope_at(facts.scope, site.scope)
    param = next((p for p in scope.params if p.name == func.id), None) if scope.kind == "function" else None
    if param is None:
        return False
    annotations = [param.annotation]
    if param.annotation is None and param is scope.params[0] and len(attrs) > 1:  # self.client.method()
        klass = _enclosing_class(facts.scope, site.scope)
        annotations = _attribute_annotations(klass, attrs[-1]) if klass is not None else []
    return any(annotation is not None and any(name.rpartition(".")[2] in class_names for name in annotation.names)
               for annotation in annotations)


def _attribute_annotations(klass: Scope, attr: str) -> list[Annotation | None]:
    """What says a class's attribute's class: its own annotation, or that of the ``__init__``
    parameter assigned to it (``self.client = client`` with ``client: OpenAI``)."""
    init = klass.children.get("__init__")
    params = {p.name: p.annotation for p in init.params} if init is not None and init.kind == "function" else {}
    assigned = [params.get(a.value.id) for a in klass.instance_attrs.get(attr, ()) if isinstance(a.value, Name)]
    return [klass.attr_types.get(attr), *assigned]


def find_hits(modules: list[ModuleFacts], resolver: Resolver, catalog: Catalog,
              seed_names: frozenset[str] = frozenset(), skip: frozenset[tuple[str, int]] = frozenset(),
              env_free: set[tuple[str, int]] | None = None,
              failures: list[tuple[str, int, str]] | None = None,
              only: frozenset[tuple[str, int]] | None = None,
              subclasses: frozenset[str] | None = None) -> list[SinkHit]:
    """Every (value, call) pair where a resolved value reaches a sink of the catalog.

    ``skip``: call sites (path, line) not to evaluate. ``env_free``: filled with the call
    sites whose evaluation read no env var and stayed within budget: their values are the
    same in every deployment context, so other contexts need not evaluate them again.
    ``failures``: told each call site flowscan failed on (path, line, message); without it,
    the exception propagates. ``only``: evaluate just these call sites (the scoped hook);
    ``subclasses``: the in-tree SDK subclasses when ``modules`` are not every seed."""
    resolver.receiver_classes = catalog.sink_prefixes  # what a type annotation can say a receiver is
    by_last_name = _sink_modules_by_last_name(catalog)
    last_names = frozenset(by_last_name)
    sink_tops = frozenset(top for tops in by_last_name.values() for top in tops)
    imports_sinks: dict[str, bool] = {}
    hits: list[SinkHit] = []
    if subclasses is None:
        subclasses = subclass_names(modules, last_names)
    client_names = frozenset(name.rpartition(".")[2] for name, sink in catalog.sinks.items() if sink.kind == "call")
    settings_names = frozenset(catalog.settings_dicts)
    for facts in modules:
        for site in facts.calls:
            name = _called_name(facts, site.func)
            if name in subclasses or is_super_init(site):
                pass  # an in-tree subclass of an SDK client, or its super().__init__: resolved below
            elif name in last_names:
                if not _could_reach(facts, site.func, by_last_name[name], seed_names):
                    continue
            elif not (_held_callee(facts, site) and _imports_sinks(facts, sink_tops, seed_names, imports_sinks)
                      and _could_reach(facts, site.func, sink_tops, seed_names)) \
                    and not _on_typed_receiver(facts, site, client_names):
                continue
            if (facts.path, site.line) in skip or only is not None and (facts.path, site.line) not in only:
                continue
            try:
                hits.extend(_site_hits(facts, site, resolver, catalog, env_free))
            except Exception as exc:  # contained: one call's bug must not lose the report
                if failures is None:
                    raise
                from ..checks.internal import describe

                failures.append((facts.path, site.line, describe(exc, "resolving this call")))
        for assign in facts.attr_assigns:
            if not isinstance(assign.target, Attr) or assign.target.attr not in last_names \
                    or not _could_reach(facts, assign.target, by_last_name[assign.target.attr], seed_names):
                continue
            if (facts.path, assign.line) in skip or only is not None and (facts.path, assign.line) not in only:
                continue
            frame = Frame(facts, assign.scope, assign.line)
            resolver.start_budget((facts.path, assign.line))
            reads = resolver.env_reads_seen
            for obj in resolver.written(assign.target, frame):
                if isinstance(obj, Ext) and obj.dotted in catalog.sinks and catalog.sinks[obj.dotted].kind == "assign":
                    call = SinkCall(CallCtx(frame, (), (), assign.line), assigned=assign.value)
                    location = Location(facts.path, assign.line, assign.column)
                    site = CallSite(assign.target, (), (), assign.line, assign.column, assign.scope, assign.text)
                    hits.extend(_evaluate(catalog.sinks[obj.dotted], obj.dotted, call, location, resolver, site))
                    break
            _note_env_free(env_free, resolver, (facts.path, assign.line), reads)
        for _path, line in settings_sites(facts, settings_names):
            if (facts.path, line) in skip or only is not None and (facts.path, line) not in only:
                continue
            reads = resolver.env_reads_seen
            hits.extend(settings_hits(facts, line, resolver, catalog, _evaluate))
            _note_env_free(env_free, resolver, (facts.path, line), reads)
    return hits


def _note_env_free(env_free: set[tuple[str, int]] | None, resolver: Resolver, site: tuple[str, int], reads: int) -> None:
    if env_free is not None and resolver.env_reads_seen == reads and site not in resolver.budget_hits:
        env_free.add(site)


def _evaluate(sink: Sink, sdk: str, call: SinkCall, location: Location, resolver: Resolver,
              site: CallSite | None = None) -> list[SinkHit]:
    values, none_side = evaluate_override(sink.override, call, resolver, sdk) if sink.override else (None, True)
    if sink.in_process and given_everywhere(sink.in_process, call, resolver):
        if not values:
            return []  # an in-process client (``QdrantClient(path=…)``): no endpoint
    elif not values:
        values = evaluate_spec(sink.url, call, resolver, sdk)
    elif none_side:  # the override is None (or missing) on some path: the sink's own URL there
        values = dedupe([*values, *(evaluate_spec(sink.url, call, resolver, sdk) or [])])
    switches = _site_switches(site, call, resolver) if site is not None else ()
    if site is not None and not any(s.taken is False for s in switches):
        switches += extra_switches(resolver.program, location.path, sdk, location.line)
    if values is None:
        if not sink.required:
            return []
        return [SinkHit(sink.provider, sdk, location, None, switches)]
    use = Step(location.path, location.line, f"a method of the {sdk} a caller made" if call.made_by_caller
               else f"{sdk}(…)" if sink.kind == "call" else f"{sdk} = …" if sink.kind == "assign"
               else f"a settings entry opened with {sdk}")
    typed = call.receiver.typed if call.receiver is not None else None  # the annotation that says what the receiver is
    return [SinkHit(sink.provider, sdk, location, (value.then(typed) if typed else value).then(use),
                    tuple(dict.fromkeys(switches + _value_switches(value) + _chain_switches(value, resolver))))
            for value in values]


def _site_switches(site: CallSite, call: SinkCall, resolver: Resolver) -> tuple[Switch, ...]:
    """The configuration a call depends on: the tests around it, else its callers', the places storing its function, the
    selection of its class, the secrets its class keeps, the imports of its module (each only while none failed yet).
    Evaluated after the call's value, with a budget of their own: what decides whether a
    call is made must not use up the budget for where it goes."""
    frame = call.ctx.frame
    spent, resolver.steps = resolver.steps, 0
    switches = switches_of(site, frame, resolver)
    if not any(s.taken is False for s in switches):
        switches += caller_switches(frame.module, site.scope, resolver)
    if not any(s.taken is False for s in switches):
        switches += stored_switches(frame.module, site.scope, resolver)
    if not any(s.taken is False for s in switches):
        switches += selection_switches(frame.module, site.scope, resolver)
    if not any(s.taken is False for s in switches):
        switches += subcommand_switches(frame.module, site.scope, resolver)
    if not any(s.taken is False for s in switches):
        switches += credential_switches(frame.module, site.scope, resolver)
    if not any(s.taken is False for s in switches):
        switches += import_switches(frame.module, resolver)
    if not any(s.taken is False for s in switches):
        switches += loaded_switches(frame.module, resolver)
    if not any(s.taken is False for s in switches):
        switches += developer_switches(frame.module, site.scope, resolver)
    if not any(s.taken is False for s in switches):
        switches += uncalled_switches(frame.module, site.scope, resolver)
    resolver.steps += spent  # the call's cost, for the scan's statistics
    return switches


def _chain_switches(value: StrValue, resolver: Resolver) -> tuple[Switch, ...]:
    """The switches of the places a value was written: a file run only when loaded by its path
    (``reach_loaded``), an assignment under failing configuration tests (``reach_assigned``).
    With a budget of their own, and apart (``isolated``): what they evaluate does not change the
    values later calls find."""
    with isolated(resolver):
        return loaded_value_switches(value, resolver) + assigned_switches(value, resolver)


def _value_switches(value: StrValue) -> tuple[Switch, ...]:
    """The switches a value carries itself: a declared selector's, a dict entry chosen by a key."""
    return tuple(s for s in (declared_switch(value), choice_switch(value)) if s is not None)


def config_hits(config_facts: list[ConfigFacts], lookup, *, in_context: bool = False) -> list[SinkHit]:
    """Endpoints that configs send to directly (LiteLLM ``model_list``, Step Functions tasks), with
    ``{env:NAME}`` parts resolved through ``lookup`` and ``{unknown:WHY}`` parts unknown; in a
    deployment context (``in_context``) only those a context can change."""
    from ..values import concat

    hits: list[SinkHit] = []
    for config in config_facts:
        for entry in config.endpoints:
            if in_context and entry.context_free:
                continue
            step = Step(entry.path, entry.line, entry.sdk)
            pieces: list[list[StrValue]] = []
            pos = 0
            for m in _ENV_REF.finditer(entry.url):
                pieces.append([StrValue.literal(entry.url[pos:m.start()])])
                if m.group(1) is None:
                    pieces.append([StrValue.hole(m.group(2))])
                else:
                    pieces.append(lookup(m.group(1)) or [StrValue.hole(f"env:{m.group(1)}")])
                pos = m.end()
            pieces.append([StrValue.literal(entry.url[pos:])])
            values, _ = concat(pieces)
            location = Location(entry.path, entry.line)
            for value in values:
                hits.append(SinkHit(entry.provider, entry.sdk, location, StrValue(value.parts, entry.chain + value.trail + (step,))))
    return hits


_ENV_REF = re.compile(r"\{(?:env:([A-Za-z_][A-Za-z0-9_]*)|unknown:([^{}]*))\}")
