"""readiness/no-eval-baseline and readiness/no-load-test: evidence of eval harnesses and load
tests (rules/readiness/tools.yaml) next to a self-hosted model, through a real scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.readiness_tools import find_evidence, tools

COMPOSE = "services:\n  vllm:\n    image: vllm/vllm-openai:v0.9.1\n"


def _notes(tmp_path: Path, files: dict[str, str]) -> set[str]:
    for rel, text in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    return {f.rule for f in report.findings if f.rule.startswith("readiness/")}


def test_both_notes_without_evidence_and_none_without_a_model_server(tmp_path: Path) -> None:
    assert _notes(tmp_path / "a", {"compose.yaml": COMPOSE}) == {"readiness/no-eval-baseline", "readiness/no-load-test"}
    assert _notes(tmp_path / "b", {"compose.yaml": "services:\n  api:\n    image: ghcr.io/acme/api:1\n"}) == set()


@pytest.mark.parametrize(("files", "cleared"), [
    ({"evals/promptfooconfig.yaml": "prompts: []\n"}, "readiness/no-eval-baseline"),
    ({"tests/test_rag.py": "from ragas.metrics import faithfulness\n"}, "readiness/no-eval-baseline"),
    ({"scripts/eval.sh": "#!/bin/sh\nlm_eval --model local-chat-completions --tasks gsm8k\n"},
     "readiness/no-eval-baseline"),
    ({"load/chat.k6.js": "import http from 'k6/http';\n"}, "readiness/no-load-test"),
    ({"perf/locustfile.py": "print('x')\n"}, "readiness/no-load-test"),
    ({"scripts/bench.sh": "#!/bin/sh\nvllm bench serve --model Qwen/Qwen2.5-7B-Instruct\n"}, "readiness/no-load-test"),
])
def test_each_kind_of_evidence_clears_its_note_only(tmp_path: Path, files: dict[str, str], cleared: str) -> None:
    notes = _notes(tmp_path, {"compose.yaml": COMPOSE, **files})
    assert cleared not in notes
    assert len(notes) == 1  # the other note stays


def test_evidence_matching() -> None:
    assert {t.purpose for t in tools()} == {"eval", "load"}
    found = find_evidence("eval", ["a/promptfooconfig.yml", "README.md"], {"t.py": ("deepeval.metrics",)},
                          [("run.sh", 3, ("inspect", "eval", "task.py"))])
    assert [(e.tool, e.path, e.line) for e in found] == [
        ("promptfoo", "a/promptfooconfig.yml", 1), ("deepeval", "t.py", 1), ("inspect", "run.sh", 3)]
    assert find_evidence("load", ["vllm/bench.py"], {"x.py": ("vllm.entrypoints",)}, [("s.sh", 1, ("vllm", "serve"))]) == []
