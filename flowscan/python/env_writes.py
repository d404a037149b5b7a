"""Environment variables the scanned code sets itself: ``os.environ["HF_HUB_OFFLINE"] = "1"``,
``os.environ.setdefault("OPENAI_BASE_URL", url)``, ``os.putenv(K, v)``,
``os.environ.update({"AWS_REGION": region})``. Later reads of the variable (``os.getenv``, an
SDK's env default, a settings placeholder) see the value, with the assignment line as its
provenance.

A write at module level outside any branch is taken to run before the reads (the module is
part of the app); ``setdefault`` keeps a value the deployment sets. A write inside a function,
a branch or a loop may not have run, or may run after a read: the variable then has the
deployment's value (or is unset) as well as the written one (both are reported).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from .facts import Call, DictLit, Expr, Lit, ModuleFacts, Sub, Test, imported_callee
from .program import Program

# Source bytes that may write an env var: a pre-pass, so files that only read env vars are not parsed.
_WRITES = re.compile(rb"environ\s*\[[^\]\n]+\]\s*=[^=]|environ\.(?:setdefault|update)\s*\(|putenv\s*\(")
_SET = frozenset({"os.putenv", "os.environ.__setitem__"})
_DEFAULT = frozenset({"os.environ.setdefault"})
_UPDATE = frozenset({"os.environ.update"})
_INDEX: WeakKeyDictionary = WeakKeyDictionary()  # program -> its _EnvWriteIndex


@dataclass(frozen=True)
class EnvWrite:
    """One place the code sets env var ``key`` to ``value`` (``kind``: ``set``, or ``default``
    for ``setdefault``); ``certain``: at module level outside any branch, so it has run before
    any read."""

    key: str
    value: Expr
    kind: str
    certain: bool
    module: ModuleFacts
    scope: str
    line: int
    text: str
    tests: tuple[Test, ...] = ()  # the branch conditions it runs under


def env_writes(program: Program, key: str) -> list[EnvWrite]:
    """The places in the tree that set env var ``key``, in path and line order."""
    index = _INDEX.get(program)
    if index is None:
        index = _INDEX[program] = _EnvWriteIndex(program)
    found = index.writes(key)
    if program.deps is not None:  # a file starting or ceasing to write env vars changes the answer
        program.deps.ask(ENV_WRITES)
        for write in found:
            program.deps.read(write.module.path)
    return found


def recorded_keys(program: Program) -> dict[str, list[str]] | None:
    """The env vars each file that may write one writes (for the record: ``flowscan.scoped``),
    or None when this scan never looked (no env var was read)."""
    index = _INDEX.get(program)
    return None if index is None else index.keys_by_path()


class _EnvWriteIndex:
    """The env writes of a program's files, worked out per file on first need. The files the
    recorded scan saw unchanged (``Program.env_write_keys``: path -> the keys it writes) are
    loaded only for a key they write; the others when their bytes may write one."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self.known = program.env_write_keys or {}
        self.known = {path: keys for path, keys in self.known.items() if program.feeds(path)}
        self.unknown = [path for path, data in sorted(program.shown_sources.items()) if path.endswith(".py")
                        and path not in self.known and _WRITES.search(data) is not None]
        self.by_path: dict[str, list[EnvWrite]] = {}
        self.by_key: dict[str, list[EnvWrite]] = {}

    def writes(self, key: str) -> list[EnvWrite]:
        found = self.by_key.get(key)
        if found is None:
            paths = sorted(self.unknown + [path for path, keys in self.known.items() if key in keys])
            found = self.by_key[key] = [write for path in paths for write in self._of(path) if write.key == key]
        return found

    def keys_by_path(self) -> dict[str, list[str]]:
        known = {path: sorted(keys) for path, keys in self.known.items() if keys}
        return {**known, **{path: sorted({write.key for write in self._of(path)}) for path in self.unknown}}

    def _of(self, path: str) -> list[EnvWrite]:
        found = self.by_path.get(path)
        if found is None:
            facts = self.program.load(path, "env writes", read=False)  # an asker reads the writes it gets (above)
            found = self.by_path[path] = [] if facts.parse_error else list(_writes(facts))
        return found


ENV_WRITES = "env-writes"  # the dependency on which files write env vars (``deps``, ``flowscan.scoped``)


def may_write_env(data: bytes) -> bool:
    """Whether a file's bytes may write an env var (the pre-pass of ``env_writes``)."""
    return _WRITES.search(data) is not None


def _writes(facts: ModuleFacts):
    for assign in facts.attr_assigns:
        target = assign.target
        if isinstance(target, Sub) and isinstance(target.key, Lit) \
                and imported_callee(facts, target.base) in ("os.environ", "environ"):
            yield EnvWrite(target.key.text, assign.value, "set", assign.scope == "" and not assign.conditional,
                           facts, assign.scope, assign.line, assign.text, assign.tests)
    for site in facts.calls:
        callee = imported_callee(facts, site.func)
        if callee is None or not (callee in _SET or callee in _DEFAULT or callee in _UPDATE):
            continue
        certain = site.scope == "" and not site.tests and not site.guards
        if callee in _UPDATE:
            pairs = [(k, v) for k, v in site.kwargs if k != "**"]
            for arg in site.args[:1]:
                if isinstance(arg, DictLit):
                    pairs += [(k.text, v) for k, v in arg.items if isinstance(k, Lit)]
                elif isinstance(arg, Call) and imported_callee(facts, arg.func) == "dict":
                    pairs += [(k, v) for k, v in arg.kwargs if k != "**"]
            for key, value in pairs:
                yield EnvWrite(key, value, "set", certain, facts, site.scope, site.line, site.text, site.tests)
        elif len(site.args) >= 2 and isinstance(site.args[0], Lit):
            yield EnvWrite(site.args[0].text, site.args[1], "default" if callee in _DEFAULT else "set", certain,
                           facts, site.scope, site.line, site.text, site.tests)
