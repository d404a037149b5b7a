"""Bicep rule data (``rules/bicep/*.yaml``): which resource types carry a location, where resources
set env vars, and the endpoints Azure gives a resource."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ...catalog import default_rules_dir, load_rule_file


@dataclass(frozen=True)
class SettingsRule:
    """A child resource holding the env as a map (``sites/config`` named ``appsettings``)."""

    type: str
    name: str
    map: tuple[str, ...]


@dataclass(frozen=True)
class EnvRule:
    holders: tuple[str, ...]  # path to a list of containers ((): the resource itself)
    list: tuple[str, ...]  # path to the [{name, value}] list; () for none
    secret_keys: tuple[str, ...] = ()
    image: tuple[str, ...] = ()
    settings: SettingsRule | None = None


@dataclass(frozen=True)
class EndpointRule:
    type: str
    property: str
    template: str
    when: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ModuleRule:
    """A registry module as the resource it creates (one ``modules:`` entry)."""

    source: str
    type: str
    params: tuple[tuple[str, str], ...]
    outputs: tuple[tuple[str, str], ...]


@dataclass
class BicepRules:
    cloud: str = "azure"
    located: list[tuple[str, bool]] = field(default_factory=list)  # (type glob, skip), most specific first
    env: dict[str, EnvRule] = field(default_factory=dict)
    endpoints: list[EndpointRule] = field(default_factory=list)
    modules: list[ModuleRule] = field(default_factory=list)

    def module_rule(self, reference: str) -> ModuleRule | None:
        """``br/public:avm/res/x/y:0.7.1`` (or ``br:mcr.microsoft.com/bicep/avm/res/x/y:0.7.1``)."""
        text = reference.replace("br:mcr.microsoft.com/bicep/", "br/public:", 1)
        head, _, version = text.rpartition(":")
        source = head if head and not version.startswith("avm") else text
        return next((m for m in self.modules if m.source == source), None)

    def is_located(self, rtype: str) -> bool:
        for pattern, skip in self.located:
            if fnmatch.fnmatchcase(rtype.lower(), pattern.lower()):
                return not skip
        return False

    def endpoint_rules(self, rtype: str, prop: str) -> list[EndpointRule]:
        return [r for r in self.endpoints if r.type.lower() == rtype.lower() and r.property == prop]


def _path(text: str | None) -> tuple[str, ...]:
    return tuple(text.split(".")) if text else ()


def load_bicep_rules(rules_dir: Path | None = None) -> BicepRules:
    out = BicepRules()
    for path in sorted(((rules_dir or default_rules_dir()) / "bicep").glob("*.yaml")):
        data = load_rule_file(path, "rules-bicep.schema.json")
        out.cloud = data["cloud"]
        out.located.extend((r["type"], bool(r.get("skip", False))) for r in data["resources"])
        for entry in data.get("env", []):
            settings = entry.get("settings")
            rule = EnvRule(_path(entry.get("holders")), _path(entry.get("list")), tuple(entry.get("secret_keys", ())),
                           _path(entry.get("image")),
                           SettingsRule(settings["type"], settings["name"], _path(settings["map"])) if settings else None)
            for rtype in entry["types"]:
                out.env[rtype.lower()] = rule
        out.endpoints.extend(EndpointRule(e["type"], e["property"], e["template"], tuple(e.get("when", {}).items()))
                             for e in data.get("endpoints", []))
        out.modules.extend(ModuleRule(m["source"], m["type"], tuple(m["params"].items()), tuple(m.get("outputs", {}).items()))
                           for m in data.get("modules", []))
    out.located.sort(key=lambda item: ("*" in item[0], -len(item[0].replace("*", ""))))
    return out


@lru_cache(maxsize=1)
def bundled_bicep_rules() -> BicepRules:
    return load_bicep_rules()
