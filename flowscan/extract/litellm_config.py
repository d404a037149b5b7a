"""LiteLLM proxy configs (``config.yaml`` with a top-level ``model_list``) → endpoints.

``extract_litellm_config(path, data)`` turns every ``model_list`` entry into a
:class:`ConfigEndpoint`. The URL is built from the same rule the Python scanner uses for
``litellm.completion`` (the ``url`` switch spec in ``rules/sinks/litellm.yaml``, read at run
time from the bundled catalog), with ``litellm_params`` standing in for the call's keyword
arguments:

- ``api_base`` / ``base_url`` (the sink's ``override`` keywords) win;
- otherwise the case for the provider prefix of ``litellm_params.model`` (``bedrock/...``,
  ``vertex_ai/...``; no prefix → the rule's ``otherwise``, OpenAI): a ``template`` case fills
  its params from ``litellm_params`` (``aws_region_name``, ``vertex_location``, ...) or, when
  absent, with ``{env:FIRST_ENV}`` (e.g. ``{env:AWS_REGION_NAME}``); a simple case gives its
  ``default`` URL, or ``{env:FIRST_ENV}`` when it has none (``azure`` → ``{env:AZURE_API_BASE}``).
- LiteLLM's env references ``os.environ/NAME`` become ``{env:NAME}``; the engine resolves them
  per deployment context. The env fallbacks and default of every part that was not written in
  the config are kept in ``details.model_list`` (``env_fallbacks``) and in the chain's text.

A prefix the rule does not know (e.g. ``together_ai/``) without ``api_base`` gives no endpoint,
only a note, rather than a guessed host.

``details`` (:class:`~flowscan.configfacts.LitellmFacts`) also keeps, with lines, what later
checks need: ``model_list`` (model_name → its deployments), the fallback entries of
``fallbacks`` / ``context_window_fallbacks`` / ``content_policy_fallbacks`` /
``default_fallbacks`` from ``router_settings`` and ``litellm_settings``, ``cache`` and
``cache_params``, ``environment_variables`` and ``include``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from ..catalog import Sink, bundled_catalog
from ..configfacts import (
    CacheSetting,
    ConfigEndpoint,
    ConfigFacts,
    Deployment,
    EnvFallback,
    FallbackEntry,
    LitellmFacts,
)
from ..model import Step
from .yamlnodes import ParsedYaml, Y, error_line, parse_yaml

KIND = "litellm"
SINK = "litellm.completion"  # the proxy routes chat calls through completion()

_ENV_REF = re.compile(r"^os\.environ/([A-Za-z_][A-Za-z0-9_]*)$")
_MODEL_LIST_AT_TOP = re.compile(rb"^model_list[ \t]*:", re.MULTILINE)
_FALLBACK_KEYS = ("fallbacks", "context_window_fallbacks", "content_policy_fallbacks", "default_fallbacks")
_SETTINGS = ("router_settings", "litellm_settings")


@dataclass
class _Url:
    """A URL being built, with the steps that decided it and the env fallbacks of its parts."""

    text: str
    line: int
    steps: list[Step] = field(default_factory=list)
    fallbacks: list[EnvFallback] = field(default_factory=list)
    provider_known: bool = True


def extract_litellm_config(path: str, data: bytes, parsed: ParsedYaml | None = None) -> ConfigFacts:
    """Facts of a LiteLLM proxy config; empty facts for other YAML. ``parsed``: the file
    already parsed (else it is parsed here)."""
    facts = ConfigFacts(path=path, kind=KIND)
    parsed = parsed or parse_yaml(data)
    if parsed.error is not None:
        if _MODEL_LIST_AT_TOP.search(data) or posixpath.basename(path).startswith("litellm"):
            facts.parse_error = (error_line(parsed.error), f"invalid YAML: {str(parsed.error).strip().splitlines()[0]}")
        return facts
    config = next((d for d in parsed.documents if d.get("model_list") is not None), None)
    if config is None:
        return facts
    details = LitellmFacts()
    sink = bundled_catalog().sinks[SINK]
    for entry in config.get("model_list").elements():  # type: ignore[union-attr]
        _entry(path, entry, sink, facts, details.model_list)
    details.model_list_line = config.get("model_list").key_line  # type: ignore[union-attr]
    _settings(config, details)
    facts.details = details
    return facts


# -- model_list -----------------------------------------------------------------------------------

def env_template(text: str) -> str:
    """LiteLLM's ``os.environ/NAME`` as the engine's ``{env:NAME}``; other text unchanged."""
    match = _ENV_REF.match(text.strip())
    return f"{{env:{match.group(1)}}}" if match else text


def _entry(path: str, entry: Y, sink: Sink, facts: ConfigFacts, model_list: dict[str, list[Deployment]]) -> None:
    """One ``model_list`` entry → an endpoint (if it can be placed) and its deployment."""
    name_node = entry.get("model_name")
    params = entry.get("litellm_params")
    model_node = params.get("model") if params is not None else None
    model_name = (name_node.scalar() if name_node is not None else None) or "?"
    model = model_node.scalar() if model_node is not None else None
    if params is None or not isinstance(params.value, dict) or model is None:
        facts.notes.append(f"{path}:{entry.line}: model_list entry {model_name} has no litellm_params.model; skipped")
        return
    split = sink.url.get("split", "/")
    prefix = model.split(split, 1)[0] if split in model else None
    sdk = f"litellm model_list {model_name}: {model}"
    first = [Step(path, entry.line, f"model_list entry {model_name}")]
    if model_node is not None and model_node.line != entry.line:
        first.append(Step(path, model_node.line, f"model: {model}"))
    url = _url(path, params, prefix, sink, model_node.line if model_node else entry.line)
    summary = Deployment(
        line=entry.line,
        model=model,
        provider=prefix,
        api_base=_scalar(params, "api_base") or _scalar(params, "base_url"),
        aws_region_name=_scalar(params, "aws_region_name"),
        vertex_location=_scalar(params, "vertex_location") or _scalar(params, "vertex_ai_location"),
        vertex_project=_scalar(params, "vertex_project"),
        url=url.text if url.provider_known else None,
        env_fallbacks=tuple(url.fallbacks),
    )
    model_list.setdefault(model_name, []).append(summary)
    if not url.provider_known and _ENV_REF.match(model):
        facts.notes.append(f"{path}:{entry.line}: {sdk}: the model (and so the provider) is read from env; endpoint not placed")
        return
    if not url.provider_known:
        facts.notes.append(f"{path}:{entry.line}: {sdk}: provider {prefix!r} is not modelled in "
                           f"rules/sinks/litellm.yaml and no api_base is set; endpoint not placed")
        return
    facts.endpoints.append(ConfigEndpoint(
        url=url.text, path=path, line=url.line, sdk=sdk, provider=_catalog_provider(url.text),
        chain=tuple(first + url.steps),
    ))


def _url(path: str, params: Y, prefix: str | None, sink: Sink, model_line: int) -> _Url:
    """The endpoint URL for one entry, following the sink's ``override`` and ``url`` switch."""
    for key in _keywords(sink.override):
        node = params.get(key)
        if node is not None and node.scalar():
            text = env_template(node.scalar() or "")
            return _Url(text, node.line, [Step(path, node.line, f"{key}: {node.scalar()}")])
    cases: dict[str, Any] = sink.url.get("cases", {})
    if prefix is None:
        return _simple(path, sink.url["otherwise"], model_line, "model without a provider prefix: routed as OpenAI")
    if prefix not in cases:
        return _Url("", model_line, provider_known=False)
    case = cases[prefix]
    if "template" in case:
        return _template(path, params, case, model_line)
    return _simple(path, case, model_line, f"provider {prefix}")


