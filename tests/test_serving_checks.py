"""caching/* and serving/* checks on facts from the real extractors (nothing scanned is run),
the model-server recognisers behind them, and the shell-script extractor."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from flowscan.checks import ScanFacts, run_checks
from flowscan.checks.caching import (
    PREFIX_DISABLED,
    RESPONSE_DISABLED,
    PrefixCaching,
    ResponseCache,
)
from flowscan.checks.serving import COLD_START, ColdStart
from flowscan.configfacts import ConfigFacts
from flowscan.configs import extract_configs
from flowscan.discover import walk
from flowscan.extract.compose import extract_compose
from flowscan.extract.dockerfile import extract_dockerfile
from flowscan.extract.kubernetes import extract_kubernetes
from flowscan.extract.litellm_config import extract_litellm_config
from flowscan.extract.shell import extract_shell
from flowscan.model import Finding
from flowscan.policy import Policy
from flowscan.python.extract import extract_python
from flowscan.python.facts import ModuleFacts
from flowscan.rules_index import rule_docs
from flowscan.servers import (
    match_argv,
    match_image,
    parse_options,
    parse_version,
    server_specs,
    split_image,
)
from flowscan.testing import annotations, compare

from .conftest import FIXTURES

RULES = (PREFIX_DISABLED, RESPONSE_DISABLED, COLD_START)


def _checks(configs: list[ConfigFacts], modules: list[ModuleFacts], line_text) -> list[Finding]:
    """The caching and serving checks alone, with the documented severities (no policy)."""
    facts = ScanFacts((), (), configs, [m for m in modules if not m.parse_error], (), Policy())
    return run_checks(facts, line_text, (PrefixCaching(), ResponseCache(), ColdStart()))


def _run(files: dict[str, str]) -> list[Finding]:
    """Both checks over ``files`` (path -> text), each file through its real extractor."""
    texts = {path: dedent(text) for path, text in files.items()}
    configs: list[ConfigFacts] = []
    modules: list[ModuleFacts] = []
    for path, text in texts.items():
        data = text.encode()
        if path.endswith(".py"):
            modules.append(extract_python(path, data))
        elif path.endswith(".sh"):
            configs.append(extract_shell(path, data))
        elif path.rsplit("/", 1)[-1].startswith("Dockerfile"):
            configs.append(extract_dockerfile(path, data))
        else:
            for extract in (extract_compose, extract_kubernetes, extract_litellm_config):
                facts = extract(path, data)
                if facts.sources or facts.details:
                    configs.append(facts)

    def line_text(path: str, line: int) -> str:
        lines = texts[path].splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""

    return _checks(configs, modules, line_text)


def _at(findings: list[Finding], rule: str) -> list[tuple[str, int]]:
    return sorted((f.path, f.line) for f in findings if f.rule == rule)


# -- recognisers and argv parsing ----------------------------------------------------------------------

def test_server_specs_load_and_validate() -> None:
    assert {s.id for s in server_specs()} == {"vllm", "sglang", "tgi", "ollama"}


def test_options_are_parsed_like_argparse() -> None:
    options = parse_options(["--model", "x", "--max-model-len=8192", "--enable_prefix_caching", "--", "--not-an-option"],
                            underscores=True)
    assert [(o.name, o.value, o.index) for o in options] == [
        ("--model", None, 0), ("--max-model-len", "8192", 2), ("--enable-prefix-caching", None, 3)]


@pytest.mark.parametrize("ref,repository,tag,version", [
    ("vllm/vllm-openai:v0.6.3", "vllm/vllm-openai", "v0.6.3", (0, 6, 3)),
    ("docker.io/vllm/vllm-openai:latest", "docker.io/vllm/vllm-openai", "latest", None),
    ("localhost:5000/lmsysorg/sglang:v0.4.6.post1-cu124@sha256:ab", "localhost:5000/lmsysorg/sglang",
     "v0.4.6.post1-cu124", (0, 4, 6)),
    ("ollama/ollama", "ollama/ollama", None, None),
])
def test_image_references(ref: str, repository: str, tag: str | None, version: tuple[int, ...] | None) -> None:
    assert split_image(ref) == (repository, tag)
    assert parse_version(tag) == version


def test_images_match_on_repository_not_substring() -> None:
    assert match_image("ghcr.io/huggingface/text-generation-inference:2.4.0")[0].id == "tgi"
    assert match_image("mirror.example.com/vllm/vllm-openai:v0.8.5")[0].id == "vllm"
    assert match_image("ghcr.io/acme/vllm-openai-proxy:1.0") is None
    assert match_image("ghcr.io/acme/api:1.0") is None


@pytest.mark.parametrize("words,server,argv", [
    (["vllm", "serve", "m", "--port", "8000"], "vllm", ["m", "--port", "8000"]),
    (["python3", "-u", "-m", "vllm.entrypoints.openai.api_server", "--model", "m"], "vllm", ["--model", "m"]),
    (["CUDA_VISIBLE_DEVICES=0", "exec", "python", "-m", "sglang.launch_server", "--disable-radix-cache"], "sglang",
     ["--disable-radix-cache"]),
    (["/bin/sh", "-c", "pip install vllm && vllm serve m --no-enable-prefix-caching"], "vllm",
     ["m", "--no-enable-prefix-caching"]),
    (["text-generation-launcher", "--model-id", "m"], "tgi", ["--model-id", "m"]),
    (["ollama", "serve"], "ollama", []),
])
def test_launch_commands(words: list[str], server: str, argv: list[str]) -> None:
    found = match_argv(words)
    assert found is not None and (found[0].id, found[1]) == (server, argv)


@pytest.mark.parametrize("words", [["python", "serve.py", "-m", "vllm.entrypoints.openai.api_server"],
                                   ["echo", "vllm", "serve"], ["ollama", "pull", "llama3"], ["uvicorn", "app:app"]])
def test_not_launch_commands(words: list[str]) -> None:
    assert match_argv(words) is None


def test_shell_extractor_keeps_word_lines() -> None:
    facts = extract_shell("run.sh", dedent("""\
        #!/bin/sh
        export HF_HOME=/models  # a comment
        vllm serve "my model" \\
          --port 8000 \\
          --no-enable-prefix-caching && echo done
        echo 'unclosed
        """).encode())
    commands = facts.details.commands
    serve = next(c for c in commands if c.words[:2] == ("vllm", "serve"))
    assert serve.words == ("vllm", "serve", "my model", "--port", "8000", "--no-enable-prefix-caching")
    assert serve.lines == (3, 3, 3, 4, 4, 5)
    assert ("echo", "done") in [c.words for c in commands]
    assert any("run.sh:6" in note for note in facts.notes)
    assert facts.sources == []


# -- caching/prefix-caching-disabled --------------------------------------------------------------------

VLLM_DEPLOYMENT = """\
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: vllm
    spec:
      template:
        spec:
          containers:
            - name: vllm
              image: {image}
              args:
                - --model
                - meta-llama/Meta-Llama-3-8B-Instruct
                {flag}
              readinessProbe:
                httpGet: {{path: /health, port: 8000}}
    """


@pytest.mark.parametrize("image,flag,expected", [
    ("vllm/vllm-openai:v0.8.5", "- --no-enable-prefix-caching", [("k8s.yaml", 14)]),
    ("vllm/vllm-openai:v0.8.5", "- --enable-prefix-caching=false", [("k8s.yaml", 14)]),
    ("vllm/vllm-openai:v0.8.5", "- --enable-prefix-caching", []),
    ("vllm/vllm-openai:v0.8.5", "- --port=8000", []),
    ("vllm/vllm-openai:latest", "- --port=8000", []),
    ("vllm/vllm-openai:v0.6.3", "- --port=8000", [("k8s.yaml", 10)]),  # the V0 default, at the image line
    ("vllm/vllm-openai:v0.6.3", "- --enable-prefix-caching", []),
    ("vllm/vllm-openai:v0.8.5", "- --no-enable-prefix-caching\n            - --enable-prefix-caching", []),  # last wins
    ("ghcr.io/acme/api:1.0", "- --no-enable-prefix-caching", []),  # not a model server
])
def test_vllm_prefix_caching_in_kubernetes(image: str, flag: str, expected: list[tuple[str, int]]) -> None:
    findings = _run({"k8s.yaml": VLLM_DEPLOYMENT.format(image=image, flag=flag)})
    assert _at(findings, PREFIX_DISABLED) == expected
    assert all(f.severity == "warning" for f in findings if f.rule == PREFIX_DISABLED)


def test_sglang_in_a_dockerfile_and_compose() -> None:
    findings = _run({
        "Dockerfile": """\
            FROM lmsysorg/sglang:v0.4.6.post1-cu124
            CMD python3 -m sglang.launch_server \\
                --model-path Qwen/Qwen2.5-7B-Instruct \\
                --disable-radix-cache
            """,
        "compose.yaml": """\
            services:
              sglang:
                image: lmsysorg/sglang:latest
                command: >-
                  python3 -m sglang.launch_server --model-path Qwen/Qwen2.5-7B-Instruct
                  --disable-radix-cache
                healthcheck:
                  test: ["CMD", "curl", "-f", "http://localhost:30000/health"]
            """,
    })
    assert _at(findings, PREFIX_DISABLED) == [("Dockerfile", 4), ("compose.yaml", 6)]


def test_old_vllm_from_the_dockerfile_image_points_at_from() -> None:
    findings = _run({"Dockerfile": "FROM vllm/vllm-openai:v0.7.3\nCMD [\"--model\", \"m\"]\n"})
    assert _at(findings, PREFIX_DISABLED) == [("Dockerfile", 1)]
    assert "0.8.0" in findings[0].message


def test_pinned_vllm_in_a_shell_script() -> None:
    findings = _run({"serve.sh": """\
        pip install vllm==0.5.4
        vllm serve m --port 8000
        """, "new.sh": """\
        pip install "vllm[audio]==0.9.1"
        vllm serve m --port 8000
        """})
    assert _at(findings, PREFIX_DISABLED) == [("serve.sh", 1)]


def test_python_engines() -> None:
    findings = _run({"batch.py": """\
        from vllm import LLM
        from vllm.engine.arg_utils import AsyncEngineArgs
        import sglang as sgl

        a = LLM(model="m")
        b = LLM(
            model="m",
            enable_prefix_caching=False,
        )
        c = AsyncEngineArgs(model="m", enable_prefix_caching=True)
        d = sgl.Engine(model_path="m", disable_radix_cache=True)
        e = LLM(model="m", enable_prefix_caching=flag)
        """})
    assert _at(findings, PREFIX_DISABLED) == [("batch.py", 8), ("batch.py", 11)]


# -- caching/response-cache-disabled --------------------------------------------------------------------

PROXY = """\
    model_list:
      - model_name: gpt-4o-mini
        litellm_params:
          model: gpt-4o-mini
    {settings}
    """


@pytest.mark.parametrize("settings,expected", [
    ("litellm_settings:\n  cache: false", [("config.yaml", 6, "warning")]),
    ("litellm_settings:\n  cache: False\n  cache_params:\n    type: redis", [("config.yaml", 6, "warning")]),
    ("router_settings:\n  num_retries: 2", [("config.yaml", 1, "note")]),
    ("litellm_settings:\n  cache_params:\n    type: redis", [("config.yaml", 6, "note")]),
    ("litellm_settings:\n  cache: true", []),
    ("litellm_settings:\n  cache: os.environ/LITELLM_CACHE", []),
])
def test_proxy_response_cache(settings: str, expected: list[tuple[str, int, str]]) -> None:
    findings = _run({"config.yaml": PROXY.format(settings=settings.replace("\n", "\n    "))})
    assert sorted((f.path, f.line, f.severity) for f in findings if f.rule == RESPONSE_DISABLED) == expected


def test_litellm_calls_that_skip_the_cache() -> None:
    findings = _run({"app.py": """\
        import litellm
        from litellm import Router, acompletion

        r = Router(model_list=[], cache_responses=False)


        async def ask(q):
            await acompletion(model="gpt-4o-mini", messages=[], caching=True)
            return await acompletion(
                model="gpt-4o-mini",
                messages=[],
                caching=False,
            )


        def other(q):
            return litellm.embedding(model="text-embedding-3-small", input=[q], caching=False)
        """})
    assert _at(findings, RESPONSE_DISABLED) == [("app.py", 4), ("app.py", 12), ("app.py", 17)]
    assert {f.severity for f in findings} == {"warning"}


# -- serving/cold-start-unprotected ---------------------------------------------------------------------

def test_vllm_without_probes_and_recreate() -> None:
    findings = _run({"k8s.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: vllm
        spec:
          strategy:
            type: Recreate
          template:
            spec:
              initContainers:
                - name: fetch
                  image: vllm/vllm-openai:v0.8.5
              containers:
                - name: vllm
                  image: vllm/vllm-openai:v0.8.5
                  livenessProbe:
                    httpGet: {path: /health, port: 8000}
                - name: sidecar
                  image: ghcr.io/acme/metrics:1.0
        """})
    assert _at(findings, COLD_START) == [("k8s.yaml", 7), ("k8s.yaml", 14)]


