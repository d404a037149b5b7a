"""Template values in one deploy config: parameters (``parameter_overrides`` over ``Default``),
pseudo parameters (``AWS::Region`` is the samconfig region, or unknown: chosen at deploy time)
and the intrinsic functions whose result is known before deployment (``Ref`` of a parameter,
``Fn::Sub``, ``Fn::Join``, ``Fn::Select``, ``Fn::FindInMap``, ``Fn::If`` on a condition that can
be decided). Attributes of created resources (``Ref`` of a resource, ``Fn::GetAtt``,
``Fn::ImportValue``) are known only after deployment: they are unknown, and say so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ...model import Step
from .decode import line_of
from .samconfig import DeployConfig, Setting


@dataclass(frozen=True)
class Value:
    """A template value: ``text`` when known statically, else None and ``why``."""

    text: str | None
    chain: tuple[Step, ...] = ()
    why: str = ""
    absent: bool = False  # AWS::NoValue: the property is left out

    @property
    def known(self) -> bool:
        return self.text is not None


def unknown(why: str, *chain: Step) -> Value:
    return Value(None, tuple(chain), why)


_SUB = re.compile(r"\$\{(!?)([^}]*)\}")
_NOT_BEFORE_DEPLOY = ("AWS::AccountId", "AWS::StackId", "AWS::NotificationARNs")


@dataclass(frozen=True)
class Inherited:
    """What a parent stack gives a nested stack: its region, the parameters it passes and the
    nested stack's logical id (``Parent/``) that prefixes the names of what it creates."""

    region: Value
    parameters: dict[str, Value]
    prefix: str


