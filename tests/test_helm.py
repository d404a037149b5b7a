"""Helm charts: values files as contexts, bound through templates' env entries (never executed)."""

from __future__ import annotations

from textwrap import dedent

import pytest

from flowscan.configfacts import ConfigFacts, EnvBinding, EnvSource, HelmFacts
from flowscan.extract.helm import NOT_EVALUATED, extract_helm, find_charts
from flowscan.model import Step


def _yaml(text: str) -> bytes:
    return dedent(text).lstrip("\n").encode()


CHART = "deploy/shop/Chart.yaml"
VALUES = "deploy/shop/values.yaml"
PROD = "deploy/shop/values-prod.yaml"
DEPLOYMENT = "deploy/shop/templates/deployment.yaml"

FILES: dict[str, bytes] = {
    CHART: _yaml("""
        apiVersion: v2
        name: shop
        version: 0.1.0
        appVersion: "1.4.2"
    """),
    VALUES: _yaml("""
        image:
          repository: ghcr.io/acme/shop
          tag: ""
        posthog:
          host: https://eu.i.posthog.com
        aws:
          region: eu-west-1
        tracing:
          enabled: false
        envMap:
          SENTRY_ENVIRONMENT: production
          FEATURE_FLAGS: "on"
        extraEnv:
          - name: LANGFUSE_HOST
            value: https://cloud.langfuse.com
    """),
    PROD: _yaml("""
        # production overrides
        posthog:
          host: https://us.i.posthog.com
        tracing:
          enabled: true
        logLevel: warning
    """),
    "deploy/shop/templates/_helpers.tpl": b'{{- define "shop.fullname" -}}{{ .Release.Name }}{{- end }}\n',
    "deploy/shop/templates/service.yaml": b"apiVersion: v1\nkind: Service\nmetadata:\n  name: shop\n",
    DEPLOYMENT: _yaml("""
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: {{ include "shop.fullname" . }}
          labels:
            {{- include "shop.labels" . | nindent 4 }}
        spec:
          template:
            spec:
              containers:
                - name: {{ .Chart.Name }}
                  image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
                  env:
                    - name: POSTHOG_HOST
                      value: {{ .Values.posthog.host | quote }}
                    - name: AWS_REGION
                      value: "{{ .Values.aws.region }}"
                    - name: LOG_LEVEL
                      value: {{ .Values.logLevel | default "info" | quote }}
                    - name: MODE
                      value: {{ default "standard" .Values.mode }}
                    - name: LITERAL
                      value: plain
                    - name: RELEASE
                      value: {{ .Release.Name }}
                    {{- if .Values.tracing.enabled }}
                    - name: OTEL_EXPORTER_OTLP_ENDPOINT
                      value: "http://otel-collector:4318"
                    {{- else }}
                    - name: OTEL_SDK_DISABLED
                      value: "true"
                    {{- end }}
                    {{- range $key, $value := .Values.envMap }}
                    - name: {{ $key }}
                      value: {{ $value | quote }}
                    {{- end }}
                    {{- with .Values.extraEnv }}
                    {{- toYaml . | nindent 12 }}
                    {{- end }}
                    - name: DB_PASSWORD
                      valueFrom:
                        secretKeyRef:
                          name: shop-db
                          key: password
                  ports:
                    - name: http
                      containerPort: 8000
    """),
}


def _by_path(results: list[ConfigFacts]) -> dict[str, ConfigFacts]:
    return {f.path: f for f in results}


def _only_source(facts: ConfigFacts) -> EnvSource:
    assert len(facts.sources) == 1, [s.name for s in facts.sources]
    return facts.sources[0]


def _binding(source: EnvSource, key: str) -> EnvBinding:
    found = [b for b in source.bindings if b.key == key]
    assert len(found) == 1, [b.key for b in source.bindings]
    return found[0]


@pytest.fixture(scope="module")
def contexts() -> dict[str, EnvSource]:
    results = _by_path(extract_helm(FILES))
    assert sorted(results) == [PROD, VALUES]
    return {path: _only_source(facts) for path, facts in results.items()}


