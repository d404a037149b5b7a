"""Serving-platform custom resources (KServe, KubeAI) as model-server launches (data in
rules/servers/platforms/), and their replica bounds for the readiness checks."""

from __future__ import annotations

from textwrap import dedent

from flowscan.configfacts import PlatformFacts
from flowscan.extract.operators import extract_operators
from flowscan.platforms import resource_specs
from flowscan.servers import launches_in_config, prefix_caching

KSERVE = dedent("""\
    apiVersion: serving.kserve.io/v1beta1
    kind: InferenceService
    metadata:
      name: llama
    spec:
      predictor:
        minReplicas: 2
        maxReplicas: 6
        model:
          modelFormat:
            name: huggingface
          args:
            - --model_id=meta-llama/Llama-3.1-8B-Instruct
            - --enable_prefix_caching=false
          env:
            - name: HF_HOME
              value: /mnt/cache
    ---
    apiVersion: serving.kserve.io/v1beta1
    kind: InferenceService
    metadata:
      name: sklearn-iris
    spec:
      predictor:
        model:
          modelFormat:
            name: sklearn
          storageUri: gs://kfserving-examples/models/sklearn/1.0/model
""").encode()

KUBEAI = dedent("""\
    apiVersion: kubeai.org/v1
    kind: Model
    metadata:
      name: qwen
    spec:
      url: hf://Qwen/Qwen2.5-7B-Instruct
      engine: VLLM
      args: ["--max-model-len=8192"]
      env:
        VLLM_LOGGING_LEVEL: DEBUG
      minReplicas: 0
      autoscalingDisabled: true
    ---
    apiVersion: kubeai.org/v1
    kind: Model
    metadata:
      name: whisper
    spec:
      url: hf://Systran/faster-whisper-medium.en
      engine: FasterWhisper
""").encode()


def test_every_platform_file_loads() -> None:
    kinds = {kind for spec in resource_specs() for kind in spec.kinds}
    assert {"InferenceService", "ServingRuntime", "ClusterServingRuntime", "Model"} <= kinds


def test_kserve_huggingface_runtime_is_vllm_with_its_args_at_their_lines() -> None:
    facts = extract_operators("deploy/isvc.yaml", KSERVE)
    assert [s.name for s in facts.sources] == ["kserve:InferenceService/llama"]  # sklearn: no model server
    launches = launches_in_config(facts)
    assert [(launch.server.id, launch.context, launch.via) for launch in launches] == [
        ("vllm", "kserve:InferenceService/llama", "platform")]
    state = prefix_caching(launches[0])
    assert state is not None and not state.enabled and state.line == 14  # --enable_prefix_caching=false
    assert [(b.key, b.value, b.line) for b in facts.sources[0].bindings] == [("HF_HOME", "/mnt/cache", 17)]


def test_kserve_replica_bounds() -> None:
    details = extract_operators("deploy/isvc.yaml", KSERVE).details
    assert isinstance(details, PlatformFacts)
    llama, iris = details.objects
    assert (llama.min_replicas, llama.min_replicas_line, llama.max_replicas, llama.max_replicas_line) == (2, 7, 6, 8)
    assert (iris.min_replicas, iris.max_replicas, iris.managed_probes) == (None, None, False)


def test_kubeai_engine_names_the_server_and_env_is_a_map() -> None:
    facts = extract_operators("deploy/models.yaml", KUBEAI)
    launches = launches_in_config(facts)
    assert [(launch.server.id, launch.argv) for launch in launches] == [("vllm", ["--max-model-len=8192"])]
    assert [(b.key, b.value) for b in facts.sources[0].bindings] == [("VLLM_LOGGING_LEVEL", "DEBUG")]
    details = facts.details
    assert isinstance(details, PlatformFacts)
    qwen = details.objects[0]
    assert (qwen.min_replicas, qwen.autoscaling_disabled, qwen.autoscaling_disabled_line, qwen.managed_probes) == (
        0, True, 12, True)
    assert (qwen.routing, qwen.routing_line, qwen.routing_cache_aware) == ("LeastLoad", None, False)  # the default


def test_kubeai_prefix_hash_routing_is_cache_aware() -> None:
    text = KUBEAI.replace(b"  autoscalingDisabled: true\n", b"  loadBalancing:\n    strategy: PrefixHash\n")
    qwen = extract_operators("deploy/models.yaml", text).details.objects[0]
    assert (qwen.routing, qwen.routing_line, qwen.routing_cache_aware) == ("PrefixHash", 13, True)


def test_other_yaml_gives_no_facts() -> None:
    deployment = b"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\n"
    facts = extract_operators("k8s/x.yaml", deployment)
    assert facts.sources == [] and facts.details is None
    assert extract_operators("compose.yaml", b"services: {}\n").details is None
