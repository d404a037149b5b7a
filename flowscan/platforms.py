"""Serving platforms: operator custom resources that start model servers (KServe, KubeAI).

The data is ``rules/servers/platforms/*.yaml`` (validated with
``schemas/rules-platforms.schema.json``): for each custom resource kind, where its launch maps
are (a path from the object, ``*`` stepping into list items), which keys hold the image, command
and args, which field names the model server (a value → ``rules/servers`` id), and where its
replica bounds are. Adding a platform needs no engine code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .catalog import default_rules_dir, load_rule_file


@dataclass(frozen=True)
class LaunchSpec:
    at: tuple[str, ...]
    image: str | None = None
    command: str | None = None
    args: str | None = None
    server_field: tuple[str, ...] = ()
    servers: tuple[tuple[str, str], ...] = ()  # field value -> server id
    model_field: tuple[str, ...] = ()
    note: str | None = None

    def server_for(self, value: str | None) -> str | None:
        return next((server for name, server in self.servers if name == value), None)


@dataclass(frozen=True)
class RoutingSpec:
    field: tuple[str, ...]
    default: str
    cache_aware: tuple[str, ...]


@dataclass(frozen=True)
class ResourceSpec:
    platform: str  # the platform's name, e.g. KServe
    api_groups: tuple[str, ...]
    kinds: tuple[str, ...]
    launches: tuple[LaunchSpec, ...]
    min_replicas: tuple[str, ...] = ()
    max_replicas: tuple[str, ...] = ()
    autoscaling_disabled: tuple[str, ...] = ()
    managed_probes: bool = False
    routing: RoutingSpec | None = None

    def matches(self, api_version: str, kind: str) -> bool:
        return kind in self.kinds and api_version.split("/", 1)[0] in self.api_groups


@lru_cache(maxsize=1)
def resource_specs() -> tuple[ResourceSpec, ...]:
    """Every custom resource of every ``rules/servers/platforms/*.yaml``, validated."""
    out: list[ResourceSpec] = []
    for path in sorted((default_rules_dir() / "servers" / "platforms").glob("*.yaml")):
        platform = load_rule_file(path, "rules-platforms.schema.json")["platform"]
        out.extend(_resource(platform["name"], entry) for entry in platform["resources"])
    return tuple(out)


def _resource(platform: str, entry: dict[str, Any]) -> ResourceSpec:
    return ResourceSpec(
        platform=platform, api_groups=tuple(entry["api_groups"]), kinds=tuple(entry["kinds"]),
        launches=tuple(_launch(launch) for launch in entry["launches"]),
        min_replicas=tuple(entry.get("min_replicas", ())), max_replicas=tuple(entry.get("max_replicas", ())),
        autoscaling_disabled=tuple(entry.get("autoscaling_disabled", ())),
        managed_probes=bool(entry.get("managed_probes", False)),
        routing=RoutingSpec(tuple(entry["routing"]["field"]), entry["routing"]["default"],
                            tuple(entry["routing"]["cache_aware"])) if "routing" in entry else None,
    )


def _launch(entry: dict[str, Any]) -> LaunchSpec:
    return LaunchSpec(
        at=tuple(entry["at"]), image=entry.get("image"), command=entry.get("command"), args=entry.get("args"),
        server_field=tuple(entry.get("server_field", ())), servers=tuple(sorted(entry.get("servers", {}).items())),
        model_field=tuple(entry.get("model_field", ())), note=entry.get("note"),
    )