def test_one_context_per_values_file(contexts: dict[str, EnvSource]) -> None:
    assert contexts[VALUES].name == "helm:shop/values.yaml"
    assert contexts[PROD].name == "helm:shop/values-prod.yaml"
    assert contexts[VALUES].kind == "helm" and contexts[VALUES].path == DEPLOYMENT


def test_quote_binds_to_values_line_with_template_in_chain(contexts: dict[str, EnvSource]) -> None:
    host = _binding(contexts[VALUES], "POSTHOG_HOST")
    assert (host.value, host.path, host.line) == ("https://eu.i.posthog.com", VALUES, 5)
    assert host.chain == (Step(DEPLOYMENT, 15, "template env POSTHOG_HOST: {{ .Values.posthog.host | quote }}"),)


def test_values_prod_overrides_values(contexts: dict[str, EnvSource]) -> None:
    host = _binding(contexts[PROD], "POSTHOG_HOST")
    assert (host.value, host.path, host.line) == ("https://us.i.posthog.com", PROD, 3)
    region = _binding(contexts[PROD], "AWS_REGION")  # not overridden: still from values.yaml
    assert (region.value, region.path, region.line) == ("eu-west-1", VALUES, 7)


def test_quoted_expression(contexts: dict[str, EnvSource]) -> None:
    region = _binding(contexts[VALUES], "AWS_REGION")
    assert (region.value, region.path, region.line) == ("eu-west-1", VALUES, 7)
    assert region.chain[-1].line == 17


def test_default_in_pipeline_and_prefix_form(contexts: dict[str, EnvSource]) -> None:
    level = _binding(contexts[VALUES], "LOG_LEVEL")  # not set: the template default
    assert (level.value, level.path, level.line) == ("info", DEPLOYMENT, 19)
    prod_level = _binding(contexts[PROD], "LOG_LEVEL")
    assert (prod_level.value, prod_level.path, prod_level.line) == ("warning", PROD, 6)
    mode = _binding(contexts[VALUES], "MODE")
    assert (mode.value, mode.path, mode.line) == ("standard", DEPLOYMENT, 21)


def test_literal_and_unevaluated(contexts: dict[str, EnvSource]) -> None:
    assert _binding(contexts[VALUES], "LITERAL") == EnvBinding("LITERAL", "plain", DEPLOYMENT, 23, "env")
    release = _binding(contexts[VALUES], "RELEASE")
    assert (release.value, release.line, release.detail) == (None, 25, NOT_EVALUATED)
    secret = _binding(contexts[VALUES], "DB_PASSWORD")
    assert (secret.value, secret.line, secret.detail) == (None, 40, "secretKeyRef shop-db/password")


def test_if_else_follows_the_values(contexts: dict[str, EnvSource]) -> None:
    keys = {b.key for b in contexts[VALUES].bindings}
    prod_keys = {b.key for b in contexts[PROD].bindings}
    assert "OTEL_SDK_DISABLED" in keys and "OTEL_EXPORTER_OTLP_ENDPOINT" not in keys
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" in prod_keys and "OTEL_SDK_DISABLED" not in prod_keys
    assert _binding(contexts[PROD], "OTEL_EXPORTER_OTLP_ENDPOINT").line == 28


def test_range_over_values_map(contexts: dict[str, EnvSource]) -> None:
    env = _binding(contexts[VALUES], "SENTRY_ENVIRONMENT")
    assert (env.value, env.path, env.line) == ("production", VALUES, 11)
    assert env.chain[-1] == Step(DEPLOYMENT, 35, "template env SENTRY_ENVIRONMENT: {{ $value | quote }}")
    assert _binding(contexts[VALUES], "FEATURE_FLAGS").value == "on"


def test_to_yaml_env_list(contexts: dict[str, EnvSource]) -> None:
    host = _binding(contexts[VALUES], "LANGFUSE_HOST")
    assert (host.value, host.path, host.line) == ("https://cloud.langfuse.com", VALUES, 15)
    assert host.chain == (Step(DEPLOYMENT, 38, "template env: toYaml"),)


