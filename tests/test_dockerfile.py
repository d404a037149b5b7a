"""Dockerfile extractor: ENV/ARG bindings, CMD/ENTRYPOINT, final image, COPY sources."""

from __future__ import annotations

from textwrap import dedent

from flowscan.configfacts import DockerCommand, Stage
from flowscan.extract.dockerfile import extract_dockerfile

DOCKERFILE = dedent("""\
    # syntax=docker/dockerfile:1
    ARG PYTHON=3.12
    FROM python:${PYTHON}-slim AS build
    COPY requirements.txt ./
    COPY src/ /app/src/
    ENV BUILD_ONLY=1
    RUN pip install -r requirements.txt

    FROM python:${PYTHON}-slim AS runtime
    ARG REGION=eu-west-1
    ENV AWS_REGION=$REGION \\
        OTEL_EXPORTER_OTLP_ENDPOINT="https://otel.example.com:4317" LOG_LEVEL=info
    ENV POSTHOG_HOST https://eu.posthog.com
    ENV API_URL=https://${API_HOST}/v1
    COPY --from=build /app /app
    COPY --chown=app:app ["config/*.yaml", "/etc/app/"]
    ADD https://example.com/model.tar.gz /tmp/
    CMD python -m shop.worker
    CMD ["gunicorn", "-b", "0.0.0.0:8000", "shop.app:app"]
    """).encode()

PATH = "services/api/Dockerfile"


def _source():
    (source,) = extract_dockerfile(PATH, DOCKERFILE).sources
    return source


def test_source_of_the_final_stage() -> None:
    facts = extract_dockerfile(PATH, DOCKERFILE)
    assert facts.kind == "dockerfile" and facts.parse_error is None
    source = _source()
    assert (source.name, source.kind, source.path, source.line) == (f"dockerfile:{PATH}", "dockerfile", PATH, 9)
    assert source.image == "python:3.12-slim"  # global ARG substituted in FROM


def test_env_multi_pair_legacy_form_and_arg_default() -> None:
    bindings = [(b.key, b.value, b.line, b.detail) for b in _source().bindings]
    assert bindings[0] == ("REGION", "eu-west-1", 10, "ARG default")
    assert bindings[1][:3] == ("AWS_REGION", "eu-west-1", 11)  # $REGION from the ARG
    assert bindings[2:5] == [
        ("OTEL_EXPORTER_OTLP_ENDPOINT", "https://otel.example.com:4317", 12, "ENV"),
        ("LOG_LEVEL", "info", 12, "ENV"),
        ("POSTHOG_HOST", "https://eu.posthog.com", 13, "ENV"),
    ]
    region = _source().bindings[1]
    assert [(s.path, s.line) for s in region.chain] == [(PATH, 10)]


def test_unknown_reference_has_no_value() -> None:
    api = next(b for b in _source().bindings if b.key == "API_URL")
    assert (api.value, api.line) == (None, 14)
    assert "${API_HOST}" in api.detail


def test_earlier_unrelated_stage_env_is_not_inherited() -> None:
    assert "BUILD_ONLY" not in {b.key for b in _source().bindings}


def test_exec_cmd_last_wins() -> None:
    facts = extract_dockerfile(PATH, DOCKERFILE)
    assert _source().command == ["gunicorn", "-b", "0.0.0.0:8000", "shop.app:app"]
    assert facts.details.cmd == DockerCommand(("gunicorn", "-b", "0.0.0.0:8000", "shop.app:app"), "exec", 19, (19, 19, 19, 19))


def test_shell_cmd_and_entrypoint() -> None:
    data = b'FROM alpine\nENTRYPOINT ["/entry.sh"]\nCMD celery -A "shop tasks" worker\n'
    facts = extract_dockerfile("Dockerfile", data)
    assert facts.sources[0].command == ["/entry.sh", "celery", "-A", "shop tasks", "worker"]
    assert facts.details.cmd.form == "shell" and facts.details.entrypoint.form == "exec"
    shell_entry = extract_dockerfile("Dockerfile", b"FROM alpine\nENTRYPOINT exec run.sh\nCMD ignored\n")
    assert shell_entry.sources[0].command == ["exec", "run.sh"]


def test_copy_sources_become_applies_to() -> None:
    # build-stage COPYs count: the final stage copies from that stage
    assert _source().applies_to == ["services/api/requirements.txt", "services/api/src", "services/api/config"]
    root = extract_dockerfile("Dockerfile", b"FROM python\nCOPY . /app\nCOPY --from=other /x /y\n")
    assert root.sources[0].applies_to == ["."]
    nested = extract_dockerfile("api/Dockerfile", b"FROM python\nCOPY ./ /app\n")
    assert nested.sources[0].applies_to == ["api"]


def test_from_stage_inherits_env_and_command() -> None:
    data = b"FROM python AS base\nENV A=1\nCMD [\"run\"]\nFROM base\nENV B=2\n"
    (source,) = extract_dockerfile("Dockerfile", data).sources
    assert [(b.key, b.value, b.line) for b in source.bindings] == [("A", "1", 2), ("B", "2", 5)]
    assert source.command == ["run"] and source.image == "python"


def test_stage_arg_takes_global_default() -> None:
    data = b"ARG REGION=eu-central-1\nFROM python\nARG REGION\nENV AWS_REGION=${REGION}\n"
    (source,) = extract_dockerfile("Dockerfile", data).sources
    assert [(b.key, b.value, b.line) for b in source.bindings] == [
        ("REGION", "eu-central-1", 3), ("AWS_REGION", "eu-central-1", 4)]


def test_no_from_is_a_parse_error() -> None:
    facts = extract_dockerfile("Dockerfile", b"# just a comment\nENV A=1\n")
    assert facts.parse_error == (2, "no FROM instruction")
    assert not facts.sources


def test_details_keep_stages_and_healthcheck() -> None:
    facts = extract_dockerfile(PATH, DOCKERFILE)
    assert facts.details.stages == [Stage(3, "python:3.12-slim", "build"), Stage(9, "python:3.12-slim", "runtime")]
    assert facts.details.healthcheck_line is None
    checked = extract_dockerfile("Dockerfile", b"FROM x\nHEALTHCHECK CMD curl -f http://localhost/\n")
    assert checked.details.healthcheck_line == 2
    disabled = extract_dockerfile("Dockerfile", b"FROM x\nHEALTHCHECK NONE\n")
    assert disabled.details.healthcheck_line is None


def test_words_of_a_multi_line_command_keep_their_lines() -> None:
    data = (b'FROM vllm/vllm-openai:v0.8.5\n'
            b'CMD ["--model", "Qwen/Qwen2.5-7B-Instruct", \\\n'
            b'     "--no-enable-prefix-caching"]\n')
    cmd = extract_dockerfile("Dockerfile", data).details.cmd
    assert cmd.words == ("--model", "Qwen/Qwen2.5-7B-Instruct", "--no-enable-prefix-caching")
    assert cmd.word_lines == (2, 2, 3)
    shell = extract_dockerfile("Dockerfile", b"FROM python\nCMD python -m app \\\n    --port 8000\n").details.cmd
    assert shell.word_lines == (2, 2, 2, 3, 3)
