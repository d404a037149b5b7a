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

from .facts import Call, DictLit, Expr, Lit, ModuleFacts, Sub, imported_callee
from .program import Program

# Source bytes that may write an env var: a pre-pass, so files that only read env vars are not parsed.
_WRITES = re.compile(rb"environ\s*\[[^\]\n]+\]\s*=[^=]|environ\.(?:setdefault|update)\s*\(|putenv\s*\(")
_SET = frozenset({"os.putenv", "os.environ.__setitem__"})
_DEFAULT = frozenset({"os.environ.setdefault"})
_UPDATE = frozenset({"os.environ.update"})
_INDEX: WeakKeyDictionary = WeakKeyDictionary()  # program -> {key: [EnvWrite, ...]}


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


def env_writes(program: Program, key: str) -> list[EnvWrite]:
    """The places in the tree that set env var ``key``, in path and line order."""
    index = _INDEX.get(program)
    if index is None:
        index = _INDEX[program] = _build(program)
    found = index.get(key, [])
    if program.deps is not None:  # a file starting or ceasing to write env vars changes the answer
        program.deps.ask(ENV_WRITES)
        for write in found:
            program.deps.read(write.module.path)
    return found


ENV_WRITES = "env-writes"  # the dependency on which files write env vars (``deps``, ``flowscan.scoped``)


def may_write_env(data: bytes) -> bool:
    """Whether a file's bytes may write an env var (the pre-pass of ``env_writes``)."""
    return _WRITES.search(data) is not None


def _build(program: Program) -> dict[str, list[EnvWrite]]:
    out: dict[str, list[EnvWrite]] = {}
    for path in sorted(program.sources):
        if not path.endswith(".py") or _WRITES.search(program.sources[path]) is None:
            continue
        facts = program.load(path, "env writes", read=False)  # an asker reads the writes it gets (above)
        if facts.parse_error:
            continue
        for write in _writes(facts):
            out.setdefault(write.key, []).append(write)
    return out


def _writes(facts: ModuleFacts):
    for assign in facts.attr_assigns:
        target = assign.target
        if isinstance(target, Sub) and isinstance(target.key, Lit) \
                and imported_callee(facts, target.base) in ("os.environ", "environ"):
            yield EnvWrite(target.key.text, assign.value, "set", assign.scope == "" and not assign.conditional,
                           facts, assign.scope, assign.line, assign.text)
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
                yield EnvWrite(key, value, "set", certain, facts, site.scope, site.line, site.text)
        elif len(site.args) >= 2 and isinstance(site.args[0], Lit):
            yield EnvWrite(site.args[0].text, site.args[1], "default" if callee in _DEFAULT else "set", certain,
                           facts, site.scope, site.line, site.text)
