"""Serving-platform custom resources (KServe, KubeAI; data in ``rules/servers/platforms/``) →
one :class:`EnvSource` per launch map, with image, command + args (each word at its line), env
entries, and the model server the resource names; and :class:`PlatformObject` summaries
(replica bounds, autoscaling) for the readiness checks.

``extract_operators(path, data, parsed)`` is a pure function of the file; YAML that holds no
such resource gives empty facts.
"""

from __future__ import annotations

from ..configfacts import ConfigFacts, EnvBinding, EnvSource, PlatformFacts, PlatformObject, WordSource
from ..platforms import LaunchSpec, ResourceSpec, resource_specs
from .yamlnodes import ParsedYaml, Y, parse_yaml

KIND = "platform"


def extract_operators(path: str, data: bytes, parsed: ParsedYaml | None = None) -> ConfigFacts:
    facts = ConfigFacts(path=path, kind=KIND)
    if b"apiVersion" not in data:
        return facts
    parsed = parsed or parse_yaml(data)
    if parsed.error is not None:
        return facts  # the Kubernetes extractor reports unparsable YAML
    platform = PlatformFacts()
    for doc in parsed.documents:
        spec = _spec_for(doc)
        if spec is not None:
            platform.objects.append(_add_object(doc, spec, path, facts))
    if platform.objects:
        facts.details = platform
    return facts


def _spec_for(doc: Y) -> ResourceSpec | None:
    if not isinstance(doc.value, dict):
        return None
    api_version, kind = _text(doc.get("apiVersion")), _text(doc.get("kind"))
    if api_version is None or kind is None:
        return None
    return next((s for s in resource_specs() if s.matches(api_version, kind)), None)


def _add_object(doc: Y, spec: ResourceSpec, path: str, facts: ConfigFacts) -> PlatformObject:
    kind = _text(doc.get("kind")) or "?"
    metadata = doc.get("metadata")
    name = _text(metadata.get("name")) if metadata is not None else None
    name = name or "?"
    sources: list[str] = []
    for launch in spec.launches:
        maps = _walk(doc, launch.at)
        for index, node in enumerate(maps):
            source = _launch_source(node, launch, path, f"{spec.platform.lower()}:{kind}/{name}")
            if source is None:
                continue
            if len(maps) > 1:
                source.name += f"/{_text(node.get('name')) or index}"
            facts.sources.append(source)
            sources.append(source.name)
    minimum, maximum, disabled = (_one(doc, spec.min_replicas), _one(doc, spec.max_replicas),
                                  _one(doc, spec.autoscaling_disabled))
    routing_node = _one(doc, spec.routing.field) if spec.routing is not None else None
    routing = (_text(routing_node) or spec.routing.default) if spec.routing is not None else None
    return PlatformObject(
        platform=spec.platform, kind=kind, name=name, line=doc.line, sources=tuple(sources),
        min_replicas=_int(minimum), min_replicas_line=minimum.key_or_value_line if minimum else None,
        max_replicas=_int(maximum), max_replicas_line=maximum.key_or_value_line if maximum else None,
        autoscaling_disabled=disabled is not None and disabled.value is True,
        autoscaling_disabled_line=disabled.key_or_value_line if disabled else None,
        managed_probes=spec.managed_probes,
        routing=routing, routing_line=routing_node.key_or_value_line if routing_node is not None else None,
        routing_cache_aware=(routing in spec.routing.cache_aware) if spec.routing is not None else None,
    )


def _launch_source(node: Y, launch: LaunchSpec, path: str, name: str) -> EnvSource | None:
    """A launch map as an env source; None when it names no image, command, args or server."""
    if not isinstance(node.value, dict):
        return None
    server_node = _one(node, launch.server_field)
    server = launch.server_for(_text(server_node)) if server_node is not None else None
    words: list[str] = []
    lines: list[WordSource] = []
    for key in (launch.command, launch.args):
        for item in _items(node.get(key) if key else None):
            text = _text(item)
            if text is not None:
                words.append(text)
                lines.append(WordSource(path, item.line))
    image = _text(node.get(launch.image)) if launch.image else None
    if not (words or image or server):
        return None
    source = EnvSource(name=name, kind=KIND, path=path, line=node.line, image=image, command=words,
                       command_sources=lines, server=server)
    source.bindings.extend(_env(node.get("env"), path))
    return source


def _env(node: Y | None, path: str) -> list[EnvBinding]:
    """``env`` as a Kubernetes list (``- name/value``) or a KubeAI map (``KEY: value``)."""
    out: list[EnvBinding] = []
    if node is None:
        return out
    if isinstance(node.value, dict):
        for key, value in node.items():
            out.append(EnvBinding(key, _text(value), path, value.line, "env"))
        return out
    for entry in node.elements():
        key = _text(entry.get("name")) if isinstance(entry.value, dict) else None
        if key is None:
            continue
        value = entry.get("value")
        if entry.get("valueFrom") is not None:
            out.append(EnvBinding(key, None, path, entry.line, "valueFrom"))
        else:
            out.append(EnvBinding(key, _text(value) if value is not None else "", path,
                                  value.line if value is not None else entry.line, "env"))
    return out


def _walk(node: Y, keys: tuple[str, ...]) -> list[Y]:
    """The nodes at ``keys`` under ``node`` (``*`` steps into every list item)."""
    nodes = [node]
    for key in keys:
        step: list[Y] = []
        for current in nodes:
            if key == "*":
                step.extend(current.elements() if isinstance(current.value, list) else [])
            elif isinstance(current.value, dict) and current.get(key) is not None:
                step.append(current.get(key))
        nodes = step
    return nodes


def _one(node: Y, keys: tuple[str, ...]) -> Y | None:
    found = _walk(node, keys) if keys else []
    return found[0] if found else None


def _items(node: Y | None) -> list[Y]:
    if node is None:
        return []
    return node.elements() if isinstance(node.value, list) else [node]


def _text(node: Y | None) -> str | None:
    if node is None or isinstance(node.value, (dict, list)) or node.value is None:
        return None
    if isinstance(node.value, bool):
        return "true" if node.value else "false"
    return str(node.value)


def _int(node: Y | None) -> int | None:
    return node.value if node is not None and isinstance(node.value, int) and not isinstance(node.value, bool) else None
