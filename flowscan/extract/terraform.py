"""Terraform modules → placements (resources with a location) and env sources, per var-file context.

``extract_terraform(root, files)`` reads every ``.tf`` / ``.tfvars`` file (grouped by folder: one
folder is one Terraform module) with python-hcl2's typed tree, which keeps the line of every
block, attribute and expression. Nothing is executed and no provider is contacted.

What is evaluated (statically; anything else is *unknown*, never guessed):

- ``variable`` defaults; ``terraform.tfvars`` and ``*.auto.tfvars`` (lexical order, later wins)
  for every context; every other ``*.tfvars`` is its own context named after the file and layered
  on top (Terraform's precedence: defaults < terraform.tfvars < *.auto.tfvars < -var-file). With
  no such file there is one context, ``default``;
- ``locals``, ``var.x``, ``local.x``, ``module.x.output``, arguments of other resources in the
  module (``azurerm_resource_group.rg.location``), string templates and heredocs with
  ``${...}``, literal maps and lists, indexing, and a few pure functions (``lookup``,
  ``jsonencode``, ``lower``, ``upper``, ``format``, ``merge``, ``coalesce``, ``tostring``);
- local modules (``source = "./modules/x"``): inputs bind the child's variables, resources get
  ``module.x.`` addresses, provider configurations are inherited or passed with ``providers``;
- ``provider`` blocks and aliases (``provider = aws.eu``).

Which resource types carry a location, and where resources set env vars, is data:
``rules/terraform/*.yaml`` (validated against ``schemas/rules-terraform.schema.json``).

Every value carries a chain of :class:`Step` from where it was written to where it is used,
e.g. ``terraform.tfvars:1 region = "us-central1"`` → ``variables.tf:3 var.region`` →
``main.tf:12 location = var.region``.
"""

from __future__ import annotations

import fnmatch
import json
import posixpath
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

import hcl2
from hcl2.rules import base as hb
from hcl2.rules import containers as hc
from hcl2.rules import expressions as he
from hcl2.rules import functions as hf
from hcl2.rules import indexing as hi
from hcl2.rules import literal_rules as hl
from hcl2.rules import strings as hs
from hcl2.rules.abstract import LarkToken
from hcl2.utils import SerializationOptions, process_escape_sequences

from ..catalog import bundled_catalog, default_rules_dir, load_rule_file
from ..configfacts import ConfigFacts, EnvBinding, EnvSource, Placement
from ..model import Step

KIND = "terraform"
DEFAULT_CONTEXT = "default"
MAX_MODULE_DEPTH = 8
MAX_EVAL_DEPTH = 40
_META_ARGS = {"source", "version", "providers", "count", "for_each", "depends_on"}


# =============================================================================================
# Rules (data)
# =============================================================================================

@dataclass(frozen=True)
class ResourceRule:
    """Where a resource type keeps its location (one ``resources:`` entry)."""

    pattern: str
    cloud: str
    attributes: tuple[str, ...] = ()
    zone_attributes: tuple[str, ...] = ()
    fallback_provider: bool = False
    skip: bool = False

    @property
    def specificity(self) -> tuple[int, int]:
        """Exact types first, then longer globs."""
        wild = "*" in self.pattern
        return (1 if wild else 0, -len(self.pattern.replace("*", "")))


@dataclass(frozen=True)
class EnvRule:
    """Where a resource type sets a process environment (one ``env:`` entry)."""

    types: tuple[str, ...]
    containers: tuple[str, ...] = ()
    env_block: str | None = None
    secret_blocks: tuple[str, ...] = ()
    image: tuple[str, ...] = ()
    map: tuple[str, ...] = ()
    container_definitions: str | None = None


@dataclass(frozen=True)
class CloudRules:
    cloud: str
    providers: tuple[str, ...]
    provider_region: str | None
    zone_pattern: re.Pattern[str] | None


@dataclass
class TerraformRules:
    clouds: list[CloudRules]
    resources: list[ResourceRule]
    env: dict[str, EnvRule]

    def resource_rule(self, rtype: str) -> ResourceRule | None:
        for rule in self.resources:  # sorted by specificity
            if fnmatch.fnmatchcase(rtype, rule.pattern):
                return rule
        return None

    def cloud_of_provider(self, name: str) -> CloudRules | None:
        for cloud in self.clouds:
            if name in cloud.providers:
                return cloud
        return None

    def cloud(self, cloud: str) -> CloudRules | None:
        return next((c for c in self.clouds if c.cloud == cloud), None)


def load_terraform_rules(rules_dir: Path | None = None) -> TerraformRules:
    """Read and validate ``rules/terraform/*.yaml``."""
    folder = (rules_dir or default_rules_dir()) / "terraform"
    out = TerraformRules([], [], {})
    for path in sorted(folder.glob("*.yaml")):
        data = load_rule_file(path, "rules-terraform.schema.json")
        cloud = data["cloud"]
        zone = data.get("zone_pattern")
        out.clouds.append(CloudRules(cloud, tuple(data["providers"]), data.get("provider_region"),
                                     re.compile(zone) if zone else None))
        for entry in data.get("resources", []):
            out.resources.append(ResourceRule(
                entry["type"], cloud, tuple(entry.get("attributes", ())), tuple(entry.get("zone_attributes", ())),
                entry.get("fallback") == "provider", bool(entry.get("skip", False)),
            ))
        for entry in data.get("env", []):
            rule = EnvRule(
                tuple(entry["types"]), tuple(entry.get("containers", ())), entry.get("env_block"),
                tuple(entry.get("secret_blocks", ())), tuple(entry.get("image", ())), tuple(entry.get("map", ())),
                entry.get("container_definitions"),
            )
            for rtype in rule.types:
                out.env[rtype] = rule
    out.resources.sort(key=lambda r: r.specificity)
    return out


@lru_cache(maxsize=1)
def bundled_terraform_rules() -> TerraformRules:
    return load_terraform_rules()


# =============================================================================================
# Parsed files: blocks and attributes with lines
# =============================================================================================

@dataclass
class Attr:
    name: str
    expr: Any  # an hcl2 expression rule
    path: str
    line: int


