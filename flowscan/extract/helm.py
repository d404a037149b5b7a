"""Helm charts → one deployment context per values file, bound through the templates' env entries.

Templates are never executed. Their lines are read with a small evaluator that only knows
literals, ``.Values``/``.Chart`` lookups, variables, and a few pure functions (``default``,
``quote``, ``squote``, ``toString``, ``trim``, ``lower``, ``upper``, ``required``, ``printf``
with ``%s``/``%v``, ``not``/``and``/``or``/``eq``/``ne``/``empty``). ``if``/``else``/``with``/``range``
blocks over values are followed; anything else (``include``, ``tpl``, ``.Release``, ``lookup``…)
leaves the value unknown: a binding with value None and detail
``helm template expression not evaluated``, never a guess.

``values.yaml`` is the context ``helm:<chart>/values.yaml``; every other ``values-*.yaml`` /
``values.*.yaml`` at the chart root is layered over it (maps merge, lists and scalars replace,
``null`` deletes) and is the context ``helm:<chart>/values-prod.yaml``. A binding's path and
line are where its value was written (the values file line, or the template line for a
literal or a template default); its chain holds the template line.
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any, Callable

import yaml

from ..configfacts import ConfigFacts, EnvBinding, EnvSource, HelmFacts
from ..model import Step
from .kubernetes import POD_SPEC_PATHS
from .yamlnodes import Y, error_line, load_documents

KIND = "helm"
NOT_EVALUATED = "helm template expression not evaluated"

_VALUES_FILE = re.compile(r"^values(?:[-._][^/]+)?\.ya?ml$")
_WORKLOAD_KIND = re.compile(r"^\s*kind:\s*['\"]?(" + "|".join(POD_SPEC_PATHS) + r")['\"]?\s*(?:#.*)?$", re.M)
_ACTION = re.compile(r"\{\{(-?)\s*(.*?)\s*(-?)\}\}", re.S)
_TOKEN = re.compile(
    r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*")|(?P<raw>`[^`]*`)|(?P<sym>:=|=|\||\(|\)|,)|(?P<word>[^\s|()",`=]+))"""
)
_KEY_LINE = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][\w.-]*):(?:\s+(.*)|\s*)$")
_ITEM_LINE = re.compile(r"^(\s*)-(\s+)(.*)$")
ROOT_PATH = "<template root>"
_CONTROL = ("if", "else", "end", "with", "range", "define", "block")
_OPENERS = ("if", "with", "range", "define", "block")


# --------------------------------------------------------------------------- charts


def find_charts(paths: list[str]) -> dict[str, list[str]]:
    """Chart folder (holding ``Chart.yaml``; ``""`` for the scan root) → its files, each file
    given to the deepest chart that contains it (subcharts under ``charts/`` are their own)."""
    chart_dirs = sorted({posixpath.dirname(p) for p in paths if posixpath.basename(p) == "Chart.yaml"})
    charts: dict[str, list[str]] = {d: [] for d in chart_dirs}
    for path in sorted(paths):
        owners = [d for d in chart_dirs if d == "" or path.startswith(d + "/")]
        if owners:
            charts[max(owners, key=len)].append(path)
    return charts


def extract_helm(chart_dir_files: dict[str, bytes], count_parse: Callable[[str], None] = lambda path: None
                 ) -> list[ConfigFacts]:
    """One :class:`ConfigFacts` per values file of the chart (the top-level chart among the
    given files), each with one :class:`EnvSource` per workload template. ``count_parse`` is
    told each YAML file parsed (values files and Chart.yaml, once each)."""
    charts = find_charts(list(chart_dir_files))
    if not charts:
        return []
    chart_dir = min(charts, key=len)
    files = {_relative(p, chart_dir): (p, chart_dir_files[p]) for p in charts[chart_dir]}
    count_parse(files["Chart.yaml"][0])
    chart = _chart_meta(*files["Chart.yaml"])
    templates = {rel: files[rel] for rel in sorted(files) if _is_workload_template(rel, files[rel][1])}
    base_rel = next((r for r in ("values.yaml", "values.yml") if r in files), None)
    overrides = sorted(rel for rel in files if _VALUES_FILE.match(rel) and rel != base_rel)

    if base_rel is not None:
        count_parse(files[base_rel][0])
        base, base_facts = _load_values(*files[base_rel])
    else:  # no values.yaml: the templates' literals still make a context
        base, base_facts = _empty_values(), ConfigFacts(path=files["Chart.yaml"][0], kind=KIND)
    contexts = [(base_rel or "Chart.yaml", base, base_facts, [base_facts.path])]
    for rel in overrides:
        count_parse(files[rel][0])
        override, facts = _load_values(*files[rel])
        contexts.append((rel, _merge(base, override), facts, [base_facts.path, facts.path]))

    results = []
    for rel, values, facts, layers in contexts:
        if facts.parse_error is None and base_facts.parse_error is None:
            _add_sources(facts, chart, rel, values, templates)
        facts.details = HelmFacts(chart.name, chart_dir, layers, [path for path, _ in templates.values()])
        results.append(facts)
    return results


