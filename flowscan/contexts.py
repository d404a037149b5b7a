"""Deployment contexts: the env vars each config source sets, as values with provenance.

Each :class:`EnvSource` from a config extractor (a compose service, a Kubernetes workload,
a Helm values file, a ``.env`` file, a Dockerfile, a Terraform service) becomes one
:class:`Context`. The code's own defaults are the ``default`` context. The resolver runs
once per context with that context's env lookup.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from .compose_builds import built_code
from .configfacts import ComposeFacts, ConfigFacts, EnvBinding, EnvSource
from .model import DEFAULT_CONTEXT, Endpoint, Step
from .values import StrValue, merge_trails


@dataclass
class Context:
    name: str
    kind: str
    path: str
    line: int
    env: dict[str, list[StrValue]] = field(default_factory=dict)
    applies_to: list[str] = field(default_factory=list)
    binding_sites: set[tuple[str, int]] = field(default_factory=set)

    def lookup(self, key: str) -> list[StrValue] | None:
        return self.env.get(key)

    def covers(self, path: str) -> bool:
        """Whether code at ``path`` runs in this context."""
        if not self.applies_to:
            return True
        return any(prefix in ("", ".") or path == prefix or path.startswith(prefix.rstrip("/") + "/")
                   for prefix in self.applies_to)

    def touched(self, trail: tuple[Step, ...]) -> bool:
        """Whether a value's chain passes through one of this context's config lines."""
        return any((step.path, step.line) in self.binding_sites for step in trail)


def binding_value(binding: EnvBinding, source: EnvSource) -> StrValue:
    detail = f"{binding.key}={binding.value}" if binding.value is not None else binding.key
    if binding.detail:
        detail += f" ({binding.detail})"
    step = Step(binding.path, binding.line, f"{source.name}: {detail}")
    trail = tuple(binding.chain) + (step,)
    if binding.value is None and binding.resource is not None:
        return StrValue.hole(endpoint_label(binding.resource), trail)
    if binding.value is None:
        return StrValue.hole(f"env:{binding.key} from {binding.detail or source.name}", trail)
    return StrValue.literal(binding.value, trail)


def endpoint_label(address: str) -> str:
    """The hole label of an endpoint whose host is unknown but whose resource is known."""
    return f"endpoint of {address}"


def _env_files(config: ConfigFacts, source: EnvSource) -> tuple[str, ...]:
    """The ``env_file`` paths of the compose service behind ``source`` (none for other kinds)."""
    if not isinstance(config.details, ComposeFacts):
        return ()
    service = config.details.services.get(source.name.split(":", 1)[-1])
    return service.env_files if service is not None else ()


def build_contexts(facts: list[ConfigFacts]) -> list[Context]:
    """One context per env source, in a stable order (by name, then path)."""
    dotenv_by_path = {f.path: f for f in facts if f.kind == "dotenv"}
    dockerfiles = {f.path: f for f in facts if f.kind == "dockerfile"}
    contexts: list[Context] = []
    for config in facts:
        for source in config.sources:
            applies_to = built_code(config, source, dockerfiles) if config.kind == "compose" else None
            context = Context(source.name, source.kind, source.path, source.line,
                              applies_to=applies_to if applies_to is not None else list(source.applies_to))
            bindings = list(source.bindings)
            for env_file in _env_files(config, source):
                linked = dotenv_by_path.get(env_file)
                if linked is not None:
                    for linked_source in linked.sources:
                        bindings = list(linked_source.bindings) + bindings  # environment: wins over env_file
            for binding in bindings:
                context.env[binding.key] = [binding_value(binding, source)]
                context.binding_sites.add((binding.path, binding.line))
                for step in binding.chain:
                    context.binding_sites.add((step.path, step.line))
            contexts.append(context)
    contexts.sort(key=lambda c: (c.name, c.path))
    seen: dict[str, int] = {}
    for context in contexts:  # names must be unique in the report
        n = seen.get(context.name, 0)
        seen[context.name] = n + 1
        if n:
            context.name = f"{context.name}#{n + 1}"
    return contexts


def drop_defaults_set_by_contexts(endpoints: list[Endpoint], contexts) -> list[Endpoint]:
    """A default-context endpoint that is unknown only because env vars have no code default
    is not a destination of its own when deployment contexts set those vars: their
    endpoints show the real values. Unset everywhere, it stays (region unknown). Only contexts
    that run a call site's code count: a Lambda's AWS_REGION does not place code it does not
    ship, so the call sites no such context runs stay, as their own unknown endpoint."""
    kept = []
    for endpoint in endpoints:
        env_labels = [label for label in endpoint.unresolved if label.startswith("env:")]
        if not (endpoint.context == DEFAULT_CONTEXT and endpoint.placement.jurisdiction is None and env_labels
                and len(env_labels) == len(endpoint.unresolved)):
            kept.append(endpoint)
            continue
        keys = {label[4:] for label in env_labels}
        if not endpoint.locations:
            if not keys <= {key for context in contexts for key in context.env}:
                kept.append(endpoint)
            continue
        left = [location for location in endpoint.locations if not keys <= _bound_at(location.path, contexts)]
        if len(left) == len(endpoint.locations):
            kept.append(endpoint)
        elif left:
            kept.append(_only_at(endpoint, left))
    return kept


def _bound_at(path: str, contexts) -> set[str]:
    """The env vars set by the contexts that run the code at ``path``."""
    return {key for context in contexts if context.covers(path) for key in context.env}


def _only_at(endpoint: Endpoint, locations: list) -> Endpoint:
    """The endpoint as reached from ``locations`` only (its value chains through them)."""
    paths = {location.path for location in locations}
    trails = [t for t in endpoint.trails if any(step.path in paths for step in t)] or endpoint.trails
    return replace(endpoint, locations=locations, trails=trails, provenance=list(merge_trails(*trails)))


def drop_none_sides_set_by_contexts(hits: list, contexts) -> list:
    """Default-context hits whose value is an SDK's own default only because ``os.getenv(X)``
    was None (X unset) are not destinations of their own when deployment contexts that run
    that code set X: their endpoints show the real values."""
    if not contexts:
        return hits
    kept = []
    for hit in hits:
        unset = _none_of_unset_env(hit.value.trail) if hit.value is not None else set()
        path = hit.location.path
        if unset and unset <= _bound_at(path, contexts):
            continue
        kept.append(hit)
    return kept


def _none_of_unset_env(trail) -> set[str]:
    """The env vars whose unset None (``os.getenv(X)``) a value's trail went through."""
    from .python.objects import UNSET_IS_NONE

    suffix = f" {UNSET_IS_NONE}"
    return {step.detail[4:-len(suffix)] for step in trail if step.detail.startswith("env ") and step.detail.endswith(suffix)}
