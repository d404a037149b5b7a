"""Values files as :class:`V` nodes (value, line, file), layered as Helm does."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from ...configfacts import ConfigFacts
from ..yamlnodes import Y, error_line, load_documents

KIND = "helm"


@dataclass
class V(Y):
    """A values (or Chart.yaml) node: a :class:`Y` (plain scalar, ``dict[str, V]`` or
    ``list[V]``, with its line) that also knows the file it was written in: values merge
    across files."""

    path: str


def _from_y(node: Y, path: str) -> V:
    if isinstance(node.value, dict):
        return V({k: _from_y(v, path) for k, v in node.value.items()}, node.line, path)
    if isinstance(node.value, list):
        return V([_from_y(v, path) for v in node.value], node.line, path)
    return V(node.value, node.line, path)


def _empty_values() -> V:
    return V({}, 1, "<no values file>")


def _load_values(path: str, data: bytes) -> tuple[V, ConfigFacts]:
    facts = ConfigFacts(path=path, kind=KIND)
    try:
        docs = load_documents(data)
    except yaml.YAMLError as exc:
        facts.parse_error = (error_line(exc), f"invalid YAML: {getattr(exc, 'problem', None) or exc}")
        return _empty_values(), facts
    root = next((d for d in docs if isinstance(d.value, dict)), None)
    return (_from_y(root, path) if root is not None else V({}, 1, path)), facts


def _merge(base: V, override: V) -> V:
    """Helm's values layering: maps merge key by key, ``null`` deletes, anything else replaces."""
    if not isinstance(base.value, dict) or not isinstance(override.value, dict):
        return override
    merged = dict(base.value)
    for key, value in override.value.items():
        if value.value is None:
            merged.pop(key, None)
        elif key in merged:
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return V(merged, override.line, override.path)