@pytest.mark.parametrize("replicas,unavailable,reported", [
    (None, "1", True), ("1", "100%", True), ("1", "25%", False), ("2", "1", False), ("2", "2", True),
    ("1", "0", False), (None, None, False),
])
def test_rolling_update_that_can_stop_every_replica(replicas: str | None, unavailable: str | None,
                                                     reported: bool) -> None:
    spec = f"  replicas: {replicas}\n" if replicas else ""
    rolling = f"    rollingUpdate:\n      maxUnavailable: {unavailable!r}\n" if unavailable else ""
    text = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: tgi\nspec:\n" + spec
            + "  strategy:\n    type: RollingUpdate\n" + rolling
            + "  template:\n    spec:\n      containers:\n        - name: tgi\n"
            + "          image: ghcr.io/huggingface/text-generation-inference:2.4.0\n"
            + "          startupProbe:\n            httpGet: {path: /health, port: 80}\n")
    findings = _run({"k8s.yaml": text})
    lines = [n for n, t in enumerate(text.splitlines(), start=1) if "maxUnavailable" in t]
    assert _at(findings, COLD_START) == ([("k8s.yaml", lines[0])] if reported else [])


def test_healthy_api_and_jobs_are_never_reported() -> None:
    findings = _run({"k8s.yaml": """\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: api
        spec:
          strategy:
            type: Recreate
          template:
            spec:
              containers:
                - name: api
                  image: ghcr.io/acme/api:1.0
                  env:
                    - name: LLM_URL
                      value: http://vllm:8000/v1
        ---
        apiVersion: batch/v1
        kind: Job
        metadata:
          name: warmup
        spec:
          template:
            spec:
              containers:
                - name: vllm
                  image: vllm/vllm-openai:v0.8.5
        """})
    assert findings == []


