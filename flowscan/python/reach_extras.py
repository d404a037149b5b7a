"""Opt-in by an optional dependency: a call into a package the project declares only as an extra
(``[project.optional-dependencies] extras = ["fastembed"]``, Poetry's ``optional = true`` with
``[tool.poetry.extras]``) runs only where that extra is installed, so ``pip install mem0ai`` with
the shipped configuration does not make it: it is ``opt-in``, with the setting "optional
dependency fastembed (extra extras)".

Only where every import of the package in the calling file is lazy (in a function) or in a
try body, or every in-tree import of the calling file itself is: a plain module-level import
makes the module need the extra (a project whose usual install is an extra). The package is matched by the call's dotted name: a prefix of it spelt as the distribution
(``sentence_transformers.SentenceTransformer`` is ``sentence-transformers``,
``llama_index.embeddings.huggingface.HuggingFaceEmbedding`` is
``llama-index-embeddings-huggingface``). No switch when the nearest ``pyproject.toml`` above
the calling file also declares the package as a dependency, or when a requirements file,
Dockerfile or conda environment in the tree names it or installs the extra (the deployment
installs it). Read as data only (``tomllib``)."""

from __future__ import annotations

import posixpath
import hashlib
import re
from pathlib import Path
from weakref import WeakKeyDictionary

from ..model import Switch
from .facts import ModuleFacts
from .program import Program

_MEMO: WeakKeyDictionary = WeakKeyDictionary()  # program -> pyproject path -> {distribution: extras}
_INSTALL_TEXTS: WeakKeyDictionary = WeakKeyDictionary()  # program -> requirements files the scan does not read -> bytes
_EVERYTHING = object()  # a requirements file that could not be read
MAX_INSTALL_FILE_BYTES = 1_000_000
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")
_INSTALL_FILES = re.compile(r"(^|/)(requirements[^/]*\.(txt|in)|[^/]*\.?[Dd]ockerfile[^/]*|Dockerfile[^/]*|environment\.ya?ml)$")
OPTIONAL_DEPENDENCY = "optional dependency"  # how the setting of an extra's switch starts


def read_install_files(root: Path, unread: list[str]) -> dict[str, bytes | object]:
    """The texts of the tree's requirements files, Dockerfiles and conda environments among the
    files the scan does not otherwise read; one that cannot be read (or is too large) counts as
    installing everything: fail closed."""
    texts: dict[str, bytes | object] = {}
    for path in unread:
        if _INSTALL_FILES.search(path):
            try:
                data = (root / path).read_bytes()
            except OSError:
                texts[path] = _EVERYTHING
                continue
            texts[path] = data if len(data) <= MAX_INSTALL_FILE_BYTES else _EVERYTHING
    return texts


def install_files_digest(texts: dict[str, bytes | object]) -> str:
    """One digest of those texts, for the cache key: a changed requirements file changes reach."""
    digest = hashlib.sha256()
    for path in sorted(texts):
        data = texts[path]
        digest.update(path.encode() + b"\0" + (data if isinstance(data, bytes) else b"\1unreadable") + b"\0")
    return digest.hexdigest()


def note_install_files(program: Program, texts: dict[str, bytes | object]) -> None:
    """Keep ``texts`` (``read_install_files``) for ``program``, as data."""
    _INSTALL_TEXTS[program] = texts


def extra_switches(program: Program, path: str, sdk: str, line: int) -> tuple[Switch, ...]:
    """The switch of a call at ``path:line`` into ``sdk`` when its package is only an extra of
    the project the file belongs to; none otherwise."""
    pyproject = _nearest_pyproject(program, path)
    if pyproject is None:
        return ()
    extras = _extras_only(program, pyproject)
    parts = sdk.split(".")
    for end in range(len(parts), 0, -1):
        dist = _normal(".".join(parts[:end]))
        if dist in extras:
            if not _imported_optionally(program, path, dist) or _installed_by_deployment(program, dist, extras[dist]):
                return ()
            names = ", ".join(extras[dist])
            setting = f"{OPTIONAL_DEPENDENCY} {dist} (extra {names})"
            return (Switch(path, line, setting, f"the extra {names} is installed", f"{dist} is not a dependency", False),)
    return ()


