"""Is this YAML or JSON file a CloudFormation / SAM template? Decided from the scan's one YAML
parse (or the JSON text), before the template loader is imported.

A template has ``AWSTemplateFormatVersion``, or a ``Transform`` naming ``AWS::Serverless``, or a
``Resources`` mapping whose entries have a ``Type`` of the ``Vendor::Service::Resource`` form.
Compose files (``services:``) and Kubernetes manifests (``apiVersion``/``kind``) have none of
these at the top level.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..yamlnodes import Y

_RESOURCE_TYPE = re.compile(r"^[A-Za-z0-9]+::[A-Za-z0-9]+::[A-Za-z0-9:]+$")
# A top-level key only a template has: the format version, or a SAM transform (inline or in a
# list on the next lines). Compose, Kubernetes and settings files never start a line with these.
_TEMPLATE_TEXT = re.compile(rb"^(?:AWSTemplateFormatVersion[ \t]*:|Transform[ \t]*:[^\n]*(?:\n[ \t-][^\n]*){0,3}?AWS::Serverless)",
                            re.MULTILINE)


def is_template_text(data: bytes) -> bool:
    """Whether a YAML file's text shows a template's own top-level key, so that cfn-lint's
    decoder can be its only parse. A template without one is found by ``is_template_yaml``
    after the scan's YAML parse instead."""
    return _TEMPLATE_TEXT.search(data) is not None


def is_template_data(top: Any) -> bool:
    """Whether plain data (a parsed document's top level) is a CloudFormation template."""
    if not isinstance(top, dict) or "apiVersion" in top or "kind" in top or "services" in top:
        return False
    if "AWSTemplateFormatVersion" in top:
        return True
    transform = top.get("Transform")
    transforms = transform if isinstance(transform, list) else [transform]
    if any(isinstance(t, str) and t.startswith("AWS::Serverless") for t in transforms):
        return True
    resources = top.get("Resources")
    if not isinstance(resources, dict) or not resources:
        return False
    types = [r.get("Type") for r in resources.values() if isinstance(r, dict)]
    return bool(types) and all(isinstance(t, str) and _RESOURCE_TYPE.match(t) for t in types)


def is_template_yaml(documents: list[Y]) -> bool:
    """A one-document YAML file whose top level is a template (templates are single documents)."""
    return len(documents) == 1 and _is_template_node(documents[0])


def _is_template_node(node: Y) -> bool:
    if not isinstance(node.value, dict):
        return False
    top = {key: (value.plain() if key == "Resources" else value.scalar() if value.scalar() is not None
                 else [e.scalar() for e in value.elements()]) for key, value in node.items()}
    return is_template_data(top)


def is_template_json(data: bytes) -> bool:
    """A JSON file whose top level is a template; the cheap byte test comes first."""
    if b"AWS::" not in data and b"AWSTemplateFormatVersion" not in data:
        return False
    try:
        return is_template_data(json.loads(data))
    except (ValueError, RecursionError):
        return False
