"""Static evaluation of Bicep expressions in a :class:`BicepScope` (one instance of a file: its
parameter values, its resource group, its modules). Anything not written down (``uniqueString()``,
``subscription().id``, a property Azure sets at deployment) is unknown, with a step saying why.
Values reuse the Terraform evaluator's :class:`Val` (value, line, chain of steps).
"""

from __future__ import annotations

import posixpath
from typing import Any, Callable

from lark import Token, Tree

from ...model import Step
from ..terraform.values import UNKNOWN, Val, _merge, to_str, unknown
from .parse import BicepFile, Decl, parse_expression

MAX_MODULE_DEPTH = 8
MAX_ACTIVE = 60
RESOURCE_GROUPS = "Microsoft.Resources/resourceGroups"
_BINDS_LOOSER_THAN_NOT = {"conditional", "coalesce", "and_op", "or_op", "equals", "not_equals"}
_BINARY = {"equals", "not_equals", "and_op", "or_op", "coalesce", "greater_than", "greater_than_or_equals",
           "less_than", "less_than_or_equals", "equals_case_insens", "not_equals_case_insens"}

# computed resource properties, e.g. (type, "properties.endpoint") -> the property's value
Computed = Callable[["BicepScope", Decl, str, int], "Val | None"]
# a registry module reference (br/public:avm/...) -> its rule (resource type, params, outputs), or None
Registry = Callable[[str], Any]