def _template(path: str, params: Y, case: dict[str, Any], model_line: int) -> _Url:
    """A ``template`` case, e.g. ``https://bedrock-runtime.{region}.amazonaws.com``."""
    url = _Url(case["template"], model_line)
    for name, spec in case.get("params", {}).items():
        node = _first_param(params, spec)
        if node is not None:
            key, value = node
            url.text = url.text.replace(f"{{{name}}}", env_template(value.scalar() or ""))
            url.line = value.line
            url.steps.append(Step(path, value.line, f"{key}: {value.scalar()}"))
            reference = _ENV_REF.match((value.scalar() or "").strip())
            if reference:  # unset at run time, LiteLLM falls back as if the key were absent
                url.fallbacks.append(EnvFallback(name, (reference.group(1), *spec.get("env", [])), spec.get("default")))
            continue
        envs = list(spec.get("env", []))
        url.fallbacks.append(EnvFallback(name, tuple(envs), spec.get("default")))
        filler = f"{{env:{envs[0]}}}" if envs else str(spec.get("default", f"{{{name}}}"))
        url.text = url.text.replace(f"{{{name}}}", filler)
        url.steps.append(Step(path, model_line, f"no {_or(_keywords(spec))} in litellm_params: {name} from "
                                                f"{_fallback_text(envs, spec.get('default'))}"))
    return url