@dataclass
class Block:
    kind: str
    labels: tuple[str, ...]
    path: str
    line: int
    attrs: dict[str, Attr] = field(default_factory=dict)
    blocks: list["Block"] = field(default_factory=list)

    def children(self, kind: str) -> list["Block"]:
        return [b for b in self.blocks if b.kind == kind]

    def find(self, path: Iterable[str]) -> Iterator["Block"]:
        """Every nested block reached by following block kinds ``path``."""
        current = [self]
        for kind in path:
            current = [child for b in current for child in b.children(kind)]
        yield from current


@dataclass
class ParsedFile:
    path: str
    lines: list[str]
    body: Block | None = None
    error: tuple[int, str] | None = None

    def text(self, line: int) -> str:
        """The source line, stripped and without a trailing comment, for provenance steps."""
        if not 1 <= line <= len(self.lines):
            return ""
        text = _strip_comment(self.lines[line - 1].strip())
        return re.sub(r"^([\w.\"-]+)\s+=\s*", r"\1 = ", text)[:160]


def _strip_comment(text: str) -> str:
    """Drop a trailing ``# ...`` / ``// ...`` comment that is outside quotes."""
    in_string = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and in_string:
            i += 2
            continue
        if ch == '"':
            in_string = not in_string
        elif not in_string and (ch == "#" or text.startswith("//", i)):
            return text[:i].rstrip()
        i += 1
    return text


def _line(node: Any, default: int = 0) -> int:
    meta = getattr(node, "_meta", None)
    return getattr(meta, "line", None) or default


def _label(node: Any) -> str:
    if isinstance(node, hs.StringRule):
        return "".join(str(p.content.value) for p in node.string_parts if isinstance(p.content, LarkToken))
    return str(node.token.value)


def _to_block(rule: hb.BlockRule, path: str) -> Block:
    labels = [_label(label) for label in rule.labels]
    block = Block(labels[0], tuple(labels[1:]), path, _line(rule))
    _fill_body(block, rule.body, path)
    return block


def _fill_body(block: Block, body: hb.BodyRule, path: str) -> None:
    for child in body.children:
        if isinstance(child, hb.AttributeRule):
            name = str(child.identifier.token.value)
            block.attrs[name] = Attr(name, child.expression, path, _line(child))
        elif isinstance(child, hb.BlockRule):
            block.blocks.append(_to_block(child, path))


def parse_hcl(path: str, data: bytes) -> ParsedFile:
    """Parse one ``.tf`` / ``.tfvars`` file; ``error`` is set (line, message) if it is malformed."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return ParsedFile(path, [], error=(data[:exc.start].count(b"\n") + 1, "not UTF-8 text"))
    lines = text.splitlines()
    parsed = ParsedFile(path, lines)
    try:
        tree = hcl2.parses(text, discard_comments=True)
    except Exception as exc:  # lark raises several exception types; all mean "malformed"
        line = getattr(exc, "line", None) or 1
        line = max(1, min(int(line), len(lines) or 1))
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        parsed.error = (line, f"invalid HCL: {message}")
        return parsed
    parsed.body = Block("", (), path, 1)
    _fill_body(parsed.body, tree.body, path)
    return parsed


# =============================================================================================
# Values with provenance
# =============================================================================================

class _Unknown:
    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class Encoded:
    """``jsonencode(x)``: a JSON string whose structure is kept (for ECS container definitions)."""

    inner: "Val"


@dataclass(frozen=True)
class Val:
    """An evaluated value: a scalar, ``dict[str, Val]``, ``list[Val]``, :class:`Encoded`, or
    ``UNKNOWN``; ``line`` is where the expression sits; ``chain`` is its provenance, earliest first."""

    value: Any
    line: int = 0
    chain: tuple[Step, ...] = ()

    @property
    def known(self) -> bool:
        return self.value is not UNKNOWN

    def then(self, *steps: Step) -> "Val":
        return Val(self.value, self.line, _merge(self.chain, steps))

    def at(self, line: int) -> "Val":
        return Val(self.value, line, self.chain)


def _merge(*chains: Iterable[Step]) -> tuple[Step, ...]:
    out: list[Step] = []
    for chain in chains:
        for step in chain:
            if step not in out:
                out.append(step)
    return tuple(out)


def unknown(line: int, *steps: Step) -> Val:
    return Val(UNKNOWN, line, tuple(steps))


def to_str(val: Val) -> str | None:
    """The string form Terraform gives a scalar in a template; None if not a known scalar."""
    v = val.value
    if isinstance(v, Encoded):
        plain = to_plain(v.inner)
        return None if plain is UNKNOWN else json.dumps(plain, separators=(",", ":"))
    if v is UNKNOWN or v is None or isinstance(v, (dict, list)):
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def to_plain(val: Val) -> Any:
    """Plain Python data, or UNKNOWN if any part is unknown."""
    v = val.value
    if isinstance(v, dict):
        out = {k: to_plain(x) for k, x in v.items()}
        return UNKNOWN if any(x is UNKNOWN for x in out.values()) else out
    if isinstance(v, list):
        items = [to_plain(x) for x in v]
        return UNKNOWN if any(x is UNKNOWN for x in items) else items
    if isinstance(v, Encoded):
        return to_str(val) if to_str(val) is not None else UNKNOWN
    return v


# =============================================================================================
# Modules and contexts
# =============================================================================================

@dataclass
class Module:
    """One folder's ``.tf`` files."""

    folder: str
    files: dict[str, ParsedFile] = field(default_factory=dict)
    variables: dict[str, Block] = field(default_factory=dict)
    locals: dict[str, Attr] = field(default_factory=dict)
    outputs: dict[str, Block] = field(default_factory=dict)
    providers: dict[str, Block] = field(default_factory=dict)  # "aws" or "aws.eu"
    resources: dict[str, Block] = field(default_factory=dict)  # "type.name"
    calls: dict[str, Block] = field(default_factory=dict)  # module blocks by name

    def add(self, parsed: ParsedFile) -> None:
        self.files[parsed.path] = parsed
        if parsed.body is None:
            return
        for block in parsed.body.blocks:
            if block.kind == "variable" and block.labels:
                self.variables[block.labels[0]] = block
            elif block.kind == "locals":
                self.locals.update(block.attrs)
            elif block.kind == "output" and block.labels:
                self.outputs[block.labels[0]] = block
            elif block.kind == "provider" and block.labels:
                alias = block.attrs.get("alias")
                alias_name = _literal_str(alias.expr) if alias else None
                key = f"{block.labels[0]}.{alias_name}" if alias_name else block.labels[0]
                self.providers[key] = block
            elif block.kind == "resource" and len(block.labels) == 2:
                self.resources[f"{block.labels[0]}.{block.labels[1]}"] = block
            elif block.kind == "module" and block.labels:
                self.calls[block.labels[0]] = block

    def child_folder(self, call: Block) -> str | None:
        """The folder of a local module call (``./modules/x``), None for registry/git sources."""
        source = call.attrs.get("source")
        text = _literal_str(source.expr) if source else None
        if not text or not text.startswith(("./", "../")):
            return None
        folder = posixpath.normpath(posixpath.join(self.folder, text))
        if folder == ".":
            return ""
        return None if folder.startswith("../") or folder == ".." else folder


