"""What the serving, caching, evidence and fallback findings say and link to, through a real scan."""

from __future__ import annotations

from pathlib import Path

from .conftest import findings_of

KUBEAI_MODEL = """\
    apiVersion: kubeai.org/v1
    kind: Model
    metadata:
      name: qwen-coder
    spec:
      features: [TextGeneration]
      url: hf://Qwen/Qwen2.5-Coder-7B-Instruct
      engine: VLLM
      resourceProfile: nvidia-gpu-l4:1
      args: [--enable-prefix-caching]
      minReplicas: 1
      maxReplicas: 3
    """


def _messages(findings: list, rule: str) -> list[str]:
    return [f.message for f in findings if f.rule == rule]


def test_default_router_finding_names_the_model_and_why(tmp_path: Path) -> None:
    messages = _messages(findings_of(tmp_path, {"deploy/models.yaml": KUBEAI_MODEL}), "caching/cache-aware-routing-off")
    assert len(messages) == 1
    assert messages[0].startswith("KubeAI Model/qwen-coder routes requests with ")
    assert "(the default)" in messages[0] and "prefix-cache hits fall" in messages[0]


def test_cache_params_without_cache_true_says_so(tmp_path: Path) -> None:
    config = """\
        model_list:
          - model_name: gpt-4o-mini
            litellm_params:
              model: gpt-4o-mini
        litellm_settings:
          cache_params:
            type: redis
        """
    messages = _messages(findings_of(tmp_path, {"config.yaml": config}), "caching/response-cache-disabled")
    assert messages == ["LiteLLM proxy has cache_params but no `cache: true`: the response cache is not turned on"]


def test_missing_eval_note_counts_the_other_launches(tmp_path: Path) -> None:
    compose = """\
        services:
          vllm:
            image: vllm/vllm-openai:v0.9.1
          tgi:
            image: ghcr.io/huggingface/text-generation-inference:2.4.0
        """
    messages = _messages(findings_of(tmp_path, {"compose.yaml": compose}), "readiness/no-eval-baseline")
    assert len(messages) == 1
    assert " and 1 more launch(es) is self-hosted here" in messages[0]


PROXY_WITH_FALLBACK = """\
    model_list:
      - model_name: llama
        litellm_params:
          model: hosted_vllm/meta-llama/Meta-Llama-3-8B-Instruct
          api_base: http://vllm.llm.svc.cluster.local:8000/v1
      - model_name: claude-us
        litellm_params:
          model: anthropic/claude-3-5-sonnet-20240620
    router_settings:
      fallbacks: [{"llama": ["claude-us"]}]
    """


def test_fallback_leaving_the_region_links_the_target_endpoint(tmp_path: Path) -> None:
    from flowscan.api import ScanOptions, scan

    findings_of(tmp_path, {"litellm-config.yaml": PROXY_WITH_FALLBACK, "flowscan.yaml": "residency:\n  allowed: [eu]\n"})
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    [leaves] = [f for f in report.findings if f.rule == "fallback/leaves-region"]
    hosts = {e.id: e.host for e in report.endpoints}
    assert hosts[leaves.endpoint] == "api.anthropic.com"


def test_a_covered_group_listed_first_does_not_hide_an_uncovered_one(tmp_path: Path) -> None:
    config = """\
        model_list:
          - model_name: llama
            litellm_params:
              model: hosted_vllm/meta-llama/Meta-Llama-3-8B-Instruct
              api_base: http://vllm.llm.svc.cluster.local:8000/v1
          - model_name: qwen
            litellm_params:
              model: hosted_vllm/Qwen/Qwen2.5-7B-Instruct
              api_base: http://10.0.0.7:8000/v1
          - model_name: claude
            litellm_params:
              model: anthropic/claude-3-5-sonnet-20240620
        router_settings:
          fallbacks: [{"llama": ["claude"]}]
        """
    findings = findings_of(tmp_path, {"litellm-config.yaml": config})
    assert [(f.line, f.message.split(" is served")[0]) for f in findings if f.rule == "fallback/missing"] == [
        (6, "model group qwen")]


def test_fallback_to_a_host_placed_only_by_jurisdiction(tmp_path: Path) -> None:
    config = """\
        model_list:
          - model_name: llama
            litellm_params:
              model: openai/llama-3-70b
              api_base: https://llm.acme.example/v1
          - model_name: mistral
            litellm_params:
              model: mistral/mistral-large-latest
        router_settings:
          fallbacks: [{"mistral": ["llama"]}]
        """
    policy = """\
        residency:
          allowed: [eu]
          endpoints:
            - {host: llm.acme.example, jurisdiction: us, reason: "hosting contract names the US only"}
        """
    findings = findings_of(tmp_path, {"litellm-config.yaml": config, "flowscan.yaml": policy})
    [message] = _messages(findings, "fallback/leaves-region")
    assert message.endswith(": llama is served from llm.acme.example in ?, jurisdiction us")
