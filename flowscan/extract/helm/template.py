"""The Go-template expression evaluator: pipelines over ``.Values``/``.Chart``, variables and a
few pure functions (Sprig's ``default``, ``index``, ``dict``/``list``, ``printf``, ``required``,
``ternary``, ...; ``tpl`` renders a values string with the same evaluator), and rendering a
line's actions. What it does not know raises :class:`NotEvaluated`; ``lookup`` always does,
saying why (it reads the live cluster at install time).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Callable

from ...model import Step
from .values import V

_ACTION = re.compile(r"\{\{(-?)\s*(.*?)\s*(-?)\}\}", re.S)
_TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<raw>`[^`]*`)|(?P<sym>:=|=|\||\(|\)|,)|(?P<word>[^\s|()",`=]+))"""
)
ROOT_PATH = "<template root>"


class NotEvaluated(Exception):
    """The expression needs something flowscan does not evaluate."""


@dataclass(frozen=True)
class Val:
    """An evaluated template value: plain data, the values-file lines that decided it, and
    the node it came from (for ``toYaml``)."""

    value: Any
    steps: tuple[Step, ...] = ()
    node: V | None = None
    yaml_block: bool = False  # the output of toYaml (printed only in env blocks)


@dataclass
class Made(V):
    """A node the template built (``dict``, ``list``): its children keep the values nodes they
    came from; ``made_steps`` stand in for a values line where a scalar was not read from one."""

    made_steps: tuple[Step, ...] = ()


def node_steps(node: V, label: str) -> tuple[Step, ...]:
    """The provenance of reading ``node``: its values line, or what a built node carries."""
    return node.made_steps if isinstance(node, Made) else (Step(node.path, node.line, label),)


def _node_of(val: Val) -> V:
    """``val`` as a node: the values node it came from, else one built from its plain data."""
    if val.node is not None:
        return val.node
    return _made(val.value, val.steps)


def _made(value: Any, steps: tuple[Step, ...]) -> Made:
    if isinstance(value, dict):
        return Made({str(k): _made(v, steps) for k, v in value.items()}, 0, "<template>", made_steps=steps)
    if isinstance(value, list):
        return Made([_made(v, steps) for v in value], 0, "<template>", made_steps=steps)
    return Made(value, 0, "<template>", made_steps=steps)


#: ``include NAME ARG`` → the named template's output, given by the walker (see ``control``).
Includer = Callable[[str, "Val"], "Val"]


@dataclass
class Scope:
    root: Val | None  # ``$``; None: unknown (an include whose argument was not evaluated)
    dot: Val | None  # None: unknown
    variables: dict[str, Val | None] = field(default_factory=dict)
    include: Includer | None = None

    def child(self, dot: Val | None, **variables: Val | None) -> Scope:
        return Scope(self.root, dot, {**self.variables, **variables}, self.include)


def _tokens(expr: str) -> list[str]:
    out, pos = [], 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if m is None or m.end() == pos:
            if expr[pos:].strip():
                raise NotEvaluated(expr)
            break
        out.append(m.group(m.lastgroup))
        pos = m.end()
    return out


def _split_pipeline(tokens: list[str]) -> list[list[str]]:
    commands: list[list[str]] = [[]]
    depth = 0
    for tok in tokens:
        if tok == "|" and depth == 0:
            commands.append([])
            continue
        depth += (tok == "(") - (tok == ")")
        commands[-1].append(tok)
    if any(not c for c in commands):
        raise NotEvaluated("empty command")
    return commands


def evaluate(expr: str, scope: Scope) -> Val:
    """The value of one template pipeline, e.g. ``.Values.a.b | default "x" | quote``."""
    tokens = _tokens(expr)
    if len(tokens) >= 2 and tokens[0].startswith("$") and tokens[1] in (":=", "="):
        raise NotEvaluated("assignment")
    try:
        return _pipeline(tokens, scope)
    except (TypeError, ValueError, IndexError) as exc:
        raise NotEvaluated(expr) from exc


