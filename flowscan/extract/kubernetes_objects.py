"""Cluster objects the readiness checks read beside workloads: autoscalers
(HorizontalPodAutoscaler, KEDA ScaledObject), Prometheus Operator monitors (ServiceMonitor,
PodMonitor) and Services; and the accelerator resources of a container.

Accelerators are recognised by their extended resource name: the NVIDIA, AMD and Intel GPU
device plugins (``nvidia.com/gpu``, ``nvidia.com/mig-…``, ``amd.com/gpu``, ``gpu.intel.com/…``),
Google TPUs (``google.com/tpu``), AWS Neuron (``aws.amazon.com/neuron…``) and Habana Gaudi
(``habana.ai/gaudi``).
"""

from __future__ import annotations

import re

from ..configfacts import KubernetesFacts, Monitor, Scaler, ServiceSummary
from .yamlnodes import Y

_ACCELERATOR = re.compile(r"^(?:nvidia\.com/(?:gpu|mig-.+)|amd\.com/gpu|gpu\.intel\.com/.+|google\.com/tpu"
                          r"|aws\.amazon\.com/neuron\w*|habana\.ai/gaudi)$")


def accelerators(resources: Y | None) -> tuple[str, ...]:
    """Accelerator resource names in a container's ``requests`` or ``limits`` (non-zero)."""
    found: list[str] = []
    for section in ("requests", "limits"):
        node = resources.get(section) if resources is not None and isinstance(resources.value, dict) else None
        for name, amount in node.items() if node is not None else []:
            if _ACCELERATOR.match(name) and str(amount.value).strip() not in ("0", "") and name not in found:
                found.append(name)
    return tuple(found)


def gpu_count(resources: Y | None) -> int | None:
    """The whole GPUs a container asks for: its ``nvidia.com/gpu`` / ``amd.com/gpu`` limit,
    else request (None when neither is written as a number)."""
    for section in ("limits", "requests"):
        node = resources.get(section) if resources is not None and isinstance(resources.value, dict) else None
        for name, amount in node.items() if node is not None else []:
            if name in ("nvidia.com/gpu", "amd.com/gpu") and str(amount.value).strip().isdigit():
                return int(str(amount.value).strip())
    return None


def node_selector(pod: Y | None) -> tuple[tuple[str, str], ...]:
    """A pod spec's ``nodeSelector`` and its required node affinity terms that pin a label to
    one value (``operator: In`` with a single value), as (key, value) pairs."""
    if pod is None or not isinstance(pod.value, dict):
        return ()
    pairs = list(labels(pod.get("nodeSelector")))
    affinity = pod.plain().get("affinity")
    node_affinity = affinity.get("nodeAffinity") if isinstance(affinity, dict) else None
    required = node_affinity.get("requiredDuringSchedulingIgnoredDuringExecution") if isinstance(
        node_affinity, dict) else None
    terms = required.get("nodeSelectorTerms") if isinstance(required, dict) else None
    for term in terms if isinstance(terms, list) else []:
        expressions = term.get("matchExpressions") if isinstance(term, dict) else None
        for expr in expressions if isinstance(expressions, list) else []:
            values = expr.get("values") if isinstance(expr, dict) else None
            if expr.get("operator") == "In" and isinstance(values, list) and len(values) == 1:
                pairs.append((str(expr.get("key")), str(values[0])))
    return tuple(pairs)


def labels(node: Y | None) -> tuple[tuple[str, str], ...]:
    """A ``labels`` / ``annotations`` / ``matchLabels`` map as sorted pairs (scalars only)."""
    if node is None or not isinstance(node.value, dict):
        return ()
    return tuple(sorted((k, str(v.value).lower() if isinstance(v.value, bool) else str(v.value))
                        for k, v in node.items() if v.value is not None and not isinstance(v.value, (dict, list))))


def add_cluster_object(obj: Y, kind: str, k8s: KubernetesFacts) -> None:
    api_group = (_text(obj, "apiVersion") or "").split("/", 1)[0]
    name = _text(obj, "metadata", "name") or "?"
    namespace = _text(obj, "metadata", "namespace")
    spec = obj.get("spec")
    if kind == "HorizontalPodAutoscaler" or (kind == "ScaledObject" and api_group == "keda.sh"):
        target = spec.get("scaleTargetRef") if spec is not None else None
        target_name = _text(target, "name")
        if target_name:
            target_kind = _text(target, "kind") or "Deployment"
            k8s.scalers.append(Scaler(kind, name, obj.line, target_kind, target_name, namespace))
    elif kind in ("ServiceMonitor", "PodMonitor") and api_group == "monitoring.coreos.com":
        selector = spec.get("selector") if spec is not None else None
        match = selector.get("matchLabels") if selector is not None else None
        k8s.monitors.append(Monitor(kind, name, obj.line, labels(match), namespace))
    elif kind == "Service":
        metadata = obj.get("metadata")
        k8s.services.append(ServiceSummary(
            name, obj.line, labels(metadata.get("labels") if metadata is not None else None),
            labels(spec.get("selector") if spec is not None else None),
            labels(metadata.get("annotations") if metadata is not None else None), namespace))


def _text(node: Y | None, *keys: str) -> str | None:
    for key in keys:
        node = node.get(key) if node is not None and isinstance(node.value, dict) else None
    return node.scalar() if node is not None else None
