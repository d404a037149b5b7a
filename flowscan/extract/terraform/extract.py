"""The entry point: group files into modules and var-files, then walk every root module in each
context for placements and env sources.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import Any, Callable

from ...budget import BudgetExceeded, file_budget
from ...configfacts import ConfigFacts
from .code import code_folders
from .env import KIND, env_source
from .evaluate import Scope
from .modules import Module
from .parse import ParsedFile, _parse_tfvars_json, parse_hcl
from .placements import place_resource
from .registry import find_module_rule, module_facts, module_source
from .rules import TerraformRules, bundled_terraform_rules
from .statemachines import state_machine_endpoints
from .tfvars import tfvars_contexts


def _is_tfvars(path: str) -> bool:
    return path.endswith((".tfvars", ".tfvars.json"))


def extract_terraform(root: Path, files: dict[str, bytes], rules: TerraformRules | None = None, *,
                      count_parse: Callable[[str], None] = lambda path: None,
                      definitions: dict[str, bytes] | None = None) -> list[ConfigFacts]:
    """Facts of every Terraform file under ``root`` (``files``: path relative to root → bytes).

    One :class:`ConfigFacts` per file that yields placements, env sources, notes or a parse
    error. ``root`` is not read: all bytes come from ``files``. ``count_parse`` is told each
    file parsed; ``definitions`` are the state machine definition files of the scan (``*.asl.json``).
    """
    rules = rules or bundled_terraform_rules()
    facts: dict[str, ConfigFacts] = {}

    def facts_for(path: str) -> ConfigFacts:
        return facts.setdefault(path, ConfigFacts(path, KIND))

    modules: dict[str, Module] = {}
    tfvars: dict[str, list[ParsedFile]] = {}
    for path in sorted(files):
        folder = posixpath.dirname(path)
        if path.endswith(".tf.json"):
            facts_for(path).notes.append("Terraform JSON syntax (.tf.json) is not analysed")
            continue
        count_parse(path)
        try:
            with file_budget():
                parsed = _parse_tfvars_json(path, files[path]) if path.endswith(".json") else parse_hcl(path, files[path])
        except BudgetExceeded as exc:
            parsed = ParsedFile(path, [], error=(1, f"not read: {exc.reason}"))
        if parsed.error is not None:
            facts_for(path).parse_error = parsed.error
        if _is_tfvars(path):
            tfvars.setdefault(folder, []).append(parsed)
        else:
            modules.setdefault(folder, Module(folder)).add(parsed)

    children = {m.child_folder(call) for m in modules.values() for call in m.calls.values()} - {None}
    for folder, module in sorted(modules.items()):
        if folder in children:
            continue  # evaluated through its callers
        for context in tfvars_contexts(tfvars.get(folder, [])):
            scope = Scope(module, context.values, context.name, modules=modules)
            _walk(scope, rules, facts_for, definitions or {})
    for folder, parsed_files in tfvars.items():
        if folder not in modules:
            for parsed in parsed_files:
                facts_for(parsed.path).notes.append("var-file with no Terraform module in its folder; not applied")
    return [f for _, f in sorted(facts.items())]


def _walk(scope: Scope, rules: TerraformRules, facts_for: Any, definitions: dict[str, bytes]) -> None:
    """Placements and env sources of every resource in ``scope``, then of its local modules."""
    module = scope.module
    for address, resource in module.resources.items():
        placement = place_resource(scope, resource, rules)
        if placement is not None:
            facts_for(resource.path).placements.append(placement)
        definition = rules.state_machines.get(resource.labels[0])
        if definition is not None:
            facts_for(resource.path).endpoints.extend(state_machine_endpoints(
                scope, resource, definition, placement, definitions, facts_for(resource.path).notes))
        env_rule = rules.env.get(resource.labels[0])
        if env_rule is not None:
            source = env_source(scope, resource, env_rule, placement)
            if source is not None:
                if env_rule.code is not None:
                    at = f"{scope.address}{address} (line {resource.line})"
                    source.applies_to = code_folders(scope, resource, env_rule.code, rules.archives, at,
                                                     facts_for(resource.path).notes)
                facts_for(resource.path).sources.append(source)
    for name, call in module.calls.items():
        child = scope.child(name)
        if child is not None:
            _walk(child, rules, facts_for, definitions)
            continue
        source = module_source(call)
        rule = find_module_rule(source, rules) if source and scope.module.child_folder(call) is None else None
        if rule is None:
            note = f"module.{name}: source {source or '(not a literal)'} is not a local module folder in the scan " \
                   "nor a module in rules/terraform-modules; not analysed"
            if note not in facts_for(call.path).notes:
                facts_for(call.path).notes.append(note)
            continue
        placements, sources = module_facts(scope, name, call, rule, rules, facts_for(call.path).notes)
        listed = ", ".join(f"{r.type}.{r.name}" for r in rule.resources)
        note = f"module.{name}: {rule.source} is read from {rule.origin} ({listed}); its other resources are not listed"
        if note not in facts_for(call.path).notes:
            facts_for(call.path).notes.append(note)
        facts_for(call.path).placements.extend(placements)
        facts_for(call.path).sources.extend(sources)