class Stack:
    """One template in one deploy config (as a nested stack: in its parent's)."""

    def __init__(self, path: str, template: dict[str, Any], deploy: DeployConfig, inherited: Inherited | None = None):
        self.path = path
        self.template = template
        self.deploy = deploy
        self.inherited = inherited
        self.prefix = inherited.prefix if inherited is not None else ""
        self.region = inherited.region if inherited is not None else self._region()
        self._conditions: dict[str, bool | None] = {}

    def section(self, name: str) -> dict[str, Any]:
        found = self.template.get(name)
        return found if isinstance(found, dict) else {}

    def _region(self) -> Value:
        setting = self.deploy.region
        if setting is not None:
            return _from_setting(setting, f"samconfig [{self.deploy.name}] region = {setting.value}: AWS::Region")
        where = f"{self.deploy.path} [{self.deploy.name}] sets no region" if self.deploy.path else "no samconfig.toml beside the template"
        return unknown(f"AWS::Region: the stack's region is chosen at deploy time ({where})",
                       Step(self.path, 1, f"AWS::Region is chosen at deploy time ({where})"))

    # -- references -------------------------------------------------------------------------------
    def ref(self, name: str, line: int) -> Value:
        if name.startswith("AWS::"):
            return self._pseudo(name, line)
        params = self.section("Parameters")
        if name in params:
            return self.parameter(name, line)
        if name in self.section("Resources"):
            return unknown(f"Ref {name}: the resource's physical id is known after deployment",
                           Step(self.path, line, f"Ref {name} (a resource, named at deploy time)"))
        return unknown(f"Ref {name}: no such parameter or resource", Step(self.path, line, f"Ref {name} is not declared"))

    def parameter(self, name: str, line: int) -> Value:
        params = self.section("Parameters")
        decl = params[name]
        decl_line = line_of(next(k for k in params if k == name), line_of(decl, line))  # the name's line
        ref = Step(self.path, decl_line, f"Parameters.{name}")
        passed = self.inherited.parameters.get(name) if self.inherited is not None else None
        if passed is not None:
            return Value(passed.text, passed.chain + (ref,), passed.why)
        override = self.deploy.overrides.get(name) if self.inherited is None else None
        if override is not None:
            value = _from_setting(override, f"parameter_overrides {name}={override.value}")
            return Value(value.text, value.chain + (ref,))
        default = decl.get("Default") if isinstance(decl, dict) else None
        ptype = str(decl.get("Type", "")) if isinstance(decl, dict) else ""
        if default is None:
            return unknown(f"parameter {name} has no Default and no parameter_overrides value",
                           Step(self.path, decl_line, f"Parameters.{name}: no Default, no override"))
        if ptype.startswith("AWS::SSM::Parameter::Value"):
            return unknown(f"parameter {name} is read from SSM parameter {default} at deploy time",
                           Step(self.path, line_of(default, decl_line), f"Parameters.{name}: SSM parameter {default}"))
        text = _scalar_text(default)
        return Value(text, (Step(self.path, line_of(default, decl_line), f"Parameters.{name}.Default: {text}"),))

    def _pseudo(self, name: str, line: int) -> Value:
        if name == "AWS::Region":
            return self.region
        if name == "AWS::NoValue":
            return Value(None, (), "AWS::NoValue", absent=True)
        if name == "AWS::StackName" and self.deploy.stack_name is not None:
            return _from_setting(self.deploy.stack_name, f"samconfig stack_name = {self.deploy.stack_name.value}")
        if name in ("AWS::Partition", "AWS::URLSuffix") and self.region.known:
            region = self.region.text or ""
            partition, suffix = ("aws-cn", "amazonaws.com.cn") if region.startswith("cn-") else \
                ("aws-us-gov", "amazonaws.com") if region.startswith("us-gov-") else ("aws", "amazonaws.com")
            return Value(partition if name == "AWS::Partition" else suffix, self.region.chain)
        return unknown(f"{name} is known at deploy time", Step(self.path, line, f"{name} is known at deploy time"))

    # -- expressions ------------------------------------------------------------------------------
    def eval(self, node: Any, line: int = 1) -> Value:
        line = line_of(node, line)
        if isinstance(node, bool):
            return Value("true" if node else "false")
        if isinstance(node, (str, int, float)):
            return Value(str(node))
        if isinstance(node, dict) and len(node) == 1:
            (fn, arg), = node.items()
            handler = _FUNCTIONS.get(str(fn))
            if handler is not None:
                return handler(self, arg, line)
        if node is None:
            return unknown("null value", Step(self.path, line, "null"))
        return unknown("not a string", Step(self.path, line, "a mapping or list where a string is expected"))

    def _sub(self, arg: Any, line: int) -> Value:
        text, variables = (arg, {}) if isinstance(arg, str) else \
            (arg[0], arg[1] if len(arg) > 1 and isinstance(arg[1], dict) else {}) if isinstance(arg, list) and arg else (None, {})
        if not isinstance(text, str):
            return unknown("Fn::Sub of something else than a string", Step(self.path, line, "Fn::Sub"))
        parts: list[str] = []
        chain: list[Step] = []
        pos = 0
        for m in _SUB.finditer(text):
            parts.append(text[pos:m.start()])
            pos = m.end()
            if m.group(1):  # ${!Literal}
                parts.append("${" + m.group(2) + "}")
                continue
            name = m.group(2).strip()
            if name in variables:
                value = self.eval(variables[name], line)
            elif "." in name and not name.startswith("AWS::"):
                value = unknown(f"Fn::GetAtt {name} is known after deployment",
                                Step(self.path, line, f"${{{name}}} (an attribute known after deployment)"))
            else:
                value = self.ref(name, line)
            chain += value.chain
            if not value.known:
                return Value(None, tuple(chain), value.why)
            parts.append(value.text or "")
        parts.append(text[pos:])
        return Value("".join(parts), tuple(chain))

    def _join(self, arg: Any, line: int) -> Value:
        if not (isinstance(arg, list) and len(arg) == 2 and isinstance(arg[0], str) and isinstance(arg[1], list)):
            return unknown("Fn::Join of a list that is built at deploy time", Step(self.path, line, "Fn::Join"))
        values = [self.eval(item, line) for item in arg[1]]
        chain = tuple(s for v in values for s in v.chain)
        missing = next((v for v in values if not v.known and not v.absent), None)
        if missing is not None:
            return Value(None, chain, missing.why)
        return Value(arg[0].join(v.text or "" for v in values if not v.absent), chain)

    def _select(self, arg: Any, line: int) -> Value:
        if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], list):
            index = self.eval(arg[0], line)
            if index.known and (index.text or "").isdigit() and int(index.text or 0) < len(arg[1]):
                return self.eval(arg[1][int(index.text or 0)], line)
        return unknown("Fn::Select from a list that is built at deploy time", Step(self.path, line, "Fn::Select"))

    def _find_in_map(self, arg: Any, line: int) -> Value:
        if isinstance(arg, list) and len(arg) >= 3:
            keys = [self.eval(a, line) for a in arg[:3]]
            chain = tuple(s for k in keys for s in k.chain)
            if all(k.known for k in keys):
                node: Any = self.section("Mappings")
                for key in keys:
                    node = node.get(key.text) if isinstance(node, dict) else None
                if node is not None and not isinstance(node, (dict, list)):
                    names = ".".join(k.text or "" for k in keys)
                    return Value(_scalar_text(node), chain + (Step(self.path, line_of(node, line), f"Mappings.{names}: {node}"),))
            return Value(None, chain, "Fn::FindInMap with keys known at deploy time")
        return unknown("Fn::FindInMap", Step(self.path, line, "Fn::FindInMap"))

    def _if(self, arg: Any, line: int) -> Value:
        if not (isinstance(arg, list) and len(arg) == 3 and isinstance(arg[0], str)):
            return unknown("malformed Fn::If", Step(self.path, line, "Fn::If"))
        decided = self.condition(arg[0])
        if decided is None:
            return unknown(f"Fn::If on condition {arg[0]}, decided at deploy time",
                           Step(self.path, line, f"Fn::If {arg[0]}: condition not decided statically"))
        chosen = self.eval(arg[1] if decided else arg[2], line)
        step = Step(self.path, line, f"Fn::If {arg[0]} is {'true' if decided else 'false'}")
        return Value(chosen.text, (step,) + chosen.chain, chosen.why, chosen.absent)

    def _unknown_attribute(self, arg: Any, line: int) -> Value:
        name = ".".join(str(a) for a in arg) if isinstance(arg, list) else str(arg)
        return unknown(f"Fn::GetAtt {name} is known after deployment",
                       Step(self.path, line, f"Fn::GetAtt {name} (known after deployment)"))

    # -- conditions -------------------------------------------------------------------------------
    def condition(self, name: str) -> bool | None:
        """A named condition's value when every operand is known statically, else None."""
        if name not in self._conditions:
            self._conditions[name] = None  # a cycle stays undecided
            node = self.section("Conditions").get(name)
            self._conditions[name] = self._decide(node) if node is not None else None
        return self._conditions[name]

    def _decide(self, node: Any) -> bool | None:
        if not (isinstance(node, dict) and len(node) == 1):
            return None
        (fn, arg), = node.items()
        if fn == "Condition" and isinstance(arg, str):
            return self.condition(arg)
        if fn == "Fn::Equals" and isinstance(arg, list) and len(arg) == 2:
            a, b = (self.eval(x) for x in arg)
            return a.text == b.text if a.known and b.known else None
        if fn == "Fn::Not" and isinstance(arg, list) and len(arg) == 1:
            inner = self._decide(arg[0])
            return None if inner is None else not inner
        if fn in ("Fn::And", "Fn::Or") and isinstance(arg, list):
            parts = [self._decide(x) for x in arg]
            if fn == "Fn::And":
                return False if False in parts else None if None in parts else True
            return True if True in parts else None if None in parts else False
        return None


def _scalar_text(node: Any) -> str:
    if isinstance(node, bool):
        return "true" if node else "false"
    return str(node)


def _from_setting(setting: Setting, detail: str) -> Value:
    return Value(setting.value, (Step(setting.path, setting.line, detail),))


_FUNCTIONS = {
    "Ref": lambda s, a, line: s.ref(str(a), line) if isinstance(a, str) else unknown("Ref of a non-name", Step(s.path, line, "Ref")),
    "Fn::Sub": Stack._sub,
    "Fn::Join": Stack._join,
    "Fn::Select": Stack._select,
    "Fn::FindInMap": Stack._find_in_map,
    "Fn::If": Stack._if,
    "Fn::GetAtt": Stack._unknown_attribute,
    "Fn::ImportValue": lambda s, a, line: unknown("Fn::ImportValue reads another stack's export at deploy time",
                                                  Step(s.path, line, "Fn::ImportValue (another stack's export)")),
    "Fn::GetAZs": lambda s, a, line: unknown("Fn::GetAZs is known at deploy time", Step(s.path, line, "Fn::GetAZs")),
    "Fn::Base64": lambda s, a, line: s.eval(a, line),
}