def test_image_with_chart_app_version_default(contexts: dict[str, EnvSource]) -> None:
    assert contexts[VALUES].image == "ghcr.io/acme/shop:1.4.2"


def test_bindings_in_template_order(contexts: dict[str, EnvSource]) -> None:
    assert [b.key for b in contexts[VALUES].bindings] == [
        "POSTHOG_HOST", "AWS_REGION", "LOG_LEVEL", "MODE", "LITERAL", "RELEASE", "OTEL_SDK_DISABLED",
        "FEATURE_FLAGS", "SENTRY_ENVIRONMENT", "LANGFUSE_HOST", "DB_PASSWORD",
    ]


def test_details_name_layers() -> None:
    prod = _by_path(extract_helm(FILES))[PROD]
    details = prod.details
    assert isinstance(details, HelmFacts)
    assert (details.chart, details.chart_dir, details.values, details.templates) == (
        "shop", "deploy/shop", [VALUES, PROD], [DEPLOYMENT])
    rendered = dict(details.rendered)
    assert sorted(rendered) == [DEPLOYMENT, "deploy/shop/templates/service.yaml"]
    assert [w.name for w in rendered[DEPLOYMENT].workloads] == ["unevaluated"]  # include of an undefined helper
    assert [s.name for s in rendered["deploy/shop/templates/service.yaml"].services] == ["shop"]


def test_several_workload_templates_are_separate_sources() -> None:
    files = dict(FILES)
    files["deploy/shop/templates/worker.yaml"] = _yaml("""
        apiVersion: batch/v1
        kind: CronJob
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                    - name: worker
                      env:
                      - name: AWS_REGION
                        value: {{ .Values.aws.region }}
    """)
    facts = _by_path(extract_helm(files))[VALUES]
    names = [s.name for s in facts.sources]
    assert names == ["helm:shop/values.yaml:templates/deployment.yaml", "helm:shop/values.yaml:templates/worker.yaml"]
    region = _binding(facts.sources[1], "AWS_REGION")
    assert (region.value, region.path, region.line, region.chain[-1].line) == ("eu-west-1", VALUES, 7, 12)


def test_null_in_override_deletes_and_missing_value_renders_empty() -> None:
    files = {
        "Chart.yaml": b"name: api\n",
        "values.yaml": b"host: https://api.eu.example\n",
        "values-dev.yaml": b"host: null\n",
        "templates/pod.yaml": _yaml("""
            kind: Pod
            spec:
              containers:
                - name: api
                  env:
                    - name: API_HOST
                      value: {{ .Values.host }}
        """),
    }
    results = _by_path(extract_helm(files))
    assert _binding(_only_source(results["values.yaml"]), "API_HOST").value == "https://api.eu.example"
    dev = _binding(_only_source(results["values-dev.yaml"]), "API_HOST")
    assert (dev.value, dev.path, dev.line) == ("", "templates/pod.yaml", 7)


def test_malformed_values_file_is_a_parse_error() -> None:
    files = dict(FILES)
    files[PROD] = b"posthog:\n  host: [unclosed\n"
    prod = _by_path(extract_helm(files))[PROD]
    assert prod.parse_error is not None and prod.parse_error[0] == 3
    assert prod.sources == []


def test_find_charts_assigns_files_to_the_deepest_chart() -> None:
    paths = [
        "charts/api/Chart.yaml", "charts/api/values.yaml", "charts/api/templates/deployment.yaml",
        "charts/api/charts/redis/Chart.yaml", "charts/api/charts/redis/values.yaml",
        "k8s/deployment.yaml", "src/app.py",
    ]
    assert find_charts(paths) == {
        "charts/api": ["charts/api/Chart.yaml", "charts/api/templates/deployment.yaml", "charts/api/values.yaml"],
        "charts/api/charts/redis": ["charts/api/charts/redis/Chart.yaml", "charts/api/charts/redis/values.yaml"],
    }
    assert find_charts(["Chart.yaml", "values.yaml"]) == {"": ["Chart.yaml", "values.yaml"]}


