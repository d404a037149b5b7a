"""The sub-processor inventory as a CycloneDX 1.6 BOM (cyclonedx-python-lib): each provider a
service with its endpoints and flowscan's placement as properties, for SBOM / AI-BOM tooling."""

from __future__ import annotations

import uuid
from datetime import datetime

from ..redact import redact
from .evidence import Evidence
from .runinfo import RunInfo

_NAMESPACE = uuid.UUID("7d6f2c1e-3a55-4c1b-9a55-0f1c5ad1f10a")  # flowscan's, for deterministic serial numbers


def render_cyclonedx(evidence: Evidence, run: RunInfo) -> str:
    from cyclonedx.model import Property, XsUri
    from cyclonedx.model.bom import Bom, BomMetaData
    from cyclonedx.model.component import Component, ComponentType
    from cyclonedx.model.contact import OrganizationalEntity
    from cyclonedx.model.service import Service
    from cyclonedx.output.json import JsonV1Dot6

    services = []
    for row in evidence.sub_processors:
        properties = [Property(name="flowscan:purpose", value=row.purpose),
                      Property(name="flowscan:outside-policy", value="true" if row.outside_policy else "false")]
        for name, values in (("region", row.regions), ("country", row.countries), ("jurisdiction", row.jurisdictions),
                             ("region-basis", row.basis), ("context", row.contexts)):
            properties += [Property(name=f"flowscan:{name}", value=value) for value in values]
        properties += [Property(name="flowscan:called-from", value=str(location)) for location in row.locations]
        services.append(Service(
            name=row.name, bom_ref=f"sub-processor:{row.key}", provider=OrganizationalEntity(name=row.name),
            endpoints=[XsUri(f"https://{redact(host)}") for host in row.hosts], x_trust_boundary=row.purpose != "internal",
            properties=properties,
        ))
    seed = f"{run.commit}|{run.dirty}|{run.catalog_sha256}|{run.policy_sha256}|{evidence.report.root}"
    bom = Bom(
        serial_number=uuid.uuid5(_NAMESPACE, seed),
        metadata=BomMetaData(
            timestamp=datetime.fromisoformat(run.time.replace("Z", "+00:00")),
            component=Component(name=_name(evidence.report.root), type=ComponentType.APPLICATION, bom_ref="application",
                                version=run.commit or None),
            properties=[Property(name="flowscan:tool-version", value=run.tool_version),
                        Property(name="flowscan:catalog-sha256", value=run.catalog_sha256)],
        ),
        services=services,
    )
    return redact(JsonV1Dot6(bom).output_as_string(indent=2)) + "\n"


def _name(root: str) -> str:
    return root.rstrip("/").rsplit("/", 1)[-1] or root
