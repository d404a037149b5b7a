"""capacity/* and monitoring/* readiness checks on facts from the real extractors, and the
Prometheus / OTel collector scrape-config extractor they read."""

from __future__ import annotations

from textwrap import dedent

from flowscan.checks import ScanFacts, run_checks
from flowscan.checks.readiness import NO_AUTOSCALING, NO_GPU, NOT_SCRAPED, Readiness
from flowscan.configfacts import ConfigFacts, ScrapeFacts
from flowscan.extract.compose import extract_compose
from flowscan.extract.kubernetes import extract_kubernetes
from flowscan.extract.operators import extract_operators
from flowscan.extract.prometheus import extract_prometheus
from flowscan.policy import Policy

VLLM = dedent("""\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: vllm
    spec:
      replicas: 2
      template:
        metadata:
          labels: {app: vllm, tier: llm}
          annotations: {}
        spec:
          containers:
            - name: vllm
              image: {image}
              args: {args}
              resources:
                limits:
                  {resources}
""")


def _vllm(image: str = "vllm/vllm-openai:v0.9.1", args: str = "[]", resources: str = "memory: 16Gi") -> str:
    return VLLM.replace("{image}", image).replace("{args}", args).replace("{resources}", resources)


def _run(files: dict[str, str]) -> list[tuple[str, str, int]]:
    configs: list[ConfigFacts] = []
    for path, text in files.items():
        data = dedent(text).encode()
        for extract in (extract_compose, extract_kubernetes, extract_operators, extract_prometheus):
            facts = extract(path, data)
            if facts.sources or facts.details:
                configs.append(facts)
    facts = ScanFacts(endpoints=[], resources=[], configs=configs, modules=[], parse_errors=[], policy=Policy())
    found = run_checks(facts, lambda path, line: "", checks=(Readiness(),))
    return sorted((f.rule, f.path, f.line) for f in found)


def _rules(files: dict[str, str]) -> set[str]:
    return {rule for rule, _, _ in _run(files)}


def test_a_bare_vllm_deployment_gets_every_finding_at_its_lines() -> None:
    assert _run({"k8s/vllm.yaml": _vllm()}) == [
        (NO_AUTOSCALING, "k8s/vllm.yaml", 6),  # replicas: 2
        (NO_GPU, "k8s/vllm.yaml", 16),  # resources:
        (NOT_SCRAPED, "k8s/vllm.yaml", 13),  # - name: vllm
    ]


def test_gpu_requests_cpu_images_and_cpu_flags_clear_no_gpu() -> None:
    assert NO_GPU not in _rules({"k8s/vllm.yaml": _vllm(resources="nvidia.com/gpu: 1")})
    assert NO_GPU not in _rules({"k8s/vllm.yaml": _vllm(resources="nvidia.com/mig-1g.10gb: 1")})
    assert NO_GPU not in _rules({"k8s/vllm.yaml": _vllm(image="public.ecr.aws/q9t5s3a7/vllm-cpu-release-repo:v0.9.1",
                                                        args='["vllm", "serve", "Qwen/Qwen2.5-0.5B"]')})
    assert NO_GPU not in _rules({"k8s/vllm.yaml": _vllm(args='["--device", "cpu"]')})
    assert NO_GPU in _rules({"k8s/vllm.yaml": _vllm(resources="nvidia.com/gpu: 0")})


def test_autoscaler_must_target_the_workload_by_kind_and_name() -> None:
    hpa = """\
        apiVersion: autoscaling/v2
        kind: HorizontalPodAutoscaler
        metadata: {name: llm}
        spec:
          scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: %s}
    """
    assert NO_AUTOSCALING not in _rules({"k8s/vllm.yaml": _vllm(), "k8s/hpa.yaml": hpa % "vllm"})
    assert NO_AUTOSCALING in _rules({"k8s/vllm.yaml": _vllm(), "k8s/hpa.yaml": hpa % "api"})
    keda = """\
        apiVersion: keda.sh/v1alpha1
        kind: ScaledObject
        metadata: {name: vllm-queue}
        spec:
          scaleTargetRef: {name: vllm}
          triggers: [{type: prometheus, metadata: {query: "sum(vllm:num_requests_waiting)", threshold: "5"}}]
    """
    assert NO_AUTOSCALING not in _rules({"k8s/vllm.yaml": _vllm(), "k8s/keda.yaml": keda})


