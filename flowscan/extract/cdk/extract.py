"""CDK app → placements and env sources, one set per stack instance.

Each ``SomeStack(app, "Id", env=Environment(region=...))`` is a stack instance: its region
(from a literal, ``cdk.json`` context or unknown: ``CDK_DEFAULT_REGION`` or an
environment-agnostic stack, decided at deploy time) places every data construct of the stack
class and every function, and each function (``Function``, ``DockerImageFunction``,
``PythonFunction``) is a context: its ``environment``, the region variables the Lambda runtime
sets, applied to the code under its asset path.
"""

from __future__ import annotations

import ast
import posixpath
from collections.abc import Callable
from dataclasses import dataclass

from ...configfacts import (
    CODE_OUTSIDE_TREE,
    ConfigEndpoint,
    ConfigFacts,
    EnvBinding,
    EnvSource,
    Placement,
)
from ...model import Step
from ..cloudformation.evaluate import Value, unknown
from ..runtime_region import runtime_region_bindings
from ..stepfunctions import (
    Definition,
    MachineRegion,
    bundled_stepfunctions_rules,
    task_endpoints,
)
from .rules import CdkRules, FunctionRule, bundled_cdk_rules
from .source import CdkContext, CdkModule, Reader

KIND = "cdk"


@dataclass
class StackClass:
    name: str
    module: CdkModule
    node: ast.ClassDef


@dataclass
class StackInstance:
    stack_id: str
    cls: StackClass | None  # None: a plain Stack(...) assigned to ``variable``, constructs scoped to it
    region: Value
    reader: Reader  # where the instantiation is written
    call: ast.Call
    variable: str | None = None


def extract_cdk(cdk_json: dict[str, bytes], python: dict[str, bytes], rules: CdkRules | None = None, *,
                count_parse: Callable[[str], None] = lambda path: None) -> list[ConfigFacts]:
    """Facts of each CDK app: a ``cdk.json`` (path → bytes) and the Python files under its
    folder that import ``aws_cdk`` (path → bytes)."""
    rules = rules or bundled_cdk_rules()
    out: list[ConfigFacts] = []
    for json_path, data in sorted(cdk_json.items()):
        app_dir = posixpath.dirname(json_path)
        app_facts = ConfigFacts(json_path, KIND)
        out.append(app_facts)
        count_parse(json_path)
        try:
            context = CdkContext.read(json_path, data)
        except ValueError as exc:
            app_facts.parse_error = (1, f"cdk.json is not JSON: {exc}")
            context = CdkContext(json_path)
        modules = []
        for path, source in sorted(python.items()):
            if app_dir and not path.startswith(app_dir + "/"):
                continue
            try:
                modules.append(CdkModule.parse(path, source))
            except (SyntaxError, ValueError, RecursionError) as exc:
                app_facts.notes.append(f"{path}: not read as CDK code ({exc.__class__.__name__})")
        out += _read_app(modules, rules, context, app_dir, app_facts)
    return out


def _read_app(modules: list[CdkModule], rules: CdkRules, context: CdkContext, app_dir: str,
              app_facts: ConfigFacts) -> list[ConfigFacts]:
    classes = _stack_classes(modules, rules)
    instances = _instances(modules, classes, rules, context, app_dir)
    for name, cls in sorted(classes.items()):
        if not any(i.cls is cls for i in instances):
            app_facts.notes.append(f"{cls.module.path}:{cls.node.lineno}: stack class {name} is not instantiated "
                                   "in the app's code; its constructs are not placed")
    facts: dict[str, ConfigFacts] = {}
    for instance in instances:
        _read_stack(instance, rules, context, app_dir, facts)
    return [f for _, f in sorted(facts.items())]


def _stack_classes(modules: list[CdkModule], rules: CdkRules) -> dict[str, StackClass]:
    """Classes that derive from a CDK Stack (directly or through another stack class of the app)."""
    classes: dict[str, StackClass] = {}
    changed = True
    while changed:
        changed = False
        for module in modules:
            for node in ast.walk(module.tree):
                if isinstance(node, ast.ClassDef) and node.name not in classes and any(
                        (q := module.qualname(b)) in rules.stacks or (q or "").rsplit(".", 1)[-1] in classes
                        for b in node.bases):
                    classes[node.name] = StackClass(node.name, module, node)
                    changed = True
    return classes


