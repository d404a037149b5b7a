"""Kubernetes manifests and kustomize generators → env sources, on real-world shapes."""

from __future__ import annotations

from textwrap import dedent

from flowscan.configfacts import (
    ConfigFacts,
    ConfigMapKeyRef,
    EnvBinding,
    EnvSource,
    Strategy,
)
from flowscan.extract.kubernetes import extract_kubernetes, resolve_configmaps
from flowscan.model import Step


def _yaml(text: str) -> bytes:
    return dedent(text).lstrip("\n").encode()


def _source(facts: ConfigFacts, name: str) -> EnvSource:
    by_name = {s.name: s for s in facts.sources}
    assert name in by_name, sorted(by_name)
    return by_name[name]


def _binding(source: EnvSource, key: str) -> EnvBinding:
    found = [b for b in source.bindings if b.key == key]
    assert len(found) == 1, [b.key for b in source.bindings]
    return found[0]


MULTI_DOC = _yaml("""
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: app-config
    data:
      POSTHOG_HOST: https://eu.i.posthog.com
      LOG_LEVEL: info
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: api
      namespace: shop
    spec:
      replicas: 3
      strategy:
        type: RollingUpdate
        rollingUpdate: {maxUnavailable: 0}
      template:
        spec:
          containers:
            - name: api
              image: ghcr.io/acme/api:1.2.0
              command: ["gunicorn"]
              args: ["app:app", "--bind", "0.0.0.0:8000"]
              readinessProbe:
                httpGet: {path: /healthz, port: 8000}
              env:
                - name: OPENAI_BASE_URL
                  value: "https://api.openai.com/v1"
                - name: ANALYTICS_HOST
                  valueFrom:
                    configMapKeyRef:
                      name: app-config
                      key: POSTHOG_HOST
                - name: OPENAI_API_KEY
                  valueFrom:
                    secretKeyRef:
                      name: openai
                      key: api-key
                - name: EMPTY
""")


def test_env_value_and_value_from_with_lines() -> None:
    facts = extract_kubernetes("k8s/app.yaml", MULTI_DOC)
    assert facts.kind == "kubernetes" and facts.parse_error is None
    source = _source(facts, "k8s:Deployment/api")
    assert (source.path, source.line) == ("k8s/app.yaml", 22)
    assert source.image == "ghcr.io/acme/api:1.2.0"
    assert source.command == ["gunicorn", "app:app", "--bind", "0.0.0.0:8000"]
    assert _binding(source, "OPENAI_BASE_URL") == EnvBinding(
        "OPENAI_BASE_URL", "https://api.openai.com/v1", "k8s/app.yaml", 30, "env")
    ref = _binding(source, "ANALYTICS_HOST")
    assert (ref.value, ref.line, ref.detail) == (None, 31, "configMapKeyRef app-config/POSTHOG_HOST")
    secret = _binding(source, "OPENAI_API_KEY")
    assert (secret.value, secret.line, secret.detail) == (None, 36, "secretKeyRef openai/api-key")
    assert _binding(source, "EMPTY").value == ""


def test_details_configmaps_refs_and_workloads() -> None:
    k8s = extract_kubernetes("k8s/app.yaml", MULTI_DOC).details
    assert k8s.configmaps == {"app-config": {"POSTHOG_HOST": ("https://eu.i.posthog.com", 6), "LOG_LEVEL": ("info", 7)}}
    assert k8s.configmap_refs == {"k8s:Deployment/api": [ConfigMapKeyRef("ANALYTICS_HOST", "app-config", "POSTHOG_HOST", 31)]}
    [workload] = k8s.workloads
    assert (workload.name, workload.kind, workload.line) == ("api", "Deployment", 9)
    assert workload.replicas == 3
    assert workload.strategy.type == "RollingUpdate" and workload.strategy.max_unavailable == 0
    [container] = workload.containers
    assert container.name == "api" and container.line == 22
    assert container.args == ("app:app", "--bind", "0.0.0.0:8000")
    assert (container.readiness_probe, container.liveness_probe, container.startup_probe) == (True, False, False)


def test_resolve_configmap_key_ref_in_same_file() -> None:
    facts = extract_kubernetes("k8s/app.yaml", MULTI_DOC)
    resolve_configmaps([facts])
    ref = _binding(_source(facts, "k8s:Deployment/api"), "ANALYTICS_HOST")
    assert (ref.value, ref.path, ref.line) == ("https://eu.i.posthog.com", "k8s/app.yaml", 6)
    assert ref.chain == (Step("k8s/app.yaml", 31, "ANALYTICS_HOST from configMapKeyRef app-config/POSTHOG_HOST"),)
    resolve_configmaps([facts])  # idempotent
    assert len(_source(facts, "k8s:Deployment/api").bindings) == 4