def _relative(path: str, chart_dir: str) -> str:
    return path[len(chart_dir) + 1:] if chart_dir else path


def _is_workload_template(rel: str, data: bytes) -> bool:
    if not rel.startswith("templates/") or not rel.endswith((".yaml", ".yml")):
        return False
    text = data.decode("utf-8", errors="replace")
    return bool(_WORKLOAD_KIND.search(text))


# --------------------------------------------------------------------------- values with lines


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


@dataclass
class Chart:
    name: str
    meta: V  # {"Name": ..., "Version": ..., "AppVersion": ...}


def _chart_meta(path: str, data: bytes) -> Chart:
    fallback = posixpath.basename(posixpath.dirname(path)) or "chart"
    try:
        docs = load_documents(data)
    except yaml.YAMLError:
        return Chart(fallback, V({}, 1, path))
    doc = docs[0] if docs and isinstance(docs[0].value, dict) else Y({}, 1)
    meta = {k[0].upper() + k[1:]: _from_y(v, path) for k, v in doc.items() if k}
    name = doc.get("name").scalar() if doc.get("name") is not None else None
    return Chart(name or fallback, V(meta, doc.line, path))


# --------------------------------------------------------------------------- the evaluator


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
class Scope:
    root: Val
    dot: Val | None  # None: unknown
    variables: dict[str, Val | None] = field(default_factory=dict)

    def child(self, dot: Val | None, **variables: Val | None) -> Scope:
        return Scope(self.root, dot, {**self.variables, **variables})


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
        if command[0] in FUNCTIONS:
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
        out.append(None if (i == 0 and tok in FUNCTIONS) else _operand(tok, scope))
        i += 1
    return out


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
    return Val(node.plain(), (Step(node.path, node.line, _values_label(text)),), node)


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
    if re.search(r"%[^sv%]", text):
        raise NotEvaluated("printf verb")
    pieces = iter(go_print(a) for a in args)
    try:
        out = re.sub(r"%[sv%]", lambda m: "%" if m.group(0) == "%%" else next(pieces), text)
    except StopIteration:
        raise NotEvaluated("printf arguments") from None
    return Val(out, tuple(s for a in args for s in a.steps))


def _fn_to_yaml(value: Val) -> Val:
    return Val(value.value, value.steps, value.node, yaml_block=True)


def _fn_indent(_width: Val, value: Val) -> Val:
    if value.yaml_block:
        return value
    raise NotEvaluated("indent")


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
    "nindent": _fn_indent,
    "indent": _fn_indent,
    "not": lambda v: Val(_empty(v.value)),
    "empty": lambda v: Val(_empty(v.value)),
    "and": lambda *a: next((v for v in a if _empty(v.value)), a[-1]),
    "or": lambda *a: next((v for v in a if not _empty(v.value)), a[-1]),
    "eq": lambda a, *b: Val(any(a.value == x.value for x in b)),
    "ne": lambda a, b: Val(a.value != b.value),
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


# --------------------------------------------------------------------------- control flow


@dataclass
class Line:
    """A template content line as the evaluator reaches it (``range`` bodies repeat)."""

    number: int
    text: str
    scope: Scope
    uncertain: bool  # under a condition that could not be evaluated


