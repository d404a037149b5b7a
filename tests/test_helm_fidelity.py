"""Helm fidelity: the Go-template subset real charts use (range/with scoping, if/else if/else,
hasKey, default, ternary, eq/ne/and/or/not, quote, toYaml/nindent, include from _helpers.tpl),
read per values file without running helm, and the prefix-caching finding it feeds."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.configfacts import EnvSource
from flowscan.extract.helm import extract_helm
from flowscan.extract.helm.control import Walker, join_actions
from flowscan.extract.helm.defines import find_defines
from flowscan.extract.helm.template import ROOT_PATH, NotEvaluated, Scope, Val, evaluate
from flowscan.extract.helm.values import V, _from_y
from flowscan.extract.yamlnodes import load_documents

CHART_DIR = "deploy/engines"
CHART = dedent("""\
    apiVersion: v2
    name: engines
    version: 0.1.0
    appVersion: "v0.9.1"
""")
HELPERS = dedent("""\
    {{/* The port every engine listens on. */}}
    {{- define "engines.port" -}}
    {{ default 8000 .Values.port }}
    {{- end }}

    {{- define "engines.probes" -}}
    readinessProbe:
      httpGet:
        path: /health
        port: {{ include "engines.port" . }}
    {{- end }}
""")
DEPLOYMENT = dedent("""\
    {{- range $spec := .Values.models }}
    {{- with $ -}}
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: "{{ .Release.Name }}-{{ $spec.name }}"
    spec:
      template:
        spec:
          containers:
            - name: vllm
              image: "{{ $spec.repository }}:{{ $spec.tag | default $.Chart.AppVersion }}"
              args:
                - {{ $spec.model | quote }}
                - "--port"
                - {{ include "engines.port" . | quote }}
              {{- with $spec.vllmConfig }}
              {{-   if .enablePrefixCaching }}
                - "--enable-prefix-caching"
              {{-   else }}
                - "--no-enable-prefix-caching"
              {{-   end }}
              {{-   if hasKey . "maxModelLen" }}
                - "--max-model-len"
                - {{ .maxModelLen | quote }}
              {{-   end }}
              {{- end }}
              {{- if or
                (eq $spec.name "chat")
                (ne (toString $spec.tensorParallel) "1")
              }}
                - "--enable-auto-tool-choice"
              {{- else if not $spec.embed }}
                - "--generation-config=auto"
              {{- else }}
                - "--task=embed"
              {{- end }}
              env:
                - name: HF_HOME
                  value: {{ ternary "/data" "/tmp" (hasKey $spec "pvc") | quote }}
              {{- include "engines.probes" . | nindent 10 }}
    {{- end }}
    ---
    {{- end }}
""")
VALUES = dedent("""\
    port: 8080
    models:
      - name: chat
        repository: vllm/vllm-openai
        model: Qwen/Qwen2.5-7B-Instruct
        vllmConfig:
          enablePrefixCaching: false
          maxModelLen: 32768
      - name: embed
        repository: vllm/vllm-openai
        tag: v0.8.5
        model: BAAI/bge-m3
        embed: true
        pvc: 20Gi
        vllmConfig:
          enablePrefixCaching: true
""")
OVERLAY = dedent("""\
    models:
      - name: chat
        repository: vllm/vllm-openai
        model: Qwen/Qwen2.5-7B-Instruct
        tensorParallel: 1
        vllmConfig:
          enablePrefixCaching: true