def _pipeline(tokens: list[str], scope: Scope) -> Val:
    result: Val | None = None
    for command in _split_pipeline(tokens):
        args = _operands(command, scope)
        if command[0] == "include":
            result = _include(args[1:] + ([result] if result is not None else []), scope)
        elif command[0] == "tpl":
            result = _tpl(args[1:] + ([result] if result is not None else []), scope)
        elif command[0] in FUNCTIONS:
            args = args[1:] + ([result] if result is not None else [])
            result = FUNCTIONS[command[0]](*args)
        elif len(args) == 1 and result is None:
            result = args[0]
        else:
            raise NotEvaluated(" ".join(command))
    assert result is not None
    return result


def _operands(command: list[str], scope: Scope) -> list[Any]:
    """Each operand evaluated; the function name (first word) is kept as a placeholder."""
    out: list[Any] = []
    i = 0
    while i < len(command):
        tok = command[i]
        if tok == "(":
            end = _matching_paren(command, i)
            out.append(_pipeline(command[i + 1:end], scope))
            i = end + 1
            continue
        out.append(None if (i == 0 and (tok in FUNCTIONS or tok in ("include", "tpl"))) else _operand(tok, scope))
        i += 1
    return out


def _include(args: list[Val], scope: Scope) -> Val:
    if scope.include is None or len(args) != 2 or not isinstance(args[0].value, str):
        raise NotEvaluated("include")
    return scope.include(args[0].value, args[1])


def _tpl(args: list[Val], scope: Scope) -> Val:
    """``tpl TEMPLATE CONTEXT``: a string (usually from values) rendered as a template with
    ``.`` bound to CONTEXT; the steps are the string's values line and what it read."""
    if len(args) != 2 or not isinstance(args[0].value, str):
        raise NotEvaluated("tpl")
    rendered, steps = render(args[0].value, Scope(scope.root, args[1], {}, scope.include))
    return Val(rendered, args[0].steps + steps)


def _matching_paren(tokens: list[str], start: int) -> int:
    depth = 0
    for j in range(start, len(tokens)):
        depth += (tokens[j] == "(") - (tokens[j] == ")")
        if depth == 0:
            return j
    raise NotEvaluated("unbalanced parentheses")


def _operand(tok: str, scope: Scope) -> Val:
    if tok.startswith('"'):
        return Val(json.loads(tok))
    if tok.startswith("`"):
        return Val(tok[1:-1])
    if tok in ("true", "false"):
        return Val(tok == "true")
    if tok == "nil":
        return Val(None)
    if re.fullmatch(r"-?\d+", tok):
        return Val(int(tok))
    if tok.startswith("."):
        return _lookup(scope.dot, tok[1:], tok)
    if tok == "$":
        if scope.root is None:
            raise NotEvaluated("$")
        return scope.root
    if tok.startswith("$"):
        name, _, rest = tok.partition(".")
        base = scope.root if name == "$" else scope.variables.get(name)
        if name != "$" and name not in scope.variables:
            raise NotEvaluated(f"variable {name}")
        return _lookup(base, rest, tok)
    raise NotEvaluated(tok)


def _lookup(base: Val | None, dotted: str, text: str) -> Val:
    """``a.b.c`` from ``base``; a missing key is nil (printed empty, as Helm does)."""
    if base is None:
        raise NotEvaluated(text)
    if not dotted:
        return base
    node = base.node
    keys = dotted.split(".")
    if node is not None and node.path == ROOT_PATH and keys[0] not in node.value:
        raise NotEvaluated(text)  # .Release, .Capabilities, .Files, .Template, ...
    for key in keys:
        if node is None:
            return Val(None)
        if not isinstance(node.value, dict):
            raise NotEvaluated(text)
        node = node.value.get(key)
    if node is None:
        return Val(None)
    return Val(node.plain(), node_steps(node, _values_label(text)), node)


def _values_label(text: str) -> str:
    return text if text.startswith((".Values", "$.Values")) else f"{text} (template)"


# --------------------------------------------------------------------------- functions


def _empty(value: Any) -> bool:
    return value is None or value is False or value == 0 and not isinstance(value, bool) or value in ("", [], {})


def go_print(val: Val) -> str:
    """How Go's text/template prints a value (Helm prints a missing value as empty)."""
    value = val.value
    if val.yaml_block or isinstance(value, (dict, list)):
        raise NotEvaluated("structured value printed")
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        if abs(value) >= 1_000_000:
            raise NotEvaluated("Helm prints large numbers in exponent form")
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1_000_000:
            return str(int(value))
        raise NotEvaluated("float formatting")
    return str(value)


