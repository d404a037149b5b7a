"""Reuse a previous scan's report when nothing it depended on has changed.

A scan records what it used from each file (``FileUse``): its content hash; for Python
files the pre-pass summary, whether it was a seed, the identifier lookups made on it and
their answers, and (when it was parsed) the key of its facts in the fact cache; and
and the digests of the lines fingerprints quoted. A re-scan of the same tree, policy, options and
flowscan version then re-examines only the files whose bytes changed: the report is
reused when each of them gives the scan the same answers (a comment edited, a blank line
appended), and the scan runs in full otherwise (code changed, a config changed, a file
added or removed). Entries are JSON data (``cachecodec``), written atomically; anything
unreadable, of another version or of the wrong shape is a miss. No secret is stored in
clear: the report's strings are redacted and source lines are kept as digests.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .model import Report

if TYPE_CHECKING:
    from .cache import FactCache
    from .catalog import Catalog
    from .discover import PythonSummary, SourceFile
    from .python.program import Program

FORMAT = 1


@dataclass
class FileUse:
    """What a scan took from one file."""

    digest: str  # sha256 of its bytes
    summary: tuple[str, tuple[str, ...], bool, tuple[str, ...]] | None = None  # Python: (module, imports, reads_env, lazy_imports) from the pre-pass
    seed: bool = False
    mentions: dict[str, bool] = field(default_factory=dict)  # identifier lookups -> answers
    facts_key: str | None = None  # the fact-cache key of the facts the scan used
    lines: dict[int, str] = field(default_factory=dict)  # digests of the lines read for fingerprints and messages


@dataclass
class ScanRecord:
    files: dict[str, FileUse]
    report: Report


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@lru_cache(maxsize=1)
def tool_digest() -> str:
    """flowscan's own code, schemas and rules: a new version never reuses an old report."""
    here = Path(__file__).parent
    from .catalog import default_rules_dir

    digest = hashlib.sha256(str(FORMAT).encode())
    for folder in (here, default_rules_dir()):
        for path in sorted(folder.rglob("*")):
            if path.suffix in (".py", ".yaml", ".json") and "__pycache__" not in path.parts:
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def scan_key(root: Path, policy_text: str, options: tuple) -> str:
    digest = hashlib.sha256(tool_digest().encode())
    digest.update(str(root.resolve()).encode() + b"\0" + policy_text.encode() + b"\0" + repr(options).encode())
    return digest.hexdigest()


class ResultCache:
    def __init__(self, directory: Path):
        self.directory = directory / "results"

    def load(self, key: str) -> ScanRecord | None:
        from .cachecodec import CodecError, loads

        try:
            return loads((self.directory / key).read_bytes(), ScanRecord, tool_digest())
        except (OSError, CodecError):
            return None

    def store(self, key: str, record: ScanRecord, redacted: bool = False) -> None:
        """Write ``record`` with every string redacted (``redacted``: it already is, as a record
        this cache loaded: walking the whole report again cost most of a reused hook run)."""
        from .cache import write_atomically
        from .cachecodec import dumps

        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            write_atomically(self.directory / key, dumps(record if redacted else _redacted(record), tool_digest()))
        except (OSError, ValueError, TypeError):
            pass  # a read-only or full disk, or a value the codec cannot write, only costs speed


def _redacted(value):
    """``value`` with every string redacted (``redact`` is idempotent, and every report
    output redacts too, so a reused report prints the same)."""
    from .redact import redact

    if isinstance(value, str):
        return redact(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: _redacted(getattr(value, f.name))
                                             for f in dataclasses.fields(value) if f.init})
    if isinstance(value, (list, tuple)):
        return type(value)(_redacted(v) for v in value)
    if isinstance(value, dict):
        return {k: _redacted(v) for k, v in value.items()}
    return value


def line_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def reusable(record: ScanRecord, digests: dict[str, str], still_same: Callable[[str, FileUse], bool]) -> bool:
    """Whether ``record``'s report holds for files with these digests: the same files, and
    every file whose bytes changed gives the same answers (``still_same``)."""
    if set(record.files) != set(digests):
        return False
    for path, use in record.files.items():
        if digests[path] != use.digest and not still_same(path, use):
            return False
    return True


