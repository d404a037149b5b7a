"""Paths relative to the repository root in every output.

A scan analyses the scanned folder with paths relative to it (module names, policy globs
and roles are worked out from there); the report then names every file relative to the
repository root (the nearest folder holding ``.git``), so ``flowscan scan src/app`` prints
``src/app/x.py:3`` from anywhere, as a scan of the root does, and fingerprints, baselines
and SARIF match across invocations. Outside a repository, paths stay relative to the scan root.

Free text that names a scanned file (``could not parse x.py: ...``, a context ``dotenv:.env``,
an unresolved origin ``x.py:3``) is rebased too: a word equal to a known file's path gets the
prefix. Fingerprints are computed with rebased paths and keys (:class:`~flowscan.checks.base.Findings`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .model import Location, Step

if TYPE_CHECKING:
    from .model import Endpoint, Report, Resource

_WORD = re.compile(r"[^\s:;|=<>'\"()\[\]{},]+")  # a path-like word: what separators in messages and keys leave


@dataclass(frozen=True)
class PathBase:
    """Turns scan-root-relative paths into repository-root-relative ones: ``prefix`` is the
    scan root relative to the repository root (``src/app/``; empty when they are the same)."""

    top: Path  # the folder paths are relative to in the output
    prefix: str = ""
    known: frozenset[str] = frozenset()  # scan-relative paths of files the scan saw (for free text)

    @property
    def identity(self) -> bool:
        return not self.prefix

    def path(self, path: str) -> str:
        if not self.prefix:
            return path
        return self.prefix.rstrip("/") if path in ("", ".") else self.prefix + path

    def text(self, text: str) -> str:
        """``text`` with every word that is a known file's path rebased."""
        if not self.prefix or not text or self.known.isdisjoint(_WORD.findall(text)):
            return text
        return _WORD.sub(lambda m: self.prefix + m.group(0) if m.group(0) in self.known else m.group(0), text)

    def with_known(self, paths: Iterable[str]) -> PathBase:
        return replace(self, known=frozenset(paths))


def path_base(root: Path) -> PathBase:
    """The repository root of ``root`` and the prefix that places ``root`` in it."""
    from .ignore import find_repository_root

    resolved = root.resolve()
    top = find_repository_root(resolved)
    if top is None or top == resolved:
        return PathBase(root)
    return PathBase(top, resolved.relative_to(top).as_posix() + "/")


def rebase_report(report: Report, base: PathBase, servers: list | None = None,
                  notes: dict[str, list[str]] | None = None) -> None:
    """Rewrite every path of ``report`` (and of ``servers`` and readiness ``notes``) in place,
    relative to ``base.top``."""
    report.root = str(base.top)
    if base.identity:
        return
    base = base.with_known(_known_paths(report) | base.known)
    path, text = base.path, base.text
    report.scope = base.prefix.rstrip("/")
    report.contexts = [text(c) for c in report.contexts]
    steps: dict[Step, Step] = {}  # chains share their steps: each is rebuilt once
    for endpoint in report.endpoints:
        _rebase_endpoint(endpoint, base, steps)
    for resource in report.resources:
        _rebase_resource(resource, base, steps)
    for finding in report.findings:
        finding.path, finding.message = path(finding.path), text(finding.message)
        if finding.suppression is not None:
            finding.suppression = replace(finding.suppression, path=path(finding.suppression.path))
    c = report.coverage
    c.files_scanned = [path(p) for p in c.files_scanned]
    c.files_analyzed = [path(p) for p in c.files_analyzed]
    c.files_skipped = [replace(s, path=path(s.path)) for s in c.files_skipped]
    c.parse_errors = [replace(e, path=path(e.path), message=text(e.message)) for e in c.parse_errors]
    c.notes = [text(n) for n in c.notes]
    for pitfall, lines in (notes or {}).items():
        notes[pitfall] = [text(line) for line in lines]
    c.file_roles = {path(p): role for p, role in c.file_roles.items()}
    for i, server in enumerate(servers or []):
        servers[i] = replace(server, path=path(server.path), context=text(server.context))


def _rebase_endpoint(endpoint: Endpoint, base: PathBase, steps: dict[Step, Step]) -> None:
    from .endpoints import endpoint_id

    endpoint.context = base.text(endpoint.context)
    if endpoint.id_key:  # contexts and origins named after files: the id a root scan gives
        endpoint.id_key = base.text(endpoint.id_key)
        endpoint.id = endpoint_id(endpoint.id_key)
    endpoint.locations = [Location(base.path(loc.path), loc.line, loc.column) for loc in endpoint.locations]
    endpoint.provenance = [_step(s, base, steps) for s in endpoint.provenance]
    endpoint.trails = [tuple(_step(s, base, steps) for s in trail) for trail in endpoint.trails]
    endpoint.unresolved = [base.text(u) for u in endpoint.unresolved]
    endpoint.switches = [replace(s, path=base.path(s.path)) for s in endpoint.switches]


def _rebase_resource(resource: Resource, base: PathBase, steps: dict[Step, Step]) -> None:
    resource.context = base.text(resource.context)
    resource.location = replace(resource.location, path=base.path(resource.location.path))
    resource.provenance = [_step(s, base, steps) for s in resource.provenance]


def _step(step: Step, base: PathBase, steps: dict[Step, Step]) -> Step:
    done = steps.get(step)
    if done is None:
        done = steps[step] = Step(base.path(step.path), step.line, base.text(step.detail))
    return done


def _known_paths(report: Report) -> set[str]:
    c = report.coverage
    return {*c.files_scanned, *c.files_analyzed, *(s.path for s in c.files_skipped), *(e.path for e in c.parse_errors)}
