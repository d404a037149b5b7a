"""Content-hash cache of per-file facts: unchanged files are not parsed again.

A key is the SHA-256 of the extractor's own source, the file's path and its bytes, so a
new flowscan version or an edited file misses the cache. Entries are pickles written
atomically under ``$FLOWSCAN_CACHE_DIR`` (default ``$XDG_CACHE_HOME/flowscan``). Only
flowscan's own cache files are unpickled; the scanned code is never loaded.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from functools import lru_cache
from pathlib import Path
from typing import Callable, TypeVar

T = TypeVar("T")


def default_cache_dir() -> Path:
    explicit = os.environ.get("FLOWSCAN_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "flowscan"


@lru_cache(maxsize=1)
def _code_version() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256()
    for name in ("python/extract.py", "python/extract_cst.py", "python/extract_common.py", "python/facts.py", "cache.py"):
        digest.update((here / name).read_bytes())
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

    def load(self, path: str, data: bytes):
        """The cached facts of this file's bytes, or None."""
        return self.load_key(self.key(path, data))

    def load_key(self, key: str):
        """The cached facts stored under ``key`` (see ``key``), or None."""
        entry = self.directory / key[:2] / key if self.directory is not None else None
        if entry is None:
            return None
        try:
            with entry.open("rb") as handle:
                value = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            self.misses += 1
            return None
        self.hits += 1
        return value

    def store(self, path: str, data: bytes, value: object) -> None:
        entry = self._entry(path, data)
        if entry is None:
            return
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            import tempfile

            fd, tmp = tempfile.mkstemp(dir=entry.parent)
            with os.fdopen(fd, "wb") as handle:
                pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, entry)
        except OSError:
            pass  # a read-only or full disk only costs speed