def record_scan(report: Report, digests: dict[str, str], summaries: dict[str, PythonSummary], seeds: set[str],
                program: Program, cache: FactCache, sources: dict[str, bytes],
                lines_read: dict[str, dict[int, str]]) -> ScanRecord:
    """What this scan used from each file, for ``reuse_report`` next time."""
    files: dict[str, FileUse] = {}
    for path, digest in digests.items():
        use = FileUse(digest, lines={n: line_digest(text) for n, text in lines_read.get(path, {}).items()})
        summary = summaries.get(path)
        if summary is not None:
            use.summary = (summary.module, summary.imports, summary.reads_env, summary.lazy_imports)
            use.seed = path in seeds
            use.mentions = dict(program.mention_log.get(path, {}))
            if path in program.loaded:
                use.facts_key = cache.key(path, sources[path])
        files[path] = use
    return ScanRecord(files, report)


def recorded_prepass(record: ScanRecord | None, digests: dict[str, str],
                     python_paths: list[str]) -> dict[str, tuple[PythonSummary, bool]]:
    """The pre-pass summary and direct-seed flag of each Python file whose bytes ``record``
    saw, when it covered the same Python files (whether a file is a seed depends on its bytes
    and on which packages the tree holds). A summary redaction touched (a module name that
    looks like a key) is left out: its file is summarised again."""
    from .discover import PythonSummary

    if record is None or {p for p, use in record.files.items() if use.summary is not None} != set(python_paths):
        return {}
    out: dict[str, tuple[PythonSummary, bool]] = {}
    for path in python_paths:
        use = record.files[path]
        if use.summary is None or use.digest != digests.get(path):
            continue
        module, imports, reads_env, lazy = use.summary
        if all(_dotted(name) for name in (module, *imports, *lazy)):
            out[path] = (PythonSummary(path, module, imports, reads_env, lazy), use.seed)
    return out


@lru_cache(maxsize=1 << 14)  # a tree's files import the same few thousand names
def _dotted(name: str) -> bool:
    return name == "" or all(part.isidentifier() for part in name.split("."))


def reuse_report(results: ResultCache, key: str, record: ScanRecord | None, digests: dict[str, str],
                 sources: dict[str, bytes], catalog: Catalog, python_files: list[SourceFile],
                 facts_cache: FactCache) -> Report | None:
    """The recorded report (``record``, as ``results`` loaded it under ``key``), when every
    file whose bytes changed since gives the scan the same answers; the record is refreshed
    with the new digests. None: scan in full."""
    from .python.program import identifiers, mentions_in

    if record is None:
        return None
    from .discover import canonical_modules, prepass_python, seed_files

    canonical = canonical_modules((f.path for f in python_files),
                                  {p: use.summary[1] for p, use in record.files.items() if use.summary is not None})

    def still_same(path: str, use: FileUse) -> bool:
        if use.summary is None:
            return False  # a config: its bytes are its meaning
        data = sources[path]
        if use.lines:
            text = data.decode("utf-8", "replace").splitlines()
            if any(line_digest(text[n - 1] if 0 < n <= len(text) else "") != seen for n, seen in use.lines.items()):
                return False
        summary = prepass_python(path, data)
        if (summary.module, summary.imports, summary.reads_env, summary.lazy_imports) != use.summary:
            return False
        # a seed by the sinks alone is one with the watched calls too (whose rules then stay unloaded)
        if not (use.seed and path in seed_files({path: summary}, sources, catalog, canonical, watched=False)) \
                and (path in seed_files({path: summary}, sources, catalog, canonical)) != use.seed:
            return False
        words = identifiers(data)
        if any(mentions_in(data, name, words) != answer for name, answer in use.mentions.items()):
            return False
        if use.facts_key is not None:
            from .python.extract import extract_python
            from .python.facts import structure

            old = facts_cache.load_key(use.facts_key)
            new = facts_cache.get_or_make(path, data, extract_python)
            if old is None or structure(dataclasses.replace(old, lines=0)) != structure(dataclasses.replace(new, lines=0)):
                return False
            use.facts_key = facts_cache.key(path, data)
        return True

    if not reusable(record, digests, still_same):
        return None
    changed = [path for path, use in record.files.items() if use.digest != digests[path]]
    for path, use in record.files.items():
        use.digest = digests[path]
    if changed:  # an unchanged tree's record is already stored as it is
        for path in changed:  # what changed is new; the rest was read back redacted
            record.files[path] = _redacted(record.files[path])
        results.store(key, record, redacted=True)
    return record.report
