"""Facts extracted from deployment and infrastructure configs.

Every config extractor (``extract/<kind>.py``) is a pure function
``(path: str, data: bytes) -> ConfigFacts`` (Terraform works per module folder, see
``extract/terraform/``; Helm per chart, see ``extract/helm/``). The engine turns the facts
into deployment contexts (env vars that the code reads), endpoints (URLs that configs send
to directly) and placements (cloud resources with a location), all with ``path:line``
provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Union

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
    resource: str | None = None  # an unknown value that is the endpoint of this IaC resource (its address)


@dataclass(frozen=True)
class WordSource:
    """Where one command word was decided: the file and line (in Helm, the values line when a
    value or a condition read from values chose it), and the template conditions around it
    that could not be evaluated (the word is then one possibility of several)."""

    path: str
    line: int
    undecided: tuple[str, ...] = ()


# An ``applies_to`` entry that matches no file: the process runs code that is not in the tree
# (a Lambda's inline code or S3 object), so its env places none of the tree's code.
CODE_OUTSIDE_TREE = "<code outside the scanned tree>"


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
    kind: str  # compose | kubernetes | helm | dotenv | dockerfile | terraform | cloudformation
    path: str
    line: int
    bindings: list[EnvBinding] = field(default_factory=list)
    applies_to: list[str] = field(default_factory=list)
    command: list[str] = field(default_factory=list)  # container command + args, for issue 4 checks
    image: str | None = None
    command_sources: list[WordSource] | None = None  # one per command word, when the extractor knows them
    server: str | None = None  # the rules/servers id a platform field names (KubeAI engine: VLLM)
    accelerator: str | None = None  # the accelerator a framework config names (Ray Serve LLM accelerator_type)


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
    context_free: bool = False  # called by a managed service (a Step Functions task), not by code a context runs


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
    hosts: tuple[str, ...] = ()  # hosts the resource serves (an Azure OpenAI account's NAME.openai.azure.com)


# -- what one kind of config holds beyond env, endpoints and placements ------------------------------

@dataclass(frozen=True)
class Container:
    """A Kubernetes (or rendered Helm) container, as the serving checks read it."""

    name: str
    line: int
    image: str | None = None
    command: tuple[str, ...] = ()
    args: tuple[str, ...] = ()
    image_line: int | None = None
    word_lines: tuple[int, ...] | None = None  # the line of each word of command + args (list forms)
    readiness_probe: bool = False
    startup_probe: bool = False
    liveness_probe: bool = False
    init: bool = False
    accelerators: tuple[str, ...] = ()  # accelerator resources requested or limited (nvidia.com/gpu, ...)
    resources_line: int | None = None  # the container's resources: key, when written
    gpu_count: int | None = None  # nvidia.com/gpu (or amd.com/gpu) limit, else request, when a number


@dataclass(frozen=True)
class Strategy:
    """A workload's rollout: ``spec.strategy`` (``updateStrategy`` for StatefulSets and
    DaemonSets); ``plain`` keeps the whole mapping for strategies with other keys (Argo ``canary``)."""

    type: str | None = None
    max_unavailable: int | str | None = None  # rollingUpdate.maxUnavailable as written
    plain: dict[str, Any] = field(default_factory=dict)
    type_line: int | None = None
    max_unavailable_line: int | None = None


@dataclass(frozen=True)
class Workload:
    kind: str  # Deployment, StatefulSet, CronJob, Rollout, ...
    name: str
    line: int
    namespace: str | None = None
    replicas: int | None = None
    strategy: Strategy = Strategy()
    containers: tuple[Container, ...] = ()
    pod_labels: tuple[tuple[str, str], ...] = ()  # the pod template's metadata.labels
    pod_annotations: tuple[tuple[str, str], ...] = ()  # the pod template's metadata.annotations
    replicas_line: int | None = None
    node_selector: tuple[tuple[str, str], ...] = ()  # nodeSelector and required nodeAffinity "In" terms of one value


@dataclass(frozen=True)
class ConfigMapKeyRef:
    """``env[].valueFrom.configMapKeyRef``: ``key`` of container env <- ``configmap``/``configmap_key``."""

    key: str
    configmap: str
    configmap_key: str
    line: int


@dataclass(frozen=True)
class EnvFromRef:
    """``envFrom[].configMapRef``: every key of ``configmap``, ``prefix`` prepended."""

    configmap: str
    prefix: str
    line: int


@dataclass(frozen=True)
class Scaler:
    """An autoscaler of a workload: a HorizontalPodAutoscaler or a KEDA ScaledObject."""

    kind: str
    name: str
    line: int
    target_kind: str
    target_name: str
    namespace: str | None = None


@dataclass(frozen=True)
class Monitor:
    """A Prometheus Operator ServiceMonitor / PodMonitor: which labels it selects."""

    kind: str
    name: str
    line: int
    match_labels: tuple[tuple[str, str], ...] = ()
    namespace: str | None = None


@dataclass(frozen=True)
class ServiceSummary:
    """A Kubernetes Service: its labels (for ServiceMonitors), pod selector and annotations."""

    name: str
    line: int
    labels: tuple[tuple[str, str], ...] = ()
    selector: tuple[tuple[str, str], ...] = ()
    annotations: tuple[tuple[str, str], ...] = ()
    namespace: str | None = None


@dataclass
class KubernetesFacts:
    workloads: list[Workload] = field(default_factory=list)
    scalers: list[Scaler] = field(default_factory=list)
    monitors: list[Monitor] = field(default_factory=list)
    services: list[ServiceSummary] = field(default_factory=list)
    configmaps: dict[str, dict[str, tuple[str, int]]] = field(default_factory=dict)  # name -> key -> (value, line)
    configmap_refs: dict[str, list[ConfigMapKeyRef]] = field(default_factory=dict)  # env source name -> refs
    env_from: dict[str, list[EnvFromRef]] = field(default_factory=dict)  # env source name -> refs
    configmaps_resolved: bool = False  # set once resolve_configmaps filled the references


@dataclass(frozen=True)
class Dependency:
    """``depends_on`` entry of a compose service (the list form means ``service_started``)."""

    service: str
    condition: str
    line: int


@dataclass(frozen=True)
class ComposeService:
    name: str
    line: int
    image: str | None = None
    build: str | dict[str, Any] | None = None  # ``build:`` as written (a context path, or a mapping)
    command: tuple[str, ...] = ()
    entrypoint: tuple[str, ...] = ()
    image_line: int | None = None
    word_lines: tuple[int, ...] | None = None  # the line of each word of entrypoint + command (list forms)
    env_files: tuple[str, ...] = ()  # paths from the scan root
    depends_on: tuple[Dependency, ...] = ()
    healthcheck: bool = False  # present and not disabled
    healthcheck_line: int | None = None
    replicas: int | None = None
    restart: str | None = None


@dataclass
class ComposeFacts:
    services: dict[str, ComposeService] = field(default_factory=dict)


@dataclass(frozen=True)
class DockerCommand:
    """``CMD`` or ``ENTRYPOINT``: its words, ``exec`` (JSON) or ``shell`` form, and line."""

    words: tuple[str, ...]
    form: str
    line: int
    word_lines: tuple[int, ...] | None = None  # the line of each word, when known


@dataclass(frozen=True)
class Stage:
    line: int
    base: str  # the FROM text after substitution
    alias: str | None = None


@dataclass
class DockerfileFacts:
    stages: list[Stage] = field(default_factory=list)
    cmd: DockerCommand | None = None
    entrypoint: DockerCommand | None = None
    copies: list[tuple[str, int]] = field(default_factory=list)  # (source path from the scan root, line)
    healthcheck_line: int | None = None  # HEALTHCHECK of the final image (not NONE)


@dataclass(frozen=True)
class ShellCommand:
    """One simple command of a shell script: its words and each word's line."""

    line: int
    words: tuple[str, ...]
    lines: tuple[int, ...]


