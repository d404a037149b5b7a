"""Readiness checks for self-hosted model servers: is the deployment ready for production traffic?

Kubernetes workloads are read from manifests and from Helm charts as each values file renders
them (a finding names the values contexts it holds in).

``capacity/no-gpu-resources`` (warning): a Kubernetes container runs a model server that
expects an accelerator (``accelerator.expected`` in rules/servers/) and requests no GPU / TPU /
Neuron / Gaudi resource, and nothing shows it runs on CPU on purpose (a CPU image build, a
``--device cpu`` flag) — at the container's ``resources:`` line, else its ``- name:`` line.

``capacity/no-autoscaling`` (note): a model-server Deployment / StatefulSet / Rollout that no
HorizontalPodAutoscaler or KEDA ScaledObject in the scan targets — at its ``replicas:`` line,
else the object's line; a KServe InferenceService whose ``minReplicas`` equals its
``maxReplicas``; a KubeAI Model with ``autoscalingDisabled: true``.

``monitoring/metrics-not-scraped`` (warning): a model server whose ``/metrics`` nothing in the
scan collects: for Kubernetes, no ``prometheus.io/scrape: "true"`` annotation on its pods or on
a Service selecting them, no PodMonitor selecting its pods, no ServiceMonitor selecting such a
Service, no Prometheus / OTel collector job discovering Kubernetes pods or endpoints, and no
static scrape target naming such a Service; for compose, no static scrape target naming the
service. Platforms that run their own metrics pipeline (KServe, KubeAI) are not checked.
"""

from __future__ import annotations

from typing import Iterable, Sequence

from ..configfacts import (
    ComposeFacts,
    ConfigFacts,
    Container,
    KubernetesFacts,
    PlatformFacts,
    ScrapeFacts,
    ServiceSummary,
    Workload,
)
from ..model import Location
from ..servers import ServerSpec, parse_options, source_launch
from .base import Check, Findings, ScanFacts
from .helm_contexts import ContextFindings, helm_rendered
from .serving import SERVING_KINDS

NO_GPU = "capacity/no-gpu-resources"
NO_AUTOSCALING = "capacity/no-autoscaling"
NOT_SCRAPED = "monitoring/metrics-not-scraped"
SCALABLE_KINDS = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "Rollout"})
SCRAPE_ANNOTATION = "prometheus.io/scrape"


class Readiness(Check):
    """Accelerators, autoscaling and metrics of the model servers in configs."""

    rules = (NO_GPU, NO_AUTOSCALING, NOT_SCRAPED)
    reads = frozenset({"configs"})

    def run(self, facts: ScanFacts, out: Findings) -> None:
        cluster = _Cluster.of(facts.configs)
        for config in facts.configs:
            if isinstance(config.details, KubernetesFacts):
                _kubernetes(config.path, config.details, cluster, out)
            elif isinstance(config.details, ComposeFacts):
                _compose(config.path, config.details, cluster, out)
            elif isinstance(config.details, PlatformFacts):
                _platform(config.path, config.details, out)
        helm = ContextFindings(out)
        rendered = list(helm_rendered(facts.configs))
        for context, path, k8s in rendered:
            helm.context = context
            in_context = cluster.with_kubernetes(k for c, _, k in rendered if c == context)
            _kubernetes(path, k8s, in_context, helm)  # type: ignore[arg-type]
        helm.flush()


class _Cluster:
    """What every config of the scan says about autoscalers, monitors, Services and scrapes."""

    def __init__(self) -> None:
        self.scaled: set[tuple[str, str]] = set()  # (kind, name) targeted by an autoscaler
        self.monitors: list[tuple[str, tuple[tuple[str, str], ...]]] = []  # (kind, matchLabels)
        self.services: list[ServiceSummary] = []
        self.scrape_hosts: set[str] = set()
        self.pod_discovery = False  # a scrape job discovers Kubernetes targets itself

    @classmethod
    def of(cls, configs: Sequence[ConfigFacts]) -> _Cluster:
        cluster = cls()
        for config in configs:
            details = config.details
            if isinstance(details, KubernetesFacts):
                cluster._add(details)
            elif isinstance(details, ScrapeFacts):
                cluster.scrape_hosts.update(t.host.lower() for t in details.targets)
                cluster.pod_discovery = cluster.pod_discovery or bool(details.kubernetes_sd)
        return cluster

    def with_kubernetes(self, more: Iterable[KubernetesFacts]) -> _Cluster:
        """This cluster with the objects of ``more`` (one Helm context's rendered templates)."""
        cluster = _Cluster()
        cluster.scaled, cluster.monitors = set(self.scaled), list(self.monitors)
        cluster.services, cluster.scrape_hosts = list(self.services), set(self.scrape_hosts)
        cluster.pod_discovery = self.pod_discovery
        for k8s in more:
            cluster._add(k8s)
        return cluster

    def _add(self, k8s: KubernetesFacts) -> None:
        self.scaled.update((s.target_kind, s.target_name) for s in k8s.scalers)
        self.monitors.extend((m.kind, m.match_labels) for m in k8s.monitors)
        self.services.extend(k8s.services)

    def services_of(self, workload: Workload) -> list[ServiceSummary]:
        return [s for s in self.services if s.selector and _subset(s.selector, workload.pod_labels)]

    def scrapes_workload(self, workload: Workload) -> bool:
        if _annotated(workload.pod_annotations) or self.pod_discovery:
            return True
        if any(kind == "PodMonitor" and _subset(labels, workload.pod_labels) for kind, labels in self.monitors):
            return True
        for service in self.services_of(workload):
            if _annotated(service.annotations) or self.scrapes_host(service.name):
                return True
            if any(kind == "ServiceMonitor" and _subset(labels, service.labels) for kind, labels in self.monitors):
                return True
        return False

    def scrapes_host(self, name: str) -> bool:
        """A static scrape target naming ``name`` (bare, or as a cluster DNS name)."""
        name = name.lower()
        return any(host == name or host.startswith(name + ".") for host in self.scrape_hosts)


