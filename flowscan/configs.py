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
from typing import TYPE_CHECKING, Any, Callable

from .budget import BudgetExceeded, file_budget
from .checks.internal import describe
from .configfacts import ConfigFacts
from .discover import SourceFile
from .policy import POLICY_FILE

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
        from .extract import compose, dockerfile, dotenv, litellm_config, operators, prometheus, shell  # noqa: F401
        from .extract.helm import extract_helm, find_charts
        from .extract.kubernetes import resolve_configmaps
        from .extract.stepfunctions.definition import is_definition_file
        from .extract.yamlfiles import YamlFiles as _YamlFiles
    except ImportError as exc:  # a partial install: say so for every config file
        return [], [(f.path, f"{f.kind} files are not analysed ({exc})") for f in files]

    from .extract.cloudformation.detect import is_template_text

    yaml_files = yaml_files or _YamlFiles(sources, count_parse)
    facts: list[ConfigFacts] = []
    unclaimed: list[tuple[str, str]] = []
    paths = [f.path for f in files if f.path in sources]
    kinds = {f.path: f.kind for f in files}
    charts = find_charts([p for p in paths if kinds[p] in ("yaml", "helm-template")])
    in_chart = {p for chart_files in charts.values() for p in chart_files}
    templates: dict[str, bytes] = {}
    composed: dict[str, Any] = {}  # templates found by the scan's YAML parse -> their composed node (not parsed again)
    cdk_apps: dict[str, bytes] = {}
    samconfigs: dict[str, bytes | Y] = {p: sources[p] for p in paths if p.rsplit("/", 1)[-1] == "samconfig.toml"}

    definitions = {p: sources[p] for p in paths if is_definition_file(p)}  # read with the IaC that deploys them
    for path in paths:
        kind = kinds[path]
        if kind == "terraform" or path in in_chart or path in definitions:
            continue  # read below, per module folder and per chart
        if path.rsplit("/", 1)[-1] == POLICY_FILE:
            continue  # flowscan's own policy: read as the policy, not a deployment config
        if kind == "yaml" and path.rsplit("/", 1)[-1] == "azure.yaml":
            if not any(p.endswith(".bicep") for p in paths):  # else read with the Bicep templates it deploys
                unclaimed.append((path, "azd project file with no Bicep template in the scan"))
            continue
        if kind == "json":
            if path.rsplit("/", 1)[-1] == "cdk.json":
                cdk_apps[path] = sources[path]
            elif _is_template(path, sources[path], yaml_files):
                templates[path] = sources[path]
            else:
                unclaimed.append((path, "named like a CloudFormation template, but not one"))
            continue
        if kind == "yaml" and is_template_text(sources[path]):
            templates[path] = sources[path]  # cfn-lint's decoder is its one parse
            continue
        try:
            with file_budget():
                found, reason = _extract_one(path, kind, sources[path], yaml_files, count_parse)
        except BudgetExceeded as exc:
            found, reason = [], exc.reason
        except Exception as exc:  # contained: a bug on one file must not lose the report
            found, reason = [], None
            facts.append(ConfigFacts(path=path, kind=kind, internal_error=describe(exc, f"reading this {kind} file")))
        facts.extend(found)
        if reason == NOT_CLAIMED:  # perhaps a CloudFormation/SAM template or a SAM deploy config
            if _is_template(path, sources[path], yaml_files):
                templates[path], reason = sources[path], None
                if yaml_files.parse(path).node is not None:
                    composed[path] = yaml_files.parse(path).node
            elif path.rsplit("/", 1)[-1] in _SAMCONFIG_YAML and len(yaml_files.parse(path).documents) == 1:
                samconfigs[path], reason = yaml_files.parse(path).documents[0], None
        if reason is not None:
            unclaimed.append((path, reason))
    for chart, chart_files in sorted(charts.items()):
        chart_sources = {p: sources[p] for p in chart_files if p in sources}
        facts.extend(_contained(lambda: extract_helm(chart_sources, count_parse), chart_sources, "helm",
                                "reading this Helm chart"))
    terraform_files = {p: sources[p] for p in paths if kinds[p] == "terraform"}
    if terraform_files:
        from .extract.terraform import (
            extract_terraform,  # python-hcl2 (lark) loads only when needed
        )

        facts.extend(_contained(lambda: extract_terraform(root, terraform_files, count_parse=count_parse,
                                                                  definitions=definitions),
                                terraform_files, "terraform", "reading the Terraform modules"))
    if any(kinds[p] == "bicep" and p.endswith(".bicep") for p in paths):
        facts_or_skips = _extract_bicep(paths, kinds, sources, count_parse)
        facts.extend(f for f in facts_or_skips if isinstance(f, ConfigFacts))
        unclaimed.extend(f for f in facts_or_skips if isinstance(f, tuple))
    if templates:
        from .extract.cloudformation import extract_cloudformation  # cfn-lint loads only now

        facts.extend(_contained(lambda: extract_cloudformation(templates, samconfigs, count_parse=count_parse,
                                                                       definitions=definitions, composed=composed),
                                templates, "cloudformation", "reading the CloudFormation templates"))
    if cdk_apps:
        from .extract.cdk import extract_cdk  # reads the app's Python with ast; never synthesised

        cdk_code = {p: data for p, data in sources.items() if p.endswith(".py") and b"aws_cdk" in data}
        facts.extend(_contained(lambda: extract_cdk(cdk_apps, cdk_code, count_parse=count_parse),
                                cdk_apps, "cdk", "reading the CDK app"))
    resolve_configmaps([f for f in facts if f.kind == "kubernetes"])
    return facts, unclaimed


