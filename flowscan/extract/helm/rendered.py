"""A workload document of a template, as the evaluator reached it, turned into YAML text and
read by the Kubernetes extractor, so that the serving and readiness checks see Helm workloads
(probes, strategy, replicas, resources, labels) and Services, autoscalers and monitors.

Each reached line is rendered: an action that cannot be evaluated prints as ``unevaluated``
(a line that is only such an action is dropped); ``toYaml X | nindent N`` (alone, or after a
``key:``) prints X's values as a YAML block. Every rendered line keeps the template line it came
from (for lines of a named template: the template line that included it), and the parsed nodes
are given those lines, so findings point into the template.
"""

from __future__ import annotations

import re

import yaml

from ...configfacts import ConfigFacts, KubernetesFacts
from ..kubernetes import _add_object, _objects
from ..yamlnodes import Y, load_documents
from .control import Line
from .template import _ACTION, NotEvaluated, evaluate, go_print

UNEVALUATED = "unevaluated"
_KEY_THEN_ACTION = re.compile(r"^(\s*(?:-\s+)?[A-Za-z_][\w./-]*:)\s*(\{\{.*\}\})\s*$")
_INDENT = re.compile(r"\|\s*n?indent\s+(\d+)\s*$")


def rendered_kubernetes(template_path: str, documents: list[list[Line]]) -> tuple[KubernetesFacts, list[str]]:
    """Kubernetes facts of the documents (lines in the template), and notes on what failed."""
    k8s = KubernetesFacts()
    notes: list[str] = []
    scratch = ConfigFacts(path=template_path, kind="kubernetes")
    for document in documents:
        text, origin = _render(document)
        try:
            docs = load_documents(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = origin[min(mark.line, len(origin) - 1)] if mark is not None and origin else 1
            notes.append(f"{template_path}:{line}: rendered workload is not valid YAML; probes, replicas and "
                         f"resources of this document not checked")
            continue
        for doc in docs:
            _relocate(doc, origin, set())
            for obj in _objects(doc):
                _add_object(obj, template_path, scratch, k8s)
    return k8s, notes


def _render(document: list[Line]) -> tuple[str, list[int]]:
    out: list[str] = []
    origin: list[int] = []
    for line in document:
        site = line.site if line.site is not None else line.number
        for text in _render_line(line):
            out.append(text)
            origin.append(site)
    return "\n".join(out) + "\n", origin


def _render_line(line: Line) -> list[str]:
    text = line.text
    stripped = text.strip()
    whole = _ACTION.fullmatch(stripped)
    if whole is not None and "toYaml" in whole.group(2):
        leading = line.pad if whole.group(1) == "-" else len(text) - len(text.lstrip())
        return _yaml_block(whole.group(2), line, prefix=None, leading=leading)
    keyed = _KEY_THEN_ACTION.match(text)
    if keyed is not None and "toYaml" in keyed.group(2):
        inner = _ACTION.fullmatch(keyed.group(2))
        if inner is not None:
            return [keyed.group(1)] + _yaml_block(inner.group(2), line, prefix=keyed.group(1))
    failed = False

    def sub(match: re.Match[str]) -> str:
        nonlocal failed
        if match.group(2).startswith("/*"):
            return ""
        try:
            return go_print(evaluate(match.group(2), line.scope))
        except NotEvaluated:
            failed = True
            return UNEVALUATED

    rendered = _ACTION.sub(sub, text)
    if failed and whole is not None:
        return []
    return rendered.split("\n") if rendered.strip() else []


def _yaml_block(expr: str, line: Line, prefix: str | None, leading: int = 0) -> list[str]:
    """``toYaml X | nindent N``: X's values as YAML lines indented by N (``indent N`` after
    ``leading`` spaces the action's ``{{-`` did not trim; by the key's indent plus two when
    no width is given after a ``key:``), plus what an including ``indent`` added."""
    width = _INDENT.search(expr)
    try:
        value = evaluate(expr, line.scope).value
    except NotEvaluated:
        return []
    if value is None or value == {} or value == []:
        return []
    if width is not None:
        nindent = width.group(0).lstrip("| ").startswith("n")
        pad = int(width.group(1)) + (line.pad if nindent else leading)
    else:
        pad = len(prefix) - len(prefix.lstrip()) + 2 if prefix else leading
    dumped = yaml.safe_dump(value, default_flow_style=False, sort_keys=False).rstrip("\n").split("\n")
    return [" " * pad + part for part in dumped]


def _relocate(node: Y, origin: list[int], seen: set[int]) -> None:
    """Give every node the template line its rendered line came from (once: aliases share nodes)."""
    if id(node) in seen:
        return
    seen.add(id(node))
    node.line = _origin(node.line, origin)
    if node.key_line is not None:
        node.key_line = _origin(node.key_line, origin)
    if isinstance(node.value, dict):
        for child in node.value.values():
            _relocate(child, origin, seen)
    elif isinstance(node.value, list):
        for child in node.value:
            _relocate(child, origin, seen)


def _origin(line: int, origin: list[int]) -> int:
    return origin[line - 1] if 0 < line <= len(origin) else line