def test_env_from_configmap_in_another_file() -> None:
    configmap = extract_kubernetes("k8s/config.yaml", _yaml("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: llm-config
        data:
          BEDROCK_REGION: eu-north-1
          LOG_LEVEL: debug
    """))
    deployment = extract_kubernetes("k8s/worker.yaml", _yaml("""
        apiVersion: apps/v1
        kind: StatefulSet
        metadata:
          name: worker
        spec:
          template:
            spec:
              containers:
                - name: worker
                  image: worker:latest
                  envFrom:
                    - configMapRef:
                        name: llm-config
                    - prefix: APP_
                      configMapRef:
                        name: llm-config
                  env:
                    - name: LOG_LEVEL
                      value: warning
    """))
    assert [ref.configmap for ref in deployment.details.env_from["k8s:StatefulSet/worker"]] == ["llm-config", "llm-config"]
    resolve_configmaps([configmap, deployment])
    source = _source(deployment, "k8s:StatefulSet/worker")
    region = _binding(source, "BEDROCK_REGION")
    assert (region.value, region.path, region.line) == ("eu-north-1", "k8s/config.yaml", 6)
    assert region.chain == (Step("k8s/worker.yaml", 12, "envFrom configMapRef llm-config"),)
    assert _binding(source, "APP_BEDROCK_REGION").value == "eu-north-1"
    # env wins over envFrom: the explicit entry stays, once
    level = _binding(source, "LOG_LEVEL")
    assert (level.value, level.line, level.detail) == ("warning", 19, "env")


def test_cronjob_job_template() -> None:
    facts = extract_kubernetes("cron.yaml", _yaml("""
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: nightly-export
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                spec:
                  restartPolicy: OnFailure
                  containers:
                    - name: export
                      image: acme/export:2
                      args: ["--bucket", "s3://exports"]
                      env:
                        - name: AWS_REGION
                          value: us-east-1
    """))
    source = _source(facts, "k8s:CronJob/nightly-export")
    assert source.command == ["--bucket", "s3://exports"]
    assert _binding(source, "AWS_REGION") == EnvBinding("AWS_REGION", "us-east-1", "cron.yaml", 18, "env")
    assert facts.details.workloads[0].kind == "CronJob"


def test_several_containers_and_init_containers() -> None:
    facts = extract_kubernetes("pod.yaml", _yaml("""
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
        spec:
          initContainers:
            - name: migrate
              image: web:1
              command: [python, manage.py, migrate]
          containers:
            - name: app
              image: web:1
              env:
                - {name: SENTRY_DSN, value: "https://key@o1.ingest.de.sentry.io/1"}
            - name: proxy
              image: envoy:1.30
    """))
    assert [s.name for s in facts.sources] == ["k8s:Pod/web/app", "k8s:Pod/web/proxy", "k8s:Pod/web/migrate"]
    app = _source(facts, "k8s:Pod/web/app")
    assert (app.line, _binding(app, "SENTRY_DSN").line) == (11, 14)
    assert _source(facts, "k8s:Pod/web/migrate").command == ["python", "manage.py", "migrate"]


def test_single_container_with_init_container_keeps_plain_name() -> None:
    facts = extract_kubernetes("d.yaml", _yaml("""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: agent}
        spec:
          updateStrategy: {type: OnDelete}
          template:
            spec:
              initContainers: [{name: init, image: busybox}]
              containers: [{name: agent, image: agent:1}]
    """))
    assert [s.name for s in facts.sources] == ["k8s:DaemonSet/agent", "k8s:DaemonSet/agent/init"]
    assert facts.details.workloads[0].strategy == Strategy(type="OnDelete", plain={"type": "OnDelete"}, type_line=5)


def test_yaml_anchors_and_merge_keys() -> None:
    facts = extract_kubernetes("anchors.yaml", _yaml("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          template:
            spec:
              containers:
                - name: api
                  image: api:1
                  env: &common_env
                    - name: LANGFUSE_HOST
                      value: https://cloud.langfuse.com
                - name: worker
                  image: api:1
                  env: *common_env
    """))
    worker = _source(facts, "k8s:Deployment/api/worker")
    assert _binding(worker, "LANGFUSE_HOST") == EnvBinding(
        "LANGFUSE_HOST", "https://cloud.langfuse.com", "anchors.yaml", 13, "env")


