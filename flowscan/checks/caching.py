"""Caching checks: model servers without prefix caching, LLM gateways without a response cache.

``caching/prefix-caching-disabled`` (warning): a recognised model server (see
:mod:`flowscan.servers`) runs without prefix (radix) caching: switched off by a flag or
keyword (``--no-enable-prefix-caching``, ``enable_prefix_caching=False``,
``--disable-radix-cache``) — reported at the flag's line — or off by default for the
version its image tag or ``pip install`` pin shows (vLLM before 0.8.0), reported at that
image / pin line. A server whose version cannot be seen is assumed to run the current
default.

``caching/cache-aware-routing-off`` (note): a serving platform whose router can send requests
that share a prompt prefix to the replica holding its KV cache (KubeAI ``PrefixHash``; data:
``routing`` in rules/servers/platforms/) routes a model that may run on several replicas with
another strategy — at the strategy's line, else the resource's.

``caching/response-cache-disabled``: a LiteLLM proxy config with ``cache: false`` (warning,
at that line); a proxy config with no ``cache: true`` at all (note, at ``cache_params`` if
present, else at ``model_list``); ``litellm.completion(..., caching=False)`` and friends, or
``litellm.Router(cache_responses=False)`` (warning, at the keyword's line).
"""

from __future__ import annotations

from ..configfacts import LitellmFacts, PlatformFacts
from ..model import Location
from ..python.facts import Lit, ModuleFacts, imported_callee
from ..servers import (
    Launch,
    keyword_line,
    launches_in_config,
    launches_in_configs,
    launches_in_module,
    prefix_caching,
    state_line,
)
from .base import Check, Findings, ScanFacts

PREFIX_DISABLED = "caching/prefix-caching-disabled"
RESPONSE_DISABLED = "caching/response-cache-disabled"
ROUTING_OFF = "caching/cache-aware-routing-off"

#: LiteLLM calls whose ``caching=False`` skips the response cache.
LITELLM_CALLS = frozenset({
    "litellm.completion", "litellm.acompletion", "litellm.text_completion", "litellm.atext_completion",
    "litellm.embedding", "litellm.aembedding", "litellm.responses", "litellm.aresponses",
})
#: LiteLLM Router constructors: ``cache_responses=False`` turns the router's cache off.
LITELLM_ROUTERS = frozenset({"litellm.Router", "litellm.router.Router"})
_FALSE = frozenset({"False", "0"})


class PrefixCaching(Check):
    """Model servers (configs, scripts, in-process engines) that run without prefix caching."""

    rules = (PREFIX_DISABLED,)
    reads = frozenset({"configs", "modules"})

    def run(self, facts: ScanFacts, out: Findings) -> None:
        launches = launches_in_configs(facts.configs)
        for module in facts.modules:
            launches += launches_in_module(module)
        for launch in launches:
            _prefix_finding(launch, out)


class CacheAwareRouting(Check):
    """Platform routers that could keep a prompt prefix on the replica caching it, but do not."""

    rules = (ROUTING_OFF,)
    reads = frozenset({"configs"})

    def run(self, facts: ScanFacts, out: Findings) -> None:
        for config in facts.configs:
            if not isinstance(config.details, PlatformFacts):
                continue
            caching = {launch.context for launch in launches_in_config(config) if launch.server.prefix is not None}
            for obj in config.details.objects:
                several = obj.max_replicas is None or obj.max_replicas > 1 or (obj.min_replicas or 0) > 1
                if obj.routing_cache_aware is not False or not several or not caching & set(obj.sources):
                    continue
                written = "" if obj.routing_line is not None else " (the default)"
                message = (f"{obj.platform} {obj.kind}/{obj.name} routes requests with {obj.routing}{written} although "
                           f"{obj.platform} can route by prompt prefix: requests sharing a prefix land on replicas that "
                           f"do not hold its KV cache, so prefix-cache hits fall as replicas are added")
                out.add(ROUTING_OFF, message, Location(config.path, obj.routing_line or obj.line),
                        key=f"{obj.kind}/{obj.name}")


class ResponseCache(Check):
    """LiteLLM proxies and calls that skip the response cache."""

    rules = (RESPONSE_DISABLED,)
    reads = frozenset({"configs", "modules"})

    def run(self, facts: ScanFacts, out: Findings) -> None:
        for config in facts.configs:
            if isinstance(config.details, LitellmFacts):
                _proxy_cache_findings(config.path, config.details, out)
        for module in facts.modules:
            _call_cache_findings(module, out)


# -- prefix caching ----------------------------------------------------------------------------------

def _prefix_finding(launch: Launch, out: Findings) -> None:
    state = prefix_caching(launch)
    if state is None or state.enabled:
        return
    server = launch.server.name
    if state.undecided:
        conditions = "; ".join(state.undecided)
        message = (f"{server} [{launch.context}] may run without prefix caching: {state.reason} on one branch "
                   f"of a template condition flowscan could not evaluate ({conditions}); both branches were read")
    elif state.explicit:
        message = (f"{server} [{launch.context}] runs without prefix caching: {state.reason}. Every request "
                   f"recomputes shared prompt prefixes (system prompts, chat history, RAG context)")
    else:
        message = (f"{server} [{launch.context}] runs without prefix caching: {state.reason}. Pass the flag "
                   f"that enables it or move to a release that enables it by default")
    line = state_line(launch, state, out.line_text)
    out.add(PREFIX_DISABLED, message, Location(state.path or launch.path, line),
            key=f"{launch.context}|{launch.server.id}|{state.explicit}")


# -- response cache: LiteLLM proxy config -------------------------------------------------------------

def _proxy_cache_findings(path: str, proxy: LitellmFacts, out: Findings) -> None:
    cache, params = proxy.cache, proxy.cache_params
    if cache is not None:
        if cache.enabled is False:
            message = (f"LiteLLM proxy response cache is switched off ({cache.section}.cache: false): identical "
                       f"requests are sent to the model again")
            out.add(RESPONSE_DISABLED, message, Location(path, cache.line), key="litellm|cache-false")
        return  # on, or set from something flowscan cannot read (os.environ/...)
    if params is not None:
        message = "LiteLLM proxy has cache_params but no `cache: true`: the response cache is not turned on"
        out.add(RESPONSE_DISABLED, message, Location(path, params.line),
                key="litellm|cache-params-only", variant="not-configured")
        return
    message = ("LiteLLM proxy config has no response cache (litellm_settings.cache is not set): identical "
               "requests always reach the model")
    out.add(RESPONSE_DISABLED, message, Location(path, proxy.model_list_line or 1),
            key="litellm|no-cache", variant="not-configured")


# -- response cache: Python calls -----------------------------------------------------------------------

def _call_cache_findings(module: ModuleFacts, out: Findings) -> None:
    for call in module.calls:
        name = imported_callee(module, call.func)
        if name in LITELLM_CALLS:
            keyword = "caching"
        elif name in LITELLM_ROUTERS:
            keyword = "cache_responses"
        else:
            continue
        value = next((v for k, v in call.kwargs if k == keyword), None)
        if isinstance(value, Lit) and value.text in _FALSE:
            message = f"{name}(..., {keyword}={value.text}) skips LiteLLM's response cache for this call"
            line = keyword_line(out.line_text, module.path, call.line, keyword, value.text)
            out.add(RESPONSE_DISABLED, message, Location(module.path, line), key=f"{name}|{keyword}")


__all__ = ["CacheAwareRouting", "PrefixCaching", "ResponseCache", "PREFIX_DISABLED", "RESPONSE_DISABLED", "ROUTING_OFF"]
