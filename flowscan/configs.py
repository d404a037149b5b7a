"""Run the config extractors over the tree: which extractor reads which file.

YAML is dispatched by content (a compose file has ``services:``, a Kubernetes manifest
``apiVersion``/``kind``, a LiteLLM proxy config ``model_list``); files inside a Helm chart
go to the Helm extractor; Terraform is read per module folder. CloudFormation / SAM templates
(YAML, or JSON named like one) are recognised by their top level and read with the
``samconfig.toml`` beside them; a ``cdk.json`` marks a CDK app, whose Python is read for stacks
and functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .configfacts import ConfigFacts
from .discover import SourceFile

if TYPE_CHECKING:
    from .extract.yamlfiles import YamlFiles
    from .extract.yamlnodes import Y

CountParse = Callable[[str], None]


def _no_count(path: str) -> None:
    pass


def extract_configs(root: Path, files: list[SourceFile], sources: dict[str, bytes],
                    count_parse: CountParse = _no_count, yaml_files: YamlFiles | None = None
                    ) -> tuple[list[ConfigFacts], list[tuple[str, str]]]:
    """Facts of every config file, and the (path, reason) of YAML files no extractor claimed.
    Each file is parsed once (``count_parse`` is told each time one is; ``yaml_files`` is the
    scan's YAML parse cache, shared with the resolver)."""
    if not files:
        return [], []  # nothing to read: the extractors are not even imported
    try:
        from .extract.compose import extract_compose
        from .extract.dockerfile import extract_dockerfile
        from .extract.dotenv import extract_dotenv
        from .extract.helm import extract_helm, find_charts
        from .extract.kubernetes import extract_kubernetes, resolve_configmaps
        from .extract.litellm_config import extract_litellm_config
        from .extract.shell import extract_shell
        from .extract.yamlfiles import YamlFiles as _YamlFiles
        from .extract.yamlnodes import YamlTooLarge
    except ImportError as exc:  # a partial install: say so for every config file
        return [], [(f.path, f"{f.kind} files are not analysed ({exc})") for f in files]

    yaml_files = yaml_files or _YamlFiles(sources, count_parse)
    facts: list[ConfigFacts] = []
    unclaimed: list[tuple[str, str]] = []
    paths = [f.path for f in files if f.path in sources]
    kinds = {f.path: f.kind for f in files}
    charts = find_charts([p for p in paths if kinds[p] == "yaml"])
    in_chart = {p for chart_files in charts.values() for p in chart_files}
    templates: dict[str, bytes] = {}
    cdk_apps: dict[str, bytes] = {}
    samconfigs: dict[str, bytes | Y] = {p: sources[p] for p in paths if p.rsplit("/", 1)[-1] == "samconfig.toml"}

    for path in paths:
        kind = kinds[path]
        data = sources[path]
        if kind in ("dotenv", "dockerfile", "shell"):
            count_parse(path)
        if kind == "dotenv":
            facts.append(extract_dotenv(path, data))
        elif kind == "dockerfile":
            facts.append(extract_dockerfile(path, data))
        elif kind == "shell":
            facts.append(extract_shell(path, data))
        elif kind == "yaml" and path not in in_chart:
            parsed = yaml_files.parse(path)
            found = [f for f in (extract_compose(path, data, parsed), extract_kubernetes(path, data, parsed),
                                 extract_litellm_config(path, data, parsed)) if _has_content(f)]
            if isinstance(parsed.error, YamlTooLarge):
                unclaimed.append((path, f"YAML that {parsed.error.problem}"))
            elif not found and _is_template(path, data, yaml_files):
                templates[path] = data
            elif not found and path.rsplit("/", 1)[-1] in _SAMCONFIG_YAML and len(parsed.documents) == 1:
                samconfigs[path] = parsed.documents[0]
            elif not found:
                unclaimed.append((path, "YAML that is not a compose file, Kubernetes manifest, LiteLLM config "
                                        "or CloudFormation template"))
            facts.extend(found)
        elif kind == "json":
            if path.rsplit("/", 1)[-1] == "cdk.json":
                cdk_apps[path] = data
            elif _is_template(path, data, yaml_files):
                templates[path] = data
            else:
                unclaimed.append((path, "named like a CloudFormation template, but not one"))
    for chart, chart_files in sorted(charts.items()):
        facts.extend(extract_helm({p: sources[p] for p in chart_files if p in sources}, count_parse))
    terraform_files = {p: sources[p] for p in paths if kinds[p] == "terraform"}
    if terraform_files:
        from .extract.terraform import (
            extract_terraform,  # python-hcl2 (lark) loads only when needed
        )

        facts.extend(extract_terraform(root, terraform_files, count_parse=count_parse))
    if templates:
        from .extract.cloudformation import extract_cloudformation  # cfn-lint loads only now

        facts.extend(extract_cloudformation(templates, samconfigs, count_parse=count_parse))
    if cdk_apps:
        from .extract.cdk import extract_cdk  # reads the app's Python with ast; never synthesised

        cdk_code = {p: data for p, data in sources.items() if p.endswith(".py") and b"aws_cdk" in data}
        facts.extend(extract_cdk(cdk_apps, cdk_code, count_parse=count_parse))
    resolve_configmaps([f for f in facts if f.kind == "kubernetes"])
    return facts, unclaimed


_SAMCONFIG_YAML = ("samconfig.yaml", "samconfig.yml")


def _is_template(path: str, data: bytes, yaml_files: YamlFiles) -> bool:
    """Whether a YAML or JSON file is a CloudFormation / SAM template (decided before cfn-lint loads)."""
    from .extract.cloudformation.detect import is_template_json, is_template_yaml

    if data.lstrip()[:1] == b"{":
        return is_template_json(data)
    parsed = yaml_files.parse(path)
    return parsed.error is None and is_template_yaml(parsed.documents)


def _has_content(facts: ConfigFacts) -> bool:
    return bool(facts.sources or facts.endpoints or facts.placements or facts.parse_error or facts.details)