def test_dependent_env_var_expansion() -> None:
    facts = extract_kubernetes("d.yaml", _yaml("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec:
          template:
            spec:
              containers:
                - name: api
                  env:
                    - name: OTEL_HOST
                      value: otel-collector.observability
                    - name: OTEL_EXPORTER_OTLP_ENDPOINT
                      value: http://$(OTEL_HOST):4318
                    - name: LITERAL
                      value: $$(NOT_EXPANDED) $(UNKNOWN)
    """))
    source = _source(facts, "k8s:Deployment/api")
    endpoint = _binding(source, "OTEL_EXPORTER_OTLP_ENDPOINT")
    assert endpoint.value == "http://otel-collector.observability:4318"
    assert endpoint.chain == (Step("d.yaml", 11, "$(OTEL_HOST) = otel-collector.observability"),)
    assert _binding(source, "LITERAL").value == "$(NOT_EXPANDED) $(UNKNOWN)"


def test_list_kind_and_argo_rollout() -> None:
    facts = extract_kubernetes("list.yaml", _yaml("""
        apiVersion: v1
        kind: List
        items:
          - apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            metadata: {name: canary}
            spec:
              strategy:
                canary: {steps: [{setWeight: 20}]}
              template:
                spec:
                  containers:
                    - name: app
                      env: [{name: REGION, value: eu-central-1}]
    """))
    assert _binding(_source(facts, "k8s:Rollout/canary"), "REGION").value == "eu-central-1"
    assert facts.details.workloads[0].strategy == Strategy(plain={"canary": {"steps": [{"setWeight": 20}]}})


def test_kustomize_literals_resolve_across_files() -> None:
    kustomization = extract_kubernetes("deploy/base/kustomization.yaml", _yaml("""
        resources:
          - deployment.yaml
        configMapGenerator:
          - name: app-env
            literals:
              - POSTHOG_HOST=https://eu.i.posthog.com
              - 'GREETING="hello=world"'
            envs:
              - app.env
    """))
    assert kustomization.details.configmaps == {
        "app-env": {"POSTHOG_HOST": ("https://eu.i.posthog.com", 6), "GREETING": ("hello=world", 7)}}
    assert kustomization.notes == ["deploy/base/kustomization.yaml:9: configMapGenerator app-env envs app.env not read"]
    deployment = extract_kubernetes("deploy/base/deployment.yaml", _yaml("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec:
          template:
            spec:
              containers:
                - name: api
                  envFrom:
                    - configMapRef: {name: app-env}
                  env:
                    - name: PH
                      valueFrom:
                        configMapKeyRef: {name: app-env, key: POSTHOG_HOST}
    """))
    resolve_configmaps([kustomization, deployment])
    source = _source(deployment, "k8s:Deployment/api")
    assert [(b.key, b.value, b.path, b.line) for b in source.bindings] == [
        ("POSTHOG_HOST", "https://eu.i.posthog.com", "deploy/base/kustomization.yaml", 6),
        ("GREETING", "hello=world", "deploy/base/kustomization.yaml", 7),
        ("PH", "https://eu.i.posthog.com", "deploy/base/kustomization.yaml", 6),
    ]
    assert source.bindings[2].chain == (Step("deploy/base/deployment.yaml", 12, "PH from configMapKeyRef app-env/POSTHOG_HOST"),)


def test_nearest_configmap_wins_and_missing_stays_unknown() -> None:
    def configmap(path: str, host: str) -> ConfigFacts:
        return extract_kubernetes(path, _yaml(f"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {{name: cfg}}
            data: {{HOST: "{host}"}}
        """))

    deployment = extract_kubernetes("apps/api/deploy.yaml", _yaml("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: api}
        spec:
          template:
            spec:
              containers:
                - name: api
                  env:
                    - name: HOST
                      valueFrom: {configMapKeyRef: {name: cfg, key: HOST}}
                    - name: OTHER
                      valueFrom: {configMapKeyRef: {name: nowhere, key: X}}
    """))
    far, near = configmap("apps/other/cm.yaml", "far.example"), configmap("apps/api/cm.yaml", "near.example")
    resolve_configmaps([far, near, deployment])
    source = _source(deployment, "k8s:Deployment/api")
    assert (_binding(source, "HOST").value, _binding(source, "HOST").path) == ("near.example", "apps/api/cm.yaml")
    assert _binding(source, "OTHER").value is None


def test_non_kubernetes_yaml_is_empty() -> None:
    facts = extract_kubernetes(".github/workflows/ci.yaml", b"name: ci\non: [push]\njobs: {}\n")
    assert (facts.sources, facts.details, facts.parse_error, facts.notes) == ([], None, None, [])


def test_helm_template_is_not_parsed() -> None:
    facts = extract_kubernetes("chart/templates/deployment.yaml", _yaml("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ include "app.fullname" . }}
    """))
    assert facts.sources == [] and facts.parse_error is None
    assert facts.notes == ["chart/templates/deployment.yaml: Go/Helm template, not parsed as a Kubernetes manifest"]


def test_prometheus_rule_braces_are_data() -> None:
    facts = extract_kubernetes("monitoring/rules.yaml", _yaml("""
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: alerts}
        data:
          summary: "Instance {{ $labels.instance }} down"
    """))
    assert facts.details.configmaps["alerts"]["summary"] == ("Instance {{ $labels.instance }} down", 5)


def test_malformed_yaml_is_a_parse_error_with_line() -> None:
    facts = extract_kubernetes("bad.yaml", _yaml("""
        apiVersion: apps/v1
        kind: Deployment
        spec:
          containers:
            - name: a
             image: b
    """))
    assert facts.parse_error is not None
    line, message = facts.parse_error
    assert line == 6 and message.startswith("invalid YAML")
    assert facts.sources == []
