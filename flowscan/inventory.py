"""The inventory a data-processing agreement cares about: providers, hosts, regions and
jurisdictions a repository sends data to, and what a change adds to it (the drift gate)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import Report

KINDS = ("providers", "hosts", "regions", "jurisdictions")


@dataclass
class Inventory:
    """Each kind's items, with where one was first seen (``path:line``) for the message."""

    items: dict[str, dict[str, str]] = field(default_factory=lambda: {kind: {} for kind in KINDS})

    def add(self, kind: str, item: str | None, where: str) -> None:
        if item:
            self.items[kind].setdefault(item, where)

    def to_dict(self) -> dict[str, list[str]]:
        return {kind: sorted(self.items[kind]) for kind in KINDS}


def inventory_of(report: Report) -> Inventory:
    """Every destination outside the application itself (internal hosts are not a provider
    anyone must be told about); cloud resources add their regions and jurisdictions."""
    inventory = Inventory()
    for endpoint in report.endpoints:
        p = endpoint.placement
        if p.jurisdiction == "internal":
            continue
        where = str(endpoint.locations[0]) if endpoint.locations else endpoint.context
        inventory.add("providers", endpoint.provider, where)
        inventory.add("hosts", endpoint.host, where)
        inventory.add("regions", p.region, where)
        inventory.add("jurisdictions", p.jurisdiction, where)
    for resource in report.resources:
        where = str(resource.location)
        inventory.add("regions", resource.placement.region, where)
        inventory.add("jurisdictions", resource.placement.jurisdiction, where)
    return inventory


def added(before: dict[str, Any], now: Inventory) -> dict[str, dict[str, str]]:
    """Items of ``now`` that ``before`` (a baseline's ``inventory``) does not list, per kind,
    with where each is seen."""
    return {kind: {item: where for item, where in sorted(now.items[kind].items())
                   if item not in set(before.get(kind, []))} for kind in KINDS}


def drift_lines(new: dict[str, dict[str, str]]) -> list[str]:
    """One line per new item: ``new host: api.openai.com (app.py:3)``."""
    singular = {"providers": "provider", "hosts": "host", "regions": "region", "jurisdictions": "jurisdiction"}
    return [f"new {singular[kind]}: {item} ({where})" for kind in KINDS for item, where in new[kind].items()]
