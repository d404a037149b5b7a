"""A compose model server whose healthcheck is a HEALTHCHECK in the Dockerfile it builds: the
build context and dockerfile name decide which Dockerfile that is."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import findings_of

DOCKERFILE = "FROM vllm/vllm-openai:v0.9.1\nHEALTHCHECK CMD curl -f http://localhost:8000/health || exit 1\n"


def _healthcheck_findings(root: Path, build: str, files: dict[str, str]) -> list[str]:
    compose = f"services:\n  vllm:\n    image: vllm/vllm-openai:v0.9.1\n    build: {build}\n"
    findings = findings_of(root, {"compose.yaml": compose, **files})
    return [f.message for f in findings if f.rule.startswith("serving/") and "healthcheck" in f.message]


@pytest.mark.parametrize(("build", "files"), [
    ("{context: ./server}", {"server/Dockerfile": DOCKERFILE}),
    ("{context: ./server, dockerfile: Dockerfile.gpu}", {"server/Dockerfile.gpu": DOCKERFILE,
                                                        "server/Dockerfile": "FROM vllm/vllm-openai:v0.9.1\n"}),
    ("{dockerfile: Dockerfile.vllm}", {"Dockerfile.vllm": DOCKERFILE}),
    ("./server", {"server/Dockerfile": DOCKERFILE}),
])
def test_the_built_dockerfile_healthcheck_counts(tmp_path: Path, build: str, files: dict[str, str]) -> None:
    assert _healthcheck_findings(tmp_path, build, files) == []


def test_a_healthcheck_in_another_dockerfile_does_not_count(tmp_path: Path) -> None:
    files = {"server/Dockerfile": "FROM vllm/vllm-openai:v0.9.1\n", "server/Dockerfile.gpu": DOCKERFILE}
    assert len(_healthcheck_findings(tmp_path, "{context: ./server}", files)) == 1
