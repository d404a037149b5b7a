"""Fallback checks: self-hosted models with no fallback path, fallbacks that leave the region.

``fallback/missing`` (warning): a self-hosted (``internal``) model is used with nothing to
route to when it is down or overloaded:

- a LiteLLM proxy ``model_list`` group whose every deployment is self-hosted, not covered by
  ``fallbacks`` / ``context_window_fallbacks`` / ``default_fallbacks`` (``router_settings`` or
  ``litellm_settings``); reported at the group's first ``model_name`` line;
- ``litellm.Router(model_list=[...])`` without ``fallbacks=`` / ``context_window_fallbacks=`` /
  ``default_fallbacks=`` whose literal ``model_list`` (inline or a module-level name) has a
  self-hosted group. A ``model_list`` that is not a literal is not reported: flowscan cannot
  tell whether it holds a self-hosted model, and guessing would be noise;
- a LangChain chat model on a self-hosted host that the same module never wraps in
  ``.with_fallbacks(...)`` (nor passes as another model's fallback);
- an OpenAI-compatible client (``openai.OpenAI`` / ``AsyncOpenAI``) on a self-hosted host
  with a ``<client>….create(`` call in the same module that no ``try`` guards with an
  ``except`` calling another model (read from the call sites' recorded ``try`` guards); a
  client whose calls are all in other modules is not reported.

``fallback/leaves-region`` (error): a LiteLLM proxy fallback whose target group runs outside
the policy's allowed regions, at the fallback entry's line. Every kind of fallback counts
here (``content_policy_fallbacks`` too): whichever error triggers it, the request leaves.

Self-hosted means jurisdiction ``internal``: taken from the scan's endpoints (which resolve
``os.environ/NAME`` per deployment context) or, for a literal ``api_base``, from the catalog.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import urlsplit

from ..catalog import bundled_catalog
from ..configfacts import ConfigFacts, Deployment, LitellmFacts
from ..model import Endpoint, Location
from ..policy import Policy
from ..python.facts import (
    Attr,
    Call,
    CallSite,
    DictLit,
    Expr,
    Lit,
    ModuleFacts,
    Name,
    Scope,
    Seq,
    imported_callee,
)
from .base import Check, Findings, ScanFacts

MISSING = "fallback/missing"
LEAVES_REGION = "fallback/leaves-region"

#: LiteLLM settings keys that give a model group somewhere to go when its deployments fail.
COVERING_KEYS = ("fallbacks", "context_window_fallbacks", "default_fallbacks")
#: Every LiteLLM fallback key: all of them are routing edges.
EDGE_KEYS = ("fallbacks", "context_window_fallbacks", "content_policy_fallbacks", "default_fallbacks")
ROUTERS = frozenset({"litellm.Router", "litellm.router.Router"})
OPENAI_CLIENTS = frozenset({"openai.OpenAI", "openai.AsyncOpenAI", "openai.Client", "openai.AsyncClient"})
#: LiteLLM providers whose default api_base (no ``api_base`` written) is on the local machine.
LOCAL_DEFAULT_PROVIDERS = frozenset({"ollama", "ollama_chat"})
#: Last attribute of a call that sends a request to a model (``client.chat.completions.create``).
MODEL_METHODS = frozenset({"create", "parse", "stream", "completion", "acompletion",
                           "invoke", "ainvoke", "generate_content"})
#: Functions that call a model by themselves.
MODEL_FUNCTIONS = frozenset({"litellm.completion", "litellm.acompletion", "litellm.text_completion",
                             "litellm.atext_completion", "litellm.responses", "litellm.aresponses"})
INTERNAL = "internal"


# -- entry points ---------------------------------------------------------------------------------

class Fallback(Check):
    """``fallback/missing`` and ``fallback/leaves-region`` over proxy configs and Python modules."""

    rules = (MISSING, LEAVES_REGION)
    reads = frozenset({"configs", "modules"})

    def run(self, facts: ScanFacts, out: Findings) -> None:
        for config in facts.configs:
            if isinstance(config.details, LitellmFacts) and config.details.model_list:
                _proxy_missing(config, config.details, facts.endpoints, out)
                _proxy_leaves_region(config, config.details, facts.endpoints, facts.policy, out)
        for module in facts.modules:
            _router_missing(module, out)
            _langchain_missing(module, facts.endpoints, out)
            _client_missing(module, facts.endpoints, out)


def fallback_edges(config_facts: list[ConfigFacts], modules: Iterable[ModuleFacts] = ()) -> list[dict[str, Any]]:
    """Routing edges for the inventory: ``{path, line, kind, section, from, to}``, one per
    (source group, target group). ``from`` is ``*`` for ``default_fallbacks``; ``section`` is
    ``router_settings`` / ``litellm_settings`` for proxy configs and ``Router()`` for code."""
    edges: list[dict[str, Any]] = []
    for config in config_facts:
        if not isinstance(config.details, LitellmFacts):
            continue
        for entry in config.details.fallbacks:
            edges += [_edge(config.path, entry.line, entry.kind, entry.section, entry.source, target)
                      for target in entry.targets]
    for module in modules:
        for call in _router_calls(module):
            for kind, value in call.kwargs:
                if kind in EDGE_KEYS:
                    for source, targets in _literal_fallbacks(value):
                        edges += [_edge(module.path, call.line, kind, "Router()", source, t) for t in targets]
    return edges


def _edge(path: str, line: int, kind: str, section: str, source: str, target: str) -> dict[str, Any]:
    return {"path": path, "line": line, "kind": kind, "section": section, "from": source, "to": target}


# -- LiteLLM proxy config -------------------------------------------------------------------------

def _proxy_missing(config: ConfigFacts, proxy: LitellmFacts, endpoints: Sequence[Endpoint], out: Findings) -> None:
    """Self-hosted-only model groups that no covering fallback entry names."""
    covered = {e.source for e in proxy.fallbacks if e.kind in COVERING_KEYS}
    if "*" in covered:
        return
    for name, deployments in proxy.model_list.items():
        if name in covered or not deployments:
            continue
        hosts = _self_hosted_group(config, name, deployments, endpoints)
        if hosts is None:
            continue
        line = deployments[0].line
        message = (f"model group {name} is served only by self-hosted deployments ({', '.join(hosts)}) and no "
                   f"fallbacks / context_window_fallbacks entry covers it: when the server is down or "
                   f"overloaded, requests to {name} fail")
        group_endpoints = _group_endpoints(config, name, endpoints)
        out.add(MISSING, message, Location(config.path, line), key=f"litellm|{name}",
                endpoint=group_endpoints[0].id if group_endpoints else None)


def _proxy_leaves_region(config: ConfigFacts, proxy: LitellmFacts, endpoints: Sequence[Endpoint], policy: Policy,
                         out: Findings) -> None:
    """Fallback entries whose target group has an endpoint outside the allowed regions."""
    if not policy.has_allowed:
        return
    for entry in proxy.fallbacks:
        for target in entry.targets:
            outside = [e for e in _group_endpoints(config, target, endpoints) if _outside(e, policy)]
            if not outside:
                continue
            source = "every model group (default_fallbacks)" if entry.source == "*" else entry.source
            message = (f"{entry.kind}: {source} -> {target} leaves the allowed regions "
                       f"({', '.join(policy.allowed)}): {target} is served from {_where_all(outside)}")
            out.add(LEAVES_REGION, message, Location(config.path, entry.line),
                    key=f"{entry.kind}|{entry.source}->{target}", endpoint=outside[0].id)


def _group_endpoints(config: ConfigFacts, name: str, endpoints: Sequence[Endpoint]) -> list[Endpoint]:
    """The scan's endpoints for a model group: by their ``litellm model_list NAME:`` sdk, or at
    the config line of one of the group's entries (endpoints to one host are merged across
    SDKs, so a group's endpoint may carry another SDK's name)."""
    prefix = f"litellm model_list {name}:"
    lines = {(c.path, c.line) for c in config.endpoints if c.sdk.startswith(prefix)}
    return [e for e in endpoints
            if ((e.sdk or "").startswith(prefix) and any(loc.path == config.path for loc in e.locations))
            or any((loc.path, loc.line) in lines for loc in e.locations)]


def _self_hosted_group(config: ConfigFacts, name: str, deployments: list[Deployment],
                       endpoints: Sequence[Endpoint]) -> list[str] | None:
    """The self-hosted hosts of a group when every deployment is self-hosted, else None."""
    hosts: list[str] = []
    for deployment in deployments:
        found = _self_hosted_deployment(config, name, deployment, endpoints)
        if found is None:
            return None
        hosts += [h for h in found if h not in hosts]
    return hosts


def _self_hosted_deployment(config: ConfigFacts, name: str, deployment: Deployment,
                            endpoints: Sequence[Endpoint]) -> list[str] | None:
    """Hosts of a self-hosted deployment (literal ``api_base`` on an internal host, or every
    endpoint the scan placed for it internal), else None."""
    literal = _internal_host(deployment.api_base)
    if literal is not None:
        return [literal]
    if deployment.api_base is None and deployment.provider in LOCAL_DEFAULT_PROVIDERS:
        return ["localhost"]
    sdk = f"litellm model_list {name}: {deployment.model}"
    lines = sorted(c.line for c in config.endpoints if c.sdk == sdk and c.line >= deployment.line)
    if not lines:
        return None
    at = (config.path, lines[0])
    placed = [e for e in endpoints if any((loc.path, loc.line) == at for loc in e.locations)]
    if not placed or any(e.placement.jurisdiction != INTERNAL for e in placed):
        return None
    return sorted({e.host or "?" for e in placed})


def _outside(endpoint: Endpoint, policy: Policy) -> bool:
    if endpoint.placement.jurisdiction is None:
        return False  # residency/region-unknown reports it
    if endpoint.host and policy.exemption(endpoint.host):
        return False
    return not policy.is_allowed(endpoint.placement)


def _where_all(endpoints: list[Endpoint]) -> str:
    seen: list[str] = []
    for e in endpoints:
        p = e.placement
        where = "/".join(b for b in (p.region, p.country) if b) or "?"
        ctx = "" if e.context == "default" else f" [context {e.context}]"
        text = f"{e.host or e.url or '?'} in {where}, jurisdiction {p.jurisdiction}{ctx}"
        if text not in seen:
            seen.append(text)
    return "; ".join(seen)


# -- Python: litellm.Router -----------------------------------------------------------------------

def _router_calls(module: ModuleFacts) -> list[CallSite]:
    return [c for c in module.calls if imported_callee(module, c.func) in ROUTERS]


def _router_missing(module: ModuleFacts, out: Findings) -> None:
    for call in _router_calls(module):
        kwargs = dict(call.kwargs)
        if any(_non_empty(kwargs.get(key)) for key in COVERING_KEYS):
            continue
        model_list = kwargs.get("model_list") or (call.args[0] if call.args else None)
        groups = _self_hosted_router_groups(module, model_list)
        if not groups:
            continue
        names = ", ".join(f"{name} ({host})" for name, host in groups.items())
        message = (f"litellm Router with self-hosted model group(s) {names} has no fallbacks= / "
                   f"context_window_fallbacks=: when the server is down or overloaded, requests fail")
        out.add(MISSING, message, Location(module.path, call.line), key=f"router|{','.join(groups)}")


def _self_hosted_router_groups(module: ModuleFacts, model_list: Expr | None) -> dict[str, str]:
    """model_name -> host for each group of a literal model_list whose deployments are all
    self-hosted; empty when the list is not a literal."""
    if isinstance(model_list, Name):
        model_list = _module_constant(module.scope, model_list.id)
    if not isinstance(model_list, Seq):
        return {}
    groups: dict[str, list[str | None]] = {}
    for item in model_list.items:
        if not isinstance(item, DictLit):
            return {}
        name = _lit(_get(item, "model_name")) or "?"
        params = _get(item, "litellm_params")
        groups.setdefault(name, []).append(_router_deployment_host(params))
    return {name: hosts[0] for name, hosts in groups.items()
            if hosts and all(h is not None for h in hosts)}  # type: ignore[misc]


def _router_deployment_host(params: Expr | None) -> str | None:
    """The internal host of one ``litellm_params`` literal, or None (also when it is not a literal)."""
    api_base = _lit(_get(params, "api_base")) or _lit(_get(params, "base_url"))
    if api_base is not None:
        return _internal_host(api_base)
    model = _lit(_get(params, "model")) or ""
    return "localhost" if model.split("/", 1)[0] in LOCAL_DEFAULT_PROVIDERS and "/" in model else None


def _literal_fallbacks(value: Expr) -> Iterator[tuple[str, list[str]]]:
    """``[{"a": ["b", "c"]}]`` -> ("a", ["b", "c"]); a plain list (default_fallbacks) -> ("*", [...])."""
    if not isinstance(value, Seq):
        return
    plain = [_lit(item) for item in value.items if isinstance(item, Lit)]
    if plain and len(plain) == len(value.items):
        yield "*", [p for p in plain if p]
        return
    for item in value.items:
        if isinstance(item, DictLit):
            for key, targets in item.items:
                source = _lit(key)
                if source and isinstance(targets, Seq):
                    yield source, [t for t in (_lit(x) for x in targets.items) if t]


# -- Python: LangChain chat models ----------------------------------------------------------------

@lru_cache(maxsize=1)
def _langchain_classes() -> frozenset[str]:
    """LangChain model classes from the catalog: call sinks in a ``langchain`` /
    ``langchain_*`` module (whichever rule file holds them: partner packages live in their
    provider's file) that are chat models or LLMs by LangChain's naming, a ``Chat*`` class
    or one of a sink whose names include a ``chat_models`` / ``llms`` module. Vector
    stores, loaders, embeddings, rerankers and hub calls are not models."""
    sinks = bundled_catalog().sinks
    return frozenset(name for name, sink in sinks.items()
                     if sink.kind == "call" and _is_langchain_module(name.split(".", 1)[0])
                     and any(_is_model_name(n) for n in sink.names))


def _is_model_name(dotted: str) -> bool:
    parts = dotted.split(".")
    return parts[-1].startswith("Chat") or "chat_models" in parts[:-1] or "llms" in parts[:-1]


def _is_langchain_module(top: str) -> bool:
    return top == "langchain" or top.startswith("langchain_")


def _langchain_missing(module: ModuleFacts, endpoints: Sequence[Endpoint], out: Findings) -> None:
    classes = _langchain_classes()
    wrapped = [c for c in module.calls if isinstance(c.func, Attr) and c.func.attr == "with_fallbacks"]
    for call in module.calls:
        callee = imported_callee(module, call.func)
        if callee not in classes:
            continue
        hosts = _internal_at(endpoints, module.path, call.line)
        if hosts is None:
            continue
        target = _binding(module.scope, call.line)
        if any(_wraps(w, target, call.line) for w in wrapped):
            continue
        model_class = callee.rsplit(".", 1)[-1]
        built = f"{target} = {model_class}(...)" if target else f"{model_class}(...)"  # unbound: returned or passed on
        message = (f"{built} on self-hosted {', '.join(hosts)} is never wrapped "
                   f"in .with_fallbacks([...]) in this module: when the server is down, the chain fails")
        out.add(MISSING, message, Location(module.path, call.line), key=f"langchain|{target or model_class}",
                endpoint=_endpoint_id_at(endpoints, module.path, call.line))


def _wraps(wrapper: CallSite, target: str | None, ctor_line: int) -> bool:
    """Whether ``X.with_fallbacks([...])`` covers the model bound to ``target`` (or built at
    ``ctor_line``): X is the model, something derived from it (``llm.bind_tools(...)``), or
    the model is one of the fallbacks itself."""
    assert isinstance(wrapper.func, Attr)
    base = wrapper.func.base
    receiver = _receiver(base)
    if target and receiver and (receiver == target or receiver.startswith(target + ".")):
        return True
    if _innermost_call_line(base) == ctor_line:
        return True
    fallbacks = [x for arg in wrapper.args for x in (arg.items if isinstance(arg, Seq) else (arg,))]
    fallbacks += [x for key, arg in wrapper.kwargs if key == "fallbacks"
                  for x in (arg.items if isinstance(arg, Seq) else (arg,))]
    return any(target and _receiver(x) == target or isinstance(x, Call) and x.line == ctor_line
               for x in fallbacks)


# -- Python: OpenAI-compatible clients ------------------------------------------------------------

def _client_missing(module: ModuleFacts, endpoints: Sequence[Endpoint], out: Findings) -> None:
    ctors = [c for c in module.calls if imported_callee(module, c.func) in OPENAI_CLIENTS]
    for call in ctors:
        hosts = _internal_at(endpoints, module.path, call.line)
        target = _binding(module.scope, call.line)
        if hosts is None or target is None:
            continue
        unguarded = unguarded_calls(module, target)
        if not unguarded:
            continue
        lines = ", ".join(str(n) for n in unguarded)
        message = (f"{target} is an OpenAI-compatible client on self-hosted {', '.join(hosts)}; its call(s) at "
                   f"line {lines} have no except path that calls another model: when the server is down, they fail")
        out.add(MISSING, message, Location(module.path, call.line), key=f"client|{target}", endpoint=_endpoint_id_at(endpoints, module.path, call.line))


def unguarded_calls(module: ModuleFacts, client: str) -> list[int]:
    """Lines of ``<client>.….create(...)`` calls (``client`` dotted: ``llm`` or ``self.llm``)
    that no ``try`` guards with a handler calling another model.

    A guard is a ``try`` whose body contains the call and one of whose ``except`` handlers
    contains a model call on a different receiver (``backup.messages.create(...)``,
    ``router.acompletion(...)``) or a LiteLLM completion function. A call inside an ``except``
    handler is itself a fallback and is not counted. Guards in a caller (``try: ask()``) are
    not followed: the call counts as unguarded. Read from each call site's ``guards``.
    """
    covering = {number for site in module.calls if _calls_other_model(site, client, module.imports)
                for number, role in site.guards if role == "handler"}
    lines = set()
    for site in module.calls:
        if not _is_client_call(site, client):
            continue
        if any(role == "handler" or number in covering for number, role in site.guards):
            continue  # a fallback itself, or guarded by a handler that calls another model
        lines.add(site.line)
    return sorted(lines)


def _is_client_call(site: CallSite, client: str) -> bool:
    name = _dotted(site.func)
    return bool(name and name.startswith(client + ".") and name.rsplit(".", 1)[-1] in MODEL_METHODS)


def _calls_other_model(site: CallSite, client: str, imports: dict[str, str]) -> bool:
    name = _dotted(site.func)
    if not name or name.startswith(client + "."):
        return False
    head, _, rest = name.partition(".")
    resolved = imports.get(head, head) + (f".{rest}" if rest else "")
    return resolved in MODEL_FUNCTIONS or ("." in name and name.rsplit(".", 1)[-1] in MODEL_METHODS)


def _dotted(expr: Expr) -> str | None:
    """``a.b.c`` for a chain of names and attributes; calls in the chain are skipped over
    (``a.with_options(...).chat`` -> ``a.with_options.chat``)."""
    parts: list[str] = []
    while True:
        if isinstance(expr, Attr):
            parts.append(expr.attr)
            expr = expr.base
        elif isinstance(expr, Call):
            expr = expr.func
        elif isinstance(expr, Name):
            parts.append(expr.id)
            return ".".join(reversed(parts))
        else:
            return None


# -- shared helpers -------------------------------------------------------------------------------

def _receiver(expr: Expr) -> str | None:
    """IR twin of :func:`_dotted`: ``self.llm.bind_tools(...)`` -> ``self.llm.bind_tools``."""
    if isinstance(expr, Name):
        return expr.id
    if isinstance(expr, Attr):
        base = _receiver(expr.base)
        return f"{base}.{expr.attr}" if base else None
    if isinstance(expr, Call):
        return _receiver(expr.func)
    return None


def _innermost_call_line(expr: Expr) -> int | None:
    """Line of the first call in a chain such as ``ChatOpenAI(...).bind_tools(...)``."""
    line = None
    while isinstance(expr, Attr | Call):
        if isinstance(expr, Call):
            line = expr.line
            expr = expr.func
        else:
            expr = expr.base
    return line


def _binding(scope: Scope, line: int) -> str | None:
    """The variable (``llm``) or instance attribute (``self.llm``) assigned the call at ``line``."""
    for name, assigns in scope.assigns.items():
        if any(isinstance(a.value, Call) and a.value.line == line for a in assigns):
            return name
    for name, assigns in scope.instance_attrs.items():
        if any(isinstance(a.value, Call) and a.value.line == line for a in assigns):
            return f"self.{name}"
    for child in scope.children.values():
        found = _binding(child, line)
        if found:
            return found
    return None


def _module_constant(scope: Scope, name: str) -> Expr | None:
    assigns = scope.assigns.get(name, [])
    return assigns[0].value if len(assigns) == 1 and not assigns[0].conditional else None


def _get(d: DictLit | Expr | None, key: str) -> Expr | None:
    if not isinstance(d, DictLit):
        return None
    return next((v for k, v in d.items if isinstance(k, Lit) and k.text == key), None)


def _lit(expr: Expr | None) -> str | None:
    return expr.text if isinstance(expr, Lit) else None


def _non_empty(expr: Expr | None) -> bool:
    """A fallbacks argument that may give a fallback (a non-empty list, or anything not literal)."""
    if expr is None:
        return False
    return not (isinstance(expr, Seq | DictLit) and not expr.items)


def _internal_host(url: str | None) -> str | None:
    """The host of a literal URL when the catalog places it ``internal``, else None."""
    if not url or "os.environ/" in url or "{" in url:
        return None
    try:
        host = urlsplit(url if "//" in url else f"http://{url}").hostname
    except ValueError:
        return None
    found = bundled_catalog().match_host(host) if host else None
    return host if found is not None and found[1].jurisdiction == INTERNAL else None


def _internal_at(endpoints: Sequence[Endpoint], path: str, line: int) -> list[str] | None:
    """Hosts of the endpoints called at ``path:line`` when there are some and all are internal."""
    placed = [e for e in endpoints if any(loc.path == path and loc.line == line for loc in e.locations)]
    if not placed or any(e.placement.jurisdiction != INTERNAL for e in placed):
        return None
    return sorted({e.host or "?" for e in placed})


def _endpoint_id_at(endpoints: Sequence[Endpoint], path: str, line: int) -> str | None:
    return next((e.id for e in endpoints if any(loc.path == path and loc.line == line for loc in e.locations)), None)


__all__ = ["Fallback", "fallback_edges", "unguarded_calls", "MISSING", "LEAVES_REGION"]