@dataclass
class ShellFacts:
    commands: list[ShellCommand] = field(default_factory=list)


@dataclass(frozen=True)
class EnvFallback:
    """A URL part the config leaves unset: LiteLLM reads it from the first set ``env`` var, else ``default``."""

    part: str  # the URL template's placeholder, e.g. region
    env: tuple[str, ...]
    default: str | None


@dataclass(frozen=True)
class Deployment:
    """One LiteLLM ``model_list`` entry, as the fallback and caching checks read it."""

    line: int
    model: str
    provider: str | None  # the model's prefix (``bedrock`` of ``bedrock/...``)
    api_base: str | None = None
    aws_region_name: str | None = None
    vertex_location: str | None = None
    vertex_project: str | None = None
    url: str | None = None  # the endpoint template, when the provider is modelled
    env_fallbacks: tuple[EnvFallback, ...] = ()


@dataclass(frozen=True)
class FallbackEntry:
    """One ``{source: [targets]}`` item of a LiteLLM fallback list (``*`` for ``default_fallbacks``)."""

    kind: str  # fallbacks | context_window_fallbacks | content_policy_fallbacks | default_fallbacks
    section: str  # router_settings | litellm_settings
    source: str
    targets: tuple[str, ...]
    line: int


@dataclass(frozen=True)
class CacheSetting:
    """``cache:`` (``enabled`` None when set from something flowscan cannot read) or ``cache_params:``."""

    section: str
    line: int
    enabled: bool | None = None
    type: str | None = None


