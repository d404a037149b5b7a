"""Workload templates → env sources: env entries, ``toYaml`` env blocks, image and container
command/args, read from the reached template lines.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import yaml

from ...configfacts import ConfigFacts, EnvBinding, EnvSource, KubernetesFacts, WordSource
from ...model import Step
from ..kubernetes import POD_SPEC_PATHS
from .charts import Chart
from .control import Line, Walker
from .defines import Define
from .rendered import rendered_kubernetes
from .template import (
    _ACTION,
    LOOKUP_UNDECIDED,
    ROOT_PATH,
    NotEvaluated,
    Val,
    evaluate,
    go_print,
    render,
)
from .values import KIND, V

NOT_EVALUATED = "helm template expression not evaluated"
_KEY_LINE = re.compile(r"^(\s*)(-\s+)?([A-Za-z_][\w.-]*):(?:\s+(.*)|\s*)$")
_ITEM_LINE = re.compile(r"^(\s*)-(\s+)(.*)$")


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
    argv_sources: dict[str, list[WordSource]] = field(default_factory=dict)  # where each word was decided
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
            self.argv_sources[name] = []
            if rest:
                self._argv_inline(line, name, rest)
            else:
                self.argv_key, self.argv_indent = name, len(key.group(1)) + len(key.group(2) or "")

    def _argv_item(self, line: Line, text: str) -> None:
        """``- --flag`` or ``- {{ .Values.flag }}`` in a command/args block list."""
        try:
            rendered, steps = render(text, line.scope)
        except NotEvaluated as exc:
            why = f" ({exc})" if str(exc) == LOOKUP_UNDECIDED else ""
            self.notes.append(f"{self.template_path}:{line.number}: container argument not evaluated: {text}{why}")
            return
        value = _scalar_of(rendered)
        if value is not None and self.argv_key is not None:
            self.argv[self.argv_key].append(value)
            self.argv_sources[self.argv_key].append(_word_source(line, steps, self.template_path))

    def _argv_inline(self, line: Line, name: str, rest: str) -> None:
        """``args: ["--a", "--b"]`` or ``args: {{ toYaml .Values.args | nindent 12 }}``."""
        match = _ACTION.fullmatch(rest)
        nodes: list[V | None] = []
        try:
            if match is not None and "toYaml" in match.group(2):
                node = evaluate(match.group(2), line.scope).node
                items = node.plain() if node is not None else None
                nodes = list(node.value) if node is not None and isinstance(node.value, list) else []
            else:
                items = yaml.safe_load(render(rest, line.scope)[0])
        except (NotEvaluated, yaml.YAMLError):
            items = None
        if not isinstance(items, list):
            self.notes.append(f"{self.template_path}:{line.number}: container {name} not evaluated")
            return
        here = _word_source(line, (), self.template_path)
        kept = [(item, nodes[i] if i < len(nodes) else None) for i, item in enumerate(items)
                if not isinstance(item, (dict, list))]
        self.argv[name] = [go_print(Val(item)) if not isinstance(item, str) else item for item, _ in kept]
        self.argv_sources[name] = [WordSource(node.path, node.line, here.undecided) if node is not None else here
                                   for _, node in kept]

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


def _word_source(line: Line, steps: tuple[Step, ...], template_path: str) -> WordSource:
    """Where a command word was decided: the values line its value came from, else the
    values line of the innermost condition that chose its branch, else its template line."""
    undecided = line.undecided
    if steps:
        return WordSource(steps[0].path, steps[0].line, undecided)
    if line.decided_by:
        return WordSource(line.decided_by[-1].path, line.decided_by[-1].line, undecided)
    return WordSource(line.path or template_path, line.number, undecided)


_PLAIN = re.compile(r"(?:[A-Za-z0-9_./=+]|-(?=\S))[A-Za-z0-9_./:=,+@%-]*")
_QUOTED = re.compile(r'"[^"\\]*"|\'[^\']*\'')
_YAML_WORDS = frozenset({"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~"})


def _plain_scalar(text: str) -> str | None:
    """The string a simple scalar (a plain word or a quoted string without escapes) reads as
    in YAML, without a YAML parse (the hot path of argv items); None when YAML must decide."""
    if _QUOTED.fullmatch(text):
        return text[1:-1]
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS and not text.endswith(":"):
        return text
    return None


def _scalar_of(rendered: str) -> str | None:
    """The YAML scalar a rendered ``value:`` holds (Kubernetes env values are strings)."""
    if not rendered.strip():
        return ""
    quick = _plain_scalar(rendered.strip())
    return quick if quick is not None else _yaml_scalar(rendered)


def _yaml_scalar(rendered: str) -> str | None:
    """:func:`_scalar_of` through a YAML parse."""
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


def _add_sources(facts: ConfigFacts, chart: Chart, values_rel: str, values: V,
                 templates: dict[str, tuple[str, bytes]], defines: dict[str, Define] | None = None,
                 others: dict[str, tuple[str, bytes]] | None = None) -> list[tuple[str, KubernetesFacts]]:
    """Env sources of the workload ``templates`` into ``facts``; returns every template's
    objects (``templates`` and ``others``) as the Kubernetes extractor reads them rendered."""
    root_node = V({"Values": values, "Chart": chart.meta}, 1, ROOT_PATH)
    root = Val(root_node.plain(), (), root_node)
    context = f"helm:{chart.name}/{values_rel}"
    walker = Walker(defines or {})
    rendered: list[tuple[str, KubernetesFacts]] = []
    for rel, (path, data) in sorted({**(others or {}), **templates}.items()):
        lines = list(enumerate(data.decode("utf-8", errors="replace").splitlines(), start=1))
        all_documents = _documents(walker.walk(lines, walker.scope(root)))
        k8s, notes = rendered_kubernetes(path, all_documents)
        facts.notes.extend(n for n in notes if n not in facts.notes)
        if k8s.workloads or k8s.services or k8s.scalers or k8s.monitors:
            rendered.append((path, k8s))
        if rel not in templates:
            continue
        documents = [d for d in all_documents if _is_workload(d)]
        base = context if len(templates) == 1 else f"{context}:{rel}"
        for index, document in enumerate(documents, start=1):
            name = base if len(documents) == 1 else f"{base}#{index}"
            facts.sources.append(_source(name, path, document, facts))
    return rendered


def _documents(lines: list[Line]) -> list[list[Line]]:
    """The reached lines cut into YAML documents at ``---`` lines (a ``range`` body that
    ends with ``---`` makes one document per item)."""
    out: list[list[Line]] = [[]]
    for line in lines:
        if line.text.strip() == "---" or line.text.startswith("--- "):
            out.append([])
        else:
            out[-1].append(line)
    return [d for d in out if any(line.text.strip() and not line.text.strip().startswith("#") for line in d)]


def _is_workload(document: list[Line]) -> bool:
    return any(_WORKLOAD_LINE.match(line.text) for line in document)


_WORKLOAD_LINE = re.compile(r"^kind:\s*['\"]?(" + "|".join(POD_SPEC_PATHS) + r")['\"]?\s*(?:#.*)?$")


def _source(name: str, path: str, document: list[Line], facts: ConfigFacts) -> EnvSource:
    """One workload document as an env source: env bindings, image, command and args."""
    reader = _Reader(path)
    reader.feed(document)
    words = reader.argv.get("command", []) + reader.argv.get("args", [])
    sources = reader.argv_sources.get("command", []) + reader.argv_sources.get("args", [])
    line = reader.image[0].number if reader.image is not None and reader.image[0].path is None else 1
    source = EnvSource(name=name, kind=KIND, path=path, line=line, image=_image(reader), command=words,
                       command_sources=sources if len(sources) == len(words) else None)
    for entry in reader.entries:
        binding = _entry_binding(entry, path)
        if binding is not None:
            source.bindings.append(binding)
        elif "name" in entry.fields or "_flow" in entry.fields:
            reader.notes.append(f"{path}:{entry.line}: env entry name not evaluated")
    for line, block in reader.blocks:
        source.bindings.extend(_block_bindings(line, block, path))
    source.bindings.sort(key=lambda b: b.chain[-1].line if b.chain else b.line)
    facts.notes.extend(n for n in reader.notes if n not in facts.notes)
    return source


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
