"""Content-hash cache of per-file facts: unchanged files are not parsed again.

A key is the SHA-256 of the extractor's own source, the file's path and its bytes, so a
new flowscan version or an edited file misses the cache. Entries are JSON data
(``cachecodec``: versioned, read back by type, never code) written atomically (a temporary
file renamed over the entry, so concurrent scans each see a whole entry or none) under
``$FLOWSCAN_CACHE_DIR`` (default ``$XDG_CACHE_HOME/flowscan``). An entry that is
unreadable, of another version or not facts of the file it is keyed by is a miss and is
written again. Facts hold no secret in clear: the extractor redacts literals first.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, TypeVar

from .cachecodec import CodecError, dumps, loads

if TYPE_CHECKING:
    from .python.facts import ModuleFacts

T = TypeVar("T")


def default_cache_dir() -> Path:
    explicit = os.environ.get("FLOWSCAN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "flowscan"


# The code a cached entry depends on: the Python extractor and everything it imports (the
# package flowscan/python/, the redaction it applies, module naming, the cache and its codec). A change to any
# of them, as after an upgrade, starts a new cache folder. tests/test_cache.py checks the
# list against what importing the extractor really loads.
CALLEES = ".callees"  # beside a facts entry: the callee names of its call sites (``callee_names``)
FACT_CODE = ("python", "cache.py", "cachecodec.py", "redact.py", "discover.py", "model.py")


def fact_code_files() -> list[Path]:
    here = Path(__file__).parent
    files: list[Path] = []
    for name in FACT_CODE:
        path = here / name
        files += sorted(path.glob("*.py")) if path.is_dir() else [path]
    return files


@lru_cache(maxsize=1)
def _code_version() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for path in fact_code_files():
        digest.update(path.relative_to(here).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


class FactCache:
    def __init__(self, directory: Path | None):
        self.root = directory  # as given (a pool worker opens its own FactCache on it)
        self.directory = directory / _code_version() if directory is not None else None
        self.hits = 0
        self.misses = 0

    def get_or_make(self, path: str, data: bytes, make: Callable[[str, bytes], T]) -> T:
        value = self.load(path, data)
        if value is None:
            value = make(path, data)
            self.store(path, data, value)
        return value

    def key(self, path: str, data: bytes) -> str:
        return hashlib.sha256(path.encode() + b"\0" + data).hexdigest()

    def _entry(self, path: str, data: bytes) -> Path | None:
        if self.directory is None:
            return None
        key = self.key(path, data)
        return self.directory / key[:2] / key

    def load(self, path: str, data: bytes) -> ModuleFacts | None:
        """The cached facts of this file's bytes, or None."""
        return self.load_key(self.key(path, data), path)

    def load_key(self, key: str, path: str | None = None) -> ModuleFacts | None:
        """The cached facts stored under ``key`` (see ``key``), or None; with ``path``, only
        facts of that file."""
        from .python.facts import ModuleFacts

        entry = self.directory / key[:2] / key if self.directory is not None else None
        if entry is None:
            return None
        try:
            value = loads(entry.read_bytes(), ModuleFacts, _code_version())
            if path is not None and value.path != path:
                raise CodecError("facts of another file")
        except (OSError, CodecError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def callee_names(self, path: str, data: bytes) -> frozenset[str] | None:
        """The callee names of the file's call sites (``CalleeNames``) as stored beside its
        facts, or None (not stored, unreadable, or of another file)."""
        import json

        entry = self._entry(path, data)
        if entry is None:
            return None
        try:
            stored = json.loads(entry.with_name(entry.name + CALLEES).read_bytes())
            if not isinstance(stored, list) or stored[:1] != [path] or not all(isinstance(n, str) for n in stored):
                return None
        except (OSError, ValueError):
            return None
        return frozenset(stored[1:])

    def store_callee_names(self, path: str, data: bytes, names: frozenset[str]) -> None:
        import json

        entry = self._entry(path, data)
        if entry is None:
            return
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(entry.with_name(entry.name + CALLEES), json.dumps([path, *sorted(names)]).encode())
        except (OSError, ValueError, TypeError):
            pass  # only costs speed

    def store(self, path: str, data: bytes, value: object) -> None:
        entry = self._entry(path, data)
        if entry is None:
            return
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            write_atomically(entry, dumps(value, _code_version(), shared=True))
        except (OSError, ValueError, TypeError):
            pass  # a read-only or full disk, or a value the codec cannot write, only costs speed


def write_atomically(target: Path, data: bytes) -> None:
    """``target`` holds ``data`` or what it held before, never a part: a temporary file in
    its folder, renamed over it."""
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