def _literal_str(expr: Any) -> str | None:
    """A string literal's value (no interpolation), else None."""
    node = _unwrap(expr)
    if isinstance(node, hs.StringRule):
        parts = [p.content for p in node.string_parts]
        if all(isinstance(p, LarkToken) and p.lark_name() == "STRING_CHARS" for p in parts):
            return process_escape_sequences("".join(str(p.value) for p in parts))
    return None


def _unwrap(node: Any) -> Any:
    while isinstance(node, he.ExprTermRule):
        node = node.expression
    return node


@dataclass
class VarFile:
    """One tfvars file's assignments, already evaluated, with their tfvars step."""

    name: str
    values: dict[str, Val]


def _tfvars_values(parsed: ParsedFile) -> dict[str, Val]:
    if parsed.body is None:
        return {}
    scope = Scope.empty(parsed)
    return {name: scope.eval(attr.expr, parsed).then(Step(parsed.path, attr.line, parsed.text(attr.line)))
            for name, attr in parsed.body.attrs.items()}


def tfvars_contexts(tfvars: list[ParsedFile]) -> list[VarFile]:
    """The var-file contexts of a root module, with Terraform's precedence applied."""
    def base_name(p: ParsedFile) -> str:
        return posixpath.basename(p.path)

    standard = [p for p in tfvars if base_name(p) in ("terraform.tfvars", "terraform.tfvars.json")]
    auto = sorted((p for p in tfvars if base_name(p).endswith((".auto.tfvars", ".auto.tfvars.json"))), key=base_name)
    others = sorted((p for p in tfvars if p not in standard and p not in auto), key=base_name)
    base: dict[str, Val] = {}
    for parsed in standard + auto:  # later files win
        base.update(_tfvars_values(parsed))
    if not others:
        return [VarFile(DEFAULT_CONTEXT, base)]
    return [VarFile(base_name(p), {**base, **_tfvars_values(p)}) for p in others]


# =============================================================================================
# Evaluation
# =============================================================================================

@dataclass
class ProviderRef:
    """A provider configuration and the scope its arguments are evaluated in."""

    key: str
    block: Block
    scope: "Scope"