class BicepScope:
    """One file instance: ``inputs`` are its parameter values (already evaluated, with chains)."""

    def __init__(self, file: BicepFile, inputs: dict[str, Val], context: str, files: dict[str, BicepFile],
                 computed: Computed, address: str = "", depth: int = 0, group_location: Val | None = None,
                 registry: Registry | None = None, served: dict[Step, str] | None = None) -> None:
        self.file = file
        self.inputs = inputs
        self.context = context
        self.files = files
        self.computed = computed
        self.address = address  # "" or "openAi." for the module symbol path
        self.depth = depth
        self.group_location = group_location
        self.registry = registry or (lambda reference: None)
        self.served = served if served is not None else {}  # step of a computed endpoint -> its resource
        self._memo: dict[str, Val] = {}
        self._children: dict[str, BicepScope | None] = {}
        self._active: set[str] = set()

    def step(self, line: int, detail: str | None = None) -> Step:
        return Step(self.file.path, line, detail if detail is not None else self.file.text(line))

    # -- names -------------------------------------------------------------------------------
    def param(self, name: str, line: int) -> Val:
        decl = self.file.params[name]
        ref = self.step(decl.line, f"param {name}")
        if name in self.inputs:
            return self.inputs[name].then(ref)
        if decl.value is None:
            return unknown(line, self.step(decl.line, f"param {name} has no default and no value in this context"))
        return self._memoised(f"param:{name}", line, lambda: self.eval(decl.value)).then(self.step(decl.line))

    def variable(self, name: str, line: int) -> Val:
        decl = self.file.variables[name]
        return self._memoised(f"var:{name}", line, lambda: self.eval(decl.value)).then(self.step(decl.line))

    def _memoised(self, key: str, line: int, compute: Callable[[], Val]) -> Val:
        if key in self._memo:
            return self._memo[key]
        if key in self._active or len(self._active) > MAX_ACTIVE:
            return unknown(line)
        self._active.add(key)
        try:
            value = compute()
        finally:
            self._active.discard(key)
        self._memo[key] = value
        return value

    # -- resources and modules ---------------------------------------------------------------
    def resource_property(self, decl: Decl, path: list[str], line: int) -> Val:
        """``account.location``, ``account.properties.customSubDomainName``, ``account.name``;
        a property the body does not set is asked of the rules (``properties.endpoint``)."""
        dotted = ".".join(path)
        body = self.body(decl)
        current: Val | None = body
        for part in path:
            current = current.value.get(part) if current is not None and isinstance(current.value, dict) else None
        if current is not None:
            return current
        if path == ["location"] and decl.type != RESOURCE_GROUPS and decl.existing:
            return unknown(line, self.step(decl.line, f"{decl.name} is an existing resource; its location is not in this template"))
        computed = self.computed(self, decl, dotted, line)
        if computed is not None:
            return computed
        return unknown(line, self.step(line, f"{decl.name}.{dotted} is set by Azure at deployment"))

    def body(self, decl: Decl) -> Val:
        return self._memoised(f"body:{decl.kind}:{decl.name}", decl.line, lambda: self.eval(_deploy_body(decl.value)))

    def registry_resource(self, name: str) -> tuple[Decl, Any] | None:
        """The resource a registry module the rules describe creates (``module openAi
        'br/public:avm/res/cognitive-services/account:0.7.1'``), its body built from the params."""
        decl = self.file.modules.get(name)
        rule = self.registry(decl.type) if decl is not None else None
        if decl is None or rule is None:
            return None
        resource = Decl("registry", name, decl.line, None, rule.type)
        key = f"body:registry:{name}"
        if key not in self._memo:
            body = self.body(decl)
            params = body.value.get("params") if isinstance(body.value, dict) else None
            given = params.value if params is not None and isinstance(params.value, dict) else {}
            built: dict[str, Val] = {}
            for param, path in rule.params:
                if param in given:
                    _put(built, path.split("."), given[param])
            if "location" not in built:
                built["location"] = self._module_group_location(decl) or self._group_location(decl.line)
            self._memo[key] = Val(built, decl.line)
        return resource, rule

    def child(self, name: str) -> "BicepScope | None":
        """The scope of ``module name 'path'`` (a local .bicep file), created on first use."""
        if name in self._children:
            return self._children[name]
        decl = self.file.modules.get(name)
        target = module_file(self.file.path, decl.type) if decl else None
        child_file = self.files.get(target) if target else None
        if decl is None or child_file is None or self.depth >= MAX_MODULE_DEPTH:
            self._children[name] = None
            return None
        body = self.body(decl)
        fields = body.value if isinstance(body.value, dict) else {}
        params = fields.get("params")
        inputs = {}
        for key, val in (params.value.items() if params is not None and isinstance(params.value, dict) else []):
            step = self.step(val.line or decl.line, f"module {name}: {self.file.text(val.line or decl.line)}")
            chain = val.chain[:-1] if val.chain and (val.chain[-1].path, val.chain[-1].line) == (step.path, step.line) else val.chain
            inputs[key] = Val(val.value, val.line, chain).then(step)
        child = BicepScope(child_file, inputs, self.context, self.files, self.computed, f"{self.address}{name}.",
                           self.depth + 1, self._module_group_location(decl), self.registry, self.served)
        self._children[name] = child
        return child

    def _module_group_location(self, decl: Decl) -> Val | None:
        """``scope: rg`` where rg is a resource group declared here: that group's location."""
        node = _pair(_deploy_body(decl.value), "scope")
        name = _identifier(node) if node is not None else None
        group = self.file.resources.get(name) if name else None
        if group is not None and group.type == RESOURCE_GROUPS:
            return self.resource_property(group, ["location"], decl.line)
        return self.group_location

    def output(self, decl: Decl) -> Val:
        """The value of one of this file's ``output`` declarations."""
        return self._memoised(f"out:{decl.name}", decl.line, lambda: self.eval(decl.value))

    def module_output(self, name: str, output: str, line: int) -> Val:
        child = self.child(name)
        registry = self.registry_resource(name) if child is None else None
        if registry is not None:
            resource, rule = registry
            path = dict(rule.outputs).get(output)
            if path is not None:
                return self.resource_property(resource, path.split("."), line)
        if child is None:
            decl = self.file.modules.get(name)
            where = decl.type if decl else name
            return unknown(line, self.step(line, f"module {name} ({where}) is not a Bicep file in the scan"))
        decl = child.file.outputs.get(output)
        if decl is None or decl.value is None:
            return unknown(line, self.step(line, f"module {name} has no output {output!r}"))
        return child.output(decl).then(
            child.step(decl.line, f"output {output}: {child.file.text(decl.line)}"))

    # -- expressions -------------------------------------------------------------------------
    def eval(self, node: Any) -> Val:
        if node is None:
            return Val(None)
        line = _line(node)
        if isinstance(node, Token):
            return self._token(node, line)
        kind = node.data
        c = node.children
        if kind in ("string", "int_type", "multi_line_string"):
            return self._token(c[0], line) if c else Val(None, line)
        if kind == "true":
            return Val(True, line)
        if kind == "false":
            return Val(False, line)
        if kind == "null":
            return Val(None, line)
        if kind == "object":
            out: dict[str, Val] = {}
            for pair in c:
                if isinstance(pair, Tree) and pair.data == "pair":
                    # each entry ends with the step of the line it is written on (its file, for env entries)
                    out[_key(pair.children[0])] = self.eval(pair.children[1]).at(_line(pair)).then(self.step(_line(pair)))
            return Val(out, line)
        if kind == "array":
            return Val([self.eval(item) for item in c if item is not None], line)
        if kind == "operator":
            return self.eval(c[0])
        if kind == "property_accessor":
            return self._accessor(node, line)
        if kind == "index_accessor":
            base, index = self.eval(c[0]), self.eval(c[-1])
            return _index(base, index, line)
        if kind == "function":
            return self._function(node, line)
        if kind == "conditional":
            cond = self.eval(c[0])
            if isinstance(cond.value, bool):
                return self.eval(c[1] if cond.value else c[2]).then(*cond.chain)
            return unknown(line, *cond.chain)
        if kind == "not_op":
            inner = c[0].children[0] if isinstance(c[0], Tree) and c[0].data == "operator" else c[0]
            if isinstance(inner, Tree) and inner.data in _BINDS_LOOSER_THAN_NOT:
                # pycep's grammar reads `!a ? b : c` as `!(a ? b : c)`; Bicep's `!` binds tighter
                first = Tree("not_op", [inner.children[0]], node.meta)
                return self.eval(Tree(inner.data, [first, *inner.children[1:]], inner.meta))
            val = self.eval(c[0])
            return Val(not val.value if isinstance(val.value, bool) else UNKNOWN, line, val.chain)
        if kind == "coalesce":
            left = self.eval(c[0])
            return left if left.known and left.value is not None else self.eval(c[1]).then(*left.chain)
        if kind in _BINARY and _unwrap(c[-1]).data == "conditional" if isinstance(_unwrap(c[-1]), Tree) else False:
            # pycep reads `a == b ? x : y` as `a == (b ? x : y)`; the conditional binds loosest in Bicep
            cond = _unwrap(c[-1])
            test = Tree(kind, [*c[:-1], cond.children[0]], node.meta)
            return self.eval(Tree("conditional", [test, *cond.children[1:]], cond.meta))
        if kind in ("equals", "not_equals", "and_op", "or_op"):
            a, b = self.eval(c[0]), self.eval(c[1])
            chain = _merge(a.chain, b.chain)
            if not (a.known and b.known):
                return unknown(line, *chain)
            result = {"equals": lambda: a.value == b.value, "not_equals": lambda: a.value != b.value,
                      "and_op": lambda: bool(a.value) and bool(b.value), "or_op": lambda: bool(a.value) or bool(b.value)}[kind]()
            return Val(result, line, chain)
        return unknown(line, self.step(line, f"{kind} is not evaluated"))

    def _token(self, token: Token, line: int) -> Val:
        text = str(token)
        if token.type == "INT":
            return Val(int(text), line)
        if token.type == "QUOTED_INTERPOLATION" or token.type == "QUOTED_STRING":
            return self._template(text[1:-1], line)
        if token.type == "MULTI_LINE_STRING":
            return Val(text[3:-3], line)
        return self._name(text, line)

    def _name(self, name: str, line: int) -> Val:
        if name in self.file.params:
            return self.param(name, line)
        if name in self.file.variables:
            return self.variable(name, line)
        if name in self.file.resources:
            return unknown(line, self.step(line, f"{name} is a resource (its id is set at deployment)"))
        return unknown(line, self.step(line, f"{name} is not evaluated here (a loop variable or an unknown name)"))

    def _template(self, body: str, line: int) -> Val:
        parts: list[str | Val] = []
        for piece in split_interpolation(body):
            if isinstance(piece, str):
                parts.append(piece)
            else:
                tree = parse_expression(piece[0])
                parts.append(self.eval(tree).at(line) if tree is not None else unknown(line))
        vals = [p for p in parts if isinstance(p, Val)]
        chain = _merge(*(v.chain for v in vals))
        texts = [p if isinstance(p, str) else to_str(p) for p in parts]
        if any(t is None for t in texts):
            return unknown(line, *chain)
        return Val("".join(texts), line, chain)  # type: ignore[arg-type]

    def _accessor(self, node: Tree, line: int) -> Val:
        head, names = _flatten(node)
        if isinstance(head, Tree) and head.data == "function" and _function_name(head) == "resourceGroup" and names == ["location"]:
            return self._group_location(line)
        if isinstance(head, str):
            if head in self.file.modules and len(names) >= 2 and names[0] == "outputs":
                return _walk(self.module_output(head, names[1], line), names[2:], line)
            if head in self.file.resources:
                return self.resource_property(self.file.resources[head], names, line)
            if head in ("subscription", "tenant", "deployment", "environment"):
                return unknown(line)
            base = self._name(head, line)
            return _walk(base, names, line)
        base = self.eval(head)
        return _walk(base, names, line)

    def _group_location(self, line: int) -> Val:
        if self.group_location is not None:
            return self.group_location.then(self.step(line, "resourceGroup().location"))
        return unknown(line, self.step(line, "resourceGroup().location: the resource group is created outside this "
                                             "template; its location is not known statically"))

    def _function(self, node: Tree, line: int) -> Val:
        name = _function_name(node)
        args = [self.eval(a) for a in node.children[1:] if isinstance(a, Tree)]
        chain = _merge(*(a.chain for a in args))
        if name == "uniqueString":
            return unknown(line, *chain, self.step(line, "uniqueString() hashes deployment values (subscription, "
                                                         "resource group); not known statically"))
        if name == "empty" and len(args) == 1:
            v = args[0].value
            return Val(v in (None, "", [], {}) if v is not UNKNOWN else UNKNOWN, line, chain)
        if name == "union" and args and all(isinstance(a.value, dict) for a in args):
            merged: dict[str, Val] = {}
            for a in args:
                merged.update(a.value)
            return Val(merged, line, chain)
        if name == "contains" and len(args) == 2 and args[0].known and args[1].known:
            container, item = args[0].value, args[1].value
            if isinstance(container, str) and isinstance(item, str):
                return Val(item in container, line, chain)
            if isinstance(container, dict):
                return Val(item in container, line, chain)
            if isinstance(container, list):
                return Val(any(v.value == item for v in container), line, chain)
        if name == "concat" and args and all(isinstance(a.value, list) for a in args):
            return Val([item for a in args for item in a.value], line, chain)
        texts = [to_str(a) for a in args]
        if not texts or any(t is None for t in texts):
            return unknown(line, *chain)
        simple = {"toLower": lambda: texts[0].lower(), "toUpper": lambda: texts[0].upper(),
                  "trim": lambda: texts[0].strip(), "string": lambda: texts[0], "concat": lambda: "".join(texts),
                  "replace": lambda: texts[0].replace(texts[1], texts[2]) if len(texts) == 3 else UNKNOWN,
                  "take": lambda: texts[0][: int(texts[1])] if len(texts) == 2 and texts[1].isdigit() else UNKNOWN,
                  "format": lambda: _format(texts)}
        if name in simple:
            return Val(simple[name](), line, chain)
        return unknown(line, *chain)