def test_flow_items_env_at_key_indent_and_unknown_conditions() -> None:
    files = {
        "Chart.yaml": b"name: api\n",
        "values.yaml": b"openai:\n  baseUrl: https://api.openai.com/v1\n",
        "templates/deploy.yaml": _yaml("""
            kind: Deployment
            spec:
              template:
                spec:
                  containers:
                  - name: api
                    env:
                    - {name: OPENAI_BASE_URL, value: "{{ .Values.openai.baseUrl }}"}
                    {{- if .Release.IsUpgrade }}
                    - name: UPGRADED
                      value: "yes"
                    {{- end }}
                    - name: INCLUDED
                      value: {{ include "api.url" . }}
                    image: api:1
        """),
    }
    source = _only_source(extract_helm(files)[0])
    url = _binding(source, "OPENAI_BASE_URL")
    assert (url.value, url.path, url.line, url.chain[-1].line) == ("https://api.openai.com/v1", "values.yaml", 2, 8)
    upgraded = _binding(source, "UPGRADED")
    assert upgraded.value == "yes" and upgraded.detail.endswith("(under a template condition that was not evaluated)")
    included = _binding(source, "INCLUDED")
    assert (included.value, included.line, included.detail) == (None, 14, NOT_EVALUATED)
    assert source.image == "api:1"


ARGV_CHART = {
    "chart/Chart.yaml": b"apiVersion: v2\nname: llm\nversion: 0.1.0\n",
    "chart/values.yaml": dedent("""\
        model: Qwen/Qwen2.5-7B-Instruct
        caching: false
        extraArgs:
          - --max-model-len=8192
        serverArgs: [--port, 8000]
    """).encode(),
    "chart/values-prod.yaml": b"caching: true\nextraArgs: []\n",
    "chart/templates/deployment.yaml": dedent("""\
        apiVersion: apps/v1
        kind: Deployment
        spec:
          template:
            spec:
              containers:
                - name: vllm
                  image: vllm/vllm-openai:v0.6.4
                  command: ["vllm", "serve"]
                  args:
                    - {{ .Values.model | quote }}
                    {{- if .Values.caching }}
                    - --enable-prefix-caching
                    {{- else }}
                    - --no-enable-prefix-caching
                    {{- end }}
                    {{- range .Values.extraArgs }}
                    - {{ . }}
                    {{- end }}
                - name: sidecar
                  args: {{ toYaml .Values.serverArgs | nindent 20 }}
    """).encode(),
}


def test_container_command_and_args_are_read_per_values_file() -> None:
    """A chart's command/args, block list with if/else and range, reach the serving checks
    per values file (issue 15: args were never parsed, so a chart's flags gave no finding)."""
    by_values = {facts.path: facts.sources[0] for facts in extract_helm(ARGV_CHART)}
    default = by_values["chart/values.yaml"].command
    prod = by_values["chart/values-prod.yaml"].command
    assert default == ["vllm", "serve", "Qwen/Qwen2.5-7B-Instruct", "--no-enable-prefix-caching", "--max-model-len=8192"]
    assert prod == ["vllm", "serve", "Qwen/Qwen2.5-7B-Instruct", "--enable-prefix-caching"]


def test_container_args_from_to_yaml_and_flow_lists() -> None:
    from flowscan.extract.helm.control import Line
    from flowscan.extract.helm.template import ROOT_PATH, Scope, Val
    from flowscan.extract.helm.values import V
    from flowscan.extract.helm.workloads import _Reader

    values = V({"args": V([V("--port", 1, "v"), V(8000, 2, "v")], 1, "v")}, 1, "v")
    root = Val(None, (), V({"Values": values}, 1, ROOT_PATH))
    reader = _Reader("t.yaml")
    reader.feed([Line(1, "  args: {{ toYaml .Values.args | nindent 4 }}", Scope(root, root), False),
                 Line(2, '  command: ["python", "-m", "sglang.launch_server"]', Scope(root, root), False)])
    assert reader.argv == {"args": ["--port", "8000"], "command": ["python", "-m", "sglang.launch_server"]}