class Scope:
    """One instance of a module in one context: its variable values, providers and children."""

    def __init__(self, module: Module, inputs: dict[str, Val], context: str, address: str = "",
                 providers: dict[str, ProviderRef] | None = None, modules: dict[str, Module] | None = None,
                 depth: int = 0) -> None:
        self.module = module
        self.inputs = inputs
        self.context = context
        self.address = address  # "" or "module.a.module.b."
        self.modules = modules or {}
        self.depth = depth
        self.providers: dict[str, ProviderRef] = dict(providers or {})
        for key, block in module.providers.items():
            self.providers[key] = ProviderRef(key, block, self)
        self._locals: dict[str, Val] = {}
        self._children: dict[str, Scope | None] = {}
        self._active: set[str] = set()

    @classmethod
    def empty(cls, parsed: ParsedFile) -> "Scope":
        return cls(Module(posixpath.dirname(parsed.path)), {}, DEFAULT_CONTEXT)

    # -- references ------------------------------------------------------------------------
    def file(self, path: str) -> ParsedFile:
        return self.module.files.get(path) or ParsedFile(path, [])

    def var(self, name: str, line: int, path: str) -> Val:
        decl = self.module.variables.get(name)
        if decl is None:
            return unknown(line, Step(path, line, f"var.{name} is not declared in this module"))
        decl_file = self.file(decl.path)
        ref = Step(decl.path, decl.line, f"var.{name}")
        if name in self.inputs:
            return self.inputs[name].then(ref)
        default = decl.attrs.get("default")
        if default is None:
            how = "no default and no tfvars value" if not self.address else "no default and no module input"
            return unknown(line, Step(decl.path, decl.line, f"var.{name} has {how}"))
        return self._guarded(f"default:{name}", line, lambda: self.eval(default.expr, decl_file)).then(
            Step(decl.path, default.line, decl_file.text(default.line)), ref)

    def local(self, name: str, line: int, path: str) -> Val:
        attr = self.module.locals.get(name)
        if attr is None:
            return unknown(line, Step(path, line, f"local.{name} is not defined in this module"))
        if name not in self._locals:
            parsed = self.file(attr.path)
            self._locals[name] = self._guarded(f"local:{name}", line, lambda: self.eval(attr.expr, parsed)).then(
                Step(attr.path, attr.line, parsed.text(attr.line)))
        return self._locals[name]

    def resource_attr(self, rtype: str, name: str, attr_name: str, line: int, path: str) -> Val:
        block = self.module.resources.get(f"{rtype}.{name}")
        attr = block.attrs.get(attr_name) if block else None
        if attr is None:
            return unknown(line, Step(path, line, f"{rtype}.{name}.{attr_name} is known only after apply"))
        parsed = self.file(attr.path)
        return self._guarded(f"res:{rtype}.{name}.{attr_name}", line, lambda: self.eval(attr.expr, parsed)).then(
            Step(attr.path, attr.line, f"{rtype}.{name}: {parsed.text(attr.line)}"))

    def module_output(self, call: str, output: str, line: int, path: str) -> Val:
        child = self.child(call)
        if child is None:
            return unknown(line, Step(path, line, f"module.{call} is not a local module flowscan can read"))
        block = child.module.outputs.get(output)
        value = block.attrs.get("value") if block else None
        if value is None:
            return unknown(line, Step(path, line, f"module.{call} has no output {output!r}"))
        parsed = child.file(value.path)
        return child._guarded(f"out:{output}", line, lambda: child.eval(value.expr, parsed)).then(
            Step(value.path, value.line, f"output {output}: {parsed.text(value.line)}"))

    def _guarded(self, key: str, line: int, compute: Any) -> Val:
        if key in self._active or len(self._active) > MAX_EVAL_DEPTH:
            return unknown(line)
        self._active.add(key)
        try:
            return compute()
        finally:
            self._active.discard(key)

    # -- child modules -----------------------------------------------------------------------
    def child(self, name: str) -> "Scope | None":
        """The scope of ``module "name"`` (a local module), created on first use."""
        if name in self._children:
            return self._children[name]
        call = self.module.calls.get(name)
        folder = self.module.child_folder(call) if call else None
        module = self.modules.get(folder) if folder is not None else None
        if call is None or module is None or self.depth >= MAX_MODULE_DEPTH:
            self._children[name] = None
            return None
        parsed = self.file(call.path)
        inputs = {}
        for key, attr in call.attrs.items():
            if key not in _META_ARGS:
                inputs[key] = self.eval(attr.expr, parsed).then(Step(attr.path, attr.line, f"module.{name}: {parsed.text(attr.line)}"))
        child = Scope(module, inputs, self.context, f"{self.address}module.{name}.",
                      self._passed_providers(call), self.modules, self.depth + 1)
        self._children[name] = child
        return child

    def _passed_providers(self, call: Block) -> dict[str, ProviderRef]:
        """Default providers are inherited; ``providers = { aws = aws.eu }`` maps others."""
        passed = {key: ref for key, ref in self.providers.items() if "." not in key}
        mapping = call.attrs.get("providers")
        node = _unwrap(mapping.expr) if mapping else None
        if isinstance(node, hc.ObjectRule):
            for elem in node.elements:
                key = _key_text(elem.key)
                target = _traversal_text(elem.expression)
                if key and target and target in self.providers:
                    passed[key] = self.providers[target]
        return passed

    def provider(self, key: str) -> ProviderRef | None:
        return self.providers.get(key)

    # -- expressions -------------------------------------------------------------------------
    def eval(self, node: Any, parsed: ParsedFile) -> Val:
        """Evaluate an hcl2 expression node; unknown parts stay UNKNOWN."""
        line = _line(node)
        if isinstance(node, he.ExprTermRule):
            return self.eval(node.expression, parsed)
        if isinstance(node, hs.StringRule):
            return self._template(self._string_parts(node, parsed), line)
        if isinstance(node, hs.HeredocTemplateRule):
            return self._template(self._heredoc_parts(node, parsed, line), line)
        if isinstance(node, (hl.IntLitRule, hl.FloatLitRule)):
            raw = node.token.value
            try:
                return Val(raw if isinstance(raw, (int, float)) else (float(raw) if "." in str(raw) or "e" in str(raw).lower() else int(raw)), line)
            except ValueError:
                return unknown(line)
        if isinstance(node, hl.LiteralValueRule):
            return Val({"true": True, "false": False, "null": None}.get(str(node.token.value), UNKNOWN), line)
        if isinstance(node, hc.ObjectRule):
            return Val({k: v for k, v in ((self._key(e.key, parsed), self.eval(e.expression, parsed).at(_line(e))) for e in node.elements) if k is not None}, line)
        if isinstance(node, hc.TupleRule):
            return Val([self.eval(e, parsed) for e in node.elements], line)
        if isinstance(node, (hi.GetAttrExprTermRule, hi.IndexExprTermRule, hl.IdentifierRule)):
            return self._traversal(node, parsed, line)
        if isinstance(node, hf.FunctionCallRule):
            return self._call(node, parsed, line)
        if isinstance(node, he.ConditionalRule):
            cond = self.eval(node.condition, parsed)
            if isinstance(cond.value, bool):
                branch = node.if_true if cond.value else node.if_false
                return self.eval(branch, parsed).then(*cond.chain)
            return unknown(line, *cond.chain)
        if isinstance(node, he.BinaryOpRule):
            return self._binary(node, parsed, line)
        return unknown(line)

    def _key(self, key: Any, parsed: ParsedFile) -> str | None:
        if isinstance(key, hc.ObjectElemKeyRule):
            inner = key.value
            if isinstance(inner, hs.StringRule):
                return to_str(self.eval(inner, parsed))
            return str(inner.token.value)
        if isinstance(key, hc.ObjectElemKeyExpressionRule):
            return to_str(self.eval(key.expression, parsed))
        return None

    def _string_parts(self, node: hs.StringRule, parsed: ParsedFile) -> list[str | Val]:
        parts: list[str | Val] = []
        for part in node.string_parts:
            content = part.content
            if isinstance(content, hs.InterpolationRule):
                parts.append(self.eval(content.expression, parsed))
            elif isinstance(content, LarkToken):
                text = str(content.value)
                if content.lark_name() == "STRING_CHARS":
                    parts.append(process_escape_sequences(text))
                else:  # $${ and %%{ escapes
                    parts.append(text[1:])
            else:  # %{if}/%{for} directives
                parts.append(unknown(_line(node)))
        return parts

    def _heredoc_parts(self, node: hs.HeredocTemplateRule, parsed: ParsedFile, line: int) -> list[str | Val]:
        options = SerializationOptions(preserve_heredocs=False, strip_string_quotes=True, with_comments=False)
        parts: list[str | Val] = []
        for part in split_template(node.serialize(options), line):
            if isinstance(part, (str, Val)):
                parts.append(part)
            else:  # an expression node parsed out of ``${...}``: its lines are relative, use the heredoc's
                parts.append(self.eval(part, parsed).at(line))
        return parts

    def _template(self, parts: list[str | Val], line: int) -> Val:
        """Join template parts: a single ``${x}`` keeps x's type; else every part must be a string."""
        vals = [p for p in parts if isinstance(p, Val)]
        chain = _merge(*(v.chain for v in vals))
        if len(parts) == 1 and vals:
            return Val(vals[0].value, line, chain)
        texts = [p if isinstance(p, str) else to_str(p) for p in parts]
        if any(t is None for t in texts):
            return unknown(line, *chain)
        return Val("".join(texts), line, chain)  # type: ignore[arg-type]

    def _traversal(self, node: Any, parsed: ParsedFile, line: int) -> Val:
        root, steps = _flatten(node)
        names = [s for s in steps[:3] if isinstance(s, str)]
        if root == "var" and names:
            base, rest = self.var(names[0], line, parsed.path), steps[1:]
        elif root == "local" and names:
            base, rest = self.local(names[0], line, parsed.path), steps[1:]
        elif root == "module" and len(names) >= 2 and isinstance(steps[1], str):
            base, rest = self.module_output(names[0], names[1], line, parsed.path), steps[2:]
        elif root in ("data", "each", "count", "path", "terraform", "self") or root is None:
            return unknown(line, Step(parsed.path, line, f"{_traversal_text(node) or 'expression'} is known only at plan/apply time"))
        elif len(steps) >= 2 and isinstance(steps[0], str) and isinstance(steps[1], str) and "_" in root:
            base, rest = self.resource_attr(root, steps[0], steps[1], line, parsed.path), steps[2:]
        else:
            return unknown(line)
        return _index_into(base, rest, self, parsed).at(line)

    def _call(self, node: hf.FunctionCallRule, parsed: ParsedFile, line: int) -> Val:
        name = "::".join(str(i.token.value) for i in node.identifiers)
        args = [self.eval(a, parsed) for a in (node.arguments.arguments if node.arguments else [])]
        chain = _merge(*(a.chain for a in args))
        result = call_function(name, args)
        if result is UNKNOWN and name in ("file", "templatefile"):
            return unknown(line, *chain, Step(parsed.path, line, f"{name}() reads a file at plan time; not followed"))
        return Val(result, line, chain)

    def _binary(self, node: he.BinaryOpRule, parsed: ParsedFile, line: int) -> Val:
        left = self.eval(node.expr_term, parsed)
        op = str(node.binary_term.binary_operator.token.value).strip()
        right = self.eval(node.binary_term.expr_term, parsed)
        chain = _merge(left.chain, right.chain)
        if not (left.known and right.known):
            return unknown(line, *chain)
        a, b = to_plain(left), to_plain(right)
        ops = {"==": lambda: a == b, "!=": lambda: a != b,
               "&&": lambda: bool(a) and bool(b) if isinstance(a, bool) and isinstance(b, bool) else UNKNOWN,
               "||": lambda: bool(a) or bool(b) if isinstance(a, bool) and isinstance(b, bool) else UNKNOWN}
        return Val(ops[op]() if op in ops else UNKNOWN, line, chain)