def test_every_way_metrics_are_collected() -> None:
    pod_monitor = """\
        apiVersion: monitoring.coreos.com/v1
        kind: PodMonitor
        metadata: {name: vllm}
        spec:
          selector: {matchLabels: {app: vllm}}
    """
    annotated = _vllm().replace("annotations: {}", 'annotations: {prometheus.io/scrape: "true"}')
    service = """\
        apiVersion: v1
        kind: Service
        metadata:
          name: vllm-svc
          labels: {team: llm}
          annotations: {%s}
        spec:
          selector: {app: vllm}
    """
    service_monitor = """\
        apiVersion: monitoring.coreos.com/v1
        kind: ServiceMonitor
        metadata: {name: llm}
        spec:
          selector: {matchLabels: {team: llm}}
    """
    static = ("scrape_configs:\n  - job_name: vllm\n    static_configs:\n"
              "      - targets: ['vllm-svc.llm.svc.cluster.local:8000']\n")
    discovery = "scrape_configs:\n  - job_name: pods\n    kubernetes_sd_configs: [{role: pod}]\n"
    base = {"k8s/vllm.yaml": _vllm()}
    assert NOT_SCRAPED in _rules(base)
    assert NOT_SCRAPED in _rules({**base, "k8s/svc.yaml": service % ""})
    assert NOT_SCRAPED not in _rules({**base, "k8s/pm.yaml": pod_monitor})
    assert NOT_SCRAPED not in _rules({"k8s/vllm.yaml": annotated})
    assert NOT_SCRAPED not in _rules({**base, "k8s/svc.yaml": service % 'prometheus.io/scrape: "true"'})
    assert NOT_SCRAPED not in _rules({**base, "k8s/svc.yaml": service % "", "k8s/sm.yaml": service_monitor})
    assert NOT_SCRAPED not in _rules({**base, "k8s/svc.yaml": service % "", "monitoring/prometheus.yml": static})
    assert NOT_SCRAPED not in _rules({**base, "monitoring/prometheus.yml": discovery})
    # a monitor selecting other labels reaches nothing
    assert NOT_SCRAPED in _rules({**base, "k8s/pm.yaml": pod_monitor.replace("app: vllm", "app: api")})


def test_compose_scraped_by_an_otel_collector_prometheus_receiver() -> None:
    compose = """\
        services:
          chat:
            image: vllm/vllm-openai:v0.9.1
          embed:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
    """
    otel = """\
        receivers:
          prometheus/engines:
            config:
              scrape_configs:
                - job_name: chat
                  static_configs:
                    - targets: ["chat:8000"]
        exporters:
          prometheusremotewrite: {endpoint: "http://mimir:9009/api/v1/push"}
    """
    assert _run({"compose.yaml": compose, "otel/collector.yaml": otel}) == [(NOT_SCRAPED, "compose.yaml", 4)]


def test_scrape_config_extractor_keeps_targets_and_discovery_jobs() -> None:
    text = dedent("""\
        global: {scrape_interval: 15s}
        scrape_configs:
          - job_name: vllm
            static_configs:
              - targets: ["vllm:8000", "sglang"]
          - job_name: k8s-pods
            kubernetes_sd_configs:
              - role: pod
    """).encode()
    details = extract_prometheus("prometheus.yml", text).details
    assert isinstance(details, ScrapeFacts)
    assert [(t.job, t.host, t.port, t.line) for t in details.targets] == [
        ("vllm", "vllm", "8000", 5), ("vllm", "sglang", None, 5)]
    assert details.kubernetes_sd == [("k8s-pods", 6)]
    assert extract_prometheus("app.yaml", b"name: x\n").details is None


def test_kserve_fixed_bounds_and_kubeai_disabled_autoscaling() -> None:
    kserve = """\
        apiVersion: serving.kserve.io/v1beta1
        kind: InferenceService
        metadata: {name: llama}
        spec:
          predictor:
            minReplicas: 2
            maxReplicas: 2
            model:
              modelFormat: {name: huggingface}
              args: ["--model_id=meta-llama/Llama-3.1-8B-Instruct"]
    """
    assert _run({"deploy/isvc.yaml": kserve}) == [(NO_AUTOSCALING, "deploy/isvc.yaml", 7)]
    assert _run({"deploy/isvc.yaml": kserve.replace("maxReplicas: 2", "maxReplicas: 5")}) == []
