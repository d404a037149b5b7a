"""``serving/cold-start-unprotected`` (warning): a model server users can reach before it is ready.

A model server takes minutes to load its weights. Reported, for workloads whose container
runs a recognised model server (:mod:`flowscan.servers`; other workloads never):

Kubernetes (Deployment, StatefulSet, DaemonSet, ReplicaSet, Pod, Argo Rollout; not Jobs):

- the container has no ``readinessProbe`` and no ``startupProbe``: traffic is sent as soon as
  the process starts — at the container's ``- name:`` line;
- ``strategy.type: Recreate``: every pod is stopped before the new one has loaded — at the
  ``type: Recreate`` line;
- a rolling update that may take every replica down at once (``maxUnavailable`` ≥ the
  replica count; unset ``replicas`` is 1; percentages round down like Kubernetes does) — at
  the ``maxUnavailable`` line.

Compose:

- a service that ``depends_on`` a model-server service without ``condition:
  service_healthy`` starts before the model is loaded — at the dependency's line;
- a model-server service with no ``healthcheck`` (in the service, or a ``HEALTHCHECK`` in the
  Dockerfile it builds) cannot be waited for — at the service line.
"""

from __future__ import annotations

import math
import posixpath
import re
from typing import Any, Sequence

from ..configfacts import (
    ComposeFacts,
    ComposeService,
    ConfigFacts,
    Container,
    DockerfileFacts,
    KubernetesFacts,
    Workload,
)
from ..model import Location
from ..servers import source_launch
from .base import Check, Findings, ScanFacts
from .helm_contexts import ContextFindings, helm_rendered

COLD_START = "serving/cold-start-unprotected"
SERVING_KINDS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController",
                           "Pod", "Rollout"})


class ColdStart(Check):
    """Model servers in Kubernetes manifests, Helm charts (per values file) and compose files
    that take traffic before they are ready (an in-process engine has no probes to check)."""

    rules = (COLD_START,)
    reads = frozenset({"configs"})

    def run(self, facts: ScanFacts, out: Findings) -> None:
        for config in facts.configs:
            if isinstance(config.details, KubernetesFacts):
                _kubernetes(config.path, config.details, out)
            elif isinstance(config.details, ComposeFacts):
                _compose(config.path, config.details, facts.configs, out)
        helm = ContextFindings(out)
        for context, path, k8s in helm_rendered(facts.configs):
            helm.context = context
            _kubernetes(path, k8s, helm)  # type: ignore[arg-type]
        helm.flush()


# -- Kubernetes ----------------------------------------------------------------------------------------

def _kubernetes(path: str, k8s: KubernetesFacts, out: Findings) -> None:
    for workload in k8s.workloads:
        if workload.kind not in SERVING_KINDS:
            continue
        servers = [(c, name) for c in workload.containers if not c.init
                   and (name := _server_name(c, path)) is not None]
        if not servers:
            continue
        label = f"{workload.kind}/{workload.name}"
        for container, server in servers:
            if not container.readiness_probe and not container.startup_probe:
                message = (f"{server} container {container.name} of {label} has no readinessProbe or "
                           f"startupProbe: the Service sends requests while the model is still loading")
                out.add(COLD_START, message, Location(path, container.line), key=f"{label}|{container.name}|probes")
        _rollout(workload, label, servers[0][1], path, out)


def _server_name(container: Container, path: str) -> str | None:
    launch = source_launch(None, container.line, "", image=container.image,
                           command=[*container.command, *container.args], path=path)
    return launch.server.name if launch is not None else None


def _rollout(workload: Workload, label: str, server: str, path: str, out: Findings) -> None:
    """Recreate, or a rolling update that may stop every replica at once."""
    strategy = workload.strategy
    start = workload.line
    if strategy.type == "Recreate":
        line = strategy.type_line or start
        message = (f"{label} runs {server} with strategy Recreate: every pod stops before the new one has "
                   f"loaded the model, so each rollout is an outage")
        out.add(COLD_START, message, Location(path, line), key=f"{label}|recreate")
        return
    replicas = 1 if workload.replicas is None else workload.replicas
    unavailable = _max_unavailable(strategy.max_unavailable, replicas)
    if unavailable is None or replicas < 1 or unavailable < replicas:
        return
    line = strategy.max_unavailable_line or start
    message = (f"{label} runs {server} with {replicas} replica(s) and maxUnavailable "
               f"{strategy.max_unavailable}: a rollout can take every replica down while the new one "
               f"loads the model")
    out.add(COLD_START, message, Location(path, line), key=f"{label}|max-unavailable")


def _max_unavailable(value: Any, replicas: int) -> int | None:
    """``maxUnavailable`` as a pod count (percentages round down, as Kubernetes does)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    match = re.fullmatch(r"\s*(\d+)\s*%\s*", str(value))
    if match:
        return math.floor(int(match.group(1)) * replicas / 100)
    return int(value) if str(value).strip().isdigit() else None


# -- compose -------------------------------------------------------------------------------------------

def _compose(path: str, compose: ComposeFacts, all_configs: Sequence[ConfigFacts], out: Findings) -> None:
    servers = {name: server for name, service in compose.services.items()
               if (server := _compose_server(service, path)) is not None}
    for name, server in servers.items():
        service = compose.services[name]
        if not _has_healthcheck(service, path, all_configs):
            message = (f"compose service {name} runs {server} without a healthcheck: nothing can wait until "
                       f"the model is loaded (depends_on condition: service_healthy needs one)")
            out.add(COLD_START, message, Location(path, service.line), key=f"compose|{name}|healthcheck")
    for name, service in compose.services.items():
        for dependency in service.depends_on:
            target = dependency.service
            if target in servers and dependency.condition != "service_healthy":
                message = (f"compose service {name} depends on {target} ({servers[target]}) with condition "
                           f"{dependency.condition}: it starts before the model is loaded; use "
                           f"condition: service_healthy")
                out.add(COLD_START, message, Location(path, dependency.line), key=f"compose|{name}->{target}")


def _compose_server(service: ComposeService, path: str) -> str | None:
    launch = source_launch(None, service.line, "", image=service.image,
                           command=[*service.entrypoint, *service.command], path=path)
    return launch.server.name if launch is not None else None


def _has_healthcheck(service: ComposeService, path: str, all_configs: Sequence[ConfigFacts]) -> bool:
    """A compose healthcheck, or a HEALTHCHECK in the Dockerfile the service builds."""
    if service.healthcheck:
        return True
    dockerfile = _built_dockerfile(service.build, path)
    return dockerfile is not None and any(
        c.path == dockerfile and isinstance(c.details, DockerfileFacts) and c.details.healthcheck_line is not None
        for c in all_configs)


def _built_dockerfile(build: Any, path: str) -> str | None:
    if build is None:
        return None
    context = build.get("context", ".") if isinstance(build, dict) else str(build)
    name = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), context, name))


__all__ = ["ColdStart", "COLD_START"]