def _flatten(node: Any) -> tuple[str | None, list[str | Any]]:
    """``var.m["a"].b`` → ("var", ["m", <index expr>, "b"]); index expressions stay nodes."""
    steps: list[str | Any] = []
    while True:
        node = _unwrap(node)
        if isinstance(node, hi.GetAttrExprTermRule):
            steps.append(str(node.get_attr.identifier.token.value))
            node = node.expr_term
        elif isinstance(node, hi.IndexExprTermRule):
            steps.append(node.children[1].index_expression)
            node = node.children[0]
        elif isinstance(node, hl.IdentifierRule):
            return str(node.token.value), steps[::-1]
        else:
            return None, steps[::-1]


def _traversal_text(node: Any) -> str | None:
    root, steps = _flatten(node)
    if root is None or not all(isinstance(s, str) for s in steps):
        return None
    return ".".join([root, *steps])


def _key_text(key: Any) -> str | None:
    if isinstance(key, hc.ObjectElemKeyRule):
        inner = key.value
        return _label(inner) if isinstance(inner, (hs.StringRule, hl.IdentifierRule)) else None
    if isinstance(key, hc.ObjectElemKeyExpressionRule):
        return _traversal_text(key.expression)
    return None


def _index_into(base: Val, steps: list[Any], scope: Scope, parsed: ParsedFile) -> Val:
    current = base
    for step in steps:
        if not current.known:
            return current
        key: Any = step if isinstance(step, str) else to_plain(scope.eval(step, parsed))
        v = current.value
        if isinstance(v, dict) and isinstance(key, str) and key in v:
            current = Val(v[key].value, v[key].line, _merge(v[key].chain, current.chain))
        elif isinstance(v, list) and isinstance(key, int) and 0 <= key < len(v):
            current = Val(v[key].value, v[key].line, _merge(v[key].chain, current.chain))
        else:
            return unknown(current.line, *current.chain)
    return current


_INTERP = re.compile(r"(\$\$\{|%%\{|\$\{|%\{)")


def split_template(text: str, line: int) -> list[str | Any]:
    """Split a template body into literal text and ``${...}`` expression nodes (parsed with hcl2).

    ``$${`` / ``%%{`` are escapes; ``%{...}`` directives and unparseable expressions become
    unknown values.
    """
    parts: list[str | Any] = []
    pos = 0
    while True:
        m = _INTERP.search(text, pos)
        if m is None:
            parts.append(text[pos:])
            break
        parts.append(text[pos:m.start()])
        token = m.group(1)
        if token in ("$${", "%%{"):
            parts.append(token[1:])
            pos = m.end()
            continue
        end = _closing_brace(text, m.end())
        if end < 0:
            parts.append(unknown(line))
            break
        expr_text = text[m.end():end]
        parts.append(_parse_expression(expr_text, line) if token == "${" else unknown(line))
        pos = end + 1
    return [p for p in parts if p != ""]


