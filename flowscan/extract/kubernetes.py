"""Kubernetes manifests and kustomize ``configMapGenerator`` → deployment contexts.

``extract_kubernetes(path, data)`` is a pure function of the file's bytes: every workload
container (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, Pod, Argo Rollout,
also inside a ``kind: List``) becomes an :class:`EnvSource` named ``k8s:<Kind>/<name>``
(``/<container>`` appended when the pod has several containers; init containers always carry
their name). ``env`` ``value`` entries are bindings with the value's line (``$(VAR)`` expanded
from earlier entries); ``configMapKeyRef``/``secretKeyRef``/``fieldRef`` are bindings with no
value at the entry's ``name`` line (Secrets are never read). ConfigMaps of the
file, ``envFrom`` references and the workloads go into ``ConfigFacts.details``
(:class:`~flowscan.configfacts.KubernetesFacts`).

``resolve_configmaps(facts)`` then fills ConfigMap references across the whole tree.

Helm templates (files with Go template actions) are not parsed here: see ``extract/helm/``.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace


from ..configfacts import (
    ConfigFacts,
    ConfigMapKeyRef,
    Container,
    EnvBinding,
    EnvFromRef,
    EnvSource,
    KubernetesFacts,
    Strategy,
    Workload,
)
from ..model import Step
from .kubernetes_objects import accelerators, add_cluster_object, gpu_count, labels, node_selector
from .yamlnodes import ParsedYaml, Y, error_line, error_message, list_item_lines, parse_yaml

KIND = "kubernetes"

#: kind → path from the document root to the pod spec
POD_SPEC_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
    "Rollout": ("spec", "template", "spec"),  # Argo Rollouts (workloadRef rollouts have no template)
}

KUSTOMIZATION_FILES = {"kustomization.yaml", "kustomization.yml", "kustomization"}

# Go template actions that only Helm (or helm-like tools) write; "{{ $labels.x }}" in a
# Prometheus rule ConfigMap is data, not a template.
_HELM_MARKERS = re.compile(
    r"\{\{-?\s*(?:\.Values|\.Release|\.Chart|\.Capabilities|\$\.|include\s|template\s|toYaml\s|tpl\s)"
)
_ENV_REF = re.compile(r"\$\$|\$\(([A-Za-z_][A-Za-z0-9_.\-]*)\)")


def extract_kubernetes(path: str, data: bytes, parsed: ParsedYaml | None = None) -> ConfigFacts:
    """Facts of one Kubernetes (or kustomization) YAML file; empty facts for other YAML.
    ``parsed``: the file already parsed (else it is parsed here, unless it is a template)."""
    facts = ConfigFacts(path=path, kind=KIND)
    if _is_template(path, data):
        facts.notes.append(f"{path}: Go/Helm template, not parsed as a Kubernetes manifest")
        return facts
    parsed = parsed or parse_yaml(data)
    if parsed.error is not None:
        if b"{{" in data:
            facts.notes.append(f"{path}: templated YAML, not parsed")
            return facts
        facts.parse_error = (error_line(parsed.error), error_message(parsed.error))
        if not parsed.documents:
            return facts  # else: the documents before the malformed one are read
    docs = parsed.documents
    k8s = KubernetesFacts()
    is_kustomization = posixpath.basename(path).lower() in KUSTOMIZATION_FILES
    seen_k8s = False
    for doc in docs:
        if not isinstance(doc.value, dict):
            continue
        if is_kustomization or _scalar(doc, "kind") == "Kustomization":
            seen_k8s = True
            _add_kustomization(doc, path, facts, k8s)
            continue
        for obj in _objects(doc):
            seen_k8s = True
            _add_object(obj, path, facts, k8s)
    if seen_k8s:
        facts.details = k8s
    return facts


# --------------------------------------------------------------------------- documents


def _is_template(path: str, data: bytes) -> bool:
    """A Helm template: Go template actions in a chart's ``templates/`` folder, or actions
    only Helm writes (``.Values``, ``include``, ``{{-``)."""
    if b"{{" not in data:
        return False
    in_templates = "/templates/" in "/" + path.replace("\\", "/")
    text = data.decode("utf-8", errors="replace")
    return in_templates or bool(_HELM_MARKERS.search(text))


def _scalar(node: Y | None, *keys: str) -> str | None:
    """The scalar at ``node[k1][k2]...``, or None."""
    for key in keys:
        node = node.get(key) if node is not None else None
    return node.scalar() if node is not None else None


def _dig(node: Y | None, keys: tuple[str, ...]) -> Y | None:
    for key in keys:
        if node is None:
            return None
        node = node.get(key)
    return node


def _objects(doc: Y) -> list[Y]:
    """The Kubernetes objects of one document: itself, or the items of a ``kind: List``."""
    if _scalar(doc, "apiVersion") is None or _scalar(doc, "kind") is None:
        return []
    if _scalar(doc, "kind") == "List" or (_scalar(doc, "kind") or "").endswith("List"):
        items = doc.get("items")
        return [i for i in (items.elements() if items else []) if _scalar(i, "kind") and _scalar(i, "apiVersion")]
    return [doc]


def _add_object(obj: Y, path: str, facts: ConfigFacts, k8s: KubernetesFacts) -> None:
    kind = _scalar(obj, "kind") or ""
    if kind == "ConfigMap":
        name = _scalar(obj, "metadata", "name")
        if name:
            k8s.configmaps[name] = _configmap_data(obj.get("data"))
    elif kind in POD_SPEC_PATHS:
        _add_workload(obj, kind, path, facts, k8s)
    else:
        add_cluster_object(obj, kind, k8s)


def _configmap_data(data: Y | None) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    for key, value in (data.items() if data is not None else ()):
        text = value.scalar()
        if text is not None:
            out[key] = (text, value.line)
    return out


# --------------------------------------------------------------------------- kustomize


def _add_kustomization(doc: Y, path: str, facts: ConfigFacts, k8s: KubernetesFacts) -> None:
    """``configMapGenerator`` literals become ConfigMaps (named without the hash suffix)."""
    generators = doc.get("configMapGenerator")
    for gen in generators.elements() if generators else []:
        name = _scalar(gen, "name")
        if not name:
            continue
        data = dict(k8s.configmaps.get(name, {}))  # repeated generator entries merge
        literals = gen.get("literals")
        for item in literals.elements() if literals else []:
            literal = _parse_literal(item.scalar())
            if literal is not None:
                data[literal[0]] = (literal[1], item.line)
        for field in ("envs", "env", "files"):
            for ref in _list_or_scalar(gen.get(field)):
                facts.notes.append(f"{path}:{ref.line}: configMapGenerator {name} {field} {ref.scalar()} not read")
        behavior = _scalar(gen, "behavior")
        if behavior in ("merge", "replace"):
            facts.notes.append(f"{path}:{gen.line}: configMapGenerator {name} behavior {behavior} (overlay) not applied")
        k8s.configmaps[name] = data
    if doc.get("secretGenerator") is not None:
        facts.notes.append(f"{path}: secretGenerator not read (secrets are never read)")


def _list_or_scalar(node: Y | None) -> list[Y]:
    if node is None:
        return []
    if isinstance(node.value, list):
        return [e for e in node.elements() if e.scalar() is not None]
    return [node] if node.scalar() is not None else []


def _parse_literal(text: str | None) -> tuple[str, str] | None:
    """``KEY=VALUE`` as kustomize reads it: split at the first ``=``, surrounding quotes
    removed from the value."""
    if not text or "=" not in text:
        return None
    key, value = text.split("=", 1)
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        value = value[1:-1]
    return key.strip(), value


# --------------------------------------------------------------------------- workloads


def _add_workload(obj: Y, kind: str, path: str, facts: ConfigFacts, k8s: KubernetesFacts) -> None:
    name = _scalar(obj, "metadata", "name") or "?"
    pod = _dig(obj, POD_SPEC_PATHS[kind])
    containers = _containers(pod, "containers")
    init_containers = _containers(pod, "initContainers")
    summary: list[Container] = []
    for container, is_init in [(c, False) for c in containers] + [(c, True) for c in init_containers]:
        cname = _scalar(container, "name") or "?"
        suffix = f"/{cname}" if is_init or len(containers) > 1 else ""
        source_name = f"k8s:{kind}/{name}{suffix}"
        facts.sources.append(_container_source(container, source_name, path, k8s))
        summary.append(_container_summary(container, cname, is_init))
    k8s.workloads.append(_workload_summary(obj, kind, name, summary))


def _containers(pod: Y | None, key: str) -> list[Y]:
    node = pod.get(key) if pod is not None else None
    return [c for c in (node.elements() if node else []) if isinstance(c.value, dict)]


def _container_source(container: Y, source_name: str, path: str, k8s: KubernetesFacts) -> EnvSource:
    source = EnvSource(
        name=source_name,
        kind=KIND,
        path=path,
        line=container.line,
        image=_scalar(container, "image"),
        command=_strings(container.get("command")) + _strings(container.get("args")),
    )
    env = container.get("env")
    for entry in env.elements() if env else []:
        binding = _env_binding(entry, path, source, k8s)
        if binding is not None:
            source.bindings.append(binding)
    _record_env_from(container.get("envFrom"), source_name, k8s)
    return source


def _strings(node: Y | None) -> list[str]:
    if node is None:
        return []
    if isinstance(node.value, list):
        return [s for s in (e.scalar() for e in node.elements()) if s is not None]
    text = node.scalar()
    return [text] if text is not None else []


def _env_binding(entry: Y, path: str, source: EnvSource, k8s: KubernetesFacts) -> EnvBinding | None:
    """One ``env`` list entry as a binding (None for entries without a name)."""
    key = _scalar(entry, "name")
    if not key:
        return None
    value_from = entry.get("valueFrom")
    if value_from is not None and isinstance(value_from.value, dict):
        return _value_from_binding(key, entry.line, value_from, path, source.name, k8s)
    value = entry.get("value")
    if value is None:
        return EnvBinding(key, "", path, entry.line, "env")
    text = value.scalar()
    text, chain = _expand_refs("" if text is None else text, source.bindings)
    return EnvBinding(key, text, path, value.line, "env", chain)


def _value_from_binding(key: str, line: int, value_from: Y, path: str, source_name: str,
                        k8s: KubernetesFacts) -> EnvBinding:
    """A ``valueFrom`` entry: no value (yet); its line is the env entry's ``name`` line."""
    for ref_kind in ("configMapKeyRef", "secretKeyRef"):
        ref = value_from.get(ref_kind)
        if ref is not None:
            ref_name, ref_key = _scalar(ref, "name") or "?", _scalar(ref, "key") or "?"
            if ref_kind == "configMapKeyRef":
                k8s.configmap_refs.setdefault(source_name, []).append(ConfigMapKeyRef(key, ref_name, ref_key, line))
            return EnvBinding(key, None, path, line, f"{ref_kind} {ref_name}/{ref_key}")
    for ref_kind, field in (("fieldRef", "fieldPath"), ("resourceFieldRef", "resource")):
        ref = value_from.get(ref_kind)
        if ref is not None:
            return EnvBinding(key, None, path, line, f"{ref_kind} {_scalar(ref, field) or '?'}")
    return EnvBinding(key, None, path, line, "valueFrom")


def _expand_refs(text: str, earlier: list[EnvBinding]) -> tuple[str, tuple[Step, ...]]:
    """Kubernetes' ``$(VAR)`` expansion from variables defined earlier in ``env``
    (``$$`` escapes); unknown references stay as written, as Kubernetes leaves them."""
    if "$" not in text:
        return text, ()
    known = {b.key: b for b in earlier if b.value is not None}
    chain: list[Step] = []

    def sub(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        ref = known.get(match.group(1))
        if ref is None:
            return match.group(0)
        chain.append(Step(ref.path, ref.line, f"$({ref.key}) = {ref.value}"))
        return ref.value or ""

    return _ENV_REF.sub(sub, text), tuple(chain)


def _record_env_from(env_from: Y | None, source_name: str, k8s: KubernetesFacts) -> None:
    for entry in env_from.elements() if env_from else []:
        ref = entry.get("configMapRef")
        name = _scalar(ref, "name")
        if not name:
            continue
        k8s.env_from.setdefault(source_name, []).append(EnvFromRef(name, _scalar(entry, "prefix") or "", entry.line))


def _container_summary(container: Y, name: str, is_init: bool) -> Container:
    image = container.get("image")
    return Container(
        name=name,
        line=container.line,
        image=_scalar(container, "image"),
        command=tuple(_strings(container.get("command"))),
        args=tuple(_strings(container.get("args"))),
        image_line=image.key_or_value_line if image is not None else None,
        word_lines=list_item_lines(container.get("command"), container.get("args")),
        readiness_probe=container.get("readinessProbe") is not None,
        startup_probe=container.get("startupProbe") is not None,
        liveness_probe=container.get("livenessProbe") is not None,
        init=is_init,
        accelerators=accelerators(container.get("resources")),
        resources_line=resources.key_or_value_line if (resources := container.get("resources")) is not None else None,
        gpu_count=gpu_count(container.get("resources")),
    )


def _workload_summary(obj: Y, kind: str, name: str, containers: list[Container]) -> Workload:
    spec = obj.get("spec")
    replicas = spec.get("replicas") if spec is not None else None
    strategy = None
    if spec is not None:
        strategy = spec.get("strategy") or spec.get("updateStrategy")
    plain = strategy.plain() if strategy is not None and isinstance(strategy.value, dict) else {}
    rolling = plain.get("rollingUpdate") if isinstance(plain.get("rollingUpdate"), dict) else {}
    unavailable = rolling.get("maxUnavailable")
    type_node = strategy.get("type") if strategy is not None else None
    rolling_node = strategy.get("rollingUpdate") if strategy is not None else None
    unavailable_node = rolling_node.get("maxUnavailable") if rolling_node is not None else None
    return Workload(
        kind=kind,
        name=name,
        line=obj.line,
        namespace=_scalar(obj, "metadata", "namespace"),
        replicas=replicas.value if replicas is not None and isinstance(replicas.value, int) else None,
        strategy=Strategy(
            type=plain.get("type") if isinstance(plain.get("type"), str) else None,
            max_unavailable=unavailable if isinstance(unavailable, (int, str)) else None,
            plain=plain,
            type_line=type_node.key_or_value_line if type_node is not None else None,
            max_unavailable_line=unavailable_node.key_or_value_line if unavailable_node is not None else None,
        ),
        containers=tuple(containers),
        pod_labels=labels(_dig(obj, POD_SPEC_PATHS[kind][:-1] + ("metadata", "labels"))),
        pod_annotations=labels(_dig(obj, POD_SPEC_PATHS[kind][:-1] + ("metadata", "annotations"))),
        replicas_line=replicas.key_or_value_line if replicas is not None else None,
        node_selector=node_selector(_dig(obj, POD_SPEC_PATHS[kind])),
    )


# --------------------------------------------------------------------------- across files


ConfigMapIndex = dict[str, list[tuple[str, dict[str, tuple[str, int]]]]]


def resolve_configmaps(facts: list[ConfigFacts]) -> None:
    """Fill ``configMapKeyRef`` bindings and add ``envFrom`` ConfigMap bindings, across every
    kubernetes facts of the tree. Idempotent. When a ConfigMap name is defined in several
    files, the one in the same file wins, then the nearest folder, then the first path."""
    k8s = [(f, f.details) for f in facts if isinstance(f.details, KubernetesFacts)]
    index: ConfigMapIndex = {}
    for f, details in sorted(k8s, key=lambda pair: pair[0].path):
        for name, data in details.configmaps.items():
            index.setdefault(name, []).append((f.path, data))
    for f, details in k8s:
        if details.configmaps_resolved:
            continue
        for source in f.sources:
            _resolve_key_refs(source, f, details, index)
            _add_env_from(source, f, details, index)
        details.configmaps_resolved = True


def _pick_configmap(name: str, ref_path: str, index: ConfigMapIndex, facts: ConfigFacts) -> tuple[str, dict] | None:
    candidates = index.get(name, [])
    if not candidates:
        return None
    ranked = sorted(candidates, key=lambda c: (-_closeness(c[0], ref_path), c[0]))
    if len(ranked) > 1 and _closeness(ranked[0][0], ref_path) == _closeness(ranked[1][0], ref_path):
        note = f"ConfigMap {name} is defined in several files ({', '.join(c[0] for c in ranked)}); used {ranked[0][0]}"
        if note not in facts.notes:
            facts.notes.append(note)
    return ranked[0]


def _closeness(path: str, ref_path: str) -> int:
    """How close a ConfigMap's file is to the referencing file: same file best, then the
    number of shared leading folders."""
    if path == ref_path:
        return 10_000
    a, b = posixpath.dirname(path).split("/"), posixpath.dirname(ref_path).split("/")
    shared = 0
    for x, y in zip(a, b):
        if x != y:
            break
        shared += 1
    return shared


def _resolve_key_refs(source: EnvSource, facts: ConfigFacts, details: KubernetesFacts, index: ConfigMapIndex) -> None:
    refs = details.configmap_refs.get(source.name, [])
    by_line = {(ref.key, ref.line): (ref.configmap, ref.configmap_key) for ref in refs}
    for i, binding in enumerate(source.bindings):
        ref = by_line.get((binding.key, binding.line))
        if ref is None or binding.value is not None:
            continue
        cm, cm_key = ref
        picked = _pick_configmap(cm, facts.path, index, facts)
        if picked is None or cm_key not in picked[1]:
            continue
        value, line = picked[1][cm_key]
        step = Step(facts.path, binding.line, f"{binding.key} from configMapKeyRef {cm}/{cm_key}")
        source.bindings[i] = replace(binding, value=value, path=picked[0], line=line, chain=(step,))


def _add_env_from(source: EnvSource, facts: ConfigFacts, details: KubernetesFacts, index: ConfigMapIndex) -> None:
    """``envFrom`` ConfigMaps: a later source wins over an earlier one, ``env`` over both;
    the added bindings go first so that ``env`` entries stay last."""
    explicit = {b.key for b in source.bindings}
    added: dict[str, EnvBinding] = {}
    for ref in details.env_from.get(source.name, []):
        cm, prefix, ref_line = ref.configmap, ref.prefix, ref.line
        picked = _pick_configmap(cm, facts.path, index, facts)
        if picked is None:
            facts.notes.append(f"{facts.path}:{ref_line}: envFrom ConfigMap {cm} not found in the tree")
            continue
        cm_path, data = picked
        for key, (value, line) in data.items():
            env_key = prefix + key
            if env_key in explicit:
                continue
            step = Step(facts.path, ref_line, f"envFrom configMapRef {cm}")
            added[env_key] = EnvBinding(env_key, value, cm_path, line, f"envFrom configMapRef {cm}", (step,))
    source.bindings[:0] = list(added.values())