@dataclass
class LitellmFacts:
    model_list: dict[str, list[Deployment]] = field(default_factory=dict)  # model_name -> deployments
    model_list_line: int | None = None
    fallbacks: list[FallbackEntry] = field(default_factory=list)
    cache: CacheSetting | None = None
    cache_params: CacheSetting | None = None
    environment_variables: dict[str, tuple[str | None, int]] = field(default_factory=dict)
    include: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class PlatformObject:
    """A serving platform's custom resource (KServe InferenceService, KubeAI Model), as the
    readiness checks read it. ``*_line`` is where the value is written, when it is."""

    platform: str  # KServe, KubeAI
    kind: str
    name: str
    line: int
    sources: tuple[str, ...] = ()  # the env source names of its launches
    min_replicas: int | None = None
    min_replicas_line: int | None = None
    max_replicas: int | None = None
    max_replicas_line: int | None = None
    autoscaling_disabled: bool = False
    autoscaling_disabled_line: int | None = None
    managed_probes: bool = False
    routing: str | None = None  # the request-routing strategy in effect (written, or the platform default)
    routing_line: int | None = None  # where it is written (None: the default)
    routing_cache_aware: bool | None = None  # None: the platform has no router flowscan knows


@dataclass
class PlatformFacts:
    objects: list[PlatformObject] = field(default_factory=list)


@dataclass(frozen=True)
class ScrapeTarget:
    """One ``static_configs`` target of a Prometheus scrape job (or an OTel collector's
    prometheus receiver): ``host:port`` as written."""

    job: str
    host: str
    port: str | None
    line: int


@dataclass
class ScrapeFacts:
    """A Prometheus (or OTel collector prometheus receiver) scrape configuration."""

    targets: list[ScrapeTarget] = field(default_factory=list)
    kubernetes_sd: list[tuple[str, int]] = field(default_factory=list)  # (job, line) of kubernetes_sd_configs jobs


@dataclass
class HelmFacts:
    chart: str
    chart_dir: str
    values: list[str]  # the values files layered into this context
    templates: list[str]
    # the templates' objects as this context renders them: (template path, facts whose lines are template lines)
    rendered: list[tuple[str, KubernetesFacts]] = field(default_factory=list)


KindFacts = Union[KubernetesFacts, ComposeFacts, DockerfileFacts, ShellFacts, LitellmFacts, HelmFacts, PlatformFacts,
                  ScrapeFacts]


@dataclass
class ConfigFacts:
    path: str
    kind: str
    sources: list[EnvSource] = field(default_factory=list)
    endpoints: list[ConfigEndpoint] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    parse_error: tuple[int, str] | None = None
    notes: list[str] = field(default_factory=list)
    details: KindFacts | None = None  # what this kind of config holds for checks and cross-file steps
    internal_error: str | None = None  # flowscan failed reading this file (checks/internal.py)
