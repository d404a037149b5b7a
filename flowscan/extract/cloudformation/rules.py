"""CloudFormation rule data: which resource types are placed where, and which set a process
environment and run code from the tree, read from ``rules/cloudformation/*.yaml``.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ...catalog import default_rules_dir
from ...rulefiles import load_rule_file

Path_ = tuple[str, ...]  # a property path from the resource (Properties, Environment, Variables); "*" walks a list


@dataclass(frozen=True)
class ResourceRule:
    pattern: str
    skip: bool = False
    replicas: Path_ = ()  # path to a list of replicas, then each replica's region key

    @property
    def specificity(self) -> tuple[int, int]:
        """Exact types first, then longer globs."""
        return (1 if "*" in self.pattern else 0, -len(self.pattern.replace("*", "")))


@dataclass(frozen=True)
class CodeRule:
    """Where the code a resource runs comes from."""

    path: Path_ = ()  # a local folder (SAM CodeUri, a packaged Code path)
    image: Path_ = ()  # a Docker build context (SAM Metadata.DockerContext)
    inline: Path_ = ()  # code written in the template
    layers: Path_ = ()  # layers whose content the function imports
    runtime: Path_ = ()  # the language runtime; code of another language runs no Python file
    python_runtime: str = "python"  # the prefix of Python runtime names


@dataclass(frozen=True)
class EnvRule:
    types: tuple[str, ...]
    map: Path_ = ()
    list: Path_ = ()
    globals: str | None = None
    code: CodeRule | None = None
    runtime_region: tuple[str, ...] = ()
    runtime_source: str = ""


@dataclass(frozen=True)
class StateMachineRule:
    """Where a state machine resource keeps its definition."""

    types: tuple[str, ...]
    definition: Path_ = ()  # inline (a mapping)
    definition_string: Path_ = ()  # JSON text
    definition_file: Path_ = ()  # a local file path (or an S3 location)
    definition_s3: Path_ = ()  # an S3 object
    substitutions: Path_ = ()  # ${name} -> value in the definition


@dataclass(frozen=True)
class NestedRule:
    """A resource that deploys another template as a nested stack."""

    types: tuple[str, ...]
    template: Path_
    parameters: Path_


@dataclass
class CloudFormationRules:
    resources: list[ResourceRule]
    env: dict[str, EnvRule]
    state_machines: dict[str, StateMachineRule] = field(default_factory=dict)
    nested: dict[str, NestedRule] = field(default_factory=dict)

    def resource_rule(self, rtype: str) -> ResourceRule | None:
        return next((r for r in self.resources if fnmatch.fnmatchcase(rtype, r.pattern)), None)


def load_cloudformation_rules(rules_dir: Path | None = None) -> CloudFormationRules:
    """Read and validate ``rules/cloudformation/*.yaml``."""
    folder = (rules_dir or default_rules_dir()) / "cloudformation"
    out = CloudFormationRules([], {})
    for path in sorted(folder.glob("*.yaml")):
        data = load_rule_file(path, "rules-cloudformation.schema.json")
        for entry in data.get("resources", []):
            out.resources.append(ResourceRule(entry["type"], bool(entry.get("skip", False)),
                                              tuple(entry.get("replicas", ()))))
        for entry in data.get("env", []):
            code = entry.get("code")
            rule = EnvRule(
                tuple(entry["types"]), tuple(entry.get("map", ())), tuple(entry.get("list", ())),
                entry.get("globals"),
                CodeRule(*(tuple(code.get(k, ())) for k in ("path", "image", "inline", "layers", "runtime"))) if code else None,
                tuple(entry.get("runtime_region", ())), entry.get("runtime_source", ""),
            )
            out.env.update(dict.fromkeys(rule.types, rule))
        for entry in data.get("state_machines", []):
            machine = StateMachineRule(tuple(entry["types"]), *(tuple(entry.get(k, ())) for k in (
                "definition", "definition_string", "definition_file", "definition_s3", "substitutions")))
            out.state_machines.update(dict.fromkeys(machine.types, machine))
        for entry in data.get("nested_stacks", []):
            nested = NestedRule(tuple(entry["types"]), tuple(entry["template"]), tuple(entry["parameters"]))
            out.nested.update(dict.fromkeys(nested.types, nested))
    return CloudFormationRules(sorted(out.resources, key=lambda r: r.specificity), out.env, out.state_machines,
                               out.nested)


@lru_cache(maxsize=1)
def bundled_cloudformation_rules() -> CloudFormationRules:
    """The bundled rules, read once per process."""
    return load_cloudformation_rules()