def _fn_default(default: Val, value: Val | None = None) -> Val:
    return default if value is None or _empty(value.value) else value


def _string_fn(fn: Callable[[str], str]) -> Callable[..., Val]:
    def apply(*args: Val) -> Val:
        if not args:
            raise NotEvaluated("missing argument")
        *extra, value = args
        return Val(fn(go_print(value), *[go_print(a) for a in extra]), value.steps)

    return apply


def _fn_quote(*args: Val) -> Val:
    parts = [json.dumps(go_print(a), ensure_ascii=False) for a in args if a.value is not None]
    return Val(" ".join(parts), tuple(s for a in args for s in a.steps))


def _fn_squote(*args: Val) -> Val:
    parts = [f"'{go_print(a)}'" for a in args if a.value is not None]
    return Val(" ".join(parts), tuple(s for a in args for s in a.steps))


def _fn_required(message: Val, value: Val) -> Val:
    if _empty(value.value):
        raise NotEvaluated(f"required: {message.value}")
    return value


def _fn_printf(fmt: Val, *args: Val) -> Val:
    text = go_print(fmt)
    if re.search(r"%[^svdq%]", text):
        raise NotEvaluated("printf verb")
    values = iter(args)

    def verb(match: re.Match[str]) -> str:
        if match.group(0) == "%%":
            return "%"
        value = next(values)
        if match.group(0) == "%d" and not (isinstance(value.value, int) and not isinstance(value.value, bool)):
            raise NotEvaluated("printf %d of a value that is not an integer")
        return json.dumps(go_print(value), ensure_ascii=False) if match.group(0) == "%q" else go_print(value)

    try:
        out = re.sub(r"%[svdq%]", verb, text)
    except StopIteration:
        raise NotEvaluated("printf arguments") from None
    return Val(out, tuple(s for a in args for s in a.steps))


def _fn_to_yaml(value: Val) -> Val:
    return Val(value.value, value.steps, value.node, yaml_block=True)


def _indenter(newline: bool) -> Callable[[Val, Val], Val]:
    """``indent N`` / ``nindent N``: a ``toYaml`` block is kept as a block (read by the
    caller); text gets N spaces on every line (and a leading newline for ``nindent``)."""

    def apply(width: Val, value: Val) -> Val:
        if value.yaml_block:
            return value
        if not isinstance(value.value, str) or not isinstance(width.value, int):
            raise NotEvaluated("indent")
        pad = " " * width.value
        text = "\n".join(pad + line for line in value.value.split("\n"))
        return Val(("\n" if newline else "") + text, value.steps)

    return apply


def _steps(*vals: Val) -> tuple[Step, ...]:
    return tuple(s for v in vals for s in v.steps)


def _fn_has_key(mapping: Val, key: Val) -> Val:
    """``hasKey MAP KEY``: the key's line when present, else the map's."""
    node = mapping.node
    if node is None or not isinstance(node.value, dict):
        if mapping.value is None:
            return Val(False, mapping.steps)
        raise NotEvaluated("hasKey on a value that is not a map")
    child = node.value.get(str(key.value))
    if child is not None:
        return Val(True, node_steps(child, f"hasKey {key.value}"))
    return Val(False, mapping.steps)


def _fn_ternary(if_true: Val, if_false: Val, condition: Val) -> Val:
    chosen = if_true if condition.value is True else if_false
    if not isinstance(condition.value, bool):
        raise NotEvaluated("ternary on a value that is not a boolean")
    return Val(chosen.value, condition.steps + chosen.steps, chosen.node)


def _compare(op: Callable[[Any, Any], bool]) -> Callable[[Val, Val], Val]:
    def apply(a: Val, b: Val) -> Val:
        if not all(isinstance(v.value, (int, float)) and not isinstance(v.value, bool) for v in (a, b)):
            raise NotEvaluated("comparison of values that are not numbers")
        return Val(op(a.value, b.value), _steps(a, b))

    return apply


def _fn_int(value: Val) -> Val:
    if isinstance(value.value, bool) or value.value is None:
        return Val(int(bool(value.value)), value.steps)
    return Val(int(float(value.value)), value.steps)


_KINDS = {"string": str, "map": dict, "slice": list, "bool": bool, "int": int, "float64": float}


