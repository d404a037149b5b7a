"""Terraform rule data: which resource types carry a location and where resources set env vars,
read from ``rules/terraform/*.yaml``.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ...catalog import default_rules_dir, load_rule_file


@dataclass(frozen=True)
class ResourceRule:
    """Where a resource type keeps its location (one ``resources:`` entry)."""

    pattern: str
    cloud: str
    attributes: tuple[str, ...] = ()
    zone_attributes: tuple[str, ...] = ()
    fallback_provider: bool = False
    skip: bool = False

    @property
    def specificity(self) -> tuple[int, int]:
        """Exact types first, then longer globs."""
        wild = "*" in self.pattern
        return (1 if wild else 0, -len(self.pattern.replace("*", "")))


@dataclass(frozen=True)
class CodeRule:
    """Where the code a function resource runs comes from (an ``env:`` entry's ``code:``)."""

    package: tuple[str, ...] = ()  # arguments naming its local package (filename, source_code_hash)
    outside: tuple[str, ...] = ()  # arguments naming code stored outside the tree (s3_key, image_uri)
    layers: str | None = None  # argument listing its layers (references to layer resources)
    layer_types: tuple[str, ...] = ()  # resource types of layers, whose package arguments are the same
    runtime: str | None = None  # argument naming the language runtime
    python_runtime: str = "python"  # the prefix of Python runtime names


@dataclass(frozen=True)
class ArchiveRule:
    """A resource or data source that zips files of the tree into a package (one ``archives:`` entry)."""

    types: tuple[str, ...]
    sources: tuple[str, ...]  # arguments naming the folder or file it zips
    inline: tuple[str, ...] = ()  # arguments / blocks holding content written in the configuration
    output: str | None = None  # argument naming the package it writes


@dataclass(frozen=True)
class EnvRule:
    """Where a resource type sets a process environment (one ``env:`` entry)."""

    types: tuple[str, ...]
    containers: tuple[str, ...] = ()
    env_block: str | None = None
    secret_blocks: tuple[str, ...] = ()
    image: tuple[str, ...] = ()
    map: tuple[str, ...] = ()
    container_definitions: str | None = None
    runtime_region: tuple[str, ...] = ()  # env vars the runtime sets to the region it runs in
    code: CodeRule | None = None


@dataclass(frozen=True)
class CloudRules:
    cloud: str
    providers: tuple[str, ...]
    provider_region: str | None
    zone_pattern: re.Pattern[str] | None


@dataclass(frozen=True)
class EndpointRule:
    """The host a resource type serves, as a template over its arguments (one ``endpoints:`` entry)."""

    type: str
    template: str
    when: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ModuleResource:
    """One resource a registry module creates, and the module inputs that set its arguments."""

    type: str
    name: str
    inputs: tuple[tuple[str, str], ...]  # (argument path "environment.variables", module input)
    env_list: str | None = None  # input holding [{name, value}] env entries
    code: tuple[str, ...] = ()  # inputs holding the local path of the code it runs
    code_elsewhere: tuple[str, ...] = ()  # inputs naming code that is not in the tree (an existing package)


@dataclass(frozen=True)
class ModuleRule:
    """A well-known remote module (one ``modules:`` entry of ``rules/terraform-modules/*.yaml``)."""

    source: str  # registry address, with //subdirectory for a submodule
    repository: str | None
    resources: tuple[ModuleResource, ...]
    origin: str  # the rule file, for provenance


@dataclass
class TerraformRules:
    clouds: list[CloudRules]
    resources: list[ResourceRule]
    env: dict[str, EnvRule]
    modules: list[ModuleRule] = field(default_factory=list)
    endpoints: list[EndpointRule] = field(default_factory=list)
    archives: list[ArchiveRule] = field(default_factory=list)
    state_machines: dict[str, str] = field(default_factory=dict)  # resource type -> its definition argument

    def resource_rule(self, rtype: str) -> ResourceRule | None:
        for rule in self.resources:  # sorted by specificity
            if fnmatch.fnmatchcase(rtype, rule.pattern):
                return rule
        return None

    def cloud_of_provider(self, name: str) -> CloudRules | None:
        for cloud in self.clouds:
            if name in cloud.providers:
                return cloud
        return None

    def cloud(self, cloud: str) -> CloudRules | None:
        return next((c for c in self.clouds if c.cloud == cloud), None)


def load_terraform_rules(rules_dir: Path | None = None) -> TerraformRules:
    """Read and validate ``rules/terraform/*.yaml``."""
    folder = (rules_dir or default_rules_dir()) / "terraform"
    out = TerraformRules([], [], {})
    for path in sorted(folder.glob("*.yaml")):
        data = load_rule_file(path, "rules-terraform.schema.json")
        cloud = data["cloud"]
        zone = data.get("zone_pattern")
        out.clouds.append(CloudRules(cloud, tuple(data["providers"]), data.get("provider_region"),
                                     re.compile(zone) if zone else None))
        for entry in data.get("resources", []):
            out.resources.append(ResourceRule(
                entry["type"], cloud, tuple(entry.get("attributes", ())), tuple(entry.get("zone_attributes", ())),
                entry.get("fallback") == "provider", bool(entry.get("skip", False)),
            ))
        out.endpoints.extend(EndpointRule(e["type"], e["template"], tuple(e.get("when", {}).items()))
                             for e in data.get("endpoints", []))
        out.archives.extend(ArchiveRule(tuple(a["types"]), tuple(a["sources"]), tuple(a.get("inline", ())), a.get("output"))
                            for a in data.get("archives", []))
        for entry in data.get("state_machines", []):
            out.state_machines.update(dict.fromkeys(entry["types"], entry["definition"]))
        for entry in data.get("env", []):
            code = entry.get("code")
            rule = EnvRule(
                tuple(entry["types"]), tuple(entry.get("containers", ())), entry.get("env_block"),
                tuple(entry.get("secret_blocks", ())), tuple(entry.get("image", ())), tuple(entry.get("map", ())),
                entry.get("container_definitions"), tuple(entry.get("runtime_region", ())),
                CodeRule(tuple(code.get("package", ())), tuple(code.get("outside", ())), code.get("layers"),
                         tuple(code.get("layer_types", ())), code.get("runtime")) if code else None,
            )
            for rtype in rule.types:
                out.env[rtype] = rule
    out.resources.sort(key=lambda r: r.specificity)
    out.modules = load_module_rules((rules_dir or default_rules_dir()) / "terraform-modules")
    return out


def load_module_rules(folder: Path) -> list[ModuleRule]:
    """Read and validate ``rules/terraform-modules/*.yaml``."""
    out = []
    for path in sorted(folder.glob("*.yaml")):
        data = load_rule_file(path, "rules-terraform-modules.schema.json")
        for entry in data["modules"]:
            resources = tuple(ModuleResource(
                r["type"], r["name"], tuple(r["inputs"].items()), r.get("env_list"), tuple(r.get("code", ())),
                tuple(r.get("code_elsewhere", ())),
            ) for r in entry["resources"])
            out.append(ModuleRule(entry["source"], entry.get("repository"), resources, f"rules/terraform-modules/{path.name}"))
    return out


@lru_cache(maxsize=1)
def bundled_terraform_rules() -> TerraformRules:
    return load_terraform_rules()
