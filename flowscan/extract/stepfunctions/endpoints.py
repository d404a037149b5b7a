"""Task states → config endpoints of the services they call, in the state machine's region."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ...configfacts import ConfigEndpoint
from ...model import Step
from .definition import Definition, task_states
from .rules import StepFunctionsRules

_STATES_ARN = re.compile(r"^arn:[a-z-]+:states:::(?P<service>[a-z0-9-]+):(?P<rest>[^.]+)(?:\..*)?$")
_SDK = re.compile(r"^(?P<service>[a-z0-9]+):(?P<action>[A-Za-z0-9]+)$")
_LAMBDA_ARN = re.compile(r"^arn:[a-z-]+:lambda:(?P<region>[a-z]{2}(-gov)?-[a-z]+-\d):[0-9]*:function:")


@dataclass(frozen=True)
class MachineRegion:
    """The state machine's region (None: not known statically, ``why``) and how it was decided."""

    text: str | None
    chain: tuple[Step, ...] = ()
    why: str = ""


def task_endpoints(machine: str, definition: Definition, region: MachineRegion, path: str,
                   text_of: Callable[[Any, int], str | None], rules: StepFunctionsRules,
                   notes: list[str]) -> list[ConfigEndpoint]:
    """One endpoint per Task state that calls an AWS service (or an HTTPS API) directly.

    ``text_of(node, line)`` is a value of the definition as text (None: not known statically);
    ``notes`` is told about the Task states that cannot be placed."""
    out = []
    for task in task_states(definition):
        resource = text_of(task.state.get("Resource"), task.line)
        where = f"{path}:{task.line}: {machine} state {task.name}"
        if resource is None:
            notes.append(f"{where}: its Resource is not known statically; not placed")
            continue
        sdk = f"Step Functions {machine} state {task.name}: {resource}"
        lambda_arn = _LAMBDA_ARN.match(resource)
        if lambda_arn is not None:
            step = Step(path, task.line, f"state {task.name} invokes a Lambda function in {lambda_arn.group('region')} (its ARN)")
            out.append(ConfigEndpoint(rules.url("lambda", lambda_arn.group("region")), path, task.line, sdk, "aws",
                                      (step,), context_free=True))
            continue
        match = _STATES_ARN.match(resource)
        if match is None:
            notes.append(f"{where}: Resource {resource} is not a service integration flowscan knows; not placed")
            continue
        service, rest = match.group("service"), match.group("rest")
        if service == "aws-sdk":
            sdk_match = _SDK.match(rest)
            client = rules.sdk_client(sdk_match.group("service")) if sdk_match else None
            if client is None:
                notes.append(f"{where}: AWS SDK service {rest.split(':', 1)[0]!r} is not in the endpoint table; not placed")
                continue
            out.append(_service_endpoint(client, task.name, region, path, task.line, sdk, rules))
            continue
        integration = rules.integration(service, rest)
        if integration is None:
            notes.append(f"{where}: integration {service}:{rest} is not in rules/stepfunctions; not placed")
        elif integration.client is not None:
            out.append(_service_endpoint(integration.client, task.name, region, path, task.line, sdk, rules))
        else:
            endpoint = _parameter_endpoint(task.state, integration.url_parameter or "", text_of, task.name, path,
                                           task.line, sdk)
            if endpoint is None:
                notes.append(f"{where}: its {integration.url_parameter} is not known statically; not placed")
            else:
                out.append(endpoint)
    return out


def _service_endpoint(client: str, state: str, region: MachineRegion, path: str, line: int, sdk: str,
                      rules: StepFunctionsRules) -> ConfigEndpoint:
    step = Step(path, line, f"state {state} calls {client} in the state machine's region")
    unknown = "{unknown:the state machine's region: " + (region.why or "not known statically").replace("}", ")") + "}"
    url = rules.url(client, region.text, unknown)
    return ConfigEndpoint(url, path, line, sdk, "aws", region.chain + (step,), context_free=True)


def _parameter_endpoint(state: dict[str, Any], name: str, text_of: Callable[[Any, int], str | None], state_name: str,
                        path: str, line: int, sdk: str) -> ConfigEndpoint | None:
    for holder in (state.get("Parameters"), state.get("Arguments")):
        value = text_of(holder.get(name), line) if isinstance(holder, dict) and name in holder else None
        if value and not value.startswith(("$", "{%")):
            url = value if "://" in value else f"https://{value}"
            return ConfigEndpoint(url, path, line, sdk, None, (Step(path, line, f"state {state_name} {name}: {value}"),),
                                  context_free=True)
    return None