def test_compose_dependants_and_healthchecks() -> None:
    findings = _run({"compose.yaml": """\
        services:
          vllm:
            image: vllm/vllm-openai:v0.8.5
            command: ["--model", "m"]
          ollama:
            image: ollama/ollama
            healthcheck:
              test: ["CMD", "ollama", "list"]
          api:
            image: ghcr.io/acme/api:1.0
            depends_on:
              vllm:
                condition: service_started
              ollama:
                condition: service_healthy
          db:
            image: postgres:16
          worker:
            image: ghcr.io/acme/worker:1.0
            depends_on: [db, ollama]
        """})
    assert _at(findings, COLD_START) == [("compose.yaml", 2), ("compose.yaml", 12), ("compose.yaml", 20)]


def test_compose_healthcheck_from_the_built_dockerfile(tmp_path: Path) -> None:
    (tmp_path / "llm").mkdir()
    (tmp_path / "llm" / "Dockerfile").write_text(
        "FROM vllm/vllm-openai:v0.8.5\nHEALTHCHECK CMD curl -f http://localhost:8000/health\n")
    (tmp_path / "compose.yaml").write_text("services:\n  llm:\n    build: ./llm\n    command: [\"--model\", \"m\"]\n"
                                           "    image: vllm/vllm-openai:v0.8.5\n")
    assert _tree_findings(tmp_path, COLD_START) == []


