"""What a project ships, from its packaging metadata: the folders of the packages a wheel holds.

Code in a shipped package is production, whatever its folder is called (an agent's ``tools/``,
a package's ``examples/`` module), apart from test files. Read as data only (``tomllib``,
``configparser``); nothing is built or run.

Sources: ``pyproject.toml`` (setuptools ``packages`` / ``package-dir`` / ``packages.find``,
Poetry ``packages``, Hatch ``build.targets.wheel.packages``, else the ``[project]`` name as a
folder at the root or under ``src/``, as Flit and Hatch default to), ``setup.cfg``
(``[options] packages``, ``package_dir``, ``[options.packages.find] where``), and an unpacked
wheel's ``*.dist-info`` (``top_level.txt``, else ``RECORD``).
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path
from typing import Any

MAX_METADATA_BYTES = 1_000_000


def shipped_packages(root: Path) -> tuple[str, ...]:
    """Folders (relative to ``root``, with ``/``) of the packages the project ships, sorted."""
    if not root.is_dir():
        return ()
    found: set[str] = set()
    for pyproject in _metadata_files(root, "pyproject.toml"):
        found |= _from_pyproject(root, pyproject.parent, _read_toml(pyproject))
    for setup_cfg in _metadata_files(root, "setup.cfg"):
        found |= _from_setup_cfg(root, setup_cfg.parent, setup_cfg)
    for dist_info in sorted(root.glob("*.dist-info")):
        found |= {name for name in _wheel_top_level(dist_info) if (root / name).is_dir()}
    return tuple(sorted(found))


def _wheel_top_level(dist_info: Path) -> set[str]:
    """An unpacked wheel's top-level packages: ``top_level.txt``, else the first folder of each
    ``.py`` file in ``RECORD`` (Hatch and Flit wheels have no ``top_level.txt``)."""
    top_level = dist_info / "top_level.txt"
    if top_level.is_file():
        return set(_read_text(top_level).split())
    names = set()
    for line in _read_text(dist_info / "RECORD").splitlines():
        path = line.split(",", 1)[0]
        if path.endswith(".py") and "/" in path and not path.startswith(("..", "/")):
            names.add(path.split("/", 1)[0])
    return {n for n in names if not n.endswith(".dist-info") and not n.endswith(".data")}


def _metadata_files(root: Path, name: str) -> list[Path]:
    """``name`` at the root and up to two folders down (a monorepo's ``services/api``)."""
    candidates = (root / name, *sorted(root.glob(f"*/{name}")), *sorted(root.glob(f"*/*/{name}")))
    return [p for p in candidates if p.is_file() and not p.is_symlink()]


def _read_text(path: Path) -> str:
    try:
        if path.stat().st_size > MAX_METADATA_BYTES:
            return ""
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""


def _read_toml(path: Path) -> dict[str, Any]:
    import tomllib  # here, like configparser below: a tree without package metadata loads neither

    try:
        return tomllib.loads(_read_text(path))
    except tomllib.TOMLDecodeError:
        return {}


def _from_pyproject(root: Path, base: Path, data: dict[str, Any]) -> set[str]:
    tool = data.get("tool") if isinstance(data.get("tool"), dict) else {}
    found: set[str] = set()
    setuptools = tool.get("setuptools") if isinstance(tool.get("setuptools"), dict) else {}
    package_dir = setuptools.get("package-dir") if isinstance(setuptools.get("package-dir"), dict) else {}
    packages = setuptools.get("packages")
    if isinstance(packages, list):
        found |= {_dotted_folder(base, name, package_dir) for name in packages if isinstance(name, str)}
    elif isinstance(packages, dict) and isinstance(packages.get("find"), dict):
        find = packages["find"]
        found |= _find_packages(base, _strings(find.get("where")) or ["."], _strings(find.get("include")) or ["*"])
    poetry = tool.get("poetry") if isinstance(tool.get("poetry"), dict) else {}
    for entry in poetry.get("packages", []) if isinstance(poetry.get("packages"), list) else []:
        if isinstance(entry, dict) and isinstance(entry.get("include"), str):
            found.add(_join(base, str(entry.get("from", ".")), entry["include"].replace(".", "/")))
    hatch = tool.get("hatch") if isinstance(tool.get("hatch"), dict) else {}
    wheel = hatch.get("build", {}).get("targets", {}).get("wheel", {}) if isinstance(hatch.get("build"), dict) else {}
    if isinstance(wheel, dict):
        found |= {_join(base, ".", folder) for folder in _strings(wheel.get("packages"))}
    if not found:
        name = (data.get("project") or {}).get("name") if isinstance(data.get("project"), dict) else None
        name = name or poetry.get("name")
        if isinstance(name, str):
            folder = re.sub(r"[-.]+", "_", name).lower()
            found |= {_join(base, where, folder) for where in (".", "src")}
    return {rel for rel in (_relative(root, base, f) for f in found) if rel and (root / rel).is_dir()}


def _from_setup_cfg(root: Path, base: Path, path: Path) -> set[str]:
    import configparser

    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read_string(_read_text(path))
    except configparser.Error:
        return set()
    if not parser.has_section("options"):
        return set()
    options = parser["options"]
    package_dir = {}
    for line in options.get("package_dir", "").splitlines():
        key, _, value = line.partition("=")
        if value.strip():
            package_dir[key.strip()] = value.strip()
    packages = options.get("packages", "").strip()
    if packages.startswith("find"):
        where = parser.get("options.packages.find", "where", fallback=package_dir.get("", "."))
        include = parser.get("options.packages.find", "include", fallback="*").split()
        found = _find_packages(base, [where.strip() or "."], include or ["*"])
    else:
        found = {_dotted_folder(base, name, package_dir) for name in packages.replace(",", " ").split()}
    return {rel for rel in (_relative(root, base, f) for f in found) if rel and (root / rel).is_dir()}


def _find_packages(base: Path, wheres: list[str], include: list[str]) -> set[str]:
    """Top-level folders with ``__init__.py`` under each ``where`` whose name ``include`` admits."""
    found: set[str] = set()
    for where in wheres:
        folder = base / where
        if not folder.is_dir():
            continue
        for child in sorted(folder.iterdir()):
            if child.is_dir() and (child / "__init__.py").is_file() \
                    and any(fnmatch.fnmatchcase(child.name, pattern.split(".")[0]) for pattern in include):
                found.add(_join(base, where, child.name))
    return found


def _dotted_folder(base: Path, dotted: str, package_dir: dict) -> str:
    top = dotted.split(".")[0]
    prefix = package_dir.get(top, package_dir.get("", "."))
    if top in package_dir:
        return _join(base, ".", str(prefix) + "/" + "/".join(dotted.split(".")[1:]))
    return _join(base, str(prefix), dotted.replace(".", "/"))


def _join(base: Path, where: str, folder: str) -> str:
    return str((base / where / folder)).rstrip("/")


def _relative(root: Path, base: Path, folder: str) -> str | None:
    try:
        rel = Path(folder).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None  # outside the scanned tree
    return None if rel == "." else rel


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
