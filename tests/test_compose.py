"""docker-compose extractor: services → deployment contexts with lines."""

from __future__ import annotations

from textwrap import dedent

from flowscan.configfacts import Dependency
from flowscan.extract.compose import extract_compose, substitute

COMPOSE = dedent("""\
    x-common: &common
      restart: unless-stopped
    services:
      api:
        <<: *common
        build: ../api
        image: "shop/api:${TAG:-latest}"
        command: gunicorn -b 0.0.0.0:8000 "app:create()"
        environment:
          AWS_REGION: ${AWS_REGION:-eu-west-1}
          POSTHOG_HOST: ${POSTHOG_HOST}
          TOKEN:
          DEBUG: true
          PORT: 8000
        env_file: .env
        depends_on:
          db:
            condition: service_healthy
          cache:
            condition: service_started
        deploy:
          replicas: 3
      worker:
        build:
          context: ./worker
          dockerfile: Dockerfile.worker
        entrypoint: ["python", "-m"]
        command: ["worker", "--queue", "default"]
        environment:
          - AWS_REGION=eu-north-1
          - SENTRY_DSN
          - OTEL_EXPORTER_OTLP_ENDPOINT=http://${OTEL_HOST:-otel}:4317
          - EMPTY=
        env_file:
          - ./common.env
          - path: ./worker/.env.production
            required: false
        depends_on: [db]
      db:
        image: postgres:16
        healthcheck:
          test: ["CMD", "pg_isready"]
      cache:
        image: redis
        healthcheck:
          disable: true
    """).encode()

PATH = "deploy/docker-compose.yml"


def _facts():
    return extract_compose(PATH, COMPOSE)


def _source(name: str):
    return next(s for s in _facts().sources if s.name == f"compose:{name}")


def _binding(source, key: str):
    return next(b for b in source.bindings if b.key == key)


def test_one_source_per_service_at_its_key_line() -> None:
    facts = _facts()
    assert facts.kind == "compose" and facts.parse_error is None
    assert [(s.name, s.kind, s.path, s.line) for s in facts.sources] == [
        ("compose:api", "compose", PATH, 4),
        ("compose:worker", "compose", PATH, 23),
        ("compose:db", "compose", PATH, 39),
        ("compose:cache", "compose", PATH, 43),
    ]


def test_map_environment_with_interpolation() -> None:
    api = _source("api")
    region = _binding(api, "AWS_REGION")
    assert (region.value, region.path, region.line) == ("eu-west-1", PATH, 10)
    assert "${AWS_REGION:-eu-west-1}" in region.detail and "default" in region.detail
    assert region.detail.startswith("compose service api environment")
    host = _binding(api, "POSTHOG_HOST")
    assert (host.value, host.line) == (None, 11)
    assert "${POSTHOG_HOST}" in host.detail
    token = _binding(api, "TOKEN")
    assert (token.value, token.line) == (None, 12)
    assert [(b.key, b.value, b.line) for b in api.bindings[3:]] == [("DEBUG", "true", 13), ("PORT", "8000", 14)]


def test_list_environment() -> None:
    worker = _source("worker")
    assert [(b.key, b.value, b.line) for b in worker.bindings] == [
        ("AWS_REGION", "eu-north-1", 30),
        ("SENTRY_DSN", None, 31),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://otel:4317", 32),
        ("EMPTY", "", 33),
    ]
    assert "${OTEL_HOST:-otel}" in _binding(worker, "OTEL_EXPORTER_OTLP_ENDPOINT").detail


def test_build_context_relative_to_scan_root() -> None:
    assert _source("api").applies_to == ["api"]  # ../api from deploy/
    assert _source("worker").applies_to == ["deploy/worker"]
    assert _source("db").applies_to == []


def test_build_context_at_root_and_default_context() -> None:
    facts = extract_compose("compose.yaml", b"services:\n  a:\n    build: .\n  b:\n    build:\n      dockerfile: X\n")
    assert [s.applies_to for s in facts.sources] == [["."], ["."]]


def test_image_and_command() -> None:
    api, worker = _source("api"), _source("worker")
    assert api.image == "shop/api:latest"
    assert api.command == ["gunicorn", "-b", "0.0.0.0:8000", "app:create()"]
    assert worker.command == ["python", "-m", "worker", "--queue", "default"]
    assert worker.image is None
    assert _source("db").image == "postgres:16"


def test_env_files_string_list_and_long_syntax() -> None:
    services = _facts().details.services
    assert {name: s.env_files for name, s in services.items() if s.env_files} == {
        "api": ("deploy/.env",),
        "worker": ("deploy/common.env", "deploy/worker/.env.production"),
    }


def test_services_for_later_checks() -> None:
    services = _facts().details.services
    api = services["api"]
    assert api.line == 4
    assert api.replicas == 3
    assert api.restart == "unless-stopped"  # from the merged anchor
    assert api.depends_on == (Dependency("db", "service_healthy", 17), Dependency("cache", "service_started", 19))
    assert api.healthcheck is False
    assert services["worker"].depends_on == (Dependency("db", "service_started", 38),)
    assert services["worker"].entrypoint == ("python", "-m")
    assert services["db"].healthcheck is True and services["db"].healthcheck_line == 41
    assert services["cache"].healthcheck is False  # disable: true


def test_non_compose_yaml_is_empty() -> None:
    facts = extract_compose("k8s/deploy.yaml", b"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n")
    assert not facts.sources and facts.details is None and facts.parse_error is None
    nested = extract_compose(".github/workflows/ci.yml", b"jobs:\n  test:\n    services:\n      db:\n        image: pg\n")
    assert not nested.sources and nested.details is None


def test_malformed_compose_is_a_parse_error() -> None:
    facts = extract_compose("docker-compose.yml", b"services:\n  api:\n    image: [unclosed\n    environment:\n")
    assert facts.parse_error is not None
    assert facts.parse_error[0] in (3, 4, 5)
    assert not facts.sources


def test_malformed_other_yaml_is_not_claimed() -> None:
    facts = extract_compose("config/app.yaml", b"key: [unclosed\n")
    assert facts.parse_error is None and not facts.sources


def test_substitute_rules() -> None:
    assert substitute("${A:-x}").value == "x"
    assert substitute("${A-x}").value == "x"
    assert substitute("${A}").value is None
    assert substitute("$A/b").value is None
    assert substitute("${A:?required}").value is None
    assert substitute("${A:-${B:-deep}}").value == "deep"
    assert substitute("cost: $$5").value == "cost: $5"
    assert substitute("${A:+on}", {"A": "1"}.get).value == "on"
    assert substitute("${A:-x}", {"A": "set"}.get).value == "set"
    assert substitute("${A:-x}", {"A": ""}.get).value == "x"
    assert substitute("${A-x}", {"A": ""}.get).value == ""
    assert substitute("plain").refs == ()


def test_a_broken_compose_file_is_one_parse_error(tmp_path) -> None:
    """Compose and Kubernetes both recognise a broken docker-compose.yml; it is still one
    problem in one file, with PyYAML's context and problem."""
    from flowscan.api import ScanOptions, scan

    (tmp_path / "docker-compose.yml").write_text(
        "services:\n  web:\n    image: nginx\n    environment:\n      - A=1\n     bad: [\n")
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    assert [(e.path, e.line, e.message) for e in report.coverage.parse_errors] == [
        ("docker-compose.yml", 6, "invalid YAML: while parsing a block mapping; did not find expected key")]
    assert [f.rule for f in report.findings] == ["scan/parse-error"]
