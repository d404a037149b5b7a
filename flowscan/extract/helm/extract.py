"""The entry point: one :class:`ConfigFacts` per values file of a chart, with its env sources."""

from __future__ import annotations

from typing import Callable

from ...configfacts import ConfigFacts, HelmFacts
from .charts import _VALUES_FILE, _chart_meta, _is_workload_template, find_charts
from .defines import Define, find_defines
from .values import KIND, _empty_values, _load_values, _merge
from .workloads import _add_sources


def extract_helm(chart_dir_files: dict[str, bytes], count_parse: Callable[[str], None] = lambda path: None
                 ) -> list[ConfigFacts]:
    """One :class:`ConfigFacts` per values file of the chart (the top-level chart among the
    given files), each with one :class:`EnvSource` per workload template. ``count_parse`` is
    told each YAML file parsed (values files and Chart.yaml, once each)."""
    charts = find_charts(list(chart_dir_files))
    if not charts:
        return []
    chart_dir = min(charts, key=len)
    files = {_relative(p, chart_dir): (p, chart_dir_files[p]) for p in charts[chart_dir]}
    count_parse(files["Chart.yaml"][0])
    chart = _chart_meta(*files["Chart.yaml"])
    templates = {rel: files[rel] for rel in sorted(files) if _is_workload_template(rel, files[rel][1])}
    others = {rel: files[rel] for rel in sorted(files) if rel not in templates and rel.startswith("templates/")
              and rel.endswith((".yaml", ".yml"))}
    defines = _chart_defines(files)
    base_rel = next((r for r in ("values.yaml", "values.yml") if r in files), None)
    overrides = sorted(rel for rel in files if _VALUES_FILE.match(rel) and rel != base_rel)

    if base_rel is not None:
        count_parse(files[base_rel][0])
        base, base_facts = _load_values(*files[base_rel])
    else:  # no values.yaml: the templates' literals still make a context
        base, base_facts = _empty_values(), ConfigFacts(path=files["Chart.yaml"][0], kind=KIND)
    contexts = [(base_rel or "Chart.yaml", base, base_facts, [base_facts.path])]
    for rel in overrides:
        count_parse(files[rel][0])
        override, facts = _load_values(*files[rel])
        contexts.append((rel, _merge(base, override), facts, [base_facts.path, facts.path]))

    results = []
    for rel, values, facts, layers in contexts:
        rendered = []
        if facts.parse_error is None and base_facts.parse_error is None:
            rendered = _add_sources(facts, chart, rel, values, templates, defines, others)
        facts.details = HelmFacts(chart.name, chart_dir, layers, [path for path, _ in templates.values()], rendered)
        results.append(facts)
    return results


def _chart_defines(files: dict[str, tuple[str, bytes]]) -> dict[str, Define]:
    """The named templates of every file under ``templates/`` (later files win, as in Helm
    where names are global and the last one loaded is kept)."""
    defines: dict[str, Define] = {}
    for rel in sorted(files):
        if rel.startswith("templates/") and rel.endswith((".tpl", ".yaml", ".yml")):
            path, data = files[rel]
            defines.update(find_defines(path, data.decode("utf-8", errors="replace")))
    return defines


def _relative(path: str, chart_dir: str) -> str:
    return path[len(chart_dir) + 1:] if chart_dir else path
