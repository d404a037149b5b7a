"""Turn sink hits into endpoints: host, provider, placement (region, country, jurisdiction)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from .catalog import Catalog
from .model import Endpoint, Location, Placement, Step
from .policy import Policy
from .python.flows import SinkHit
from .redact import MASK, redact, userinfo_secrets
from .urls import split_url
from .values import merge_trails

UNKNOWN = Placement(None, None, None, "unknown")


@dataclass(frozen=True)
class Placed:
    host: str | None
    url: str | None
    provider: str | None
    placement: Placement
    unresolved: tuple[str, ...]


def place(hit: SinkHit, catalog: Catalog, policy: Policy, served: dict[str, Placement] | None = None) -> Placed | None:
    """Where ``hit`` sends data; ``None`` when its value is a relative path (no endpoint)."""
    sdk_provider = hit.provider
    if hit.value is None:
        return Placed(None, None, sdk_provider, Placement(None, None, None, "unknown", "no endpoint value found"),
                      ("the call's endpoint argument",))
    parts = split_url(hit.value)
    if parts is None:
        return None
    url = redact(parts.url)
    by_resource = next((served[label] for label in parts.unknown_parts if label in served), None) if served else None
    if parts.host is None and by_resource is not None:  # the host is unknown, the resource serving it is not
        return Placed(None, url, sdk_provider, by_resource, parts.unknown_parts)
    if parts.host is None:
        return Placed(None, url, sdk_provider,
                      Placement(None, None, None, "unknown", "the host is not known statically"), parts.unknown_parts)
    declared = policy.declared(parts.host)
    matched = catalog.match_host(parts.host_pattern or parts.host)
    provider = matched[0].provider if matched else sdk_provider
    if declared is not None:
        return Placed(parts.host, url, provider, declared.placement, parts.unknown_parts)
    if served and parts.host in served:  # the IaC resource that serves this host says where it is
        return Placed(parts.host, url, provider, served[parts.host], parts.unknown_parts)
    if matched is not None:
        placement = matched[1]
        if parts.unknown_parts and (
                (placement.source == "host" and _region_in_hole(parts.host_pattern or "", placement.region))
                or (placement.source != "host" and _hole_is_region(catalog, parts.host_pattern or ""))):
            placement = Placement(None, None, None, "unknown", "the region part of the host is not known statically")
        return Placed(parts.host, url, provider, placement, parts.unknown_parts)
    note = "host not in the catalog; declare its region under residency.endpoints"
    if parts.unknown_parts:
        note = "part of the host is not known statically"
    return Placed(parts.host, url, provider, Placement(None, None, None, "unknown", note), parts.unknown_parts)


def _region_in_hole(pattern: str, region: str | None) -> bool:
    """Whether the region a host rule gave may come from an unknown part of the host: the
    host has one, and the region is not spelled out in its known text (in
    ``{bucket}.s3.eu-west-1.amazonaws.com`` the unknown part is the bucket, not the region)."""
    from .urls import HOLE_TOKEN
    return HOLE_TOKEN in pattern and (region is None or region.lower() not in pattern)


def _hole_is_region(catalog: Catalog, pattern: str) -> bool:
    """Whether an unknown part of the host stands where a host rule reads the region: with a
    region of the catalog in its place, the rule places the host there
    (``{location}-aiplatform.googleapis.com`` is regional, not the generic Google API rule)."""
    from .urls import HOLE_TOKEN
    if HOLE_TOKEN not in pattern:
        return False
    for codes in catalog.regions.values():
        probe = next(iter(codes), None)
        found = catalog.match_host(pattern.replace(HOLE_TOKEN, probe)) if probe else None
        if found is not None and found[1].source == "host" and found[1].region == probe:
            return True
    return False


def _mask(text: str, secrets: set[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, MASK)
    return text


def endpoint_key(context: str, host: str | None, region: str | None, origin: str | None) -> str:
    """Known hosts: one endpoint per (context, host, region). Unknown hosts: one per origin of
    the value (:func:`unknown_host_origin`: ``env:OPENAI_BASE_URL via openai``), with all its
    call sites."""
    key = f"{context}|{host or ''}|{region or ''}"
    if host is None and origin is not None:
        key += f"|{origin}"
    return key


def unknown_host_origin(hit: SinkHit, placed: Placed, catalog: Catalog) -> str:
    """What groups the call sites of one unknown-host endpoint: the first unresolved part of
    its value (an env var, a parameter, what a caller passes, or a description such as
    ``item of None`` or ``analysis budget exceeded``) and the library that sends it (the sink's
    provider, else the call's top-level module with the rule file declaring it: requests'
    ``get`` and ``post`` are one library, a LlamaIndex vector store and a LlamaIndex LLM are
    not). Calls of one library left unknown alike are one row, whose trails keep each call's
    own chain; calls of unrelated libraries never merge."""
    sink = catalog.sinks.get(hit.sdk)
    sender = hit.provider or f"{hit.sdk.partition('.')[0]} ({sink.origin if sink is not None else '?'})"
    label = placed.unresolved[0] if placed.unresolved else "the call's endpoint"
    return f"{label} via {sender}"


def endpoint_id(key: str) -> str:
    """The id of the endpoint with this :func:`endpoint_key` (the key's paths relative to the
    repository root, so a scan of a subfolder gives the ids a scan of the root gives)."""
    return "ep-" + hashlib.sha256(key.encode()).hexdigest()[:12]


def build_endpoints(hits: list[SinkHit], catalog: Catalog, policy: Policy, context: str,
                    served: dict[str, Placement] | None = None) -> list[Endpoint]:
    """One endpoint per distinct (host, region) in ``context``; endpoints whose host is not
    known are grouped by where their values come from (:func:`unknown_host_origin`), so call
    sites of one SDK fed by the same parameters or env vars are one row."""
    by_id: dict[str, Endpoint] = {}
    trails: dict[str, list[tuple[Step, ...]]] = {}
    secrets: set[str] = set()
    placed_hits = [(hit, placed) for hit in hits if (placed := place(hit, catalog, policy, served)) is not None]
    from .python.reach import combine, hit_reach

    reaches: dict[str, list] = {}  # endpoint id -> (reach, switches) of each of its values
    origins: dict[Location, set[str]] = {}  # call site -> origins of its unknown-host values
    for hit, placed in placed_hits:
        if placed.host is None:
            origins.setdefault(hit.location, set()).add(unknown_host_origin(hit, placed, catalog))
    for hit, placed in placed_hits:
        origin = " + ".join(sorted(origins[hit.location])) if placed.host is None else None
        key = endpoint_key(context, placed.host, placed.placement.region, origin)
        eid = endpoint_id(key)
        endpoint = by_id.get(eid)
        if endpoint is None:
            endpoint = Endpoint(
                id=eid, id_key=key, provider=placed.provider, host=placed.host, url=placed.url, placement=placed.placement,
                context=context, sdk=hit.sdk,
            )
            by_id[eid] = endpoint
            trails[eid] = []
        reaches.setdefault(eid, []).append(
            hit_reach(hit.switches, placed.unresolved if placed.host is None else [], hit.location.path, hit.location.line))
        if hit.location not in endpoint.locations:
            endpoint.locations.append(hit.location)
        for label in placed.unresolved:
            if label not in endpoint.unresolved:
                endpoint.unresolved.append(label)
        if hit.value is not None:
            trails[eid].append(hit.value.trail)
            secrets.update(userinfo_secrets(hit.value.text))
    for eid, endpoint in by_id.items():
        endpoint.locations.sort()
        endpoint.trails = [tuple(Step(s.path, s.line, _mask(redact(s.detail), secrets)) for s in trail)
                           for trail in dict.fromkeys(trails[eid])]
        endpoint.provenance = list(merge_trails(*endpoint.trails))
        endpoint.reach, endpoint.switches = combine(reaches.get(eid, []))
    return sorted(by_id.values(), key=lambda e: (e.context, e.host is None, e.host or "", e.placement.region or "",
                                                   e.locations[0] if e.locations else Location("", 0)))
