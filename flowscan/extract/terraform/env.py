"""Env sources: the env vars (and image) a Cloud Run service, Lambda, ECS task or App Service
runs with, in one context.
"""

from __future__ import annotations

import json
from typing import Any

from hcl2.rules import containers as hc
from hcl2.rules import functions as hf
from hcl2.rules import strings as hs

from ...configfacts import EnvBinding, EnvSource, Placement
from ...model import Step
from ..runtime_region import runtime_region_bindings
from .evaluate import Scope
from .parse import Attr, Block, ParsedFile, _line, _LineFinder, _unwrap
from .rules import EnvRule
from .values import Encoded, Val, _merge, to_str

KIND = "terraform"


def env_source(scope: Scope, resource: Block, rule: EnvRule, placement: Placement | None = None) -> EnvSource | None:
    """The env vars a Cloud Run service / Lambda / ECS task / App Service runs with, in one context;
    with the region variables its runtime sets (the region ``placement`` gives the resource)."""
    rtype, name = resource.labels
    address = f"{scope.address}{rtype}.{name}"
    source = EnvSource(f"terraform:{address}[{scope.context}]", KIND, resource.path, resource.line)
    if rule.runtime_region and placement is not None:
        source.bindings += runtime_region_bindings(rule.runtime_region, placement.region, placement.chain,
                                                   f"the runtime of {address}", resource.path, resource.line,
                                                   where="the region it runs in", undecided="set at apply time")
    parsed = scope.file(resource.path)
    if rule.env_block:
        for container in resource.find(rule.containers):
            source.bindings.extend(_env_blocks(scope, container, rule, parsed, address))
            source.image = source.image or _image(scope, container, rule.image, parsed)
    elif rule.map:
        *blocks, attr_name = rule.map
        for holder in resource.find(blocks):
            attr = holder.attrs.get(attr_name)
            if attr is not None:
                source.bindings.extend(_env_map(scope, attr, parsed, f"{address} {'.'.join(rule.map)}"))
        source.image = _image(scope, resource, rule.image, parsed)
    elif rule.container_definitions:
        attr = resource.attrs.get(rule.container_definitions)
        if attr is not None:
            bindings, image = _container_definitions(scope, attr, parsed, address)
            source.bindings.extend(bindings)
            source.image = image
    if not source.bindings and source.image is None:
        return None
    return source


def _image(scope: Scope, holder: Block, path: tuple[str, ...], parsed: ParsedFile) -> str | None:
    if not path:
        return None
    *blocks, attr_name = path
    for block in holder.find(blocks):
        attr = block.attrs.get(attr_name)
        if attr is not None:
            return to_str(scope.eval(attr.expr, parsed))
    return None


def _env_blocks(scope: Scope, container: Block, rule: EnvRule, parsed: ParsedFile, address: str) -> list[EnvBinding]:
    out = []
    detail = f"{address} {'.'.join(rule.containers)}.{rule.env_block}"
    for env in container.children(rule.env_block or "env"):
        name_attr = env.attrs.get("name")
        key = to_str(scope.eval(name_attr.expr, parsed)) if name_attr else None
        if key is None:
            continue
        value_attr = env.attrs.get("value")
        if value_attr is None:
            secret = next((b.kind for b in env.blocks if b.kind in rule.secret_blocks), None) or \
                ("secret_name" if "secret_name" in env.attrs else None)
            out.append(EnvBinding(key, None, env.path, env.line, f"{detail} ({secret or 'no value'})"))
            continue
        val = scope.eval(value_attr.expr, parsed)
        out.append(EnvBinding(key, to_str(val), env.path, value_attr.line, detail, val.chain))
    return out


def _env_map(scope: Scope, attr: Attr, parsed: ParsedFile, detail: str) -> list[EnvBinding]:
    val = scope.eval(attr.expr, parsed)
    if not isinstance(val.value, dict):
        return []
    literal = isinstance(_unwrap(attr.expr), hc.ObjectRule)
    out = []
    for key, item in val.value.items():
        line = item.line if literal and item.line else attr.line
        chain = item.chain if literal else _merge(item.chain, val.chain)
        out.append(EnvBinding(key, to_str(item), attr.path, line, detail, chain))
    return out


