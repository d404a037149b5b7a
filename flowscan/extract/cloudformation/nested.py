"""Nested stacks (``AWS::CloudFormation::Stack`` with a local ``TemplateURL``, SAM
``AWS::Serverless::Application`` with a local ``Location``): the child template is read as a stack
in its parent's region and deploy config, with the parameters the parent passes.
"""

from __future__ import annotations

import posixpath
from typing import Any

from ...model import Step
from .decode import at_path, line_of
from .evaluate import Inherited, Stack, Value
from .rules import NestedRule

MAX_NESTING = 8


def child_path(stack: Stack, resource: dict[str, Any], rule: NestedRule) -> str | None:
    """The scan path of a nested stack's template when it is a local file, else None."""
    location = at_path(resource, rule.template)
    if not isinstance(location, str) or "://" in location or location.startswith("/"):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(stack.path), location))
    return None if path.startswith("../") else path


def describe_location(resource: dict[str, Any], rule: NestedRule) -> str:
    location = at_path(resource, rule.template)
    if isinstance(location, dict):
        return ", ".join(str(key) for key in location)  # ApplicationId/SemanticVersion, or an intrinsic
    return str(location)


def child_stack(stack: Stack, logical: str, line: int, resource: dict[str, Any], rule: NestedRule, path: str,
                template: dict[str, Any]) -> Stack:
    """The nested stack as its parent deploys it."""
    here = Step(stack.path, line, f"{stack.prefix}{logical} ({resource['Type']}) deploys {path} in the parent stack's region")
    region = Value(stack.region.text, stack.region.chain + (here,), stack.region.why)
    passed: dict[str, Value] = {}
    parameters = at_path(resource, rule.parameters)
    for key, raw in (parameters.items() if isinstance(parameters, dict) else ()):
        at = line_of(key, line)
        value = stack.eval(raw, at)
        step = Step(stack.path, at, f"{stack.prefix}{logical} passes {key} = {value.text if value.known else '?'}")
        passed[str(key)] = Value(value.text, value.chain + (step,), value.why)
    return Stack(path, template, stack.deploy, Inherited(region, passed, f"{stack.prefix}{logical}/"))