def _imported_optionally(program: Program, path: str, dist: str) -> bool:
    """Whether every import of the distribution's package in the calling file is one the code
    expects may fail: inside a function (imported when first used) or a try body (``except
    ImportError``). A plain module-level import makes the extra a requirement of the whole
    module (a project whose main install is an extra, ``pip install r2r[core]``): no switch."""
    facts = program.load(path, "extras")
    sites = [site for site in facts.import_sites
             if _normal(site.module) == dist or _normal(site.module).startswith(dist + "-")]
    if not sites:
        return False
    return all(site.scope or site.in_try for site in sites) or _loaded_optionally(program, facts)


def _loaded_optionally(program: Program, facts: ModuleFacts) -> bool:
    """Whether every in-tree import of the module ``facts`` is itself lazy or in a try body
    (``display.find`` importing ``point.py``, whose module level imports the package); a
    module nothing imports is an entry point: no."""
    if facts.is_package:
        return False
    importers = sorted(program.import_index.under.get(facts.module, set()) - {facts.path})
    if not importers:
        return False
    for importer in importers:
        if importer not in program.sources:
            return False
        loaded = program.load(importer, "extras")
        sites = [site for site in loaded.import_sites
                 if site.module == facts.module or site.module.startswith(facts.module + ".")]
        if loaded.parse_error or not sites or not all(site.scope or site.in_try for site in sites):
            return False
    return True


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _nearest_pyproject(program: Program, path: str) -> str | None:
    folder = posixpath.dirname(path)
    while True:
        candidate = posixpath.join(folder, "pyproject.toml") if folder else "pyproject.toml"
        if candidate in program.sources:
            return candidate
        if not folder:
            return None
        folder = posixpath.dirname(folder)


def _extras_only(program: Program, pyproject: str) -> dict[str, tuple[str, ...]]:
    """Distributions the ``pyproject`` declares in an extra and not as a dependency, each with
    its extras."""
    table = _MEMO.setdefault(program, {})
    if pyproject not in table:
        table[pyproject] = _read_extras(program.sources[pyproject])
    return table[pyproject]


def _read_extras(data: bytes) -> dict[str, tuple[str, ...]]:
    import tomllib

    try:
        document = tomllib.loads(data.decode("utf-8", errors="replace"))
    except tomllib.TOMLDecodeError:
        return {}
    project = document.get("project") if isinstance(document.get("project"), dict) else {}
    core = {_requirement(r) for r in project.get("dependencies", []) if isinstance(r, str)}
    extras: dict[str, list[str]] = {}
    optional = project.get("optional-dependencies") if isinstance(project.get("optional-dependencies"), dict) else {}
    for extra, requirements in optional.items():
        for requirement in requirements if isinstance(requirements, list) else []:
            if isinstance(requirement, str):
                extras.setdefault(_requirement(requirement), []).append(extra)
    tool = document.get("tool") if isinstance(document.get("tool"), dict) else {}
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    dependencies = poetry.get("dependencies") if isinstance(poetry.get("dependencies"), dict) else {}
    for name, spec in dependencies.items():
        if not (isinstance(spec, dict) and spec.get("optional") is True):
            core.add(_normal(name))
    poetry_extras = poetry.get("extras") if isinstance(poetry.get("extras"), dict) else {}
    for extra, names in poetry_extras.items():
        for name in names if isinstance(names, list) else []:
            if isinstance(name, str):
                extras.setdefault(_normal(name), []).append(extra)
    core.discard("")
    return {dist: tuple(sorted(set(names))) for dist, names in extras.items() if dist and dist not in core}


def _requirement(text: str) -> str:
    found = _NAME.match(text)
    return _normal(found.group(1)) if found else ""


def _installed_by_deployment(program: Program, dist: str, extras: tuple[str, ...]) -> bool:
    """Whether a requirements file, Dockerfile or conda environment of the tree names the
    distribution (any spelling) or one of its extras (``.[extras]``, ``pkg[extras,nlp]``)."""
    spelled = re.compile(r"(?<![\w.-])" + "[-_.]".join(re.escape(p) for p in dist.split("-")) + r"(?![\w.-])", re.IGNORECASE)
    extra = re.compile(r"\[[^\]\n]*\b(" + "|".join(re.escape(e) for e in extras) + r")\b[^\]\n]*\]")
    files: dict[str, bytes | object] = {path: data for path, data in program.sources.items() if _INSTALL_FILES.search(path)}
    files.update(_INSTALL_TEXTS.get(program, {}))
    for path in sorted(files):
        if files[path] is _EVERYTHING:
            return True
        data = files[path]
        text = data.decode("utf-8", errors="replace") if isinstance(data, bytes) else ""
        if spelled.search(text) or extra.search(text):
            return True
    return False
