"""Well-known remote modules (``terraform-aws-modules/lambda/aws``) read from rule data: a call
whose source matches a ``rules/terraform-modules`` entry yields the resources that entry lists, with
the call's inputs as their arguments, as if they were written in the calling module (addresses
``module.x.aws_lambda_function.this``, the region of the provider the call inherits or passes).
"""

from __future__ import annotations

import re
from dataclasses import replace

from ...configfacts import CODE_OUTSIDE_TREE, EnvBinding, EnvSource, Placement
from ...model import Step
from .code import code_paths, runs_other_language
from .env import env_source
from .evaluate import Scope
from .modules import _literal_str
from .parse import Attr, Block
from .placements import place_resource
from .rules import CodeRule, ModuleResource, ModuleRule, TerraformRules
from .values import _merge, to_str

_REGISTRY_HOSTS = ("registry.terraform.io/", "registry.opentofu.org/")
_GITHUB = re.compile(r"^(?:git::)?(?:https://|ssh://git@|git@)?github\.com[/:]([\w.-]+)/([\w.-]+?)(?:\.git)?(?://(.*))?$")


def module_source(call: Block) -> str | None:
    """The literal ``source`` of a module call."""
    attr = call.attrs.get("source")
    return _literal_str(attr.expr) if attr else None


def find_module_rule(source: str, rules: TerraformRules) -> ModuleRule | None:
    """The rule of a registry (``ns/name/provider[//sub]``) or GitHub source, ignoring ``?ref=``."""
    text = source.split("?", 1)[0].rstrip("/")
    for host in _REGISTRY_HOSTS:
        if text.startswith(host):
            text = text[len(host):]
    github = _GITHUB.match(text)
    for rule in rules.modules:
        if github is not None:
            repo = f"github.com/{github.group(1)}/{github.group(2)}"
            sub = github.group(3)
            rule_sub = rule.source.split("//", 1)[1] if "//" in rule.source else None
            if rule.repository == repo and (sub or None) == rule_sub:
                return rule
        elif rule.source == text:
            return rule
    return None


def _resource_block(call: Block, resource: ModuleResource) -> Block:
    """The resource as the module writes it, with the call's input expressions as arguments."""
    block = Block("resource", (resource.type, resource.name), call.path, call.line)
    for argument, input_name in resource.inputs:
        attr = call.attrs.get(input_name)
        if attr is None:
            continue
        *nested, attr_name = argument.split(".")
        holder = block
        for kind in nested:
            found = holder.children(kind)
            if found:
                holder = found[0]
            else:
                child = Block(kind, (), call.path, attr.line)
                holder.blocks.append(child)
                holder = child
        holder.attrs[attr_name] = Attr(attr_name, attr.expr, attr.path, attr.line)
    return block


def module_facts(scope: Scope, name: str, call: Block, rule: ModuleRule, rules: TerraformRules,
                 notes: list[str]) -> tuple[list[Placement], list[EnvSource]]:
    """Placements and env sources of the resources ``module "name"`` creates, in ``scope``'s context
    (``notes`` is told what cannot be placed)."""
    view = scope.view(f"{scope.address}module.{name}.", scope.passed_providers(call))
    placements: list[Placement] = []
    sources: list[EnvSource] = []
    for resource in rule.resources:
        block = _resource_block(call, resource)
        address = f"{view.address}{resource.type}.{resource.name}"
        created = Step(call.path, call.line, f"module.{name} ({rule.source}, {rule.origin}) creates {resource.type}.{resource.name}")
        placement = place_resource(view, block, rules)
        type_rule = rules.resource_rule(resource.type)
        if placement is None and type_rule is not None and not type_rule.skip:
            inputs = ", ".join(sorted({i for a, i in resource.inputs if a.split(".")[-1] in type_rule.attributes}))
            placement = Placement(address, inputs or "location", None, type_rule.cloud, call.path, call.line,
                                  (Step(call.path, call.line, f"module.{name} sets no {inputs or 'location'} input; "
                                        "the module decides the location (not known statically)"),), scope.context)
        if placement is not None:
            placement = replace(placement, chain=_merge(placement.chain, [created]))
            placements.append(placement)
        source = _env(view, call, block, resource, rules, address, placement, notes)
        if source is not None:
            sources.append(source)
    return placements, sources


def _env(view: Scope, call: Block, block: Block, resource: ModuleResource, rules: TerraformRules,
         address: str, placement: Placement | None, notes: list[str]) -> EnvSource | None:
    env_rule = rules.env.get(resource.type)
    source = env_source(view, block, env_rule, placement) if env_rule is not None else None
    if resource.env_list and resource.env_list in call.attrs:
        source = source or EnvSource(f"terraform:{address}[{view.context}]", "terraform", call.path, call.line)
        source.bindings.extend(_env_list(view, call.attrs[resource.env_list], address))
    if source is None or not (source.bindings or source.image):
        return None
    if env_rule is not None and env_rule.code is not None:
        source.applies_to = _module_code(view, call, block, resource, env_rule.code, f"{address} (line {call.line})", notes)
    else:
        for input_name in resource.code:
            attr = call.attrs.get(input_name)
            if attr is not None:
                source.applies_to.extend(code_paths(view, attr))
    return source


def _module_code(view: Scope, call: Block, block: Block, resource: ModuleResource, code: CodeRule, at: str,
                 notes: list[str]) -> list[str]:
    """The folders of the code a module's function runs: its code-path inputs (``source_path``);
    an existing package or image, or none named, is code outside the tree."""
    if runs_other_language(view, block, code, at, notes):
        return [CODE_OUTSIDE_TREE]
    given = [name for name in resource.code if name in call.attrs]
    paths = [path for name in given for path in code_paths(view, call.attrs[name])]
    if paths:
        return paths
    elsewhere = [name for name in resource.code_elsewhere if name in call.attrs]
    elsewhere += [name for name in code.outside if name in block.attrs]
    if given:
        notes.append(f"{at}: {', '.join(given)} names no path in the scan; its environment applies to no file of the tree")
    elif elsewhere:
        notes.append(f"{at} runs code from outside the tree ({', '.join(elsewhere)}); its environment applies to no "
                     "file of the tree")
    else:
        notes.append(f"{at} names no code location; its environment applies to no file of the tree")
    return [CODE_OUTSIDE_TREE]


def _env_list(view: Scope, attr: Attr, address: str) -> list[EnvBinding]:
    """``env_vars = [{ name = "X", value = "y" }, ...]``."""
    parsed = view.file(attr.path)
    val = view.eval(attr.expr, parsed)
    out = []
    for item in val.value if isinstance(val.value, list) else []:
        fields = item.value if isinstance(item.value, dict) else {}
        key = to_str(fields["name"]) if "name" in fields else None
        if key is None:
            continue
        value = fields.get("value")
        line = (value.line if value is not None else item.line) or attr.line
        out.append(EnvBinding(key, to_str(value) if value is not None else None, attr.path, line,
                              f"{address} {attr.name}", value.chain if value is not None else ()))
    return out