def _closing_brace(text: str, start: int) -> int:
    depth, i, in_string = 1, start, False
    while i < len(text):
        ch = text[i]
        if in_string:
            if ch == "\\":
                i += 1
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _parse_expression(text: str, line: int) -> Any:
    """An expression node for the text of one ``${...}``, or an unknown value."""
    try:
        tree = hcl2.parses(f"x = {text.strip().lstrip('~').rstrip('~')}\n", discard_comments=True)
    except Exception:
        return unknown(line)
    attrs = [c for c in tree.body.children if isinstance(c, hb.AttributeRule)]
    return attrs[0].expression if attrs else unknown(line)


def call_function(name: str, args: list[Val]) -> Any:
    """The few pure Terraform functions flowscan evaluates; UNKNOWN for the rest."""
    if name == "jsonencode" and len(args) == 1:
        return Encoded(args[0])
    if name == "lookup" and len(args) in (2, 3):
        table, key = args[0].value, to_str(args[1])
        if isinstance(table, dict) and key is not None:
            if key in table:
                return table[key].value
            return args[2].value if len(args) == 3 else UNKNOWN
        return UNKNOWN
    if name == "merge" and args and all(isinstance(a.value, dict) for a in args):
        out: dict[str, Val] = {}
        for a in args:
            out.update(a.value)
        return out
    if name == "coalesce":
        for a in args:
            if not a.known:
                return UNKNOWN
            if a.value not in (None, ""):
                return a.value
        return UNKNOWN
    texts = [to_str(a) for a in args]
    if any(t is None for t in texts) or not texts:
        return UNKNOWN
    if name in ("lower", "upper", "trimspace", "tostring") and len(texts) == 1:
        return {"lower": str.lower, "upper": str.upper, "trimspace": str.strip, "tostring": str}[name](texts[0])
    if name == "format" and "%" in texts[0]:
        pieces = re.split(r"(%[sdv%])", texts[0])
        values, out_parts = iter(texts[1:]), []
        for piece in pieces:
            if piece == "%%":
                out_parts.append("%")
            elif piece in ("%s", "%d", "%v"):
                out_parts.append(next(values, None))
            else:
                out_parts.append(piece)
        return UNKNOWN if None in out_parts else "".join(out_parts)  # type: ignore[arg-type]
    return UNKNOWN


# =============================================================================================
# Placements
# =============================================================================================

def _provider_key(resource: Block) -> str:
    """``provider = aws.eu`` → "aws.eu"; otherwise the type's prefix (``google_...`` → "google")."""
    attr = resource.attrs.get("provider")
    text = _traversal_text(attr.expr) if attr else None
    return text or resource.labels[0].split("_", 1)[0]


def place_resource(scope: Scope, resource: Block, rules: TerraformRules) -> Placement | None:
    """The placement of one resource in one context, or None if its type carries no location."""
    rtype, name = resource.labels
    rule = rules.resource_rule(rtype)
    if rule is None or rule.skip:
        return None
    cloud = rules.cloud(rule.cloud)
    parsed = scope.file(resource.path)
    address = f"{scope.address}{rtype}.{name}"
    for attr_name in rule.attributes + rule.zone_attributes:
        attr = resource.attrs.get(attr_name)
        if attr is None:
            continue
        val = scope.eval(attr.expr, parsed)
        region = to_str(val)
        if region is not None and attr_name in rule.zone_attributes:
            region = _zone_region(region, cloud)
        chain = _merge(val.chain, [Step(resource.path, attr.line, parsed.text(attr.line))])
        return Placement(address, attr_name, _normalise(rule.cloud, region), rule.cloud, resource.path, attr.line,
                         chain, scope.context)
    if not rule.fallback_provider or cloud is None or not cloud.provider_region:
        return None
    return _provider_placement(scope, resource, address, rule.cloud, cloud.provider_region, parsed)


def _provider_placement(scope: Scope, resource: Block, address: str, cloud: str, region_attr: str,
                        parsed: ParsedFile) -> Placement:
    key = _provider_key(resource)
    ref = scope.provider(key)
    here = Step(resource.path, resource.line, f"{address} sets no {region_attr}: the region of provider {key}")
    if ref is None:
        missing = Step(resource.path, resource.line,
                       f"{address}: no provider {key!r} configuration; the region is set at apply time (environment)")
        return Placement(address, region_attr, None, cloud, resource.path, resource.line, (missing,), scope.context)
    attr = ref.block.attrs.get(region_attr)
    if attr is None:
        no_region = Step(ref.block.path, ref.block.line, f"provider {key} sets no {region_attr}; it is set at apply time (environment)")
        return Placement(address, region_attr, None, cloud, resource.path, resource.line, (no_region, here), scope.context)
    provider_file = ref.scope.file(attr.path)
    val = ref.scope.eval(attr.expr, provider_file)
    chain = _merge(val.chain, [Step(attr.path, attr.line, f"provider {key}: {provider_file.text(attr.line)}"), here])
    return Placement(address, region_attr, _normalise(cloud, to_str(val)), cloud, attr.path, attr.line, chain, scope.context)


def _zone_region(zone: str, cloud: CloudRules | None) -> str:
    if cloud and cloud.zone_pattern:
        m = cloud.zone_pattern.match(zone)
        if m:
            return m.group("region")
    return zone


def _normalise(cloud: str, region: str | None) -> str | None:
    """Catalog spelling of a region (GCS accepts ``EUROPE-WEST4`` and ``eu``)."""
    if region is None:
        return None
    catalog = bundled_catalog()
    for candidate in (region, region.lower(), region.upper()):
        found = catalog.region(cloud, candidate)
        if found is not None:
            return found.code
    return region


# =============================================================================================
# Env sources
# =============================================================================================