def _instances(modules: list[CdkModule], classes: dict[str, StackClass], rules: CdkRules, context: CdkContext,
               app_dir: str) -> list[StackInstance]:
    out = []
    for module in modules:
        for node in ast.walk(module.tree):
            if not isinstance(node, ast.Call):
                continue
            qualname = module.qualname(node.func) or ""
            cls = classes.get(qualname.rsplit(".", 1)[-1])
            variable = next((name for name, value in module.assigns.items() if value is node), None)
            if cls is None and not (qualname in rules.stacks and variable):
                continue
            if cls is not None and any(node is c for c in ast.walk(cls.node)):  # super().__init__ is not an instance
                continue
            reader = Reader(module, rules, context, app_dir)
            stack_id = node.args[1] if len(node.args) > 1 else next((k.value for k in node.keywords if k.arg == "id"), None)
            sid = reader.text(stack_id).text if stack_id is not None else None
            out.append(StackInstance(sid or (cls.name if cls else variable or "Stack"), cls, _region(reader, node, rules),
                                     reader, node, None if cls else variable))
    return out


def _region(reader: Reader, call: ast.Call, rules: CdkRules) -> Value:
    env = next((k.value for k in call.keywords if k.arg == "env"), None)
    if env is None:
        why = "the stack sets no env: it is environment-agnostic and its region is chosen at deploy time"
        return unknown(why, reader.step(call, f"{ast.unparse(call.func)}(...): {why}"))
    if isinstance(env, ast.Name):
        bound = reader.local.get(env.id) or reader.module.assigns.get(env.id)
        env = bound if bound is not None else env
    region: ast.expr | None = None
    if isinstance(env, ast.Call) and reader.module.qualname(env.func) in rules.environments:
        region = next((k.value for k in env.keywords if k.arg == "region"), None)
    elif isinstance(env, ast.Dict):
        region = next((v for k, v in zip(env.keys, env.values) if isinstance(k, ast.Constant) and k.value == "region"), None)
    if region is None:
        why = "the stack's env sets no region: it is chosen at deploy time"
        return unknown(why, reader.step(env, f"{ast.unparse(env)}: {why}"))
    value = reader.text(region)
    return Value(value.text, value.chain, value.why and f"stack region: {value.why}")