def _subset(wanted: Iterable[tuple[str, str]], have: Iterable[tuple[str, str]]) -> bool:
    wanted = tuple(wanted)
    return bool(wanted) and set(wanted) <= set(have)


def _annotated(annotations: Iterable[tuple[str, str]]) -> bool:
    return any(k == SCRAPE_ANNOTATION and v.strip().lower() == "true" for k, v in annotations)


# -- Kubernetes ----------------------------------------------------------------------------------------

def _kubernetes(path: str, k8s: KubernetesFacts, cluster: _Cluster, out: Findings) -> None:
    for workload in k8s.workloads:
        if workload.kind not in SERVING_KINDS:
            continue
        servers = [(c, spec) for c in workload.containers if not c.init and (spec := _server(c)) is not None]
        if not servers:
            continue
        label = f"{workload.kind}/{workload.name}"
        for container, spec in servers:
            if _needs_accelerator(container, spec):
                message = (f"{spec.name} container {container.name} of {label} requests no GPU or other accelerator "
                           f"(resources.requests/limits): the scheduler may place it on a node without one, where "
                           f"it fails to start or runs far slower")
                out.add(NO_GPU, message, Location(path, container.resources_line or container.line),
                        key=f"{label}|{container.name}")
        server = servers[0][1].name
        if workload.kind in SCALABLE_KINDS and (workload.kind, workload.name) not in cluster.scaled:
            replicas = 1 if workload.replicas is None else workload.replicas
            message = (f"{label} runs {server} on a fixed {replicas} replica(s) and no HorizontalPodAutoscaler or "
                       f"KEDA ScaledObject targets it: a traffic peak queues requests until someone scales it by hand")
            out.add(NO_AUTOSCALING, message, Location(path, workload.replicas_line or workload.line), key=label)
        if not cluster.scrapes_workload(workload):
            message = (f"{label} runs {server} but nothing collects its /metrics (no prometheus.io/scrape annotation, "
                       f"PodMonitor, ServiceMonitor or Prometheus job reaches it): queue length, KV-cache use and "
                       f"latency are invisible before users notice")
            out.add(NOT_SCRAPED, message, Location(path, servers[0][0].line), key=label)


def _server(container: Container) -> ServerSpec | None:
    launch = source_launch(None, container.line, "", image=container.image,
                           command=[*container.command, *container.args])
    return launch.server if launch is not None else None


def _needs_accelerator(container: Container, spec: ServerSpec) -> bool:
    accelerator = spec.accelerator
    if accelerator is None or not accelerator.expected or container.accelerators:
        return False
    image = (container.image or "").lower()
    if any(marker in image for marker in accelerator.cpu_image_markers):
        return False
    return not _has_flag([*container.command, *container.args], accelerator.cpu_flags)


def _has_flag(argv: list[str], flags: Sequence[str]) -> bool:
    """``--flag=value`` given as one word or as ``--flag value``."""
    for flag in flags:
        name, _, value = flag.partition("=")
        for option in parse_options(argv):
            given = option.value if option.value is not None else (
                argv[option.index + 1] if option.index + 1 < len(argv) else None)
            if option.name == name and (not value or (given or "").lower() == value):
                return True
    return False


# -- compose -------------------------------------------------------------------------------------------

def _compose(path: str, compose: ComposeFacts, cluster: _Cluster, out: Findings) -> None:
    for name, service in compose.services.items():
        launch = source_launch(None, service.line, "", image=service.image,
                               command=[*service.entrypoint, *service.command])
        if launch is None or cluster.scrapes_host(name):
            continue
        message = (f"compose service {name} runs {launch.server.name} but no Prometheus or OTel collector scrape "
                   f"job in the repository targets it: its /metrics (queue length, KV-cache use, latency) are "
                   f"not collected")
        out.add(NOT_SCRAPED, message, Location(path, service.line), key=f"compose|{name}")


# -- platforms -----------------------------------------------------------------------------------------

def _platform(path: str, platform: PlatformFacts, out: Findings) -> None:
    for obj in platform.objects:
        if not obj.sources:
            continue
        label = f"{obj.platform} {obj.kind}/{obj.name}"
        if obj.autoscaling_disabled:
            message = f"{label} has autoscalingDisabled: true: its replicas stay fixed under any load"
            out.add(NO_AUTOSCALING, message, Location(path, obj.autoscaling_disabled_line or obj.line), key=label)
        elif obj.min_replicas is not None and obj.min_replicas == obj.max_replicas:
            message = (f"{label} has minReplicas = maxReplicas = {obj.max_replicas}: the autoscaler cannot add "
                       f"replicas under load")
            out.add(NO_AUTOSCALING, message, Location(path, obj.max_replicas_line or obj.line), key=label)


__all__ = ["Readiness", "NO_GPU", "NO_AUTOSCALING", "NOT_SCRAPED"]
