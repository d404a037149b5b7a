"""Helm template functions real charts use beyond the basics: ``tpl`` (a values string rendered
as a template), ``index``, ``dict``/``list`` (building the argument of an ``include``),
``printf`` verbs, ``required``, and ``lookup`` (live cluster state: never decided, and said so)."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.extract.helm import extract_helm
from flowscan.extract.helm.template import LOOKUP_UNDECIDED, ROOT_PATH, NotEvaluated, Scope, Val, evaluate
from flowscan.extract.helm.values import V, _from_y
from flowscan.extract.yamlnodes import load_documents

VALUES = dedent("""\
    models:
      - name: chat
        model: Qwen/Qwen2.5-7B-Instruct
        caching: false
      - name: embed
        model: BAAI/bge-m3
        caching: true
    maxLen: 8192
    port: 8000
    extraArgs:
      - "--max-model-len={{ .Values.maxLen }}"
    servedName: "{{ .Release.Name }}-chat"
""")


def _scope() -> Scope:
    values = _from_y(load_documents(VALUES.encode())[0], "values.yaml")
    node = V({"Values": values}, 1, ROOT_PATH)
    root = Val(node.plain(), (), node)
    return Scope(root, root)


def test_index_reads_list_positions_and_map_keys_with_their_lines() -> None:
    val = evaluate("index .Values.models 1", _scope())
    assert val.value["name"] == "embed" and val.steps[0].line == 5
    model = evaluate('index .Values.models 0 "model"', _scope())
    assert model.value == "Qwen/Qwen2.5-7B-Instruct" and (model.steps[0].path, model.steps[0].line) == ("values.yaml", 3)
    assert evaluate('index .Values "missing"', _scope()).value is None
    with pytest.raises(NotEvaluated):
        evaluate("index .Values.models 5", _scope())


def test_dict_keeps_the_values_lines_of_its_members() -> None:
    scope = _scope()
    scope.variables["$m"] = evaluate("index .Values.models 0", scope)
    built = evaluate('dict "model" $m "port" 9000', scope)
    assert built.value == {"model": scope.variables["$m"].value, "port": 9000}
    inner = Scope(scope.root, built)
    caching = evaluate(".model.caching", inner)
    assert caching.value is False and (caching.steps[0].path, caching.steps[0].line) == ("values.yaml", 4)
    assert evaluate(".port", inner).value == 9000
    assert evaluate('hasKey (dict "a" 1) "a"', scope).value is True


def test_list_and_printf_verbs() -> None:
    scope = _scope()
    assert evaluate('list "a" .Values.port', scope).value == ["a", 8000]
    assert evaluate('printf "%s:%d" "host" .Values.port', scope).value == "host:8000"
    assert evaluate('printf "%q" .Values.maxLen', scope).value == '"8192"'
    with pytest.raises(NotEvaluated):
        evaluate('printf "%d" "eight"', scope)


def test_tpl_renders_a_values_string_as_a_template() -> None:
    scope = _scope()
    rendered = evaluate("tpl (index .Values.extraArgs 0) $", scope)
    assert rendered.value == "--max-model-len=8192"
    assert {(s.path, s.line) for s in rendered.steps} == {("values.yaml", 11), ("values.yaml", 8)}
    with pytest.raises(NotEvaluated):
        evaluate("tpl .Values.servedName $", scope)  # .Release is not known statically


def test_required_and_lookup() -> None:
    scope = _scope()
    assert evaluate('required "set maxLen" .Values.maxLen', scope).value == 8192
    with pytest.raises(NotEvaluated):
        evaluate('required "set the model" .Values.missing', scope)
    with pytest.raises(NotEvaluated) as lookup:
        evaluate('lookup "v1" "Secret" "llm" "hf-token"', scope)
    assert str(lookup.value) == LOOKUP_UNDECIDED


CHART = "apiVersion: v2\nname: engines\nversion: 0.1.0\n"
HELPERS = dedent("""\
    {{- define "engines.args" -}}
    - {{ .model.model | quote }}
    {{- if .model.caching }}
    - "--enable-prefix-caching"
    {{- else }}
    - "--no-enable-prefix-caching"
    {{- end }}
    {{- end }}
""")
DEPLOYMENT = dedent("""\
    {{- $chat := index .Values.models 0 }}
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: chat
    spec:
      template:
        spec:
          containers:
            - name: vllm
              image: vllm/vllm-openai:v0.9.1
              args:
                {{- include "engines.args" (dict "model" $chat "root" $) | nindent 12 }}
                {{- range .Values.extraArgs }}
                - {{ tpl . $ | quote }}
                {{- end }}
              {{- if lookup "v1" "Secret" .Release.Namespace "hf-token" }}
              env:
                - {name: HF_TOKEN, valueFrom: {secretKeyRef: {name: hf-token, key: token}}}
              {{- end }}
""")


def _chart() -> dict[str, bytes]:
    files = {"chart/Chart.yaml": CHART, "chart/values.yaml": VALUES, "chart/templates/_helpers.tpl": HELPERS,
             "chart/templates/deployment.yaml": DEPLOYMENT}
    return {path: text.encode() for path, text in files.items()}


def test_chart_flags_through_index_dict_include_and_tpl() -> None:
    sources = [s for facts in extract_helm(_chart()) for s in facts.sources]
    assert len(sources) == 1
    command = sources[0].command
    assert command == ["Qwen/Qwen2.5-7B-Instruct", "--no-enable-prefix-caching", "--max-model-len=8192"]
    by_word = dict(zip(command, sources[0].command_sources or []))
    assert (by_word["--max-model-len=8192"].path, by_word["--max-model-len=8192"].line) == ("chart/values.yaml", 11)


def test_prefix_caching_finding_through_dict_include_and_lookup_said_undecidable(tmp_path: Path) -> None:
    for rel, data in _chart().items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    caching = [f for f in report.findings if f.rule == "caching/prefix-caching-disabled"]
    assert [(f.path, f.line) for f in caching] == [("chart/values.yaml", 4)]  # caching: false of models[0]
    assert not [n for n in report.coverage.notes if "not valid YAML" in n]  # the rendered workload is read
    cold = [f for f in report.findings if f.rule == "serving/cold-start-unprotected"]
    assert [f.line for f in cold] == [10]  # no probes: the rendered container was checked


def test_lookup_condition_is_reported_as_undecidable_with_the_reason() -> None:
    template = DEPLOYMENT.replace('{{- include "engines.args" (dict "model" $chat "root" $) | nindent 12 }}',
                                 '{{- include "engines.args" (dict "model" $chat "root" $) | nindent 12 }}\n'
                                 '                {{- if lookup "v1" "ConfigMap" "llm" "no-cache" }}\n'
                                 '                - "--no-enable-prefix-caching"\n'
                                 '                {{- end }}')
    files = {**_chart(), "chart/templates/deployment.yaml": template.encode()}
    sources = [s for facts in extract_helm(files) for s in facts.sources]
    words = dict(zip(sources[0].command, sources[0].command_sources or []))
    undecided = words["--no-enable-prefix-caching"].undecided
    assert any(LOOKUP_UNDECIDED in condition for condition in undecided)
