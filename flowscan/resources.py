"""Cloud resources with a location (from Terraform placements) -> report resources."""

from __future__ import annotations

from .catalog import Catalog
from .configfacts import ConfigFacts
from .model import Location, Placement, Resource, Step
from .policy import Policy


def place_region(cloud: str | None, region: str | None, catalog: Catalog) -> Placement:
    if region is None:
        return Placement(None, None, None, "unknown", "the location is not known statically")
    found = catalog.region(cloud, region) if cloud else catalog.find_region(region)
    if found is None and cloud:
        found = catalog.region(cloud, region.lower()) or catalog.region(cloud, region.upper())
    if found is None:
        return Placement(region, None, None, "unknown", f"{region!r} is not in the {cloud or 'cloud'} region list")
    return Placement(found.code, found.country, found.jurisdiction, "argument", f"{found.cloud} {found.name}")


def build_resources(config_facts: list[ConfigFacts], catalog: Catalog, policy: Policy) -> list[Resource]:
    out: list[Resource] = []
    for config in config_facts:
        for p in config.placements:
            out.append(Resource(
                address=p.resource, attribute=p.attribute, cloud=p.cloud,
                placement=place_region(p.cloud, p.region, catalog),
                location=Location(p.path, p.line),
                provenance=[*p.chain] or [Step(p.path, p.line, f"{p.attribute} = {p.region}")],
                context=p.context,
            ))
    return sorted(out, key=lambda r: (r.context, r.location, r.address))