def env_source(scope: Scope, resource: Block, rule: EnvRule) -> EnvSource | None:
    """The env vars a Cloud Run service / Lambda / ECS task / App Service runs with, in one context."""
    rtype, name = resource.labels
    address = f"{scope.address}{rtype}.{name}"
    source = EnvSource(f"terraform:{address}[{scope.context}]", KIND, resource.path, resource.line)
    parsed = scope.file(resource.path)
    if rule.env_block:
        for container in resource.find(rule.containers):
            source.bindings.extend(_env_blocks(scope, container, rule, parsed, address))
            source.image = source.image or _image(scope, container, rule.image, parsed)
    elif rule.map:
        *blocks, attr_name = rule.map
        for holder in resource.find(blocks):
            attr = holder.attrs.get(attr_name)
            if attr is not None:
                source.bindings.extend(_env_map(scope, attr, parsed, f"{address} {'.'.join(rule.map)}"))
        source.image = _image(scope, resource, rule.image, parsed)
    elif rule.container_definitions:
        attr = resource.attrs.get(rule.container_definitions)
        if attr is not None:
            bindings, image = _container_definitions(scope, attr, parsed, address)
            source.bindings.extend(bindings)
            source.image = image
    if not source.bindings and source.image is None:
        return None
    return source


def _image(scope: Scope, holder: Block, path: tuple[str, ...], parsed: ParsedFile) -> str | None:
    if not path:
        return None
    *blocks, attr_name = path
    for block in holder.find(blocks):
        attr = block.attrs.get(attr_name)
        if attr is not None:
            return to_str(scope.eval(attr.expr, parsed))
    return None


def _env_blocks(scope: Scope, container: Block, rule: EnvRule, parsed: ParsedFile, address: str) -> list[EnvBinding]:
    out = []
    detail = f"{address} {'.'.join(rule.containers)}.{rule.env_block}"
    for env in container.children(rule.env_block or "env"):
        name_attr = env.attrs.get("name")
        key = to_str(scope.eval(name_attr.expr, parsed)) if name_attr else None
        if key is None:
            continue
        value_attr = env.attrs.get("value")
        if value_attr is None:
            secret = next((b.kind for b in env.blocks if b.kind in rule.secret_blocks), None) or \
                ("secret_name" if "secret_name" in env.attrs else None)
            out.append(EnvBinding(key, None, env.path, env.line, f"{detail} ({secret or 'no value'})"))
            continue
        val = scope.eval(value_attr.expr, parsed)
        out.append(EnvBinding(key, to_str(val), env.path, value_attr.line, detail, val.chain))
    return out


def _env_map(scope: Scope, attr: Attr, parsed: ParsedFile, detail: str) -> list[EnvBinding]:
    val = scope.eval(attr.expr, parsed)
    if not isinstance(val.value, dict):
        return []
    literal = isinstance(_unwrap(attr.expr), hc.ObjectRule)
    out = []
    for key, item in val.value.items():
        line = item.line if literal and item.line else attr.line
        chain = item.chain if literal else _merge(item.chain, val.chain)
        out.append(EnvBinding(key, to_str(item), attr.path, line, detail, chain))
    return out


def _container_definitions(scope: Scope, attr: Attr, parsed: ParsedFile, address: str) -> tuple[list[EnvBinding], str | None]:
    """ECS ``container_definitions``: ``jsonencode([...])`` or a JSON string (heredoc)."""
    node = _unwrap(attr.expr)
    val = scope.eval(attr.expr, parsed)
    if isinstance(val.value, Encoded):
        return _containers_from_vals(val.value.inner, attr, address, val.chain if not isinstance(node, hf.FunctionCallRule) else ())
    if isinstance(node, (hs.StringRule, hs.HeredocTemplateRule)):
        return _containers_from_json_template(scope, node, attr, parsed, address)
    text = to_str(val)
    if text is not None:
        return _containers_from_json(text, {}, attr, parsed, address, val.chain)
    return [], None


def _containers_from_vals(defs: Val, attr: Attr, address: str, outer: tuple[Step, ...]) -> tuple[list[EnvBinding], str | None]:
    out: list[EnvBinding] = []
    image = None
    containers = defs.value if isinstance(defs.value, list) else []
    for container in containers:
        if not isinstance(container.value, dict):
            continue
        fields = container.value
        cname = to_str(fields["name"]) if "name" in fields else None
        image = image or (to_str(fields["image"]) if "image" in fields else None)
        detail = f"{address} container_definitions[{cname or '?'}].environment"
        env = fields.get("environment")
        for item in (env.value if env is not None and isinstance(env.value, list) else []):
            if isinstance(item.value, dict) and "name" in item.value and to_str(item.value["name"]):
                value = item.value.get("value")
                line = (value.line if value is not None else item.line) or attr.line
                chain = _merge(value.chain if value is not None else (), outer)
                out.append(EnvBinding(to_str(item.value["name"]) or "", to_str(value) if value else None,
                                      attr.path, line, detail, chain))
        for item in (fields["secrets"].value if "secrets" in fields and isinstance(fields["secrets"].value, list) else []):
            if isinstance(item.value, dict) and "name" in item.value and to_str(item.value["name"]):
                out.append(EnvBinding(to_str(item.value["name"]) or "", None, attr.path, item.line or attr.line,
                                      f"{detail[:-len('environment')]}secrets (valueFrom)"))
    return out, image


_PLACEHOLDER = "@@flowscan-interpolation-{}@@"


def _containers_from_json_template(scope: Scope, node: Any, attr: Attr, parsed: ParsedFile, address: str) -> tuple[list[EnvBinding], str | None]:
    """A JSON heredoc with ``${...}``: keep each interpolation as a placeholder, parse the JSON,
    then substitute per string value so each binding gets its own chain."""
    line = _line(node, attr.line)
    if isinstance(node, hs.StringRule):
        parts = scope._string_parts(node, parsed)
    else:
        parts = scope._heredoc_parts(node, parsed, line)
    held: dict[str, Val] = {}
    text_parts = []
    for part in parts:
        if isinstance(part, str):
            text_parts.append(part)
        else:
            token = _PLACEHOLDER.format(len(held))
            held[token] = part
            text_parts.append(token)
    return _containers_from_json("".join(text_parts), held, attr, parsed, address, ())


