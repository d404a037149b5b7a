"""Templates → placements (resources in the stack's region) and env sources (Lambda functions,
ECS task definitions, App Runner services, Batch jobs), once per deploy config.

A function's context holds its ``Environment.Variables`` (SAM ``Globals`` merged under its
own), the region variables its runtime sets (``AWS_REGION``/``AWS_DEFAULT_REGION`` = the stack
region, or a hole that says the region is chosen at deploy time) and applies to the code it
ships: its ``CodeUri`` folder (or Docker build context) and the folders of its layers. A
function whose code is not in the tree (inline, an S3 object) applies to no file.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any, Callable, Iterator

from ...configfacts import CODE_OUTSIDE_TREE, ConfigFacts, EnvBinding, EnvSource, Placement
from ...model import Step
from ..runtime_region import runtime_region_bindings
from ..yamlnodes import Y
from .decode import at_path as _get
from .decode import decode_node, decode_template, line_of
from .evaluate import Stack, Value
from .rules import CloudFormationRules, EnvRule, NestedRule, bundled_cloudformation_rules
from .nested import MAX_NESTING, child_path, child_stack, describe_location

if TYPE_CHECKING:
    import yaml
from .samconfig import DEFAULT_ENV, DeployConfig, read_samconfig
from .statemachines import state_machine_endpoints

KIND = "cloudformation"


def extract_cloudformation(templates: dict[str, bytes], samconfigs: dict[str, bytes | Y],
                           rules: CloudFormationRules | None = None, *,
                           count_parse: Callable[[str], None] = lambda path: None,
                           definitions: dict[str, bytes] | None = None,
                           composed: dict[str, yaml.Node] | None = None) -> list[ConfigFacts]:
    """Facts of every template (path → bytes), deployed with the samconfig of its folder (path →
    samconfig.toml bytes, or samconfig.yaml's parsed document) when there is one; ``definitions``
    are the state machine definition files of the scan (``*.asl.json``, path → bytes);
    ``composed``, the templates the scan's YAML parse already read (path → composed node),
    decoded from that node without parsing them again."""
    rules = rules or bundled_cloudformation_rules()
    out: list[ConfigFacts] = []
    deploys: dict[str, list[DeployConfig]] = {}
    for path, data in sorted(samconfigs.items()):
        if not isinstance(data, Y):
            count_parse(path)
        configs, error = read_samconfig(path, data)
        if error is not None:
            out.append(ConfigFacts(path, KIND, parse_error=error))
        deploys[posixpath.dirname(path)] = configs
    by_path: dict[str, ConfigFacts] = {}
    decoded: dict[str, dict[str, Any]] = {}
    for path, data in sorted(templates.items()):
        facts = by_path[path] = ConfigFacts(path, KIND)
        out.append(facts)
        node = (composed or {}).get(path)
        found = decode_node(node, data) if node is not None else None
        if found is None:
            count_parse(path)
            found = decode_template(path, data)
        if found.template is None:
            facts.parse_error = found.error
        else:
            decoded[path] = found.template
    reader = _Reader(rules, by_path, decoded, definitions or {})
    children = {child for path, template in decoded.items() for child in reader.children(path, template)}
    for path, template in decoded.items():
        if path in children:
            continue  # read as its parents deploy it
        facts = by_path[path]
        try:
            for deploy in deploys.get(posixpath.dirname(path)) or [DeployConfig()]:
                reader.read(Stack(path, template, deploy))
        except RecursionError:  # intrinsics nested deeper than Python's stack
            facts.placements.clear()
            facts.sources.clear()
            facts.parse_error = (1, "intrinsic functions nest too deep to evaluate; not analysed")
    return out


class _Reader:
    """Reads stacks, and the nested stacks they deploy, into the facts of their templates."""

    def __init__(self, rules: CloudFormationRules, by_path: dict[str, ConfigFacts], decoded: dict[str, dict[str, Any]],
                 definitions: dict[str, bytes]) -> None:
        self.rules = rules
        self.by_path = by_path
        self.decoded = decoded
        self.definitions = definitions

    def children(self, path: str, template: dict[str, Any]) -> list[str]:
        """The templates of the scan that ``template`` deploys as nested stacks."""
        stack = Stack(path, template, DeployConfig())
        out = []
        for resource in stack.section("Resources").values():
            rule = self._rule(resource)
            child = child_path(stack, resource, rule) if rule is not None else None
            if child is not None and child in self.decoded and child != path:
                out.append(child)
        return out

    def _rule(self, resource: Any) -> NestedRule | None:
        kind = resource.get("Type") if isinstance(resource, dict) else None
        return self.rules.nested.get(kind) if isinstance(kind, str) else None

    def read(self, stack: Stack, depth: int = 0) -> None:
        facts = self.by_path[stack.path]
        _read_stack(stack, self.rules, facts, self.definitions)
        for logical, resource in stack.section("Resources").items():
            rule = self._rule(resource)
            if rule is None:
                continue
            line = line_of(logical, line_of(resource, 1))
            child = child_path(stack, resource, rule)
            if child is None or child not in self.decoded:
                facts.notes.append(f"{stack.path}:{line}: nested stack {stack.prefix}{logical} deploys "
                                   f"{describe_location(resource, rule)}, not a template of the scan; not analysed")
            elif depth >= MAX_NESTING or child == stack.path:
                facts.notes.append(f"{stack.path}:{line}: nested stack {stack.prefix}{logical} nests too deep; not analysed")
            else:
                self.read(child_stack(stack, str(logical), line, resource, rule, child, self.decoded[child]), depth + 1)


def _read_stack(stack: Stack, rules: CloudFormationRules, facts: ConfigFacts, definitions: dict[str, bytes]) -> None:
    for logical, resource in stack.section("Resources").items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            continue
        condition = resource.get("Condition")
        if isinstance(condition, str) and stack.condition(condition) is False:
            continue  # not created in this deploy config
        line = line_of(logical, line_of(resource, 1))  # the logical id's line
        name = stack.prefix + str(logical)  # Parent/Logical in a nested stack
        facts.placements.extend(_placements(stack, name, line, resource, rules))
        env_rule = rules.env.get(resource["Type"])
        if env_rule is not None:
            facts.sources.append(_env_source(stack, name, line, resource, env_rule, facts.notes))
        machine_rule = rules.state_machines.get(resource["Type"])
        if machine_rule is not None:
            facts.endpoints += state_machine_endpoints(stack, name, line, resource, machine_rule, definitions,
                                                       facts.notes)


# -- placements ----------------------------------------------------------------------------------

def _placements(stack: Stack, logical: str, line: int, resource: dict[str, Any],
                rules: CloudFormationRules) -> list[Placement]:
    rtype = resource["Type"]
    rule = rules.resource_rule(rtype)
    if rule is None or rule.skip:
        return []
    address = f"{rtype}.{logical}"
    here = Step(stack.path, line, f"{logical} ({rtype}) is created in the stack's region")
    region = stack.region
    out = [Placement(address, "AWS::Region", region.text, "aws", stack.path, line, region.chain + (here,), stack.deploy.name)]
    if rule.replicas:
        *path, key = rule.replicas
        for holder in _walk(resource, [*path, "*"]):
            if isinstance(holder, dict) and key in holder:
                value = stack.eval(holder[key], line_of(holder, line))
                at = line_of(holder[key], line_of(holder, line))
                step = Step(stack.path, at, f"{logical} replica {key}: {value.text or value.why}")
                if value.known and value.text == region.text:
                    continue  # the stack region's own replica
                out.append(Placement(f"{address}[{value.text or '?'}]", key, value.text, "aws", stack.path, at,
                                     value.chain + (step,), stack.deploy.name))
    return out


# -- env sources ---------------------------------------------------------------------------------

def _env_source(stack: Stack, logical: str, line: int, resource: dict[str, Any], rule: EnvRule,
                notes: list[str]) -> EnvSource:
    suffix = "" if stack.deploy.name == DEFAULT_ENV else f"[{stack.deploy.name}]"
    source = EnvSource(f"{KIND}:{logical}{suffix}", KIND, stack.path, line)
    region = stack.region
    source.bindings += runtime_region_bindings(rule.runtime_region, region.text, region.chain,
                                               f"the runtime of {logical} ({resource['Type']})", stack.path, line)
    globals_ = _globals(stack, rule)
    if rule.map:
        for holder in (globals_, resource):
            source.bindings += _map_bindings(stack, _get(holder, rule.map), f"{logical} {'.'.join(rule.map[1:])}", line)
    elif rule.list:
        source.bindings += _list_bindings(stack, resource, rule.list, f"{logical} {'.'.join(rule.list[1:])}", line)
    if rule.code is not None:
        source.applies_to = _code_folders(stack, f"{stack.path}:{line}: {logical}", resource, globals_, rule, notes)
    by_key: dict[str, EnvBinding] = {}
    for binding in source.bindings:  # later wins: the function's own over Globals over the runtime's
        by_key.pop(binding.key, None)
        by_key[binding.key] = binding
    source.bindings = list(by_key.values())
    return source


def _globals(stack: Stack, rule: EnvRule) -> dict[str, Any]:
    """SAM ``Globals.<section>`` as a resource-shaped mapping (its keys are properties)."""
    if not rule.globals:
        return {}
    section = stack.section("Globals").get(rule.globals)
    return {"Properties": section} if isinstance(section, dict) else {}


def _map_bindings(stack: Stack, node: Any, detail: str, line: int) -> list[EnvBinding]:
    if not isinstance(node, dict):
        return []
    out = []
    for key, raw in node.items():
        at = line_of(key, line)
        value = stack.eval(raw, at)
        if not value.absent:
            out.append(_binding(stack, str(key), value, at, detail))
    return out


def _list_bindings(stack: Stack, resource: dict[str, Any], path: tuple[str, ...], detail: str, line: int) -> list[EnvBinding]:
    out = []
    for items in _walk(resource, list(path)):
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict) or "Name" not in item:
                continue
            at = line_of(item, line)
            name = stack.eval(item["Name"], at)
            if not name.known:
                continue
            value = stack.eval(item["Value"], at) if "Value" in item else Value(None, (), "no Value")
            out.append(_binding(stack, name.text or "", value, at, detail))
    return out


def _binding(stack: Stack, key: str, value: Value, line: int, detail: str) -> EnvBinding:
    if value.known:
        return EnvBinding(key, value.text, stack.path, line, detail, value.chain)
    return EnvBinding(key, None, stack.path, line, f"{detail}: {value.why}", value.chain)


# -- which code runs here --------------------------------------------------------------------------

def _code_folders(stack: Stack, at: str, resource: dict[str, Any], globals_: dict[str, Any],
                  rule: EnvRule, notes: list[str]) -> list[str]:
    """The folders (from the scan root) of the code the resource runs; CODE_OUTSIDE_TREE when
    none of it is in the tree."""
    code = rule.code
    assert code is not None
    base = posixpath.dirname(stack.path)
    runtime = _first(resource, globals_, code.runtime) if code.runtime else None
    if isinstance(runtime, str) and not runtime.startswith(code.python_runtime):
        notes.append(f"{at} runs {runtime}, not Python; its environment applies to no Python file of the tree")
        return [CODE_OUTSIDE_TREE]
    folders: list[str] = []
    image = _get(resource, code.image) if code.image else None
    path = _first(resource, globals_, code.path) if code.path else None
    if isinstance(image, str):
        folders.append(_relative(base, image))
    elif isinstance(path, str) and not path.startswith("s3://"):
        folders.append(_relative(base, path))
    elif _first(resource, globals_, code.inline) is not None if code.inline else False:
        notes.append(f"{at} runs inline code from the template; its environment applies to no file of the tree")
    elif path is not None or image is not None:
        notes.append(f"{at} runs code from outside the tree ({_describe(path if path is not None else image)}); "
                     "its environment applies to no file of the tree")
    else:
        notes.append(f"{at} names no code location; its environment applies to no file of the tree")
    for layer in _layers(stack, resource, globals_, code.layers, at, notes):
        if layer not in folders:
            folders.append(layer)
    return folders or [CODE_OUTSIDE_TREE]


def _layers(stack: Stack, resource: dict[str, Any], globals_: dict[str, Any], path: tuple[str, ...],
            at: str, notes: list[str]) -> Iterator[str]:
    if not path:
        return
    base = posixpath.dirname(stack.path)
    refs = [*(_get(globals_, path) or []), *(_get(resource, path) or [])]
    for ref in refs:
        name = ref.get("Ref") if isinstance(ref, dict) else None
        layer = stack.section("Resources").get(name) if isinstance(name, str) else None
        content = None
        if isinstance(layer, dict):
            props = layer.get("Properties") or {}
            content = props.get("ContentUri", props.get("Content"))
        if isinstance(content, str) and not content.startswith("s3://"):
            yield _relative(base, content)
        else:
            notes.append(f"{at} uses a layer whose code is not in the tree ({_describe(ref)})")


def _describe(node: Any) -> str:
    if isinstance(node, dict):
        return ", ".join(f"{k}" for k in node)
    return str(node)


def _relative(base: str, ref: str) -> str:
    return posixpath.normpath(posixpath.join(base, ref)) if ref else (base or ".")


# -- property paths ----------------------------------------------------------------------------------

def _first(resource: dict[str, Any], globals_: dict[str, Any], path: tuple[str, ...]) -> Any:
    own = _get(resource, path)
    return own if own is not None else _get(globals_, path)


def _walk(node: Any, path: list[str]) -> Iterator[Any]:
    """The values at ``path``; ``*`` steps into every item of a list."""
    if not path:
        yield node
        return
    key, rest = path[0], path[1:]
    if key == "*":
        for item in node if isinstance(node, list) else []:
            yield from _walk(item, rest)
    elif isinstance(node, dict) and key in node:
        yield from _walk(node[key], rest)