def _format(texts: list[str]) -> Any:
    out = texts[0]
    for i, arg in enumerate(texts[1:]):
        out = out.replace("{%d}" % i, arg)
    return out


def module_file(caller: str, target: str) -> str | None:
    """The scan path of ``module x './y.bicep'`` (registry ``br:`` / template spec ``ts:`` sources: None)."""
    if ":" in target.split("/", 1)[0] or not target.endswith(".bicep"):
        return None
    path = posixpath.normpath(posixpath.join(posixpath.dirname(caller), target))
    return None if path.startswith("../") else path


def split_interpolation(body: str) -> list[str | tuple[str]]:
    """``rg-${token}-x`` -> ["rg-", ("token",), "-x"]; Bicep escapes (``\\'``, ``\\$``) undone."""
    out: list[str | tuple[str]] = []
    text, i = "", 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            text += {"n": "\n", "t": "\t", "r": "\r"}.get(body[i + 1], body[i + 1])
            i += 2
        elif body.startswith("${", i):
            end = _closing(body, i + 2)
            if end < 0:
                text += body[i:]
                break
            if text:
                out.append(text)
                text = ""
            out.append((body[i + 2:end],))
            i = end + 1
        else:
            text += ch
            i += 1
    if text:
        out.append(text)
    return out