def _containers_from_json(text: str, held: dict[str, Val], attr: Attr, parsed: ParsedFile, address: str,
                          outer: tuple[Step, ...]) -> tuple[list[EnvBinding], str | None]:
    try:
        data = json.loads(text)
    except ValueError:
        return [], None
    if not isinstance(data, list):
        return [], None
    finder = _LineFinder(parsed, attr.line)

    def resolve(value: Any) -> tuple[str | None, tuple[Step, ...]]:
        if not isinstance(value, str):
            return (to_str(Val(value)) if value is not None else None), ()
        chain: tuple[Step, ...] = ()
        for token, val in held.items():
            if token in value:
                chain = _merge(chain, val.chain)
                text_value = to_str(val)
                if text_value is None:
                    return None, chain
                value = value.replace(token, text_value)
        return value, chain

    out: list[EnvBinding] = []
    image = None
    for container in data:
        if not isinstance(container, dict):
            continue
        cname = resolve(container.get("name"))[0]
        image = image or resolve(container.get("image"))[0]
        detail = f"{address} container_definitions[{cname or '?'}].environment"
        for item in container.get("environment") or []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                value, chain = resolve(item.get("value"))
                line = finder.find(item["name"])
                out.append(EnvBinding(item["name"], value, attr.path, line, detail, _merge(chain, outer)))
        for item in container.get("secrets") or []:
            if isinstance(item, dict) and isinstance(item.get("name"), str):
                out.append(EnvBinding(item["name"], None, attr.path, finder.find(item["name"]),
                                      f"{address} container_definitions[{cname or '?'}].secrets (valueFrom)"))
    return out, image


class _LineFinder:
    """Locate the line of a JSON key's string (``"NAME"``) in an attribute's text, in order."""

    def __init__(self, parsed: ParsedFile, start: int) -> None:
        self.parsed = parsed
        self.line = start

    def find(self, name: str) -> int:
        needle = json.dumps(name)
        for number in range(self.line, len(self.parsed.lines) + 1):
            if needle in self.parsed.lines[number - 1]:
                self.line = number
                return number
        return self.line


# =============================================================================================
# Entry point
# =============================================================================================

def _is_tfvars(path: str) -> bool:
    return path.endswith((".tfvars", ".tfvars.json"))


def extract_terraform(root: Path, files: dict[str, bytes], rules: TerraformRules | None = None, *,
                      count_parse: Callable[[str], None] = lambda path: None) -> list[ConfigFacts]:
    """Facts of every Terraform file under ``root`` (``files``: path relative to root → bytes).

    One :class:`ConfigFacts` per file that yields placements, env sources, notes or a parse
    error. ``root`` is not read: all bytes come from ``files``. ``count_parse`` is told each
    file parsed.
    """
    rules = rules or bundled_terraform_rules()
    facts: dict[str, ConfigFacts] = {}

    def facts_for(path: str) -> ConfigFacts:
        return facts.setdefault(path, ConfigFacts(path, KIND))

    modules: dict[str, Module] = {}
    tfvars: dict[str, list[ParsedFile]] = {}
    for path in sorted(files):
        folder = posixpath.dirname(path)
        if path.endswith(".tf.json"):
            facts_for(path).notes.append("Terraform JSON syntax (.tf.json) is not analysed")
            continue
        count_parse(path)
        if path.endswith(".json"):  # *.tfvars.json
            parsed = _parse_tfvars_json(path, files[path])
        else:
            parsed = parse_hcl(path, files[path])
        if parsed.error is not None:
            facts_for(path).parse_error = parsed.error
        if _is_tfvars(path):
            tfvars.setdefault(folder, []).append(parsed)
        else:
            modules.setdefault(folder, Module(folder)).add(parsed)

    children = {m.child_folder(call) for m in modules.values() for call in m.calls.values()} - {None}
    for folder, module in sorted(modules.items()):
        if folder in children:
            continue  # evaluated through its callers
        for context in tfvars_contexts(tfvars.get(folder, [])):
            scope = Scope(module, context.values, context.name, modules=modules)
            _walk(scope, rules, facts_for)
    for folder, parsed_files in tfvars.items():
        if folder not in modules:
            for parsed in parsed_files:
                facts_for(parsed.path).notes.append("var-file with no Terraform module in its folder; not applied")
    return [f for _, f in sorted(facts.items())]


def _walk(scope: Scope, rules: TerraformRules, facts_for: Any) -> None:
    """Placements and env sources of every resource in ``scope``, then of its local modules."""
    module = scope.module
    for address, resource in module.resources.items():
        placement = place_resource(scope, resource, rules)
        if placement is not None:
            facts_for(resource.path).placements.append(placement)
        env_rule = rules.env.get(resource.labels[0])
        if env_rule is not None:
            source = env_source(scope, resource, env_rule)
            if source is not None:
                facts_for(resource.path).sources.append(source)
    for name, call in module.calls.items():
        child = scope.child(name)
        if child is None:
            note = f"module.{name}: source is not a local module folder in the scan; not analysed"
            if note not in facts_for(call.path).notes:
                facts_for(call.path).notes.append(note)
            continue
        _walk(child, rules, facts_for)


def _parse_tfvars_json(path: str, data: bytes) -> ParsedFile:
    """``*.tfvars.json``: top-level keys become attributes (line of the key's first occurrence)."""
    try:
        text = data.decode("utf-8")
        values = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        return ParsedFile(path, [], error=(getattr(exc, "lineno", 1), f"invalid JSON: {exc}"))
    lines = text.splitlines()
    body = Block("", (), path, 1)
    hcl_text = "\n".join(f"{k} = {json.dumps(v)}" for k, v in values.items()) if isinstance(values, dict) else ""
    try:
        tree = hcl2.parses(hcl_text + "\n", discard_comments=True)
    except Exception:
        return ParsedFile(path, lines, body)
    finder = _LineFinder(ParsedFile(path, lines), 1)
    for child in tree.body.children:
        if isinstance(child, hb.AttributeRule):
            name = str(child.identifier.token.value)
            body.attrs[name] = Attr(name, child.expression, path, finder.find(name))
    return ParsedFile(path, lines, body)