def _simple(path: str, case: dict[str, Any], model_line: int, why: str) -> _Url:
    """A case with ``env`` names and maybe a ``default`` URL."""
    envs = list(case.get("env", []))
    default = case.get("default")
    if default is not None:
        text = default
    elif envs:
        text = f"{{env:{envs[0]}}}"
    else:
        return _Url("", model_line, provider_known=False)
    fallbacks = [EnvFallback("url", tuple(envs), default)]
    step = Step(path, model_line, f"{why}, no api_base: {_fallback_text(envs, default)}")
    return _Url(text, model_line, [step], fallbacks)


def _first_param(params: Y, spec: dict[str, Any]) -> tuple[str, Y] | None:
    for key in _keywords(spec):
        node = params.get(key)
        if node is not None and node.scalar():
            return key, node
    return None


def _keywords(spec: Any) -> list[str]:
    keywords = spec.get("kw", []) if isinstance(spec, dict) else []
    return [keywords] if isinstance(keywords, str) else list(keywords)


def _or(names: list[str]) -> str:
    return " / ".join(names) or "value"


def _fallback_text(envs: list[str], default: str | None) -> str:
    parts = [f"env {' / '.join(envs)}"] if envs else []
    if default is not None:
        parts.append(f"default {default}")
    return ", else ".join(parts) or "nothing"


def _scalar(node: Y, key: str) -> str | None:
    child = node.get(key)
    return child.scalar() if child is not None else None


def _catalog_provider(url: str) -> str | None:
    """The catalog provider of a URL whose host is fully written (no ``{env:...}`` in it)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if not host or "{" in parts.netloc:
        return None
    found = bundled_catalog().match_host(host)
    return found[0].provider if found is not None else None


# -- settings -------------------------------------------------------------------------------------

def _settings(config: Y, details: LitellmFacts) -> None:
    """Fallbacks, cache, environment variables and includes, with their keys' lines (a block
    mapping's value starts on the next line)."""
    for kind in _FALLBACK_KEYS:
        for section in _SETTINGS:
            settings = config.get(section)
            if settings is not None and isinstance(settings.value, dict):
                node = settings.get(kind)
                details.fallbacks.extend(_fallbacks(kind, section, node, node.key_line if node is not None else None))
    for section in _SETTINGS:
        settings = config.get(section)
        if settings is None or not isinstance(settings.value, dict):
            continue
        cache = settings.get("cache")
        if cache is not None:
            details.cache = CacheSetting(section, cache.line, enabled=_bool(cache))
        params = settings.get("cache_params")
        if params is not None:
            kind = params.get("type")
            details.cache_params = CacheSetting(section, params.key_or_value_line,
                                                type=kind.scalar() if kind is not None else None)
    details.environment_variables = _environment_variables(config.get("environment_variables"))
    include = config.get("include")
    details.include = [e.scalar() for e in include.elements() if e.scalar()] if include is not None else []


def _fallbacks(kind: str, section: str, node: Y | None, key_line: int | None) -> list[FallbackEntry]:
    """``[{model: [fallback, ...]}, ...]`` as entries; ``default_fallbacks`` (a plain list)
    gives one entry with source ``*``."""
    if node is None:
        return []
    out: list[FallbackEntry] = []
    plain = [e.scalar() for e in node.elements() if e.scalar() is not None]
    if plain:
        return [FallbackEntry(kind, section, "*", tuple(plain), key_line or node.line)]
    for item in node.elements():
        for model, targets in item.items():
            names = [t.scalar() for t in targets.elements() if t.scalar() is not None] or (
                [targets.scalar()] if targets.scalar() else [])
            out.append(FallbackEntry(kind, section, str(model), tuple(str(n) for n in names), item.line))
    return out


def _bool(node: Y) -> bool | None:
    if isinstance(node.value, bool):
        return node.value
    text = (node.scalar() or "").strip().lower()
    return {"true": True, "yes": True, "on": True, "false": False, "no": False, "off": False}.get(text)


def _environment_variables(node: Y | None) -> dict[str, tuple[str | None, int]]:
    if node is None:
        return {}
    return {key: (value.scalar(), value.line) for key, value in node.items()}