def _closing(text: str, start: int) -> int:
    depth, i, quoted = 1, start, False
    while i < len(text):
        ch = text[i]
        if ch == "'":
            quoted = not quoted
        elif not quoted and ch == "{":
            depth += 1
        elif not quoted and ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _put(target: dict[str, Val], path: list[str], value: Val) -> None:
    for part in path[:-1]:
        inner = target.get(part)
        if inner is None or not isinstance(inner.value, dict):
            inner = Val({}, value.line)
            target[part] = inner
        target = inner.value
    target[path[-1]] = value


def written_in(val: Val, default: str) -> str:
    """The file an object entry is written in: its own last step on its line."""
    return next((step.path for step in reversed(val.chain) if step.line == val.line), default)


def _unwrap(node: Any) -> Any:
    while isinstance(node, Tree) and node.data == "operator" and node.children:
        node = node.children[0]
    return node


def _line(node: Any) -> int:
    if isinstance(node, Token):
        return node.line or 0
    meta = getattr(node, "meta", None)
    return 0 if meta is None or meta.empty else meta.line


def _key(node: Any) -> str:
    token = node.children[0] if isinstance(node, Tree) and node.children else node
    text = str(token)
    return text[1:-1] if text[:1] == "'" and text[-1:] == "'" else text


def _identifier(node: Any) -> str | None:
    if isinstance(node, Tree) and node.data == "string" and node.children and node.children[0].type == "STRING":
        return str(node.children[0])
    return None