def _control_actions(text: str) -> list[tuple[str, str]] | None:
    """``[(keyword, rest)]`` when the line holds only control actions (``if``, ``end``,
    ``$x := …``, comments), else None."""
    if not text.strip() or _ACTION.sub("", text).strip():
        return None
    out = []
    for m in _ACTION.finditer(text):
        expr = m.group(2)
        word = expr.split(None, 1)[0] if expr else ""
        if expr.startswith("/*"):
            continue
        if word in _CONTROL:
            out.append((word, expr[len(word):].strip()))
        elif word.startswith("$") and re.match(r"^\$\w*\s*:?=", expr):
            out.append(("assign", expr))
        else:
            return None
    return out


def _truth(expr: str, scope: Scope) -> bool | None:
    try:
        return not _empty(evaluate(expr, scope).value)
    except NotEvaluated:
        return None


@dataclass
class _Frame:
    keyword: str
    state: bool | None  # this branch: True taken, False skipped, None unknown
    done: bool | None  # some branch so far was taken (None: maybe)
    scope: Scope  # the scope inside the branch
    outer: Scope  # the scope around the block (for else branches)


def walk(lines: list[tuple[int, str]], scope: Scope, uncertain: bool = False) -> list[Line]:
    """Content lines reached under ``if``/``else``/``with``/``range`` over known values."""
    out: list[Line] = []
    stack: list[_Frame] = []
    i = 0
    while i < len(lines):
        number, text = lines[i]
        actions = _control_actions(text)
        current = stack[-1].scope if stack else scope
        active = all(f.state is not False for f in stack)
        unsure = uncertain or any(f.state is None for f in stack)
        if actions is None:
            if active:
                out.append(Line(number, text, current, unsure))
            i += 1
            continue
        for keyword, rest in actions:
            if keyword == "range":
                end = _matching_end(lines, i)
                if active:
                    out.extend(_walk_range(rest, lines[i + 1:end], current, unsure))
                i = end
                break
            _control(keyword, rest, stack, current)
            current = stack[-1].scope if stack else scope
        i += 1
    return out


def _control(keyword: str, rest: str, stack: list[_Frame], scope: Scope) -> None:
    if keyword == "if":
        state = _truth(rest, scope)
        stack.append(_Frame("if", state, state, scope, scope))
    elif keyword == "with":
        try:
            val: Val | None = evaluate(rest, scope)
            state: bool | None = not _empty(val.value)
        except NotEvaluated:
            val, state = None, None
        stack.append(_Frame("with", state, state, scope.child(val), scope))
    elif keyword in ("define", "block"):
        stack.append(_Frame(keyword, False, False, scope, scope))
    elif keyword == "else" and stack:
        _else(rest, stack[-1])
    elif keyword == "end" and stack:
        stack.pop()
    elif keyword == "assign":
        name, _, expr = re.match(r"^(\$\w*)\s*(:?=)\s*(.*)$", rest).groups()
        try:
            scope.variables[name] = evaluate(expr, scope)
        except NotEvaluated:
            scope.variables.pop(name, None)


def _else(rest: str, frame: _Frame) -> None:
    """``else`` / ``else if COND``: taken only when no earlier branch was."""
    frame.scope = frame.outer
    if frame.done is True:
        frame.state = False
        return
    condition = _truth(rest[3:], frame.outer) if rest.startswith("if ") else True
    if frame.done is None:
        frame.state = False if condition is False else None
    else:
        frame.state = condition
    if frame.state is True:
        frame.done = True
    elif frame.state is None:
        frame.done = None


def _matching_end(lines: list[tuple[int, str]], start: int) -> int:
    depth = 0
    for j in range(start, len(lines)):
        for keyword, _ in _control_actions(lines[j][1]) or []:
            if keyword in _OPENERS:
                depth += 1
            elif keyword == "end":
                depth -= 1
                if depth == 0:
                    return j
    return len(lines)


def _walk_range(rest: str, body: list[tuple[int, str]], scope: Scope, uncertain: bool) -> list[Line]:
    """A ``range`` body once per item of a known list or map (Go sorts map keys)."""
    m = re.match(r"^(?:(\$\w+)\s*(?:,\s*(\$\w+))?\s*:=\s*)?(.*)$", rest)
    first, second, expr = m.groups() if m else (None, None, rest)
    body = _drop_else(body)
    try:
        target = evaluate(expr, scope)
    except NotEvaluated:
        return walk(body, scope.child(None), uncertain=True)
    node = target.node
    if node is None or not isinstance(node.value, (dict, list)):
        return []
    items = sorted(node.value.items()) if isinstance(node.value, dict) else list(enumerate(node.value))
    out: list[Line] = []
    for key, child in items:
        item = Val(child.plain(), (Step(child.path, child.line, f"{expr} item {key}"),), child)
        names: dict[str, Val | None] = {}
        if first and second:
            names = {first: Val(key), second: item}
        elif first:
            names = {first: item}
        out.extend(walk(body, scope.child(item, **names), uncertain))
    return out


