"""A chart's layout: which chart owns each file, its ``Chart.yaml`` metadata, which files are
values files and which templates are workloads.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

import yaml

from ..kubernetes import POD_SPEC_PATHS
from ..yamlnodes import Y, load_documents
from .values import V, _from_y

_VALUES_FILE = re.compile(r"^values(?:[-._][^/]+)?\.ya?ml$")
_WORKLOAD_KIND = re.compile(r"^\s*kind:\s*['\"]?(" + "|".join(POD_SPEC_PATHS) + r")['\"]?\s*(?:#.*)?$", re.M)


def find_charts(paths: list[str]) -> dict[str, list[str]]:
    """Chart folder (holding ``Chart.yaml``; ``""`` for the scan root) → its files, each file
    given to the deepest chart that contains it (subcharts under ``charts/`` are their own)."""
    chart_dirs = sorted({posixpath.dirname(p) for p in paths if posixpath.basename(p) == "Chart.yaml"})
    charts: dict[str, list[str]] = {d: [] for d in chart_dirs}
    for path in sorted(paths):
        owners = [d for d in chart_dirs if d == "" or path.startswith(d + "/")]
        if owners:
            charts[max(owners, key=len)].append(path)
    return charts


def _is_workload_template(rel: str, data: bytes) -> bool:
    if not rel.startswith("templates/") or not rel.endswith((".yaml", ".yml")):
        return False
    text = data.decode("utf-8", errors="replace")
    return bool(_WORKLOAD_KIND.search(text))


@dataclass
class Chart:
    name: str
    meta: V  # {"Name": ..., "Version": ..., "AppVersion": ...}


def _chart_meta(path: str, data: bytes) -> Chart:
    fallback = posixpath.basename(posixpath.dirname(path)) or "chart"
    try:
        docs = load_documents(data)
    except yaml.YAMLError:
        return Chart(fallback, V({}, 1, path))
    doc = docs[0] if docs and isinstance(docs[0].value, dict) else Y({}, 1)
    meta = {k[0].upper() + k[1:]: _from_y(v, path) for k, v in doc.items() if k}
    name = doc.get("name").scalar() if doc.get("name") is not None else None
    return Chart(name or fallback, V(meta, doc.line, path))
