"""Finding fingerprints (baselines and suppressions key on them): they follow a finding's line
content, and findings of one rule on lines with the same text stay apart by their key."""

from __future__ import annotations

from pathlib import Path

from .conftest import findings_of

EU_POLICY = "residency:\n  allowed: [eu]\n"


def _fingerprints(findings: list, rule: str) -> list[str]:
    return [f.fingerprint for f in findings if f.rule == rule]


def test_editing_the_flagged_line_changes_the_fingerprint(tmp_path: Path) -> None:
    before = "from openai import OpenAI\n\nclient = OpenAI()\n"
    after = "from openai import OpenAI\n\nclient = OpenAI(timeout=30)\n"
    first = _fingerprints(findings_of(tmp_path / "a", {"app.py": before, "flowscan.yaml": EU_POLICY}),
                          "residency/region-not-allowed")
    moved = _fingerprints(findings_of(tmp_path / "b", {"app.py": "\n" + before, "flowscan.yaml": EU_POLICY}),
                          "residency/region-not-allowed")
    edited = _fingerprints(findings_of(tmp_path / "c", {"app.py": after, "flowscan.yaml": EU_POLICY}),
                           "residency/region-not-allowed")
    assert len(first) == 1
    assert moved == first  # a line move keeps it
    assert len(edited) == 1 and edited != first  # a content change does not


KUBEAI_FIXED = """\
    apiVersion: kubeai.org/v1
    kind: Model
    metadata:
      name: {name}
    spec:
      features: [TextGeneration]
      url: hf://Qwen/Qwen2.5-7B-Instruct
      engine: VLLM
      resourceProfile: nvidia-gpu-l4:1
      args: [--enable-prefix-caching]
      minReplicas: 2
      maxReplicas: 2
    """


def _coder_fingerprint(findings: list, rule: str) -> str:
    [found] = [f.fingerprint for f in findings if f.rule == rule and "coder" in f.message]
    return found


def test_a_fixed_size_model_keeps_its_fingerprint_when_a_like_one_goes(tmp_path: Path) -> None:
    both = KUBEAI_FIXED.format(name="chat") + "---\n" + KUBEAI_FIXED.format(name="coder")
    rule = "capacity/no-autoscaling"  # both at a `maxReplicas: 2` line
    assert len(_fingerprints(findings_of(tmp_path / "a", {"models.yaml": both}), rule)) == 2
    assert (_coder_fingerprint(findings_of(tmp_path / "a", {"models.yaml": both}), rule)
            == _coder_fingerprint(findings_of(tmp_path / "b", {"models.yaml": KUBEAI_FIXED.format(name="coder")}), rule))


VLLM_DEPLOYMENT = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: {name}
    spec:
      replicas: 1
      selector:
        matchLabels: {{app: {name}}}
      template:
        metadata:
          labels: {{app: {name}}}
        spec:
          containers:
            - name: vllm
              image: vllm/vllm-openai:v0.9.1
              resources:
                limits:
                  memory: 16Gi
    """


def test_a_deployment_without_gpus_keeps_its_fingerprint_when_a_like_one_goes(tmp_path: Path) -> None:
    both = VLLM_DEPLOYMENT.format(name="chat") + "---\n" + VLLM_DEPLOYMENT.format(name="coder")
    rule = "capacity/no-gpu-resources"  # both at a `resources:` line
    assert len(_fingerprints(findings_of(tmp_path / "a", {"k8s.yaml": both}), rule)) == 2
    assert (_coder_fingerprint(findings_of(tmp_path / "a", {"k8s.yaml": both}), rule)
            == _coder_fingerprint(findings_of(tmp_path / "b", {"k8s.yaml": VLLM_DEPLOYMENT.format(name="coder")}), rule))