def _drop_else(body: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """The body of a ``range`` without its ``else`` branch (for empty collections)."""
    depth = 0
    for j, (_, text) in enumerate(body):
        for keyword, _rest in _control_actions(text) or []:
            if keyword in _OPENERS:
                depth += 1
            elif keyword == "end":
                depth -= 1
            elif keyword == "else" and depth == 0:
                return body[:j]
    return body


# --------------------------------------------------------------------------- env entries


@dataclass
class _Entry:
    """One env list item as written in the template: its fields and their lines."""

    line: int
    fields: dict[str, tuple[str, Line]] = field(default_factory=dict)
    nested: list[str] = field(default_factory=list)


@dataclass
class _Reader:
    """Reads a workload template's content lines into env entries, ``toYaml`` env blocks,
    the first ``image`` and the container ``command``/``args`` (when literal)."""

    template_path: str
    entries: list[_Entry] = field(default_factory=list)
    blocks: list[tuple[Line, Val]] = field(default_factory=list)
    image: tuple[Line, str] | None = None
    notes: list[str] = field(default_factory=list)
    env_indent: int | None = None
    item_indent: int | None = None
    key_indent: int | None = None
    argv: dict[str, list[str]] = field(default_factory=dict)  # the first container's command, args
    argv_key: str | None = None  # reading the block list of this key
    argv_indent: int = 0

    def feed(self, lines: list[Line]) -> None:
        for line in lines:
            self._line(line)

    def _line(self, line: Line) -> None:
        text = line.text
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            return
        indent = len(text) - len(text.lstrip())
        if self.argv_key is not None:
            if indent >= self.argv_indent and stripped.startswith("-"):
                self._argv_item(line, stripped[1:].strip())
                return
            self.argv_key = None
        if self.env_indent is not None and not self._in_env(indent, stripped):
            self.env_indent = self.item_indent = self.key_indent = None
        if self.env_indent is not None:
            self._env_line(line, text, indent, stripped)
            return
        key = _KEY_LINE.match(text)
        if key is None:
            return
        name, rest = key.group(3), (key.group(4) or "").strip()
        if name == "env":
            self.env_indent = len(key.group(1)) + len(key.group(2) or "")
            if rest and rest != "[]":
                self._block_or_note(line, rest)
        elif name == "image" and self.image is None:
            self.image = (line, rest)
        elif name in ("command", "args") and name not in self.argv:
            self.argv[name] = []
            if rest:
                self._argv_inline(line, name, rest)
            else:
                self.argv_key, self.argv_indent = name, len(key.group(1)) + len(key.group(2) or "")

    def _argv_item(self, line: Line, text: str) -> None:
        """``- --flag`` or ``- {{ .Values.flag }}`` in a command/args block list."""
        try:
            rendered, _ = render(text, line.scope)
        except NotEvaluated:
            self.notes.append(f"{self.template_path}:{line.number}: container argument not evaluated: {text}")
            return
        value = _scalar_of(rendered)
        if value is not None and self.argv_key is not None:
            self.argv[self.argv_key].append(value)

    def _argv_inline(self, line: Line, name: str, rest: str) -> None:
        """``args: ["--a", "--b"]`` or ``args: {{ toYaml .Values.args | nindent 12 }}``."""
        match = _ACTION.fullmatch(rest)
        try:
            if match is not None and "toYaml" in match.group(2):
                node = evaluate(match.group(2), line.scope).node
                items = node.plain() if node is not None else None
            else:
                items = yaml.safe_load(render(rest, line.scope)[0])
        except (NotEvaluated, yaml.YAMLError):
            items = None
        if not isinstance(items, list):
            self.notes.append(f"{self.template_path}:{line.number}: container {name} not evaluated")
            return
        self.argv[name] = [go_print(Val(item)) if not isinstance(item, str) else item for item in items
                           if not isinstance(item, (dict, list))]

    def _in_env(self, indent: int, stripped: str) -> bool:
        if indent > self.env_indent:
            return True
        return indent == self.env_indent and stripped.startswith("-")

    def _env_line(self, line: Line, text: str, indent: int, stripped: str) -> None:
        if stripped.startswith("{{") and _ACTION.fullmatch(stripped):
            self._block_or_note(line, stripped)
            return
        item = _ITEM_LINE.match(text)
        if item is not None and (self.item_indent is None or indent <= self.item_indent):
            self.item_indent = indent
            self.key_indent = indent + 1 + len(item.group(2))
            self.entries.append(_Entry(line.number))
            if item.group(3).startswith("{"):  # flow style: - {name: X, value: Y}
                self.entries[-1].fields["_flow"] = (item.group(3), line)
                return
            text = " " * self.key_indent + item.group(3)
            indent = self.key_indent
        if not self.entries:
            return
        entry = self.entries[-1]
        key = _KEY_LINE.match(text)
        if key is not None and indent == self.key_indent and not key.group(2):
            entry.fields[key.group(3)] = ((key.group(4) or "").strip(), line)
        else:
            entry.nested.append(stripped)

    def _block_or_note(self, line: Line, action_text: str) -> None:
        match = _ACTION.fullmatch(action_text.strip())
        if match is None or "toYaml" not in match.group(2):
            self.notes.append(f"{self.template_path}:{line.number}: env entries from a template expression not evaluated")
            return
        try:
            self.blocks.append((line, evaluate(match.group(2), line.scope)))
        except NotEvaluated:
            self.notes.append(f"{self.template_path}:{line.number}: env block not evaluated: {match.group(2)}")


def _scalar_of(rendered: str) -> str | None:
    """The YAML scalar a rendered ``value:`` holds (Kubernetes env values are strings)."""
    if not rendered.strip():
        return ""
    try:
        parsed = yaml.safe_load(rendered)
    except yaml.YAMLError:
        return None
    if parsed is None:
        return ""
    if isinstance(parsed, bool):
        return "true" if parsed else "false"
    if isinstance(parsed, (dict, list)):
        return None
    return parsed if isinstance(parsed, str) else rendered.strip().strip("\"'")


def _entry_binding(entry: _Entry, template_path: str) -> EnvBinding | None:
    """One template env item as a binding; None when its name cannot be read."""
    if "_flow" in entry.fields:
        return _flow_binding(*entry.fields["_flow"], template_path)
    if "name" not in entry.fields:
        return None
    name_text, name_line = entry.fields["name"]
    try:
        key = _scalar_of(render(name_text, name_line.scope)[0])
    except NotEvaluated:
        key = None
    if not key:
        return None
    suffix = " (under a template condition that was not evaluated)" if name_line.uncertain else ""
    if "valueFrom" in entry.fields:  # as in manifests, the line naming the variable
        return EnvBinding(key, None, template_path, name_line.number, _value_from_detail(entry) + suffix)
    value_text, value_line = entry.fields.get("value", ("", name_line))
    template_step = Step(template_path, value_line.number, f"template env {key}: {value_text}")
    try:
        rendered, steps = render(value_text, value_line.scope)
    except NotEvaluated:
        return EnvBinding(key, None, template_path, value_line.number, NOT_EVALUATED + suffix)
    value = _scalar_of(rendered)
    if value is None or value_text.startswith(("|", ">")):
        return EnvBinding(key, None, template_path, value_line.number, NOT_EVALUATED + suffix)
    if not steps:
        detail = "helm env" if "{{" in value_text else "env"
        return EnvBinding(key, value, template_path, value_line.number, detail + suffix)
    first = steps[0]
    return EnvBinding(key, value, first.path, first.line, f"helm env {first.detail}" + suffix,
                      steps[1:] + (template_step,))


def _flow_binding(text: str, line: Line, template_path: str) -> EnvBinding | None:
    """A flow-style item ``{name: X, value: Y}``, rendered then read as YAML."""
    try:
        rendered, steps = render(text, line.scope)
        item = yaml.safe_load(rendered)
    except (NotEvaluated, yaml.YAMLError):
        return None
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        return None
    suffix = " (under a template condition that was not evaluated)" if line.uncertain else ""
    value = item.get("value")
    if "valueFrom" in item or isinstance(value, (dict, list)):
        return EnvBinding(item["name"], None, template_path, line.number, "valueFrom" + suffix)
    text_value = "" if value is None else _scalar_of(json.dumps(value)) if not isinstance(value, str) else value
    if not steps:
        return EnvBinding(item["name"], text_value, template_path, line.number, "env" + suffix)
    template_step = Step(template_path, line.number, f"template env {item['name']}: {text}")
    first = steps[0]
    return EnvBinding(item["name"], text_value, first.path, first.line, f"helm env {first.detail}" + suffix,
                      steps[1:] + (template_step,))


def _value_from_detail(entry: _Entry) -> str:
    nested = " ".join(entry.nested)
    for ref in ("configMapKeyRef", "secretKeyRef", "fieldRef", "resourceFieldRef"):
        if ref in nested:
            name = re.search(r"\bname:\s*(\S+)", nested)
            key = re.search(r"\bkey:\s*(\S+)", nested)
            if ref.endswith("KeyRef") and name and key and "{{" not in name.group(1) + key.group(1):
                return f"{ref} {name.group(1).strip(chr(34) + chr(39))}/{key.group(1).strip(chr(34) + chr(39))}"
            return ref
    return "valueFrom"


def _block_bindings(line: Line, block: Val, template_path: str) -> list[EnvBinding]:
    """``env: {{ toYaml .Values.env }}``: each ``{name, value}`` item of the values list."""
    node = block.node
    if node is None or not isinstance(node.value, list):
        return []
    out = []
    template_step = Step(template_path, line.number, "template env: toYaml")
    for item in node.value:
        if not isinstance(item.value, dict) or "name" not in item.value:
            continue
        key = str(item.value["name"].value)
        value = item.value.get("value")
        if "valueFrom" in item.value:
            value_from = item.value["valueFrom"]
            out.append(EnvBinding(key, None, item.path, item.line, _plain_value_from(value_from), (template_step,)))
        elif value is None or value.value is None:
            out.append(EnvBinding(key, "", item.path, item.line, "helm env (toYaml)", (template_step,)))
        elif not isinstance(value.value, (dict, list)):
            text = go_print(Val(value.value)) if not isinstance(value.value, str) else value.value
            out.append(EnvBinding(key, text, value.path, value.line, "helm env (toYaml)", (template_step,)))
    return out


def _plain_value_from(node: V) -> str:
    plain = node.plain()
    for ref in ("configMapKeyRef", "secretKeyRef"):
        if isinstance(plain, dict) and isinstance(plain.get(ref), dict):
            return f"{ref} {plain[ref].get('name', '?')}/{plain[ref].get('key', '?')}"
    return "valueFrom"


# --------------------------------------------------------------------------- sources


def _add_sources(facts: ConfigFacts, chart: Chart, values_rel: str, values: V,
                 templates: dict[str, tuple[str, bytes]]) -> None:
    root = Val(None, (), V({"Values": values, "Chart": chart.meta}, 1, ROOT_PATH))
    context = f"helm:{chart.name}/{values_rel}"
    for rel, (path, data) in templates.items():
        lines = list(enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1))
        reader = _Reader(path)
        reader.feed(walk(lines, Scope(root, root)))
        name = context if len(templates) == 1 else f"{context}:{rel}"
        source = EnvSource(name=name, kind=KIND, path=path, line=1, image=_image(reader),
                           command=reader.argv.get("command", []) + reader.argv.get("args", []))
        for entry in reader.entries:
            binding = _entry_binding(entry, path)
            if binding is not None:
                source.bindings.append(binding)
            elif "name" in entry.fields or "_flow" in entry.fields:
                reader.notes.append(f"{path}:{entry.line}: env entry name not evaluated")
        for line, block in reader.blocks:
            source.bindings.extend(_block_bindings(line, block, path))
        source.bindings.sort(key=lambda b: b.chain[-1].line if b.chain else b.line)
        facts.sources.append(source)
        facts.notes.extend(n for n in reader.notes if n not in facts.notes)


def _image(reader: _Reader) -> str | None:
    if reader.image is None:
        return None
    line, text = reader.image
    try:
        rendered, _ = render(text, line.scope)
    except NotEvaluated:
        return None
    value = _scalar_of(rendered)
    return value or None
