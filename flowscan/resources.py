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


def served_hosts(config_facts: list[ConfigFacts], catalog: Catalog) -> dict[str, Placement]:
    """Host -> placement of the resource that serves it (an Azure OpenAI account's
    NAME.openai.azure.com is where the account is), and ``endpoint of ADDRESS`` -> the same for
    an endpoint whose host is unknown but whose resource is known. Resources that place one host in different
    regions (two parameter contexts) leave it unknown, saying so."""
    from .contexts import endpoint_label

    found: dict[str, dict[str | None, tuple[str, str, int]]] = {}
    for config in config_facts:
        for p in config.placements:
            for host in p.hosts:
                found.setdefault(host.lower(), {}).setdefault(p.region, (p.resource, p.path, p.line))
            # an endpoint of this resource whose host is unknown (a name built with uniqueString())
            found.setdefault(endpoint_label(p.resource), {}).setdefault(p.region, (p.resource, p.path, p.line))
    out: dict[str, Placement] = {}
    for host, regions in found.items():
        if len(regions) == 1:
            [(region, (address, path, line))] = regions.items()
            placed = place_region("azure" if host.endswith((".azure.com", ".windows.net", ".azure.net")) else None, region, catalog)
            out[host] = Placement(placed.region, placed.country, placed.jurisdiction, "resource" if placed.region else "unknown",
                                  f"the location of {address} ({path}:{line}): {placed.note}")
        else:
            where = ", ".join(f"{a} {r or '?'}" for r, (a, _, _) in sorted(regions.items(), key=lambda i: str(i[0])))
            out[host] = Placement(None, None, None, "unknown", f"resources in different regions serve this host: {where}")
    return out
