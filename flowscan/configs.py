"""Run the config extractors over the tree: which extractor reads which file.

YAML is dispatched by content (a compose file has ``services:``, a Kubernetes manifest
``apiVersion``/``kind``, a LiteLLM proxy config ``model_list``); files inside a Helm chart
go to the Helm extractor; Terraform is read per module folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .configfacts import ConfigFacts
from .discover import SourceFile

if TYPE_CHECKING:
    from .extract.yamlfiles import YamlFiles

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
        from .extract.operators import extract_operators
        from .extract.prometheus import extract_prometheus
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
    charts = find_charts([p for p in paths if kinds[p] in ("yaml", "helm-template")])
    in_chart = {p for chart_files in charts.values() for p in chart_files}

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
        elif kind == "yaml" and path not in in_chart and path.rsplit("/", 1)[-1] == "azure.yaml":
            if not any(p.endswith(".bicep") for p in paths):  # else read with the Bicep templates it deploys
                unclaimed.append((path, "azd project file with no Bicep template in the scan"))
            continue
        elif kind == "yaml" and path not in in_chart:
            parsed = yaml_files.parse(path)
            found = [f for f in (extract_compose(path, data, parsed), extract_kubernetes(path, data, parsed),
                                 extract_litellm_config(path, data, parsed), extract_operators(path, data, parsed),
                                 extract_prometheus(path, data, parsed))
                     if _has_content(f)]
            if isinstance(parsed.error, YamlTooLarge):
                unclaimed.append((path, f"YAML that {parsed.error.problem}"))
            elif not found:
                unclaimed.append((path, "YAML that is not a compose file, Kubernetes manifest or LiteLLM config"))
            facts.extend(found)
    for chart, chart_files in sorted(charts.items()):
        facts.extend(extract_helm({p: sources[p] for p in chart_files if p in sources}, count_parse))
    terraform_files = {p: sources[p] for p in paths if kinds[p] == "terraform"}
    if terraform_files:
        from .extract.terraform import (
            extract_terraform,  # python-hcl2 (lark) loads only when needed
        )

        facts.extend(extract_terraform(root, terraform_files, count_parse=count_parse))
    if any(kinds[p] == "bicep" and p.endswith(".bicep") for p in paths):
        facts_or_skips = _extract_bicep(paths, kinds, sources, count_parse)
        facts.extend(f for f in facts_or_skips if isinstance(f, ConfigFacts))
        unclaimed.extend(f for f in facts_or_skips if isinstance(f, tuple))
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


def _has_content(facts: ConfigFacts) -> bool:
    return bool(facts.sources or facts.endpoints or facts.placements or facts.parse_error or facts.details)