def _init_arguments(instance: StackInstance) -> dict[str, tuple[ast.expr, Reader]]:
    """The stack class ``__init__`` parameters bound by the instantiation's arguments."""
    init = next((n for n in instance.cls.node.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    if init is None:
        return {}
    positional = [a.arg for a in init.args.args[1:]]
    bound: dict[str, tuple[ast.expr, Reader]] = {}
    for name, arg in zip(positional, instance.call.args):
        bound[name] = (arg, instance.reader)
    for keyword in instance.call.keywords:
        if keyword.arg:
            bound[keyword.arg] = (keyword.value, instance.reader)
    at_class = Reader(instance.cls.module, instance.reader.rules, instance.reader.context, instance.reader.app_dir)
    defaults = list(zip(positional[len(positional) - len(init.args.defaults):], init.args.defaults))
    defaults += [(a.arg, d) for a, d in zip(init.args.kwonlyargs, init.args.kw_defaults) if d is not None]
    for name, default in defaults:
        bound.setdefault(name, (default, at_class))
    return bound


def _read_stack(instance: StackInstance, rules: CdkRules, context: CdkContext, app_dir: str,
                facts: dict[str, ConfigFacts]) -> None:
    if instance.cls is None:  # stack = Stack(app, ...); Bucket(stack, ...) in the same module
        module = instance.reader.module
        reader = Reader(module, rules, context, app_dir, instance.region, {}, dict(module.assigns))
        calls = [n for n in ast.walk(module.tree) if isinstance(n, ast.Call) and n.args
                 and isinstance(n.args[0], ast.Name) and n.args[0].id == instance.variable]
        _read_calls(instance, reader, module.tree, calls, rules, facts)
        return
    arguments = _init_arguments(instance)
    for method in (n for n in instance.cls.node.body if isinstance(n, ast.FunctionDef)):
        local = {t.id: n.value for n in ast.walk(method) if isinstance(n, ast.Assign)
                 for t in n.targets if isinstance(t, ast.Name)}
        reader = Reader(instance.cls.module, rules, context, app_dir, instance.region, arguments, local)
        calls = [n for n in ast.walk(method) if isinstance(n, ast.Call)]
        _read_calls(instance, reader, method, calls, rules, facts)


def _read_calls(instance: StackInstance, reader: Reader, body: ast.AST, calls: list[ast.Call], rules: CdkRules,
                facts: dict[str, ConfigFacts]) -> None:
    """The constructs among ``calls`` (all in ``body``), created in ``instance``."""
    module = reader.module
    assigned = {id(value): name for name, value in reader.local.items()}
    by_variable: dict[str, EnvSource] = {}  # fn = Function(...): fn.add_environment(...) adds to it
    for call in calls:
        cls = module.qualname(call.func)
        if isinstance(call.func, ast.Attribute) and call.func.attr == rules.containers.add_method and call.args:
            name = reader.text(call.args[0]).text or "?"
            config = facts.setdefault(module.path, ConfigFacts(module.path, KIND))
            config.sources.append(_container_source(reader, instance, f"{instance.stack_id}/{name}", call,
                                                    call, rules, config.notes))
            continue
        if cls in rules.step_tasks:
            config = facts.setdefault(module.path, ConfigFacts(module.path, KIND))
            config.endpoints += _step_task(reader, instance, call, rules.step_tasks[cls], config.notes)
            continue
        if cls is None or (cls not in rules.functions and cls not in rules.resources
                           and cls not in rules.containers.services):
            continue
        construct = reader.text(call.args[1]).text if len(call.args) > 1 else None
        address = f"{instance.stack_id}/{construct or '?'}"
        config = facts.setdefault(module.path, ConfigFacts(module.path, KIND))
        here = Step(module.path, call.lineno, f"{cls.rsplit('.', 1)[-1]} {construct or '?'} in stack {instance.stack_id}")
        config.placements.append(Placement(address, "region", instance.region.text, "aws", module.path, call.lineno,
                                           instance.region.chain + (here,), instance.stack_id))
        rule = rules.functions.get(cls)
        if rule is not None:
            config.sources.append(_function_source(reader, instance, address, call, rule, config.notes))
            if id(call) in assigned:
                by_variable[assigned[id(call)]] = config.sources[-1]
        elif cls in rules.containers.services:
            options = next((k.value for k in call.keywords if k.arg in rules.containers.options
                            and isinstance(k.value, ast.Call)), call)
            config.sources.append(_container_source(reader, instance, address, call, options, rules, config.notes))
    _added_environment(reader, body, by_variable)


def _step_task(reader: Reader, instance: StackInstance, call: ast.Call, rule: tuple[str, str],
               notes: list[str]) -> list[ConfigEndpoint]:
    """A Step Functions task construct (``BedrockInvokeModel``, ``CallAwsService``): the service it
    calls from the state machine, in the stack's region."""
    name = (reader.text(call.args[1]).text if len(call.args) > 1 else None) or "?"
    kind, value = rule
    if kind == "integration":
        resource: str | None = f"arn:aws:states:::{value}"
    else:
        keywords = {k.arg: k.value for k in call.keywords if k.arg}
        service = reader.text(keywords[value]).text if value in keywords else None
        action = reader.text(keywords["action"]).text if "action" in keywords else None
        resource = f"arn:aws:states:::aws-sdk:{service}:{action}" if service and action else None
    state = {"Type": "Task", "Resource": resource}
    definition = Definition({"States": {name: state}}, lambda state, name: call.lineno)
    region = instance.region
    return task_endpoints(f"stack {instance.stack_id}", definition, MachineRegion(region.text, region.chain, region.why),
                          reader.module.path, lambda node, line: node if isinstance(node, str) else None,
                          bundled_stepfunctions_rules(), notes)


def _added_environment(reader: Reader, body: ast.AST, by_variable: dict[str, EnvSource]) -> None:
    """``fn.add_environment("KEY", value)`` calls on a function assigned to a local name."""
    for call in (n for n in ast.walk(body) if isinstance(n, ast.Call)):
        func = call.func
        if (isinstance(func, ast.Attribute) and func.attr == "add_environment" and isinstance(func.value, ast.Name)
                and func.value.id in by_variable and len(call.args) >= 2):
            key = reader.text(call.args[0]).text
            if key is None:
                continue
            value = reader.text(call.args[1])
            source = by_variable[func.value.id]
            detail = f"{source.name[len(KIND) + 1:]} add_environment" + ("" if value.known else f": {value.why}")
            source.bindings.append(EnvBinding(key, value.text, reader.module.path, call.lineno, detail, value.chain))


def _function_source(reader: Reader, instance: StackInstance, address: str, call: ast.Call, rule: FunctionRule,
                     notes: list[str]) -> EnvSource:
    source = EnvSource(f"{KIND}:{address}", KIND, reader.module.path, call.lineno)
    source.bindings = _runtime_region(instance, rule.runtime_region, f"the Lambda runtime of {address}", source)
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    source.bindings += _environment(reader, address, keywords.get(rule.environment or ""), call, notes)
    source.applies_to = [_code_folder(reader, address, call, rule, keywords, notes)]
    return source


def _container_source(reader: Reader, instance: StackInstance, address: str, call: ast.Call, options: ast.Call,
                      rules: CdkRules, notes: list[str]) -> EnvSource:
    """An ECS service's or ``add_container``'s container: its env, and the folder its image is built from."""
    rule = rules.containers
    source = EnvSource(f"{KIND}:{address}", KIND, reader.module.path, call.lineno)
    source.bindings = _runtime_region(instance, rule.runtime_region, f"Amazon ECS ({address})", source)
    keywords = {k.arg: k.value for k in options.keywords if k.arg}
    source.bindings += _environment(reader, address, keywords.get(rule.environment), call, notes)
    image = keywords.get(rule.image)
    if isinstance(image, ast.Call) and reader.module.qualname(image.func) in rule.images and image.args:
        folder = reader.folder(image.args[0])
        source.applies_to = [folder] if folder else [CODE_OUTSIDE_TREE]
        if folder is None:
            notes.append(f"{reader.module.path}:{call.lineno}: {address}: the image's folder is not read statically; "
                         "its environment applies to no file of the tree")
    return source  # an image from a registry: not narrowed (it may be built from any of the tree)


def _runtime_region(instance: StackInstance, keys: tuple[str, ...], runtime: str, source: EnvSource) -> list[EnvBinding]:
    """``AWS_REGION``/``AWS_DEFAULT_REGION`` as the runtime sets them: the stack region, or a hole that says why."""
    region = instance.region
    return runtime_region_bindings(keys, region.text, region.chain, runtime, source.path, source.line)


def _environment(reader: Reader, address: str, environment: ast.expr | None, call: ast.Call,
                 notes: list[str]) -> list[EnvBinding]:
    if environment is None:
        return []
    if not isinstance(environment, ast.Dict):
        notes.append(f"{reader.module.path}:{call.lineno}: the environment of {address} is not a dict literal; not read")
        return []
    out = []
    for key_node, value_node in zip(environment.keys, environment.values):
        key = reader.text(key_node).text if key_node is not None else None
        if key is None:
            continue
        value = reader.text(value_node)
        detail = f"{address} environment" if value.known else f"{address} environment: {value.why}"
        out.append(EnvBinding(key, value.text, reader.module.path, value_node.lineno, detail, value.chain))
    return out


def _code_folder(reader: Reader, address: str, call: ast.Call, rule: FunctionRule,
                 keywords: dict[str, ast.expr], notes: list[str]) -> str:
    at = f"{reader.module.path}:{call.lineno}: {address}"
    path_node: ast.expr | None = None
    if rule.entry and rule.entry in keywords:
        path_node = keywords[rule.entry]
    elif rule.code and rule.code in keywords:
        code = keywords[rule.code]
        built_by = reader.module.qualname(code.func) if isinstance(code, ast.Call) else None
        if built_by in rule.inline:
            notes.append(f"{at} runs inline code; its environment applies to no file of the tree")
            return CODE_OUTSIDE_TREE
        if built_by in rule.assets and isinstance(code, ast.Call) and code.args:
            path_node = code.args[0]
    folder = reader.folder(path_node) if path_node is not None else None
    if folder is None:
        notes.append(f"{at}: the code's asset path is not read statically; its environment applies to no file of the tree")
        return CODE_OUTSIDE_TREE
    return folder
