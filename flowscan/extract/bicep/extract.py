"""The entry point: find the root Bicep files (those no other Bicep file uses as a module), walk
each in every parameter context for placements and env sources, and turn the root outputs of an azd
project into the env its code is run with."""

from __future__ import annotations

import posixpath
import re
from typing import Any, Callable
from urllib.parse import urlsplit

from ...configfacts import ConfigFacts, EnvBinding, EnvSource, Placement
from ...model import Step
from ..terraform.placements import _normalise
from ..terraform.values import Val, _merge, to_str, unknown
from .evaluate import BicepScope, _walk, module_file, written_in
from .params import azd_envs, parameter_contexts
from .parse import BicepFile, Decl, parse_bicep
from .rules import BicepRules, EnvRule, SettingsRule, bundled_bicep_rules

KIND = "bicep"
_HOLE = re.compile(r"\{([A-Za-z0-9_.]+)\}")


def is_bicep_input(path: str) -> bool:
    """Files the Bicep extractor reads: templates, parameter files, azd environments and azure.yaml."""
    name = path.rsplit("/", 1)[-1]
    return (name.endswith((".bicep", ".bicepparam", ".parameters.json")) or name == "azure.yaml"
            or bool(re.search(r"(?:^|/)\.azure/[^/]+/\.env$", path)))


def extract_bicep(files: dict[str, bytes], rules: BicepRules | None = None, *,
                  count_parse: Callable[[str], None] = lambda path: None) -> list[ConfigFacts]:
    """Facts of every Bicep file in ``files`` (path from the scan root -> bytes; parameter files,
    ``.azure/<env>/.env`` and ``azure.yaml`` ride along)."""
    rules = rules or bundled_bicep_rules()
    facts: dict[str, ConfigFacts] = {}

    def facts_for(path: str) -> ConfigFacts:
        return facts.setdefault(path, ConfigFacts(path, KIND))

    parsed: dict[str, BicepFile] = {}
    for path in sorted(p for p in files if p.endswith(".bicep")):
        count_parse(path)
        parsed[path] = parse_bicep(path, files[path])
        if parsed[path].error is not None:
            facts_for(path).parse_error = parsed[path].error
    used = {module_file(path, m.type) for path, f in parsed.items() for m in f.modules.values()}
    envs = azd_envs(files)
    services = _azd_services(files)
    azd_roots = {posixpath.dirname(p) for p in files if p.rsplit("/", 1)[-1] == "azure.yaml"}
    for path, bicep in parsed.items():
        if path in used or bicep.error is not None:
            continue
        for context in parameter_contexts(path, files, envs):
            def computed(scope: BicepScope, decl: Decl, prop: str, line: int) -> Val | None:
                return _computed(scope, decl, prop, line, rules)

            scope = BicepScope(bicep, context.values, context.name, parsed, computed, registry=rules.module_rule)
            _walk_scope(scope, rules, services, facts_for)
            in_azd = context.name.startswith("azd:") or any(r == "" or path.startswith(r + "/") for r in azd_roots)
            outputs = _outputs_source(scope) if in_azd else None
            if outputs is not None:
                facts_for(path).sources.append(outputs)
    return [f for _, f in sorted(facts.items())]


