"""Var-file contexts of a root module: ``*.tfvars`` values layered with Terraform's precedence."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from ...model import Step
from .evaluate import DEFAULT_CONTEXT, Scope
from .parse import ParsedFile
from .values import Val


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