# -- documented examples and the fixture, through the checks alone --------------------------------------

def _tree_findings(root: Path, *rules: str) -> list[Finding]:
    inventory = walk(root, lambda path, is_dir: False)
    sources = {f.path: (root / f.path).read_bytes() for f in inventory.files}
    configs, _ = extract_configs(root, [f for f in inventory.files if f.kind != "python"], sources)
    if not any(c.kind == "shell" for c in configs):  # until extract_configs reads shell scripts
        configs += [extract_shell(f.path, sources[f.path]) for f in inventory.files if f.kind == "shell"]
    modules = [extract_python(f.path, sources[f.path]) for f in inventory.files if f.kind == "python"]

    def line_text(path: str, line: int) -> str:
        lines = sources[path].decode().splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""

    findings = _checks(configs, modules, line_text)
    return [f for f in findings if f.rule in rules]


def _examples(kind: str) -> list[pytest.param]:
    return [pytest.param(rule, example["files"], id=f"{rule}-{kind}-{n}")
            for rule in RULES for n, example in enumerate(rule_docs()[rule].examples.get(kind, []), start=1)]


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dedent(text))
    return root


@pytest.mark.parametrize("rule,files", _examples("invalid"))
def test_invalid_examples_are_reported(tmp_path: Path, rule: str, files: dict[str, str]) -> None:
    assert _tree_findings(_write(tmp_path, files), rule), f"{rule}: no finding for {sorted(files)}"


@pytest.mark.parametrize("rule,files", _examples("valid"))
def test_valid_examples_are_clean(tmp_path: Path, rule: str, files: dict[str, str]) -> None:
    assert _tree_findings(_write(tmp_path, files), rule) == []


def test_fixture_serving_annotations() -> None:
    """fixtures/serving-selfhosted's caching/* and serving/* annotations, on the checks alone
    (test_fixtures.py checks the whole scan once api.scan runs these checks)."""
    root = FIXTURES / "serving-selfhosted"
    expected = [a for a in annotations(root) if a.rule in RULES]
    assert expected
    found = _tree_findings(root, *RULES)
    problems = compare(expected, {(f.path, f.line, f.rule) for f in found})
    assert not problems, "\n".join(problems)
    assert len({f.fingerprint for f in found}) == len(found)