def _function_name(node: Tree) -> str:
    return str(node.children[0]).rstrip("(").split(".")[-1]


def _pair(body: Any, key: str) -> Any:
    if isinstance(body, Tree) and body.data == "object":
        for pair in body.children:
            if isinstance(pair, Tree) and pair.data == "pair" and _key(pair.children[0]) == key:
                return pair.children[1]
    return None


def _deploy_body(node: Any) -> Any:
    """The object of ``= if (cond) { ... }``; a ``for`` loop's body is evaluated once, as written."""
    if isinstance(node, Tree) and node.data == "deploy_condition":
        return node.children[-1]
    if isinstance(node, Tree) and node.data == "loop":
        return node.children[-1]
    return node


def _flatten(node: Any) -> tuple[Any, list[str]]:
    """``a.b.c`` (pycep nests accessors to the right) -> ("a", ["b", "c"]); a non-name head stays a node."""
    if isinstance(node, Tree) and node.data == "operator":
        return _flatten(node.children[0])
    if isinstance(node, Tree) and node.data == "property_accessor":
        head, rest = _flatten(node.children[0])
        tail_head, tail_rest = _flatten(node.children[1])
        names = rest + ([tail_head] if isinstance(tail_head, str) else []) + tail_rest
        return head, names
    name = _identifier(node)
    return (name, []) if name is not None else (node, [])


def _walk(base: Val, names: list[str], line: int) -> Val:
    current = base
    for name in names:
        if not current.known:
            return current
        if isinstance(current.value, dict) and name in current.value:
            item = current.value[name]
            current = Val(item.value, item.line, _merge(current.chain, item.chain))
        else:
            return unknown(line, *current.chain)
    return current


def _index(base: Val, index: Val, line: int) -> Val:
    chain = _merge(base.chain, index.chain)
    if isinstance(base.value, dict) and isinstance(index.value, str) and index.value in base.value:
        item = base.value[index.value]
        return Val(item.value, item.line, _merge(chain, item.chain))
    if isinstance(base.value, list) and isinstance(index.value, int) and 0 <= index.value < len(base.value):
        item = base.value[index.value]
        return Val(item.value, item.line, _merge(chain, item.chain))
    return unknown(line, *chain)
