"""A Terraform module as written: one folder's variables, locals, outputs, providers, resources
and module calls.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Any

from hcl2.rules import strings as hs
from hcl2.rules.abstract import LarkToken
from hcl2.utils import process_escape_sequences

from .parse import Attr, Block, ParsedFile, _unwrap


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
    data: dict[str, Block] = field(default_factory=dict)  # data sources, "type.name"
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
            elif block.kind == "data" and len(block.labels) == 2:
                self.data[f"{block.labels[0]}.{block.labels[1]}"] = block
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