def _walk_scope(scope: BicepScope, rules: BicepRules, services: dict[str, str],
                facts_for: Callable[[str], ConfigFacts]) -> None:
    path = scope.file.path
    for symbol, decl in scope.file.resources.items():
        if decl.existing:
            continue
        address = f"{scope.address}{symbol}"
        if rules.is_located(decl.type):
            facts_for(path).placements.append(_placement(scope, decl, address, rules))
        env_rule = rules.env.get(decl.type.lower())
        if env_rule is not None:
            source = _env_source(scope, decl, env_rule, address, services)
            if source is not None:
                facts_for(path).sources.append(source)
    for name, decl in scope.file.modules.items():
        child = scope.child(name)
        if child is not None:
            _walk_scope(child, rules, services, facts_for)
            continue
        registry = scope.registry_resource(name)
        if registry is None:
            note = f"module {name} '{decl.type}' is not a Bicep file in the scan nor a module in rules/bicep; not analysed"
        else:
            resource, rule = registry
            note = f"module {name} '{decl.type}' is read from rules/bicep ({rule.type}); its other resources are not listed"
            address = f"{scope.address}{name}"
            if rules.is_located(resource.type):
                facts_for(path).placements.append(_placement(scope, resource, address, rules))
            env_rule = rules.env.get(resource.type.lower())
            source = _env_source(scope, resource, env_rule, address, services) if env_rule is not None else None
            if source is not None:
                facts_for(path).sources.append(source)
        if note not in facts_for(path).notes:
            facts_for(path).notes.append(note)


def _placement(scope: BicepScope, decl: Decl, address: str, rules: BicepRules) -> Placement:
    location = scope.resource_property(decl, ["location"], decl.line)
    region = _normalise("azure", to_str(location))
    line = location.line or decl.line
    declared = Step(scope.file.path, decl.line, f"{decl.name} {decl.type}")
    chain = _merge(location.chain, [declared])
    hosts = tuple(sorted({host for rule in rules.endpoints if rule.type.lower() == decl.type.lower()
                          if (host := _host(scope.resource_property(decl, rule.property.split("."), decl.line)))}))
    return Placement(address, "location", region, rules.cloud, scope.file.path, line, chain, scope.context, hosts)


def _host(val: Val) -> str | None:
    text = to_str(val)
    return urlsplit(text).hostname if text and "://" in text else None


def _computed(scope: BicepScope, decl: Decl, prop: str, line: int, rules: BicepRules) -> Val | None:
    """A property Azure sets (``properties.endpoint``) from the rule templates, or None."""
    for rule in rules.endpoint_rules(decl.type, prop):
        conditions = [(scope.resource_property(decl, key.split("."), line), want) for key, want in rule.when]
        if any(not val.known for val, _ in conditions):
            return unknown(line, *_merge(*(v.chain for v, _ in conditions)))
        if not all(to_str(val) == want for val, want in conditions):
            continue
        parts = {hole: scope.resource_property(decl, hole.split("."), line) for hole in _HOLE.findall(rule.template)}
        chain = _merge(*(v.chain for v in parts.values()))
        said = Step(scope.file.path, decl.line, f"{scope.address}{decl.name}.{prop} = {rule.template} (rules/bicep: {decl.type})")
        if any(to_str(v) is None for v in parts.values()):
            scope.served[said] = f"{scope.address}{decl.name}"
            return unknown(line, *chain, said)
        text = _HOLE.sub(lambda m: to_str(parts[m.group(1)]) or "", rule.template)
        return Val(text, line, _merge(chain, [said]))
    return None


def served_by(scope: BicepScope, value: Val | None) -> str | None:
    """The resource whose computed endpoint an unknown value is (the step ``_computed`` recorded)."""
    if value is None or value.known:
        return None
    return next((scope.served[step] for step in reversed(value.chain) if step in scope.served), None)