def _extract_bicep(paths: list[str], kinds: dict[str, str], sources: dict[str, bytes],
                   count_parse: CountParse) -> list[ConfigFacts | tuple[str, str]]:
    """Bicep templates with their parameter files, azd environments and azure.yaml; pycep-parser
    is imported only here."""
    try:
        import pycep  # noqa: F401  (pycep-parser: the grammar is compiled on the first parse)

        from .extract.bicep import extract_bicep, is_bicep_input
    except ImportError as exc:
        return [(p, f"Bicep files are not analysed ({exc})") for p in paths if kinds[p] == "bicep"]
    inputs = {p: sources[p] for p in paths if kinds[p] == "bicep" or is_bicep_input(p)}
    return list(extract_bicep(inputs, count_parse=count_parse))


def _contained(extract: Callable[[], list[ConfigFacts]], group: dict[str, bytes], kind: str, while_doing: str
               ) -> list[ConfigFacts]:
    """The facts of a group of files read together (a chart, the Terraform modules); a bug
    there marks each of its files with an internal error instead of losing the report."""
    try:
        return extract()
    except Exception as exc:
        return [ConfigFacts(path=path, kind=kind, internal_error=describe(exc, while_doing)) for path in sorted(group)]


def _extract_one(path: str, kind: str, data: bytes, yaml_files: YamlFiles, count_parse: CountParse
                 ) -> tuple[list[ConfigFacts], str | None]:
    """The facts of one config file (not Terraform, not in a chart), and why it is listed as
    skipped (None: it is not)."""
    from .extract.compose import extract_compose
    from .extract.dockerfile import extract_dockerfile
    from .extract.dotenv import extract_dotenv
    from .extract.kubernetes import extract_kubernetes
    from .extract.litellm_config import extract_litellm_config
    from .extract.operators import extract_operators
    from .extract.prometheus import extract_prometheus
    from .extract.ray_serve import extract_ray_serve
    from .extract.shell import extract_shell
    from .extract.yamlnodes import YamlTooLarge

    if kind in ("dotenv", "dockerfile", "shell"):
        count_parse(path)
        extract = {"dotenv": extract_dotenv, "dockerfile": extract_dockerfile, "shell": extract_shell}[kind]
        return [extract(path, data)], None
    if kind != "yaml":
        return [], None
    parsed = yaml_files.parse(path)
    found = [f for f in (extract_compose(path, data, parsed), extract_kubernetes(path, data, parsed),
                         extract_litellm_config(path, data, parsed), extract_operators(path, data, parsed),
                         extract_prometheus(path, data, parsed), extract_ray_serve(path, data, parsed))
             if _has_content(f)]
    if isinstance(parsed.error, YamlTooLarge):
        return found, f"YAML that {parsed.error.problem}"
    if not found:
        return found, NOT_CLAIMED
    return found, None


_SAMCONFIG_YAML = ("samconfig.yaml", "samconfig.yml")
NOT_CLAIMED = "YAML that is not a compose file, Kubernetes manifest, LiteLLM config or CloudFormation template"


def _is_template(path: str, data: bytes, yaml_files: YamlFiles) -> bool:
    """Whether a YAML or JSON file is a CloudFormation / SAM template (decided before cfn-lint loads)."""
    from .extract.cloudformation.detect import is_template_json, is_template_yaml

    if data.lstrip()[:1] == b"{":
        return is_template_json(data)
    parsed = yaml_files.parse(path)
    return parsed.error is None and is_template_yaml(parsed.documents)


def _has_content(facts: ConfigFacts) -> bool:
    return bool(facts.sources or facts.endpoints or facts.placements or facts.parse_error or facts.details
                or facts.internal_error)
