"""Ray Serve LLM: LLMConfigs in Serve config files, KubeRay RayService serveConfigV2, standalone
LLMConfig YAML and Python ``LLMConfig(...)`` feed the serving checks like vLLM flags."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.extract.ray_serve import extract_ray_serve
from flowscan.frameworks import engine_argv
from flowscan.servers import launches_in_config, prefix_caching

SERVE_CONFIG = b"""applications:
  - name: chat
    import_path: ray.serve.llm:build_openai_app
    args:
      llm_configs:
        - model_loading_config:
            model_id: mistral
            model_source: mistralai/Mistral-7B-Instruct-v0.3
          accelerator_type: L4
          engine_kwargs:
            max_model_len: 8192
            enable_prefix_caching: false
          deployment_config:
            autoscaling_config:
              min_replicas: 2
              max_replicas: 2
        - model_loading_config: {model_id: embed, model_source: BAAI/bge-m3}
          llm_engine: SGLang
  - name: other
    import_path: myapp.main:app
    args:
      llm_configs: [{model_loading_config: {model_id: x}}]
"""


def test_serve_config_llm_configs_become_engine_flags_at_their_lines() -> None:
    facts = extract_ray_serve("serve/config.yaml", SERVE_CONFIG)
    assert [s.name for s in facts.sources] == ["ray:chat/mistral", "ray:chat/embed"]  # not the non-LLM app
    chat = facts.sources[0]
    assert chat.command == ["--model", "mistralai/Mistral-7B-Instruct-v0.3", "--max-model-len", "8192",
                            "--no-enable-prefix-caching"]
    assert [w.line for w in chat.command_sources or []] == [8, 8, 11, 11, 12]
    assert chat.server == "vllm" and chat.accelerator == "L4"
    assert facts.sources[1].server == "sglang"
    mistral = facts.details.objects[0]
    assert (mistral.min_replicas, mistral.max_replicas, mistral.max_replicas_line) == (2, 2, 16)


def test_prefix_caching_switched_off_in_engine_kwargs() -> None:
    facts = extract_ray_serve("serve/config.yaml", SERVE_CONFIG)
    launch = launches_in_config(facts)[0]
    state = prefix_caching(launch)
    assert state is not None and not state.enabled and state.line == 12


def test_rayservice_serve_config_v2_lines_are_the_manifest_lines() -> None:
    manifest = b"""apiVersion: ray.io/v1
kind: RayService
metadata:
  name: llm
spec:
  serveConfigV2: |
    applications:
      - name: chat
        import_path: ray.serve.llm:build_openai_app
        args:
          llm_configs:
            - model_loading_config:
                model_id: q
                model_source: Qwen/Qwen2.5-32B
              engine_kwargs:
                tensor_parallel_size: 2
"""
    facts = extract_ray_serve("k8s/rayservice.yaml", manifest)
    assert [s.name for s in facts.sources] == ["ray:chat/q"]
    lines = [w.line for w in facts.sources[0].command_sources or []]
    assert lines == [14, 14, 16, 16]  # model_source and tensor_parallel_size as numbered in the manifest


def test_standalone_llm_config_file_and_num_replicas() -> None:
    facts = extract_ray_serve("models/qwen.yaml", b"""model_loading_config:
  model_id: qwen
  model_source: Qwen/Qwen2.5-32B
deployment_config:
  num_replicas: 3
""")
    assert [s.name for s in facts.sources] == ["ray:qwen"]
    obj = facts.details.objects[0]
    assert (obj.min_replicas, obj.max_replicas) == (3, 3)


def test_yaml_without_llm_configs_gives_nothing() -> None:
    facts = extract_ray_serve("k8s/app.yaml", b"applications:\n  - name: a\n    import_path: app:main\n")
    assert facts.sources == [] and facts.details is None


def test_engine_argv() -> None:
    assert engine_argv("enforce_eager", True) == ["--enforce-eager"]
    assert engine_argv("enable_prefix_caching", False) == ["--no-enable-prefix-caching"]
    assert engine_argv("max_model_len", 4096) == ["--max-model-len", "4096"]


def test_python_llm_config_dict_literal_and_autoscaling(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('''from ray.serve.llm import LLMConfig, build_openai_app

cfg = LLMConfig(
    model_loading_config={"model_id": "m", "model_source": "mistralai/Mistral-7B-Instruct-v0.3"},
    engine_kwargs={"enable_prefix_caching": False},
)
app = build_openai_app({"llm_configs": [cfg]})
''')
    (tmp_path / "serve.yaml").write_bytes(SERVE_CONFIG)
    found = {(f.path, f.line, f.rule) for f in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.findings}
    assert ("app.py", 5, "caching/prefix-caching-disabled") in found
    assert ("serve.yaml", 12, "caching/prefix-caching-disabled") in found
    assert ("serve.yaml", 16, "capacity/no-autoscaling") in found
