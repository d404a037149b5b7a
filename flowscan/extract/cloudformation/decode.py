"""Read a template as cfn-lint's decoder (``cfnlint.decode``) reads it: YAML with the short-form
intrinsics (``!Ref``, ``!Sub``, ``!GetAtt``, ``!If``...) turned into their ``Fn::`` mappings, and
JSON, both keeping the position of every mapping, list and string (``start_mark``, 0-based).

A template that parses cleanly is read by ``cfnyaml`` (the same result without importing
cfn-lint, which loads its whole rule engine with the decoder: over a second); any other goes
to cfn-lint, imported then, so parse errors keep its wording and its JSON retry. Both build
data only (a safe YAML loader; aliases bounded); nothing in the template runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .cfnyaml import load_template, template_from_node

if TYPE_CHECKING:
    import yaml


@dataclass
class Decoded:
    template: dict[str, Any] | None
    error: tuple[int, str] | None = None


def decode_template(path: str, data: bytes) -> Decoded:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return Decoded(None, (1, "not UTF-8 text"))
    try:
        template = load_template(text)
    except Exception:  # noqa: BLE001 - whatever this decoder does not read, cfn-lint reads (or words the error)
        pass
    else:
        return Decoded(template) if isinstance(template, dict) else Decoded(None, (1, "the template is not a mapping"))
    try:
        from cfnlint.decode import decode_str
    except ImportError as exc:  # a partial install: the template is named in coverage
        return Decoded(None, (1, f"CloudFormation templates are not analysed ({exc})"))
    try:
        template, matches = decode_str(text)
    except RecursionError:
        return Decoded(None, (1, "nests too deep to read; not analysed"))
    if matches:
        first = matches[0]
        return Decoded(None, (max(int(getattr(first, "linenumber", 1) or 1), 1), str(first.message).splitlines()[0]))
    if not isinstance(template, dict):
        return Decoded(None, (1, "the template is not a mapping"))
    return Decoded(template)


def decode_node(node: yaml.Node, data: bytes) -> Decoded | None:
    """The template whose composed node the scan's YAML parse kept (``ParsedYaml.node``), as
    ``decode_template`` reads it; None when cfn-lint must decide (it then parses the text)."""
    try:
        template = template_from_node(node, data.decode("utf-8"))
    except Exception:  # noqa: BLE001 - as in decode_template: cfn-lint reads (or words the error)
        return None
    return Decoded(template) if isinstance(template, dict) else Decoded(None, (1, "the template is not a mapping"))


def line_of(node: Any, default: int) -> int:
    """The 1-based line of a decoded node (mappings, lists and strings carry one), else ``default``."""
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else default


def at_path(node: Any, path: tuple[str, ...] | list[str]) -> Any:
    """The value at a property path (``Properties``, ``Environment``, ...), None if absent."""
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return node
