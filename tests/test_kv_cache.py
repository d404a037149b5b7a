"""``caching/kv-cache-pressure``: the KV-cache room a launch leaves, from its flags, the model's
config.json shapes (rules/models/) and the GPU its pod is scheduled on (rules/gpus.yaml)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from flowscan.api import ScanOptions, scan
from flowscan.cli import main
from flowscan.kvcache import Placement, assess, settings
from flowscan.kvdata import GIB, find_model, gpu_from_labels, gpus, model_shapes
from flowscan.servers import source_launch

RULE = "caching/kv-cache-pressure"
L4 = next(g for g in gpus() if g.id == "nvidia-l4")
A100_80 = next(g for g in gpus() if g.id == "nvidia-a100-80gb")


def _launch(*argv: str, image: str = "vllm/vllm-openai:v0.9.1"):
    launch = source_launch(None, 1, "k8s:Deployment/x", image=image, command=list(argv), path="k8s/x.yaml")
    assert launch is not None
    return launch


def _params(hidden: int, inter: int, layers: int, heads: int, kv: int, vocab: int, experts: int = 1) -> int:
    """Parameters of a gated-MLP decoder with untied embeddings, counted tensor by tensor."""
    head_dim = hidden // heads
    q = o = hidden * heads * head_dim
    k = v = hidden * kv * head_dim
    mlp = (hidden * inter * 2 + inter * hidden) * experts + (hidden * experts if experts > 1 else 0)
    return 2 * vocab * hidden + layers * (q + k + v + o + mlp)


def test_model_shapes_are_the_cited_config_values() -> None:
    mistral = find_model("mistralai/Mistral-7B-Instruct-v0.3")
    assert mistral is not None
    for name, value in (("num_hidden_layers", mistral.layers), ("num_key_value_heads", mistral.kv_heads),
                        ("max_position_embeddings", mistral.max_position_embeddings)):
        assert f"{name}={value}" in mistral.source
    assert mistral.parameters == _params(4096, 14336, 32, 32, 8, 32768)
    mixtral = find_model("mistralai/Mixtral-8x7B-Instruct-v0.1")
    assert mixtral is not None and mixtral.parameters == _params(4096, 14336, 32, 32, 8, 32000, experts=8)
    assert all(m.source.startswith("https://huggingface.co/") for m in model_shapes())


def test_model_found_by_id_any_case_or_by_local_path() -> None:
    assert find_model("MISTRALAI/mistral-7b-instruct-v0.3") is not None
    assert find_model("/models/Qwen2.5-32B/") is not None
    assert find_model("meta-llama/Some-Unknown-Model") is None


def test_gpu_from_node_labels() -> None:
    found = gpu_from_labels((("kubernetes.io/os", "linux"), ("cloud.google.com/gke-accelerator", "nvidia-l4")))
    assert found is not None and found[0] == L4 and found[1] == "cloud.google.com/gke-accelerator=nvidia-l4"
    assert gpu_from_labels((("team", "nvidia-l4"),)) is None  # not a GPU label key


def test_room_is_gpu_fraction_less_weights_over_kv_per_token() -> None:
    verdict = assess(_launch("--model", "mistralai/Mistral-7B-Instruct-v0.3", "--max-model-len", "8192"),
                     Placement(L4, "accelerator=nvidia-l4", 1))
    weights = _params(4096, 14336, 32, 32, 8, 32768) * 2  # bfloat16
    per_token = 2 * 32 * 8 * 128 * 2
    assert verdict.kv_tokens == int((24 * GIB * 0.9 - weights) // per_token)
    assert verdict.problems == []
    assert "--gpu-memory-utilization 0.9 (the server's default)" in verdict.basis
    assert "c170c708c41dac9275d15a8fff4eca08d52bab71/config.json" in verdict.basis


def test_one_sequence_that_does_not_fit_is_reported_at_the_flag() -> None:
    launch = _launch("--model", "Qwen/Qwen2.5-32B", "--tensor-parallel-size", "4")
    verdict = assess(launch, Placement(L4, "accelerator=nvidia-l4", 4))
    assert len(verdict.problems) == 1
    message, setting = verdict.problems[0]
    assert "less than one 131072-token" in message and setting is None  # the model's default length
    fits = assess(_launch("--model", "Qwen/Qwen2.5-32B", "-tp", "4", "--max-model-len=32768"),
                  Placement(L4, "accelerator=nvidia-l4", 4))
    assert fits.problems == []


def test_fp8_kv_cache_and_quantization_change_the_room() -> None:
    place = Placement(A100_80, "accelerator=nvidia-a100-80gb", 1)
    base = assess(_launch("--model", "Qwen/Qwen2.5-32B"), place)
    fp8 = assess(_launch("--model", "Qwen/Qwen2.5-32B", "--kv-cache-dtype", "fp8"), place)
    awq = assess(_launch("--model", "Qwen/Qwen2.5-32B", "--quantization", "awq"), place)
    assert base.kv_tokens and fp8.kv_tokens and awq.kv_tokens
    assert fp8.kv_tokens == 2 * base.kv_tokens or abs(fp8.kv_tokens - 2 * base.kv_tokens) <= 1
    assert awq.kv_tokens > base.kv_tokens
    assert "less than one" in base.problems[0][0]


def test_weights_that_do_not_fit_and_cpu_offload() -> None:
    place = Placement(L4, "accelerator=nvidia-l4", 1)
    verdict = assess(_launch("--model", "mistralai/Mixtral-8x7B-Instruct-v0.1"), place)
    assert "cannot load" in verdict.problems[0][0]
    offloaded = assess(_launch("--model", "mistralai/Mistral-7B-Instruct-v0.3", "--cpu-offload-gb", "4",
                               "--max-model-len", "8192"), place)
    plain = assess(_launch("--model", "mistralai/Mistral-7B-Instruct-v0.3", "--max-model-len", "8192"), place)
    assert offloaded.kv_tokens == plain.kv_tokens + (4 * GIB) // (2 * 32 * 8 * 128 * 2)


def test_flags_last_occurrence_and_positional_model() -> None:
    given = settings(_launch("vllm", "serve", "mistralai/Mistral-7B-Instruct-v0.3", "--max-model-len", "4096",
                             "--max-model-len=2048", image="python:3.12"))
    assert given["model"].value == "mistralai/Mistral-7B-Instruct-v0.3"
    assert given["max_len"].value == "2048" and given["max_len"].written == "--max-model-len=2048"


def test_tgi_batch_tokens_and_all_gpus_by_default() -> None:
    image = "ghcr.io/huggingface/text-generation-inference:2.4.0"
    launch = _launch("--model-id", "mistralai/Mistral-7B-Instruct-v0.3", "--max-batch-total-tokens", "200000",
                     image=image)
    verdict = assess(launch, Placement(L4, "accelerator=nvidia-l4", 1))
    assert any("--max-batch-total-tokens 200000" in message for message, _ in verdict.problems)
    two = assess(launch, Placement(L4, "accelerator=nvidia-l4", 2))
    assert "every GPU the container requests (2)" in two.basis and two.problems == []


def test_undecided_reasons() -> None:
    assert "not in rules/models/" in assess(_launch("--model", "acme/private-13b"), Placement(L4, "x", 1)).undecided
    assert "names no model" in assess(_launch("--port", "8000"), Placement(L4, "x", 1)).undecided
    no_gpu = assess(_launch("--model", "Qwen/Qwen2.5-32B"), Placement(unknown_reason="no GPU label"))
    assert no_gpu.undecided == "no GPU label"
    templated = assess(_launch("--model", "mistralai/Mistral-7B-Instruct-v0.3", "--max-model-len", "{{ .Values.len }}"),
                       Placement(L4, "x", 1))
    assert templated.undecided is not None and "not a number" in templated.undecided


def _repo(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


_DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: chat
spec:
  template:
    spec:
{selector}      containers:
        - name: vllm
          image: vllm/vllm-openai:v0.9.1
          args: ["--model", "mistralai/Mistral-7B-Instruct-v0.3", "--max-num-seqs", "256"]
          resources:
            limits:
              nvidia.com/gpu: 1
"""


