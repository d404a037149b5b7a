"""Which files to read, what kind each is, what is skipped and why; the cheap pre-pass.

The pre-pass reads bytes only (no parsing) and decides which Python files can matter:
those that import a sink module or read env vars are seeds; the files they import, and
the files that import a seed (callers of wrapper functions), are pulled in as needed by
``api.py``. Everything else is counted as scanned and not parsed.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from .model import Skipped

if TYPE_CHECKING:
    from .catalog import Catalog

MAX_FILE_BYTES = 2_000_000
SKIP_DIRS = frozenset({
    ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox", ".mypy_cache",
    ".pytest_cache", ".ruff_cache", ".flowscan-cache", ".terraform", ".eggs", "site-packages", ".idea", ".vscode",
    ".aws-sam", "cdk.out",  # build output: copies of the code and templates (sam build, cdk synth)
})

_IMPORT = re.compile(
    rb"^[ \t]*(?:from[ \t]+(\.*[\w.]*)[ \t]+import[ \t]*(\([^)]*\)|[^\n#;]*)|import[ \t]+([\w.][\w., \t]*))",
    re.MULTILINE,
)
_TEMPLATE_NAME = re.compile(r"template|cloudformation|cfn|stack")  # JSON names CloudFormation templates go by
_SETTINGS_NAME = re.compile(r"(?:^|[._-])(?:config|settings)(?:[._-]|$)")  # config.json, app_settings.dev.json
_SETTINGS_FOLDER = re.compile(r"(?:^|/)(?:configs?|settings)/[^/]+$")  # configs/fast.json: presets loaded by name
_ENV_READ = re.compile(rb"\benviron\b|\bgetenv\b|BaseSettings")
# A module imported at run time by its literal name (a lazy-import proxy's importlib.import_module("litellm")).
_LAZY_IMPORT = re.compile(rb"\b(?:import_module|__import__)\([ \t]*[\"']([\w.]+)[\"']")


def module_name_for(path: str) -> tuple[str, bool]:
    """``app/config.py`` -> (``app.config``, False); ``app/__init__.py`` -> (``app``, True)."""
    parts = path[:-3].split("/") if path.endswith(".py") else path.split("/")
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(p for p in parts if p), is_package



@dataclass
class SourceFile:
    path: str  # relative, with /
    kind: str  # python | terraform | yaml | dotenv | dockerfile | shell | toml | settings-json | helm-template | bicep | json
    size: int


@dataclass
class Inventory:
    files: list[SourceFile] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)  # files of no kind flowscan reads: named, never opened


def classify(rel: str) -> str | None:
    name = rel.rsplit("/", 1)[-1]
    lower = name.lower()
    if lower.endswith((".py", ".pyi")):
        return "python" if lower.endswith(".py") else None
    if lower.endswith((".tf", ".tfvars", ".tf.json")):
        return "terraform"
    if lower.endswith((".yaml", ".yml")):
        return "yaml"
    if lower == ".env" or lower.startswith(".env.") or lower.endswith(".env"):
        return "dotenv"
    if lower == "dockerfile" or lower.startswith("dockerfile.") or lower.endswith(".dockerfile") or lower == "containerfile":
        return "dockerfile"
    if lower.endswith(".sh"):
        return "shell"
    if lower.endswith((".bicep", ".bicepparam", ".parameters.json")):
        return "bicep"
    if lower.endswith(".asl.json"):
        return "json"  # a Step Functions definition, read with the template or Terraform that deploys it
    if lower == "cdk.json" or lower.endswith((".json", ".template")) and _TEMPLATE_NAME.search(lower):
        return "json"  # read only when it is a CloudFormation template or a CDK app's cdk.json
    if lower.endswith(".toml"):
        return "toml"  # read only when code loads it as settings
    if lower.endswith(".json") and (_SETTINGS_NAME.search(lower) or _SETTINGS_FOLDER.search(rel.lower())):
        return "settings-json"  # config.json, settings.json, ...: read only when code loads it as settings
    if lower.endswith(".tpl"):
        return "helm-template"  # named templates (_helpers.tpl), read with their chart
    return None


OUTSIDE_TARGETS = "outside the paths asked for"  # excluded, and not listed: the user did not ask for it


def _exclusion(reason: str | bool) -> str:
    return reason if isinstance(reason, str) else "excluded by paths.exclude"


def walk(root: Path, excluded) -> Inventory:
    """Every file under ``root`` in a stable order (a folder's files by name, then its
    subfolders by name); unsupported and excluded files are listed as skipped with the reason.
    ``excluded(rel, is_dir)``: falsy, True (excluded by paths.exclude) or the reason.
    One ``scandir`` per folder: the kind of each entry comes from the directory listing, so
    a large tree costs no ``stat`` per folder, and a FIFO or device is never opened."""
    inventory = Inventory()
    _walk_folder(str(root), "", excluded, inventory)
    return inventory


def _walk_folder(full_dir: str, rel_dir: str, excluded, inventory: Inventory) -> None:
    try:
        with os.scandir(full_dir) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as exc:
        inventory.skipped.append(Skipped(rel_dir + "/", f"cannot list: {exc.strerror}"))
        return
    folders = []
    for entry in entries:
        name = entry.name
        rel = f"{rel_dir}/{name}" if rel_dir else name
        if entry.is_dir(follow_symlinks=False):
            reason = excluded(rel, True)
            if reason is OUTSIDE_TARGETS:
                pass  # not asked for: not listed
            elif name in SKIP_DIRS or name.endswith(".egg-info"):
                inventory.skipped.append(Skipped(rel + "/", "tool or dependency folder"))
            elif reason:
                inventory.skipped.append(Skipped(rel + "/", _exclusion(reason)))
            else:
                folders.append((entry.path, rel))
            continue
        kind = classify(rel)
        if entry.is_symlink():
            if entry.is_dir():
                inventory.skipped.append(Skipped(rel + "/", "symbolic link not followed"))
            elif kind is not None:
                inventory.skipped.append(Skipped(rel, "symbolic link not followed"))
            continue
        if kind is None:
            if not excluded(rel, False):
                inventory.unread.append(rel)  # its name is evidence for readiness checks (k6 scripts)
            continue  # not a kind flowscan reads; counted in the summary, not listed
        if reason := excluded(rel, False):
            if reason is not OUTSIDE_TARGETS:
                inventory.skipped.append(Skipped(rel, _exclusion(reason)))
            continue
        if not entry.is_file(follow_symlinks=False):
            inventory.skipped.append(Skipped(rel, "not a regular file (FIFO, socket or device)"))
            continue
        try:
            size = entry.stat(follow_symlinks=False).st_size
        except OSError as exc:
            inventory.skipped.append(Skipped(rel, f"cannot read: {exc.strerror}"))
            continue
        if size > MAX_FILE_BYTES:
            inventory.skipped.append(Skipped(rel, f"larger than {MAX_FILE_BYTES // 1_000_000} MB"))
            continue
        inventory.files.append(SourceFile(rel, kind, size))
    for full, rel in folders:
        _walk_folder(full, rel, excluded, inventory)


@dataclass(frozen=True)
class PythonSummary:
    """What the byte pre-pass learns about one Python file."""

    path: str
    module: str
    imports: tuple[str, ...]  # dotted names as written (relative ones resolved against the file's package)
    reads_env: bool
    lazy_imports: tuple[str, ...] = ()  # modules imported by a literal name at run time (importlib.import_module)


def prepass_python(path: str, data: bytes) -> PythonSummary:
    module, is_package = module_name_for(path)
    package = module if is_package else module.rpartition(".")[0]
    imports: list[str] = []
    for m in _IMPORT.finditer(data):
        if m.group(1) is not None:
            name = m.group(1).decode("ascii", "replace")
            level = len(name) - len(name.lstrip("."))
            if level:
                anchor = package.split(".") if package else []
                anchor = anchor[: max(0, len(anchor) - (level - 1))]
                name = ".".join(p for p in [*anchor, name.lstrip(".")] if p)
            if name:
                imports.append(name)
            for item in m.group(2).decode("ascii", "replace").strip("()").replace("\\", " ").split(","):
                words = item.split()
                if words and words[0].isidentifier():
                    imports.append(f"{name}.{words[0]}" if name else words[0])
        else:
            for item in m.group(3).decode("ascii", "replace").split(","):
                item = item.strip().split()[0] if item.strip() else ""
                if item:
                    imports.append(item)
    lazy = tuple(m.group(1).decode("ascii", "replace") for m in _LAZY_IMPORT.finditer(data))
    return PythonSummary(path, module, tuple(imports), bool(_ENV_READ.search(data)), lazy)


def seed_files(summaries: dict[str, PythonSummary], sources: dict[str, bytes], catalog: Catalog,
           canonical: dict[str, str], watched: bool = True) -> set[str]:
    """Files the pre-pass sends to the parser up front: those that import a sink's module
    (or the sink itself) and mention the sink's name, and those that name a settings dict of
    connections and a backend of the rules (``settings`` in rules/). Everything else is parsed on
    demand, when resolution follows an import into it or looks for a function's callers (``Program``).
    ``watched``: also the calls the checks read (``watched_calls``); without them, the seeds
    found are some of those found with them (the server rules are not loaded).
    """
    if not summaries:
        return set()  # nothing to seed: skip loading the server rules
    from .checks.watched import watched_calls

    names_under: dict[str, set[bytes]] = {}
    for name in [*catalog.sinks, *(watched_calls() if watched else ())]:
        parts = name.split(".")
        for cut in range(1, len(parts) + 1):
            names_under.setdefault(".".join(parts[:cut]), set()).add(parts[-1].encode())
    in_tree = {name.split(".", 1)[0] for name in canonical.values()}
    settings_names = [name.encode() for name in catalog.settings_dicts]
    settings_backends = [backend.encode() for backend in catalog.settings_sinks]
    seeds = set()
    for path, summary in summaries.items():
        data = sources[path]
        if any(name in data for name in settings_names) and any(backend in data for backend in settings_backends):
            seeds.add(path)  # a settings module's dict of connections (``settings_dicts``)
            continue
        if b"__getattr__" in data and any(lazy in names_under and lazy.split(".", 1)[0] not in in_tree
                                          for lazy in summary.lazy_imports):
            seeds.add(path)  # a lazy-import proxy hands out the whole module: its users call the sinks
            continue
        for imported in (*summary.imports, *summary.lazy_imports):  # __import__("pkg") imports too
            if imported.split(".", 1)[0] in in_tree:
                continue  # the scanned tree provides that package: calls into it are code, not sinks
            wanted = names_under.get(imported)
            if wanted and any(word in data for word in wanted):
                seeds.add(path)
                break
    return seeds


def _imports_own_name(name: str, imported: Iterable[str]) -> bool:
    """Whether one of ``imported`` is ``name`` or a module under it."""
    return any(dotted == name or dotted.startswith(name + ".") for dotted in imported)


def seed_importers(seeds: set[str], summaries: dict[str, PythonSummary], canonical: dict[str, str]) -> set[str]:
    """Files that import a seed, or a name from one (``from app.net import session`` where
    ``app/net.py`` imports requests): calls through a shared session or a re-exported
    client are in them, though they import no sink module themselves. One hop, as far as
    ``flows._could_reach`` follows."""
    names = {name for path in seeds for name in (summaries[path].module, canonical[path])}
    return {path for path, summary in summaries.items() if path not in seeds
            and any(imported in names or imported.rpartition(".")[0] in names for imported in summary.imports)}


def _in_package(folder: list[str], packages: set[str]) -> bool:
    """Whether ``folder`` is a package or lies under one: a folder without ``__init__.py``
    inside a package is a namespace package (PEP 420), imported through its parent
    (``app/config/vector_db/store.py`` is ``app.config.vector_db.store`` when ``app/config`` is one)."""
    return any("/".join(folder[:cut]) in packages for cut in range(1, len(folder) + 1))


def canonical_modules(paths: Iterable[str], imports: Mapping[str, Iterable[str]] | None = None) -> dict[str, str]:
    """The name each file is imported by: its path from the first folder of its chain of
    packages (folders with ``__init__.py``, and the folders without one under them: namespace
    packages). ``lib/sqlalchemy/engine/base.py`` ->
    ``sqlalchemy.engine.base`` when ``lib/`` is not a package. A file whose name that would make
    a standard-library module (``profiles/os.py`` -> ``os``) keeps its path's name: ``import os``
    means the standard library's (the folder is on ``sys.path`` only if the file is run as a script).
    So does a lone module (in no package) that imports its own name (``imports``: each file's
    imported names): ``profiles/e2b.py`` doing ``import e2b`` means the installed ``e2b``."""
    paths = list(paths)
    packages = {p.rsplit("/", 1)[0] if "/" in p else "" for p in paths if p.rsplit("/", 1)[-1] == "__init__.py"}
    out = {}
    for path in paths:
        parts = path[:-3].split("/")
        start = len(parts) - 1
        while start > 0 and _in_package(parts[:start], packages):
            start -= 1
        shadowed = parts[start] in sys.stdlib_module_names or (
            start == len(parts) - 1 and _imports_own_name(parts[start], (imports or {}).get(path, ())))
        names = parts if start > 0 and shadowed else parts[start:]
        if names[-1] == "__init__" and len(names) > 1:
            names = names[:-1]
        out[path] = ".".join(names)
    return out
