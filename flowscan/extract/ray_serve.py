"""Ray Serve LLM configs in YAML (data: ``rules/servers/frameworks/``): Serve config files
(``applications:`` whose ``import_path`` builds an LLM app, ``args: llm_configs: [...]``), a
KubeRay ``RayService`` whose ``serveConfigV2`` string holds such a config (read with its lines
in the manifest), and standalone LLMConfig files (a top-level ``model_loading_config``).

Each LLMConfig becomes one :class:`EnvSource` whose command is ``--model MODEL`` plus the
engine keyword arguments as the engine's flags, each word at the line of its key, the engine
server it names (vLLM unless ``llm_engine`` says otherwise) and its ``accelerator_type``; and a
:class:`PlatformObject` with its replica bounds. A path in ``llm_configs`` names a file that is
read on its own. Pure function of the file; nothing is run.
"""

from __future__ import annotations

from ..configfacts import ConfigFacts, EnvSource, PlatformFacts, PlatformObject, WordSource
from ..frameworks import FrameworkSpec, engine_argv, framework_specs
from .yamlnodes import ParsedYaml, Y, parse_yaml

KIND = "ray"


def extract_ray_serve(path: str, data: bytes, parsed: ParsedYaml | None = None) -> ConfigFacts:
    facts = ConfigFacts(path=path, kind=KIND)
    if b"llm_configs" not in data and b"model_loading_config" not in data:
        return facts
    parsed = parsed or parse_yaml(data)
    if parsed.error is not None:
        return facts
    platform = PlatformFacts()
    for spec in framework_specs():
        for doc in parsed.documents:
            for app, config in _llm_configs(doc, spec, path):
                _add(config, app, spec, path, facts, platform)
    if platform.objects:
        facts.details = platform
    return facts


def _llm_configs(doc: Y, spec: FrameworkSpec, path: str) -> list[tuple[str, Y]]:
    """(application name, LLMConfig mapping) of a document."""
    if not isinstance(doc.value, dict):
        return []
    if doc.get("model_loading_config") is not None:
        return [("", doc)]
    if doc.get("applications") is not None:
        return _serve_config(doc, spec)
    kind, api = _text(doc.get("kind")), (_text(doc.get("apiVersion")) or "").split("/", 1)[0]
    if kind in spec.rayservice_kinds and api in spec.rayservice_groups:
        inner = _dig(doc, spec.rayservice_field)
        if inner is not None and isinstance(inner.value, str):
            offset = (inner.key_line or inner.line)  # a block scalar's text starts on the next line
            nested = parse_yaml(("\n" * offset + inner.value).encode())
            if nested.error is None:
                return [found for d in nested.documents for found in _serve_config(d, spec)]
    return []


def _serve_config(doc: Y, spec: FrameworkSpec) -> list[tuple[str, Y]]:
    apps = doc.get("applications") if isinstance(doc.value, dict) else None
    out: list[tuple[str, Y]] = []
    for app in apps.elements() if apps is not None and isinstance(apps.value, list) else []:
        if not isinstance(app.value, dict) or _text(app.get("import_path")) not in spec.import_paths:
            continue
        args = app.get("args")
        configs = args.get("llm_configs") if args is not None and isinstance(args.value, dict) else None
        name = _text(app.get("name")) or "app"
        for config in configs.elements() if configs is not None and isinstance(configs.value, list) else []:
            if isinstance(config.value, dict):
                out.append((name, config))
    return out


def _add(config: Y, app: str, spec: FrameworkSpec, path: str, facts: ConfigFacts, platform: PlatformFacts) -> None:
    server = spec.server_for(_text(config.get(spec.engine_field)))
    model = next((m for p in spec.model_fields if (m := _dig(config, p)) is not None and _text(m)), None)
    label = _text(_dig(config, spec.name_field)) or (_text(model) if model is not None else None) or "?"
    name = f"ray:{app}/{label}" if app else f"ray:{label}"
    words: list[str] = []
    lines: list[WordSource] = []
    if model is not None:
        words += ["--model", str(_text(model))]
        lines += [WordSource(path, model.key_or_value_line)] * 2
    kwargs = config.get(spec.engine_kwargs)
    for key, value in kwargs.items() if kwargs is not None and isinstance(kwargs.value, dict) else []:
        flag_words = engine_argv(key, value.plain())
        words += flag_words
        lines += [WordSource(path, value.key_or_value_line)] * len(flag_words)
    accelerator = _text(config.get(spec.accelerator_field)) if spec.accelerator_field else None
    facts.sources.append(EnvSource(name=name, kind=KIND, path=path, line=config.line, command=words,
                                   command_sources=lines, server=server, accelerator=accelerator))
    minimum, maximum, fixed = (_dig(config, spec.min_replicas), _dig(config, spec.max_replicas),
                               _dig(config, spec.num_replicas))
    if fixed is not None and _int(fixed) is not None:
        minimum = maximum = fixed
    platform.objects.append(PlatformObject(
        platform=spec.name, kind="LLMConfig", name=label, line=config.line, sources=(name,),
        min_replicas=_int(minimum), min_replicas_line=minimum.key_or_value_line if minimum is not None else None,
        max_replicas=_int(maximum), max_replicas_line=maximum.key_or_value_line if maximum is not None else None,
    ))


def _dig(node: Y | None, keys: tuple[str, ...]) -> Y | None:
    for key in keys:
        if node is None or not isinstance(node.value, dict):
            return None
        node = node.get(key)
    return node


def _text(node: Y | None) -> str | None:
    if node is None or isinstance(node.value, (dict, list)) or node.value is None:
        return None
    return str(node.value)


def _int(node: Y | None) -> int | None:
    return node.value if node is not None and isinstance(node.value, int) and not isinstance(node.value, bool) else None
