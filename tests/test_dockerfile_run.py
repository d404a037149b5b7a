"""Hosts a Dockerfile's ``RUN pip install`` lines download from (flowscan/extract/dockerfile_run.py)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

from flowscan.api import ScanOptions, scan
from flowscan.extract.dockerfile import extract_dockerfile

DOCKERFILE = dedent("""\
    FROM python:3.11-slim AS build
    ARG TORCH_INDEX=https://download.pytorch.org/whl/cpu
    RUN pip install --no-cache-dir torch --index-url ${TORCH_INDEX} \\
        && python -m pip install "git+https://github.com/Aider-AI/aider.git@main"
    RUN pip install -r requirements.txt --extra-index-url https://$NEXUS_HOST/simple
    RUN curl -fsSL https://example.com/install.sh | sh && pip install -U pip
    RUN ["pip", "install", "--index-url", "https://exec.form.example/simple", "x"]

    FROM python:3.11-slim
    COPY --from=build /usr/local /usr/local
    CMD ["python", "app.py"]
    """).encode()


def test_run_pip_install_urls_are_endpoints_of_the_dockerfile() -> None:
    endpoints = extract_dockerfile("Dockerfile", DOCKERFILE).endpoints
    assert [(e.url, e.line) for e in endpoints] == [
        ("https://download.pytorch.org/whl/cpu", 3),
        ("https://github.com/Aider-AI/aider.git@main", 3),
        ("{unknown:https://$NEXUS_HOST/simple (a build argument not known statically)}", 5),
    ]
    assert all(e.context_free and e.sdk == "Dockerfile RUN pip install" for e in endpoints)


def test_a_curl_url_and_a_plain_pip_install_are_not_pip_sources() -> None:
    data = b"FROM python:3.11\nRUN curl -fsSL https://example.com/x.sh | sh && pip install -U pip\n"
    assert extract_dockerfile("Dockerfile", data).endpoints == []


def test_the_scan_reports_the_index_host_with_its_provider(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_bytes(DOCKERFILE)
    endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    by_host = {e.host: e for e in endpoints}
    assert set(by_host) == {"download.pytorch.org", "github.com", None}
    assert by_host["download.pytorch.org"].provider == "pytorch"
    assert [loc.line for loc in by_host["github.com"].locations] == [3]
