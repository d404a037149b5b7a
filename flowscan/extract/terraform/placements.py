"""Placements: the region of each located resource in one context (its own attribute or its
provider's).
"""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import urlsplit

from ...catalog import bundled_catalog
from ...configfacts import Placement
from ...model import Step
from .evaluate import Scope, _traversal_text
from .parse import Block, ParsedFile
from .rules import CloudRules, TerraformRules
from .values import _merge, to_str


def _provider_key(resource: Block) -> str:
    """``provider = aws.eu`` → "aws.eu"; otherwise the type's prefix (``google_...`` → "google")."""
    attr = resource.attrs.get("provider")
    text = _traversal_text(attr.expr) if attr else None
    return text or resource.labels[0].split("_", 1)[0]


def place_resource(scope: Scope, resource: Block, rules: TerraformRules) -> Placement | None:
    """The placement of one resource in one context, or None if its type carries no location;
    with the hosts the resource serves (rule templates over its arguments)."""
    placement = _place(scope, resource, rules)
    hosts = served_hosts(scope, resource, rules) if placement is not None else ()
    return replace(placement, hosts=hosts) if placement is not None and hosts else placement


def served_hosts(scope: Scope, resource: Block, rules: TerraformRules) -> tuple[str, ...]:
    """``azurerm_cognitive_account`` with ``kind = "OpenAI"`` and ``custom_subdomain_name = "x"``
    serves x.openai.azure.com; the first matching rule wins, unknown arguments give no host."""
    parsed = scope.file(resource.path)

    def argument(name: str) -> str | None:
        attr = resource.attrs.get(name)
        return to_str(scope.eval(attr.expr, parsed)) if attr is not None else None

    for rule in rules.endpoints:
        if rule.type != resource.labels[0] or any(argument(k) != v for k, v in rule.when):
            continue
        names = re.findall(r"\{([a-z0-9_]+)\}", rule.template)
        values = {name: argument(name) for name in names}
        if any(v is None for v in values.values()):
            return ()
        host = urlsplit(re.sub(r"\{([a-z0-9_]+)\}", lambda m: values[m.group(1)] or "", rule.template)).hostname
        return (host,) if host else ()
    return ()


def _place(scope: Scope, resource: Block, rules: TerraformRules) -> Placement | None:
    rtype, name = resource.labels
    rule = rules.resource_rule(rtype)
    if rule is None or rule.skip:
        return None
    cloud = rules.cloud(rule.cloud)
    parsed = scope.file(resource.path)
    address = f"{scope.address}{rtype}.{name}"
    for attr_name in rule.attributes + rule.zone_attributes:
        attr = resource.attrs.get(attr_name)
        if attr is None:
            continue
        val = scope.eval(attr.expr, parsed)
        region = to_str(val)
        if region is not None and attr_name in rule.zone_attributes:
            region = _zone_region(region, cloud)
        chain = _merge(val.chain, [Step(resource.path, attr.line, parsed.text(attr.line))])
        return Placement(address, attr_name, _normalise(rule.cloud, region), rule.cloud, resource.path, attr.line,
                         chain, scope.context)
    if not rule.fallback_provider or cloud is None or not cloud.provider_region:
        return None
    return _provider_placement(scope, resource, address, rule.cloud, cloud.provider_region, parsed)


def _provider_placement(scope: Scope, resource: Block, address: str, cloud: str, region_attr: str,
                        parsed: ParsedFile) -> Placement:
    key = _provider_key(resource)
    ref = scope.provider(key)
    here = Step(resource.path, resource.line, f"{address} sets no {region_attr}: the region of provider {key}")
    if ref is None:
        missing = Step(resource.path, resource.line,
                       f"{address}: no provider {key!r} configuration; the region is set at apply time (environment)")
        return Placement(address, region_attr, None, cloud, resource.path, resource.line, (missing,), scope.context)
    attr = ref.block.attrs.get(region_attr)
    if attr is None:
        no_region = Step(ref.block.path, ref.block.line, f"provider {key} sets no {region_attr}; it is set at apply time (environment)")
        return Placement(address, region_attr, None, cloud, resource.path, resource.line, (no_region, here), scope.context)
    provider_file = ref.scope.file(attr.path)
    val = ref.scope.eval(attr.expr, provider_file)
    chain = _merge(val.chain, [Step(attr.path, attr.line, f"provider {ref.key}: {provider_file.text(attr.line)}"), here])
    return Placement(address, region_attr, _normalise(cloud, to_str(val)), cloud, attr.path, attr.line, chain, scope.context)


def _zone_region(zone: str, cloud: CloudRules | None) -> str:
    if cloud and cloud.zone_pattern:
        m = cloud.zone_pattern.match(zone)
        if m:
            return m.group("region")
    return zone


def _normalise(cloud: str, region: str | None) -> str | None:
    """Catalog spelling of a region (GCS accepts ``EUROPE-WEST4`` and ``eu``)."""
    if region is None:
        return None
    catalog = bundled_catalog()
    for candidate in (region, region.lower(), region.upper()):
        found = catalog.region(cloud, candidate)
        if found is not None:
            return found.code
    return region
