"""CDK construct rule data, read from ``rules/cdk/*.yaml``."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ...catalog import default_rules_dir
from ...rulefiles import load_rule_file


@dataclass(frozen=True)
class FunctionRule:
    """A construct that runs code: where its code comes from and where its env vars are."""

    cls: str
    code: str | None = None  # keyword holding a code object
    assets: tuple[str, ...] = ()  # calls that build a code object from a local folder
    inline: tuple[str, ...] = ()  # calls that build it from text
    entry: str | None = None  # keyword holding the folder itself
    environment: str | None = None
    runtime_region: tuple[str, ...] = ()


@dataclass(frozen=True)
class ContainerRule:
    """Constructs and methods that run a container built from a local folder."""

    services: frozenset[str] = frozenset()
    options: tuple[str, ...] = ()
    add_method: str = "add_container"
    image: str = "image"
    images: frozenset[str] = frozenset()
    environment: str = "environment"
    runtime_region: tuple[str, ...] = ()


@dataclass
class CdkRules:
    stacks: frozenset[str] = frozenset()
    environments: frozenset[str] = frozenset()
    region_names: frozenset[str] = frozenset()
    region_attributes: frozenset[str] = frozenset()
    functions: dict[str, FunctionRule] = field(default_factory=dict)
    resources: frozenset[str] = frozenset()
    containers: ContainerRule = ContainerRule()
    step_tasks: dict[str, tuple[str, str]] = field(default_factory=dict)  # class -> ("integration", SERVICE:ACTION) | ("sdk_service", keyword)


def load_cdk_rules(rules_dir: Path | None = None) -> CdkRules:
    folder = (rules_dir or default_rules_dir()) / "cdk"
    out = CdkRules()
    for path in sorted(folder.glob("*.yaml")):
        data = load_rule_file(path, "rules-cdk.schema.json")
        region = data.get("stack_region", {})
        out.stacks |= frozenset(data["stacks"])
        out.environments |= frozenset(data["environments"])
        out.region_names |= frozenset(region.get("names", ()))
        out.region_attributes |= frozenset(region.get("attributes", ()))
        out.resources |= frozenset(data["resources"])
        containers = data.get("containers")
        if containers:
            out.containers = ContainerRule(
                frozenset(containers["services"]), tuple(containers["options"]), containers["add_method"],
                containers["image"], frozenset(containers["images"]), containers["environment"],
                tuple(containers.get("runtime_region", ())))
        for entry in data.get("step_functions_tasks", []):
            kind = "integration" if "integration" in entry else "sdk_service"
            out.step_tasks[entry["class"]] = (kind, entry[kind])
        for entry in data["functions"]:
            out.functions[entry["class"]] = FunctionRule(
                entry["class"], entry.get("code"), tuple(entry.get("assets", ())), tuple(entry.get("inline", ())),
                entry.get("entry"), entry.get("environment"), tuple(entry.get("runtime_region", ())))
    return out


@lru_cache(maxsize=1)
def bundled_cdk_rules() -> CdkRules:
    return load_cdk_rules()
