"""Which code of the tree a function resource runs, so its environment applies to that code only.

An ``aws_lambda_function`` runs the package ``filename`` names; when that package (or
``source_code_hash``) comes from a ``data "archive_file"`` it is the archive's ``source_dir`` /
``source_file``; its layers add theirs. Code stored outside the tree (``s3_key``, ``image_uri``),
a package built outside Terraform, an archive of text written in the configuration, or a runtime
of another language runs no Python file of the tree: the function applies to none and a note
says why. Which arguments mean what is rule data (``code:`` and ``archives:`` in
``rules/terraform/*.yaml``).
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from ...configfacts import CODE_OUTSIDE_TREE
from .evaluate import Scope, _flatten
from .parse import Attr, Block
from .rules import ArchiveRule, CodeRule
from .values import Val, to_str


def code_folders(scope: Scope, resource: Block, rule: CodeRule, archives: list[ArchiveRule], at: str,
                 notes: list[str]) -> list[str]:
    """The folders or files (from the scan root) of the code ``resource`` runs; CODE_OUTSIDE_TREE
    when none of it is in the tree (``at`` names the resource in the notes that say why)."""
    if runs_other_language(scope, resource, rule, at, notes):
        return [CODE_OUTSIDE_TREE]
    folders = _package(scope, resource, rule, archives, at, notes)
    for layer in _layers(scope, resource, rule):
        for folder in _package(scope, layer, rule, archives, f"{at} (layer {'.'.join(layer.labels)})", notes):
            if folder not in folders:
                folders.append(folder)
    return folders or [CODE_OUTSIDE_TREE]


def runs_other_language(scope: Scope, resource: Block, rule: CodeRule, at: str, notes: list[str]) -> bool:
    """Whether the resource's runtime is known and not Python (said in a note)."""
    runtime = _argument(scope, resource, rule.runtime)
    if runtime is None or runtime.startswith(rule.python_runtime):
        return False
    notes.append(f"{at} runs {runtime}, not Python; its environment applies to no Python file of the tree")
    return True


def code_paths(view: Scope, attr: Attr) -> list[str]:
    """Folders or files (from the scan root) a code-path argument names: a string, or a list of
    strings / ``{path = ...}`` objects. Relative paths are relative to the root module's folder,
    where Terraform runs; absolute paths and paths outside the scan are left out."""
    val = view.eval(attr.expr, view.file(attr.path))
    items = val.value if isinstance(val.value, list) else [val]
    out = []
    for item in items:
        if isinstance(item, Val) and isinstance(item.value, dict):
            item = item.value.get("path") or Val(None)
        path = path_from_root(view, to_str(item) if isinstance(item, Val) else None)
        if path is not None:
            out.append(path)
    return out


def path_from_root(view: Scope, text: str | None) -> str | None:
    if not text or text.startswith("/"):
        return None
    path = posixpath.normpath(posixpath.join(view.root_folder, text))
    if path == ".":
        return ""
    return None if path.startswith("../") or path == ".." else path


def _argument(scope: Scope, block: Block, name: str | None) -> str | None:
    attr = block.attrs.get(name) if name else None
    return to_str(scope.eval(attr.expr, scope.file(attr.path))) if attr is not None else None


def _package(scope: Scope, resource: Block, rule: CodeRule, archives: list[ArchiveRule], at: str,
             notes: list[str]) -> list[str]:
    attrs = [resource.attrs[name] for name in rule.package if name in resource.attrs]
    if attrs:
        found = next((a for attr in attrs for a in _referenced_archives(scope, attr, archives)), None)
        filename = _argument(scope, resource, rule.package[0])
        found = found or _archive_writing(scope, filename, archives)
        if found is not None:
            return _archive_sources(scope, *found, at, notes)
        notes.append(f"{at} runs the package {filename or '(not known statically)'}, which no archive in the "
                     "configuration builds; which code it holds is not known, so its environment applies to no file "
                     "of the tree")
        return []
    outside = [name for name in rule.outside if name in resource.attrs]
    if outside:
        notes.append(f"{at} runs code from outside the tree ({', '.join(outside)}); its environment applies to no "
                     "file of the tree")
    else:
        notes.append(f"{at} names no code location; its environment applies to no file of the tree")
    return []


def _references(node: Any) -> Iterator[list[str]]:
    """The leading names of every reference in an expression (``data.archive_file.x.output_path``)."""
    root, steps = _flatten(node)
    if root is not None and steps:
        names = [root]
        for step in steps:
            if not isinstance(step, str):
                break
            names.append(step)
        yield names
        return
    for child in getattr(node, "children", None) or []:
        yield from _references(child)


def _referenced_archives(scope: Scope, attr: Attr, archives: list[ArchiveRule]) -> Iterator[tuple[Block, ArchiveRule]]:
    for names in _references(attr.expr):
        if names[0] == "data" and len(names) >= 3:
            block = scope.module.data.get(f"{names[1]}.{names[2]}")
        elif len(names) >= 2:
            block = scope.module.resources.get(f"{names[0]}.{names[1]}")
        else:
            continue
        rule = next((r for r in archives if block is not None and block.labels[0] in r.types), None)
        if block is not None and rule is not None:
            yield block, rule


def _archive_writing(scope: Scope, filename: str | None, archives: list[ArchiveRule]) -> tuple[Block, ArchiveRule] | None:
    """The archive whose ``output_path`` is the package ``filename`` (a literal path to the same zip)."""
    target = path_from_root(scope, filename)
    if target is None:
        return None
    for block in [*scope.module.data.values(), *scope.module.resources.values()]:
        rule = next((r for r in archives if block.labels[0] in r.types), None)
        if rule is not None and rule.output and path_from_root(scope, _argument(scope, block, rule.output)) == target:
            return block, rule
    return None


def _archive_sources(scope: Scope, archive: Block, rule: ArchiveRule, at: str, notes: list[str]) -> list[str]:
    name = ".".join(archive.labels)
    for argument in rule.sources:
        attr = archive.attrs.get(argument)
        if attr is not None:
            paths = code_paths(scope, attr)
            if not paths:
                notes.append(f"{at} runs the archive {name}, whose {argument} is not a path in the scan; "
                             "its environment applies to no file of the tree")
            return paths
    if any(name in archive.attrs or archive.children(name) for name in rule.inline):
        notes.append(f"{at} runs the archive {name} of text written in the configuration; "
                     "its environment applies to no file of the tree")
    else:
        notes.append(f"{at} runs the archive {name}, which names no source; its environment applies to no file of the tree")
    return []


def _layers(scope: Scope, resource: Block, rule: CodeRule) -> Iterator[Block]:
    attr = resource.attrs.get(rule.layers) if rule.layers else None
    if attr is None:
        return
    for names in _references(attr.expr):
        if len(names) >= 2 and names[0] in rule.layer_types:
            layer = scope.module.resources.get(f"{names[0]}.{names[1]}")
            if layer is not None:
                yield layer