""")


def _files(**extra: str) -> dict[str, bytes]:
    files = {
        f"{CHART_DIR}/Chart.yaml": CHART,
        f"{CHART_DIR}/values.yaml": VALUES,
        f"{CHART_DIR}/values-prod.yaml": OVERLAY,
        f"{CHART_DIR}/templates/_helpers.tpl": HELPERS,
        f"{CHART_DIR}/templates/deployment.yaml": DEPLOYMENT,
        **extra,
    }
    return {path: text.encode() for path, text in files.items()}


@pytest.fixture(scope="module")
def sources() -> dict[str, EnvSource]:
    out = {}
    for facts in extract_helm(_files()):
        for source in facts.sources:
            out[source.name] = source
    return out


def test_range_makes_one_source_per_document(sources: dict[str, EnvSource]) -> None:
    assert sorted(sources) == ["helm:engines/values-prod.yaml", "helm:engines/values.yaml#1",
                               "helm:engines/values.yaml#2"]


def test_with_rebinds_dot_and_dollar_reaches_root(sources: dict[str, EnvSource]) -> None:
    chat = sources["helm:engines/values.yaml#1"]
    assert chat.image == "vllm/vllm-openai:v0.9.1"  # $.Chart.AppVersion as the default tag
    assert chat.command[:3] == ["Qwen/Qwen2.5-7B-Instruct", "--port", "8080"]  # include of a helper


def test_if_else_on_values_and_has_key(sources: dict[str, EnvSource]) -> None:
    chat, embed = sources["helm:engines/values.yaml#1"], sources["helm:engines/values.yaml#2"]
    assert "--no-enable-prefix-caching" in chat.command and "--enable-prefix-caching" not in chat.command
    assert chat.command[chat.command.index("--max-model-len") + 1] == "32768"
    assert "--enable-prefix-caching" in embed.command and "--max-model-len" not in embed.command


def test_multiline_or_eq_ne_and_else_if(sources: dict[str, EnvSource]) -> None:
    chat, embed = sources["helm:engines/values.yaml#1"], sources["helm:engines/values.yaml#2"]
    prod = sources["helm:engines/values-prod.yaml"]
    assert chat.command[-1] == "--enable-auto-tool-choice"  # eq .name "chat"
    # embed: tensorParallel unset prints "" (ne "1" → true): the or holds
    assert embed.command[-1] == "--enable-auto-tool-choice"
    # prod chat: name is chat → first branch
    assert prod.command[-1] == "--enable-auto-tool-choice"


def test_ternary_on_has_key_in_env(sources: dict[str, EnvSource]) -> None:
    chat, embed = sources["helm:engines/values.yaml#1"], sources["helm:engines/values.yaml#2"]
    assert [b.value for b in chat.bindings if b.key == "HF_HOME"] == ["/tmp"]
    assert [b.value for b in embed.bindings if b.key == "HF_HOME"] == ["/data"]


def test_flag_words_point_at_the_values_line_that_decided_them(sources: dict[str, EnvSource]) -> None:
    chat = sources["helm:engines/values.yaml#1"]
    assert chat.command_sources is not None and len(chat.command_sources) == len(chat.command)
    by_word = dict(zip(chat.command, chat.command_sources))
    flag = by_word["--no-enable-prefix-caching"]
    assert (flag.path, flag.line) == (f"{CHART_DIR}/values.yaml", 7)  # enablePrefixCaching: false
    assert (by_word["--max-model-len"].path, by_word["--max-model-len"].line) == (f"{CHART_DIR}/values.yaml", 8)
    port = by_word["--port"]  # a literal outside any condition: its template line
    assert (port.path, port.line) == (f"{CHART_DIR}/templates/deployment.yaml", 15)


def _scan(tmp_path: Path, files: dict[str, bytes]) -> list[tuple[str, int, str, str]]:
    for rel, data in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    return [(f.path, f.line, f.rule, f.message) for f in report.findings]


def test_prefix_caching_finding_at_values_line_only_in_contexts_that_turn_it_off(tmp_path: Path) -> None:
    findings = [f for f in _scan(tmp_path, _files()) if f[2] == "caching/prefix-caching-disabled"]
    assert [(f[0], f[1]) for f in findings] == [(f"{CHART_DIR}/values.yaml", 7)]
    assert "[helm:engines/values.yaml#1]" in findings[0][3]


def test_undecided_condition_reads_both_branches_and_says_so(tmp_path: Path) -> None:
    template = DEPLOYMENT.replace("{{-   if .enablePrefixCaching }}",
                                  '{{-   if .Capabilities.APIVersions.Has "gpu.example/v1" }}')
    findings = [f for f in _scan(tmp_path, _files(**{f"{CHART_DIR}/templates/deployment.yaml": template}))
                if f[2] == "caching/prefix-caching-disabled"]
    assert findings, "an undecidable branch must not be dropped"
    assert all("may run without prefix caching" in f[3] and "Capabilities" in f[3] for f in findings)


# -- the evaluator, piece by piece ------------------------------------------------------------------

def _root(values_yaml: str) -> Val:
    node = V({"Values": _from_y(load_documents(values_yaml.encode())[0], "values.yaml")}, 1, ROOT_PATH)
    return Val(node.plain(), (), node)


@pytest.mark.parametrize(("expr", "expected"), [
    ('hasKey .Values.a "b"', True),
    ('hasKey .Values.a "zz"', False),
    ('ternary "y" "n" .Values.flag', "y"),
    ('ternary "y" "n" (not .Values.flag)', "n"),
    ('and .Values.flag (eq .Values.a.b 3)', True),
    ('or .Values.missing .Values.a.b', 3),
    ('default "x" .Values.missing | quote', '"x"'),
    ('gt (int .Values.size) 10', True),
    ('kindIs "map" .Values.a', True),
    ('hasPrefix "nightly-" .Values.tag', True),
])
def test_functions(expr: str, expected: object) -> None:
    root = _root("a: {b: 3}\nflag: true\nsize: '20'\ntag: nightly-2025\n")
    assert evaluate(expr, Scope(root, root)).value == expected


def test_ternary_needs_a_boolean() -> None:
    root = _root("a: x\n")
    with pytest.raises(NotEvaluated):
        evaluate('ternary "y" "n" .Values.a', Scope(root, root))


def test_join_actions_spanning_lines() -> None:
    lines = list(enumerate(["{{- if or", "  (eq .a 1)", "}}", "x: 1"], start=1))
    assert join_actions(lines) == [(1, "{{- if or (eq .a 1) }}"), (4, "x: 1")]


def test_defines_single_line_and_nested() -> None:
    text = ('{{- define "a" -}}{{ .Release.Name }}{{- end }}\n'
            '{{- define "b" -}}\n{{- if .x }}\ny: 1\n{{- end }}\n{{- end }}\n')
    defines = find_defines("t/_helpers.tpl", text)
    assert sorted(defines) == ["a", "b"]
    assert defines["a"].lines == ((1, "{{ .Release.Name }}"),)
    assert [n for n, _ in defines["b"].lines] == [3, 4, 5]


def test_include_line_is_expanded_with_indent_and_helper_path() -> None:
    defines = find_defines("t/_helpers.tpl", HELPERS)
    root = _root("port: 9000\n")
    walker = Walker(defines)
    lines = walker.walk([(1, '    {{- include "engines.probes" . | nindent 4 }}')], walker.scope(root))
    assert [line.text for line in lines][0] == "    readinessProbe:"
    assert all(line.path == "t/_helpers.tpl" for line in lines)
    port_line = next(line for line in lines if "port:" in line.text)
    assert evaluate('include "engines.port" .', port_line.scope).value == "9000"


# -- rendered objects: the serving and readiness checks on Helm workloads ----------------------------

def test_rendered_workloads_keep_template_lines_and_read_includes_and_to_yaml() -> None:
    values = VALUES + "strategy:\n  type: Recreate\n"
    strategy = "spec:\n  strategy:\n    {{- toYaml $.Values.strategy | nindent 4 }}\n  template:"
    template = DEPLOYMENT.replace("spec:\n  template:", strategy, 1)
    facts = {f.path: f for f in extract_helm(_files(**{f"{CHART_DIR}/values.yaml": values,
                                                       f"{CHART_DIR}/templates/deployment.yaml": template}))}
    details = facts[f"{CHART_DIR}/values.yaml"].details
    rendered = dict(details.rendered)[f"{CHART_DIR}/templates/deployment.yaml"]
    chat, embed = rendered.workloads
    container = chat.containers[0]
    assert container.readiness_probe and container.line == 13  # the probe comes from _helpers.tpl
    assert chat.strategy.type == "Recreate" and chat.strategy.type_line == 9  # the toYaml line
    assert embed.pod_labels == ()


def test_cold_start_on_a_chart_names_the_contexts_it_holds_in(tmp_path: Path) -> None:
    prod = OVERLAY + "strategy:\n  type: Recreate\n"
    strategy = ("spec:\n  {{- with $.Values.strategy }}\n  strategy:\n    {{- toYaml . | nindent 4 }}\n"
                "  {{- end }}\n  template:")
    template = DEPLOYMENT.replace("spec:\n  template:", strategy, 1)
    files = _files(**{f"{CHART_DIR}/values-prod.yaml": prod, f"{CHART_DIR}/templates/deployment.yaml": template})
    cold = [f for f in _scan(tmp_path, files) if f[2] == "serving/cold-start-unprotected"]
    assert [(f[0], f[1]) for f in cold] == [(f"{CHART_DIR}/templates/deployment.yaml", 10)]  # the toYaml line
    assert cold[0][3].endswith("[helm:engines/values-prod.yaml]")


def test_probes_missing_from_a_chart_are_reported_once_for_every_context(tmp_path: Path) -> None:
    template = DEPLOYMENT.replace('          {{- include "engines.probes" . | nindent 10 }}\n', "")
    files = _files(**{f"{CHART_DIR}/templates/deployment.yaml": template})
    cold = [f for f in _scan(tmp_path, files) if f[2] == "serving/cold-start-unprotected"]
    assert len(cold) == 2  # chat and embed, at the one container line, each once
    assert {f[1] for f in cold} == {11}
    chat = next(f for f in cold if "chat" in f[3])
    assert chat[3].endswith("[helm:engines/values.yaml, helm:engines/values-prod.yaml]")


def test_to_yaml_inside_an_indented_include_keeps_the_include_indent() -> None:
    """The vLLM production-stack layout: ``{{- include "probes" . | indent 10 }}`` whose helper
    writes ``{{- toYaml . | nindent 2 }}``, and labels written as ``{{ toYaml . }}``."""
    helpers = dedent("""\
        {{- define "x.probes" -}}
        {{- if .Values.startupProbe }}
        startupProbe:
        {{-   with .Values.startupProbe }}
        {{-     toYaml . | nindent 2 }}
        {{-   end }}
        {{- end }}
        {{- end }}

        {{- define "x.labels" -}}
        {{- with .Values.labels -}}
        {{    toYaml . }}
        {{- end }}
        {{- end }}
    """)
    template = dedent("""\
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: engine
          labels:
            app: engine
          {{- include "x.labels" . | nindent 4 }}
        spec:
          template:
            spec:
              containers:
                - name: vllm
                  image: vllm/vllm-openai:v0.9.1
                  ports:
                    - containerPort: 8000
                  {{- include "x.probes" . | indent 10 }}
    """)
    values = "labels:\n  team: llm\nstartupProbe:\n  failureThreshold: 60\n  httpGet: {path: /health, port: 8000}\n"
    files = {f"{CHART_DIR}/Chart.yaml": CHART, f"{CHART_DIR}/values.yaml": values,
             f"{CHART_DIR}/templates/_helpers.tpl": helpers, f"{CHART_DIR}/templates/deployment.yaml": template}
    facts = extract_helm({path: text.encode() for path, text in files.items()})[0]
    assert not [n for n in facts.notes if "not valid YAML" in n]
    rendered = dict(facts.details.rendered)[f"{CHART_DIR}/templates/deployment.yaml"]
    container = rendered.workloads[0].containers[0]
    assert container.startup_probe and not container.readiness_probe


@pytest.mark.parametrize("text", ['"--port"', "'x y'", "8000", "--max-model-len=8192", "Qwen/Qwen2.5-7B-Instruct",
                                  "0.90", "yes", "Off", "a: b", '"a\\"b"', "1e3", "-", "--", "~", "12:30", "a,b",
                                  "@x", "-1", "null", "#x", "[a]", "{a: 1}", "x #c"])
def test_plain_scalar_fast_path_reads_like_yaml(text: str) -> None:
    """The argv hot path skips the YAML parse only where it gives the parse's answer."""
    from flowscan.extract.helm.workloads import _plain_scalar, _yaml_scalar

    quick = _plain_scalar(text)
    assert quick is None or quick == _yaml_scalar(text)