def test_scan_reports_at_the_flag_line_and_readiness_says_why_it_could_not_decide(tmp_path: Path) -> None:
    selector = "      nodeSelector:\n        gpu-type: l4\n"
    repo = _repo(tmp_path, {"k8s/chat.yaml": _DEPLOYMENT.format(selector=selector),
                            "compose.yaml": "services:\n  llm:\n    image: vllm/vllm-openai:v0.9.1\n"
                                            "    command: [\"--model\", \"mistralai/Mistral-7B-Instruct-v0.3\"]\n"})
    found = [f for f in scan(repo, ScanOptions(jobs=1, cache_dir=None)).report.findings if f.rule == RULE]
    assert [(f.path, f.line) for f in found] == [("k8s/chat.yaml", 13)]  # the args line holding --max-num-seqs
    assert "gpu-type=l4" in found[0].message and "--max-num-seqs 256" in found[0].message
    result = CliRunner().invoke(main, ["readiness", str(repo), "--format", "json"])
    row = next(r for r in json.loads(result.output)["pitfalls"] if r["id"] == "kv-cache")
    assert row["status"] == "at risk"
    assert any("compose" in line and "does not say which GPU" in line for line in row["undecided"])


def test_readiness_unknown_when_no_launch_could_be_decided(tmp_path: Path) -> None:
    repo = _repo(tmp_path, {"k8s/chat.yaml": _DEPLOYMENT.format(selector="")})
    result = CliRunner().invoke(main, ["readiness", str(repo), "--format", "json"])
    row = next(r for r in json.loads(result.output)["pitfalls"] if r["id"] == "kv-cache")
    assert row["status"] == "unknown" and row["evidence"] == []
    assert "no node label naming a GPU" in row["undecided"][0]
    console = CliRunner().invoke(main, ["readiness", str(repo)])
    assert "could not decide" in console.output


