"""Facts extracted from deployment and infrastructure configs.

Every config extractor (``extract/<kind>.py``) is a pure function
``(path: str, data: bytes) -> ConfigFacts`` (Terraform works per module folder, see
``extract/terraform.py``). The engine turns the facts into deployment contexts (env vars
that the code reads), endpoints (URLs that configs send to directly) and placements
(cloud resources with a location), all with ``path:line`` provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import Step


@dataclass(frozen=True)
class EnvBinding:
    """``key=value`` set for a process by a config; ``value`` is None when it is set from
    something flowscan cannot read (a Secret's data, a Terraform resource attribute)."""

    key: str
    value: str | None
    path: str
    line: int
    detail: str = ""  # e.g. "compose service api environment", "configMapKeyRef app-config/POSTHOG_HOST"
    chain: tuple[Step, ...] = ()  # earlier steps, e.g. terraform.tfvars:1 -> var.region


@dataclass
class EnvSource:
    """One deployment context: a set of env vars a process runs with.

    ``name`` is stable and readable: ``compose:api``, ``k8s:Deployment/api``,
    ``helm:values-prod.yaml``, ``dotenv:.env.example``, ``dockerfile:api/Dockerfile``,
    ``terraform:google_cloud_run_v2_service.api[prod.tfvars]``.
    ``applies_to`` narrows the context to code under these folders (compose ``build:``,
    Dockerfile ``COPY``); empty means the whole tree.
    """

    name: str
    kind: str  # compose | kubernetes | helm | dotenv | dockerfile | terraform
    path: str
    line: int
    bindings: list[EnvBinding] = field(default_factory=list)
    applies_to: list[str] = field(default_factory=list)
    command: list[str] = field(default_factory=list)  # container command + args, for issue 4 checks
    image: str | None = None


@dataclass(frozen=True)
class ConfigEndpoint:
    """A destination a config sends to directly, e.g. a LiteLLM proxy ``model_list`` entry.

    ``url`` may be a template with ``{env:NAME}`` holes written as ``os.environ/NAME`` in the
    config; the engine resolves them per context.
    """

    url: str
    path: str
    line: int
    sdk: str  # e.g. "litellm model_list: bedrock/anthropic.claude-3"
    provider: str | None = None
    chain: tuple[Step, ...] = ()


@dataclass(frozen=True)
class Placement:
    """A cloud resource whose location attribute says where its data lives.

    ``region`` is the resolved value (None if it could not be resolved); ``chain`` is the
    provenance (tfvars line -> variable -> attribute).
    """

    resource: str  # e.g. google_storage_bucket.logs
    attribute: str  # e.g. location
    region: str | None
    cloud: str | None  # aws | gcp | azure
    path: str
    line: int
    chain: tuple[Step, ...] = ()
    context: str = "default"  # terraform var-file context, e.g. "prod.tfvars"


@dataclass
class ConfigFacts:
    path: str
    kind: str
    sources: list[EnvSource] = field(default_factory=list)
    endpoints: list[ConfigEndpoint] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    parse_error: tuple[int, str] | None = None
    notes: list[str] = field(default_factory=list)
    raw: dict = field(default_factory=dict)  # kind-specific extras for later checks (issue 4)