def _env_source(scope: BicepScope, decl: Decl, rule: EnvRule, address: str, services: dict[str, str]) -> EnvSource | None:
    body = scope.body(decl)
    source = EnvSource(f"bicep:{address}[{scope.context}]", KIND, scope.file.path, decl.line)
    holders = [] if not rule.list else [body] if not rule.holders else _items(_walk(body, list(rule.holders), decl.line))
    detail = f"{address} {'.'.join(rule.holders + rule.list)}"
    for holder in holders:
        entries = _walk(holder, list(rule.list), decl.line)
        for entry in _items(entries):
            fields = entry.value if isinstance(entry.value, dict) else {}
            name = to_str(fields["name"]) if "name" in fields else None
            if name is None:
                continue
            secret = next((k for k in rule.secret_keys if k in fields), None)
            value = fields.get("value")
            if value is None or secret is not None:
                source.bindings.append(EnvBinding(name, None, written_in(fields["name"], scope.file.path),
                                                  fields["name"].line or decl.line, f"{detail} ({secret or 'no value'})"))
                continue
            source.bindings.append(EnvBinding(name, to_str(value), written_in(value, scope.file.path),
                                              value.line or decl.line, detail, value.chain, served_by(scope, value)))
        if rule.image and source.image is None:
            source.image = to_str(_walk(holder, list(rule.image), decl.line))
    if rule.settings is not None:
        source.bindings.extend(_settings(scope, decl, rule.settings, address))
    tags = _walk(body, ["tags"], decl.line)
    service = to_str(tags.value["azd-service-name"]) if isinstance(tags.value, dict) and "azd-service-name" in tags.value else None
    if service is not None and service in services:
        source.applies_to.append(services[service])
    return source if source.bindings or source.image else None


def _settings(scope: BicepScope, site: Decl, rule: SettingsRule, address: str) -> list[EnvBinding]:
    """``resource x 'config' = { name: 'appsettings', properties: {KEY: value} }`` nested in the site,
    or a ``Microsoft.Web/sites/config`` resource with ``parent: site``."""
    out = []
    for decl in scope.file.resources.values():
        if decl.type.lower() != rule.type.lower() or decl.existing:
            continue
        body = scope.body(decl)
        fields = body.value if isinstance(body.value, dict) else {}
        parent = decl.parent or _parent_symbol(decl)
        if parent != site.name or "name" not in fields or to_str(fields["name"]) != rule.name:
            continue
        settings = _walk(body, list(rule.map), decl.line)
        detail = f"{address} {decl.name} ({rule.type} {rule.name})"
        literal = isinstance(settings.value, dict) and not settings.chain
        for key, value in (settings.value.items() if isinstance(settings.value, dict) else []):
            chain = value.chain if literal else _merge(settings.chain, value.chain)
            out.append(EnvBinding(key, to_str(value), written_in(value, scope.file.path), value.line or decl.line, detail, chain,
                                  served_by(scope, value)))
    return out


def _parent_symbol(decl: Decl) -> str | None:
    from .evaluate import _deploy_body, _identifier, _pair

    node = _pair(_deploy_body(decl.value), "parent")
    return _identifier(node) if node is not None else None


def _items(val: Val) -> list[Val]:
    return [item for item in val.value] if isinstance(val.value, list) else []


def _outputs_source(scope: BicepScope) -> EnvSource | None:
    """azd writes a root template's outputs into the environment (``.azure/<env>/.env``) that
    ``azd`` runs the app and its hooks with: one context of those names."""
    source = EnvSource(f"bicep:{scope.file.path} outputs[{scope.context}]", KIND, scope.file.path, 1)
    for name, decl in scope.file.outputs.items():
        if decl.type != "string" or "secure" in decl.decorators:
            continue
        value = scope.output(decl)
        source.bindings.append(EnvBinding(name, to_str(value), scope.file.path, decl.line, "azd output", value.chain,
                                          served_by(scope, value)))
    return source if source.bindings else None


def _azd_services(files: dict[str, bytes]) -> dict[str, str]:
    """azure.yaml ``services: {name: {project: ./src}}`` -> service name -> code folder from the scan root."""
    out: dict[str, str] = {}
    for path in sorted(p for p in files if p.rsplit("/", 1)[-1] == "azure.yaml"):
        import yaml

        try:
            data: Any = yaml.safe_load(files[path].decode("utf-8", "replace"))
        except yaml.YAMLError:
            continue
        services = data.get("services") if isinstance(data, dict) else None
        for name, service in (services or {}).items():
            project = service.get("project") if isinstance(service, dict) else None
            if isinstance(project, str):
                folder = posixpath.normpath(posixpath.join(posixpath.dirname(path), project))
                out[str(name)] = "" if folder == "." else folder
    return out