def test_helm_chart_pressure_per_values_context(tmp_path: Path) -> None:
    """The GPU comes from the values' nodeSelector (toYaml), the batch size from a values line:
    the finding names the context that sets the large batch, not the overlay that lowers it."""
    chart = "deploy/chat"
    repo = _repo(tmp_path, {
        f"{chart}/Chart.yaml": "apiVersion: v2\nname: chat\nversion: 0.1.0\n",
        f"{chart}/values.yaml": "maxNumSeqs: 256\nnodeSelector:\n  cloud.google.com/gke-accelerator: nvidia-l4\n",
        f"{chart}/values-prod.yaml": "maxNumSeqs: 8\n",
        f"{chart}/templates/deployment.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: chat\nspec:\n  template:\n    spec:\n"
            "      nodeSelector:\n        {{- toYaml .Values.nodeSelector | nindent 8 }}\n"
            "      containers:\n        - name: vllm\n          image: vllm/vllm-openai:v0.9.1\n          args:\n"
            "            - --model\n            - mistralai/Mistral-7B-Instruct-v0.3\n            - --max-num-seqs\n"
            "            - {{ .Values.maxNumSeqs | quote }}\n          resources:\n            limits:\n"
            "              nvidia.com/gpu: 1\n"),
    })
    found = [f for f in scan(repo, ScanOptions(jobs=1, cache_dir=None)).report.findings if f.rule == RULE]
    assert len(found) == 1
    assert "helm:chat/values.yaml" in found[0].message and "values-prod" not in found[0].message
    assert "--max-num-seqs 256" in found[0].message
    assert (found[0].path, found[0].line) == ("deploy/chat/values.yaml", 1)  # maxNumSeqs: 256