def _container_definitions(scope: Scope, attr: Attr, parsed: ParsedFile, address: str) -> tuple[list[EnvBinding], str | None]:
    """ECS ``container_definitions``: ``jsonencode([...])`` or a JSON string (heredoc)."""
    node = _unwrap(attr.expr)
    val = scope.eval(attr.expr, parsed)
    if isinstance(val.value, Encoded):
        return _containers_from_vals(val.value.inner, attr, address, val.chain if not isinstance(node, hf.FunctionCallRule) else ())
    if isinstance(node, (hs.StringRule, hs.HeredocTemplateRule)):
        return _containers_from_json_template(scope, node, attr, parsed, address)
    text = to_str(val)
    if text is not None:
        return _containers_from_json(text, {}, attr, parsed, address, val.chain)
    return [], None


def _containers_from_vals(defs: Val, attr: Attr, address: str, outer: tuple[Step, ...]) -> tuple[list[EnvBinding], str | None]:
    out: list[EnvBinding] = []
    image = None
    containers = defs.value if isinstance(defs.value, list) else []
    for container in containers:
        if not isinstance(container.value, dict):
            continue
        fields = container.value
        cname = to_str(fields["name"]) if "name" in fields else None
        image = image or (to_str(fields["image"]) if "image" in fields else None)
        detail = f"{address} container_definitions[{cname or '?'}].environment"
        env = fields.get("environment")
        for item in (env.value if env is not None and isinstance(env.value, list) else []):
            if isinstance(item.value, dict) and "name" in item.value and to_str(item.value["name"]):
                value = item.value.get("value")
                line = (value.line if value is not None else item.line) or attr.line
                chain = _merge(value.chain if value is not None else (), outer)
                out.append(EnvBinding(to_str(item.value["name"]) or "", to_str(value) if value else None,
                                      attr.path, line, detail, chain))
        for item in (fields["secrets"].value if "secrets" in fields and isinstance(fields["secrets"].value, list) else []):
            if isinstance(item.value, dict) and "name" in item.value and to_str(item.value["name"]):
                out.append(EnvBinding(to_str(item.value["name"]) or "", None, attr.path, item.line or attr.line,
                                      f"{detail[:-len('environment')]}secrets (valueFrom)"))
    return out, image


_PLACEHOLDER = "@@flowscan-interpolation-{}@@"


def _containers_from_json_template(scope: Scope, node: Any, attr: Attr, parsed: ParsedFile, address: str) -> tuple[list[EnvBinding], str | None]:
    """A JSON heredoc with ``${...}``: keep each interpolation as a placeholder, parse the JSON,
    then substitute per string value so each binding gets its own chain."""
    line = _line(node, attr.line)
    if isinstance(node, hs.StringRule):
        parts = scope._string_parts(node, parsed)
    else:
        parts = scope._heredoc_parts(node, parsed, line)
    held: dict[str, Val] = {}
    text_parts = []
    for part in parts:
        if isinstance(part, str):
            text_parts.append(part)
        else:
            token = _PLACEHOLDER.format(len(held))
            held[token] = part
            text_parts.append(token)
    return _containers_from_json("".join(text_parts), held, attr, parsed, address, ())


def _containers_from_json(text: str, held: dict[str, Val], attr: Attr, parsed: ParsedFile, address: str,
                          outer: tuple[Step, ...]) -> tuple[list[EnvBinding], str | None]:
    try:
        data = json.loads(text)
    except ValueError:
        return [], None
    if not isinstance(data, list):
        return [], None
    finder = _LineFinder(parsed, attr.line)

    def resolve(value: Any) -> tuple[str | None, tuple[Step, ...]]:
        if not isinstance(value, str):
            return (to_str(Val(value)) if value is not None else None), ()
        chain: tuple[Step, ...] = ()
        for token, val in held.items():
            if token in value:
                chain = _merge(chain, val.chain)
                text_value = to_str(val)
                if text_value is None:
                    return None, chain
                value = value.replace(token, text_value)
        return value, chain

    out: list[EnvBinding] = []
    image = None
    for container in data:
        if not isinstance(container, dict):
            continue
        cname = resolve(container.get("name"))[0]
        image = image or resolve(container.get("image"))[0]
        detail = f"{address} container_definitions[{cname or '?'}].environment"
        for item in container.get("environment") or []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                value, chain = resolve(item.get("value"))
                line = finder.find(item["name"])
                out.append(EnvBinding(item["name"], value, attr.path, line, detail, _merge(chain, outer)))
        for item in container.get("secrets") or []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                out.append(EnvBinding(item["name"], None, attr.path, finder.find(item["name"]),
                                      f"{address} container_definitions[{cname or '?'}].secrets (valueFrom)"))
    return out, image