def _fn_kind_is(kind: Val, value: Val) -> Val:
    if kind.value not in _KINDS:
        raise NotEvaluated(f"kindIs {kind.value}")
    wanted = _KINDS[kind.value]
    matches = isinstance(value.value, wanted) and not (wanted is int and isinstance(value.value, bool))
    return Val(matches, value.steps)


def _fn_index(collection: Val, *keys: Val) -> Val:
    """``index X K1 K2 ...``: a map key (a missing one is nil) or a list position."""
    node = _node_of(collection)
    for key in keys:
        if isinstance(node.value, dict):
            child = node.value.get(go_print(key))
            if child is None:
                return Val(None, collection.steps)
        elif isinstance(node.value, list):
            position = key.value
            if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < len(node.value):
                raise NotEvaluated("index out of range")
            child = node.value[position]
        elif node.value is None:
            return Val(None, collection.steps)
        else:
            raise NotEvaluated("index of a value that is not a map or a list")
        node = child
    label = "index " + " ".join(go_print(k) for k in keys)
    return Val(node.plain(), node_steps(node, label), node)


def _fn_dict(*pairs: Val) -> Val:
    """``dict K1 V1 K2 V2 ...``: a map whose values keep the nodes (and lines) they came from."""
    if len(pairs) % 2:
        raise NotEvaluated("dict needs key/value pairs")
    children = {go_print(k): _node_of(v) for k, v in zip(pairs[::2], pairs[1::2])}
    node = Made(children, 0, "<template>")
    return Val(node.plain(), (), node)


def _fn_list(*items: Val) -> Val:
    node = Made([_node_of(v) for v in items], 0, "<template>")
    return Val(node.plain(), (), node)


LOOKUP_UNDECIDED = "lookup reads the live cluster when the chart is installed; flowscan never sees it"


def _fn_lookup(*_: Val) -> Val:
    raise NotEvaluated(LOOKUP_UNDECIDED)


def _fn_not(value: Val) -> Val:
    return Val(_empty(value.value), value.steps)


FUNCTIONS: dict[str, Callable[..., Val]] = {
    "default": _fn_default,
    "quote": _fn_quote,
    "squote": _fn_squote,
    "toString": _string_fn(lambda s: s),
    "trim": _string_fn(str.strip),
    "lower": _string_fn(str.lower),
    "upper": _string_fn(str.upper),
    "trimSuffix": _string_fn(lambda s, suffix: s[: -len(suffix)] if suffix and s.endswith(suffix) else s),
    "trimPrefix": _string_fn(lambda s, prefix: s[len(prefix):] if s.startswith(prefix) else s),
    "required": _fn_required,
    "printf": _fn_printf,
    "toYaml": _fn_to_yaml,
    "nindent": _indenter(True),
    "indent": _indenter(False),
    "not": _fn_not,
    "empty": lambda v: Val(_empty(v.value), v.steps),
    "and": lambda *a: next((v for v in a if _empty(v.value)), a[-1]),
    "or": lambda *a: next((v for v in a if not _empty(v.value)), a[-1]),
    "eq": lambda a, *b: Val(any(a.value == x.value for x in b), _steps(a, *b)),
    "ne": lambda a, b: Val(a.value != b.value, _steps(a, b)),
    "hasKey": _fn_has_key,
    "ternary": _fn_ternary,
    "hasPrefix": lambda prefix, s: Val(go_print(s).startswith(go_print(prefix)), s.steps),
    "hasSuffix": lambda suffix, s: Val(go_print(s).endswith(go_print(suffix)), s.steps),
    "kindIs": _fn_kind_is,
    "int": _fn_int,
    "gt": _compare(lambda a, b: a > b),
    "ge": _compare(lambda a, b: a >= b),
    "lt": _compare(lambda a, b: a < b),
    "le": _compare(lambda a, b: a <= b),
    "index": _fn_index,
    "dict": _fn_dict,
    "list": _fn_list,
    "lookup": _fn_lookup,
}


def render(text: str, scope: Scope) -> tuple[str, tuple[Step, ...]]:
    """``text`` with every action replaced by its printed value; raises NotEvaluated."""
    steps: list[Step] = []

    def sub(match: re.Match[str]) -> str:
        expr = match.group(2)
        if expr.startswith("/*"):
            return ""
        val = evaluate(expr, scope)
        steps.extend(val.steps)
        return go_print(val)

    return _ACTION.sub(sub, text), tuple(steps)
