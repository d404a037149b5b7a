"""The pre-commit hook's scoped run: re-resolve only the outbound calls a Python edit can affect.

A scan that records its report (``resultcache``) also stores what each outbound call's
resolution depended on (``python/deps.py``: files read and tree-wide questions asked, memo
hits included), the Python files' digests, and the in-tree SDK subclasses. The hook
(``ScanOptions.scope``) then, when only Python files changed and each kept its imports,
module name and seed flag, resolves:

1. every call site of the changed files (their new facts);
2. the recorded calls whose dependencies hold a changed file (its facts; or its answers by name,
   when those changed: ``_same_answers``), or a tree-wide question that a changed file's old or
   new bytes answer (``mention:NAME``, ``quoting:pkg.Class``, ``env-writes``: ``_Answers``), or the
   places a changed file has for a class (``reach_selection``; ``places:``) differ;
3. the recorded calls that fed an endpoint one of those feeds (old or new): an endpoint groups
   call sites, and a finding on it touches every file of its provenance.

Facts are loaded only for the files those resolutions reach. Checks run on the endpoints found
and the modules loaded, and the recorded findings that module checks tied to an endpoint come
back for the files whose call sites were read back; the hook reports only findings touching the
changed files, which the calls left out cannot touch (their dependencies hold no changed file). Anything else (no
record, a config or the set of files changed, an import edited, a new SDK subclass) takes the
full path. The record is left as it is: it still describes the tree it was made from, and the
next scan compares against it.

Not identical to a full scan in one respect: a scoped resolution starts from a cold memo, so a
call can hit the step budget or a recursion cut where the full scan reused a value (or the
reverse); the call is then reported as unresolved (coverage), never dropped.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .python.reach_selection import PLACES, place_shapes

if TYPE_CHECKING:
    from .discover import PythonSummary
    from .model import Report
    from .python.deps import DepTracker
    from .python.facts import ModuleFacts
    from .python.program import Program
    from .recorded_hits import RecordedHits
    from .resultcache import ScanRecord

FORMAT = 7
MENTION = "mention:"
QUOTING = "quoting:"
Site = tuple[str, int]


class _Answers:
    """A file's answers to the tree-wide questions (``deps``): each worked out once, on demand."""

    def __init__(self, data: bytes, words: frozenset[bytes] | None = None) -> None:
        self.data = data
        self._words = words
        self._quoted: set[bytes] | None = None
        self._writes_env: bool | None = None
        self._called: set[bytes] | None = None  # ``x.NAME(…)`` calls
        self._writes: dict[str, set[str]] | None = None  # ``x.….attr = …`` writes

    def holds(self, key: str) -> bool | None:
        """Whether the file answers ``key`` (None: not a question this knows, which the hook
        then treats as answered by every changed file)."""
        from .python.aliased_callers import ATTR_CALL, called_attributes
        from .python.env_writes import ENV_WRITES, may_write_env
        from .python.resolve_outside_writes import OUTSIDE_WRITE, attribute_writes, writes_for_instance
        from .python.program import QUOTED_DOTTED, identifiers, mentions_in

        if key.startswith(MENTION):
            if self._words is None:
                self._words = identifiers(self.data)
            return mentions_in(self.data, key[len(MENTION):], self._words)
        if key.startswith(ATTR_CALL):
            if self._called is None:
                self._called = called_attributes(self.data)
            return key[len(ATTR_CALL):].encode() in self._called
        if key.startswith(OUTSIDE_WRITE):
            attr, _, class_name = key[len(OUTSIDE_WRITE):].partition(":")
            if self._writes is None:
                self._writes = attribute_writes(self.data)
            if attr not in self._writes:
                return False
            if self._words is None:
                self._words = identifiers(self.data)
            return writes_for_instance(self.data, self._words, self._writes, attr, class_name)
        if key.startswith(QUOTING):
            if self._quoted is None:
                self._quoted = set(QUOTED_DOTTED.findall(self.data))
            return key[len(QUOTING):].encode() in self._quoted
        if key == ENV_WRITES:
            if self._writes_env is None:
                self._writes_env = may_write_env(self.data)
            return self._writes_env
        return None


def deps_file(directory: Path, key: str) -> Path:
    return directory / f"{key}.deps.json"


def store_deps(directory: Path, key: str, tracker: DepTracker, program: Program, digests: dict[str, str],
               seed_paths: set[str]) -> None:
    """What each unit of this scan depended on, beside its record (``ResultCache``)."""
    from .cache import write_atomically
    from .python.env_writes import recorded_keys
    from .python.subclass_sinks import class_bases

    units = tracker.finish()
    names = sorted({n for deps in units.values() for n in deps})
    index = {n: i for i, n in enumerate(names)}
    set_of: dict[tuple[str, ...], int] = {}
    sets: list[list[int]] = []
    for site in sorted(units):
        deps = tuple(units[site])
        if deps not in set_of:
            set_of[deps] = len(sets)
            sets.append([index[n] for n in deps])
    python = sorted(p for p in program.sources if p.endswith(".py") and p in digests)
    answers = {p: _Answers(program.sources[p], program.words(p)) for p in python}
    data = {
        "format": FORMAT,
        "digests": {p: digests[p] for p in sorted(digests)},
        "names": names,
        # each distinct set of dependencies once (the sites of a file mostly share theirs), then
        # every site with the number of its set
        "sets": sets,
        "units": [[path, line, set_of[tuple(units[(path, line)])]] for path, line in sorted(units)],
        # the files answering each tree-wide question asked (``_Answers``), for the hook to compare
        "holders": {n: [p for p in python if answers[p].holds(n)] for n in names
                    if not n.startswith(("asked:", PLACES)) and n not in program.sources},
        "classes": {p: sorted([name, sorted(bases)] for name, bases in class_bases(program.loaded[p]))
                    for p in sorted(seed_paths) if p in program.loaded},
        # the env vars each file that may write one writes (None: not looked at), for the hook's env reads
        "env_keys": recorded_keys(program),
    }
    try:
        directory.mkdir(parents=True, exist_ok=True)
        write_atomically(deps_file(directory, key), json.dumps(data, separators=(",", ":")).encode())
    except (OSError, ValueError, TypeError):
        pass  # only costs speed: the hook takes the full path


@dataclass
class RecordedDeps:
    digests: dict[str, str]
    names: list[str]  # every dependency a unit has
    sets: list[list[int]]  # the distinct sets of dependencies (indexes into ``names``)
    units: dict[Site, int]  # call site -> its set of dependencies (an index into ``sets``)
    holders: dict[str, frozenset[str]]  # tree-wide question -> the files answering it then
    classes: dict[str, list]
    env_keys: dict[str, list[str]] | None  # path -> the env vars it writes (the files that may write one)

    def sites_depending_on(self, keys: set[str]) -> set[Site]:
        """The call sites with a dependency in ``keys``."""
        wanted = {i for i, name in enumerate(self.names) if name in keys}
        hit = {number for number, deps in enumerate(self.sets) if not wanted.isdisjoint(deps)}
        return {site for site, number in self.units.items() if number in hit}

    def env_write_keys(self, python: list[str], changed: frozenset[str]) -> dict[str, frozenset[str]] | None:
        """The env vars each unchanged Python file writes (``Program.env_write_keys``), or None
        when the recorded scan did not look."""
        if self.env_keys is None:
            return None
        return {path: frozenset(self.env_keys.get(path, ())) for path in python if path not in changed}


def load_deps(directory: Path, key: str) -> RecordedDeps | None:
    try:
        data = json.loads(deps_file(directory, key).read_bytes())
        if data.get("format") != FORMAT:
            return None
        names = data["names"]
        if not all(isinstance(n, str) for n in names):
            raise ValueError("names: expected strings")
        sets = data["sets"]
        if not all(type(deps) is list for deps in sets) or \
                not all(type(i) is int and 0 <= i < len(names) for i in set().union(*sets)):
            raise ValueError("sets: expected lists of indexes of names")
        units = {(path, line): number for path, line, number in data["units"]}
        if not all(type(n) is int and 0 <= n < len(sets) for n in units.values()):
            raise ValueError("units: expected indexes of sets")
        return RecordedDeps(dict(data["digests"]), names, sets, units,
                            {n: frozenset(paths) for n, paths in data["holders"].items()}, data["classes"],
                            _env_keys(data["env_keys"]))
    except (OSError, ValueError, KeyError, TypeError, IndexError):
        return None


def _env_keys(raw: object) -> dict[str, list[str]] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or not all(isinstance(k, list) and all(isinstance(v, str) for v in k)
                                            for k in raw.values()):
        raise ValueError("env_keys: expected path -> [key, ...]")
    return raw


@dataclass
class ScopePlan:
    """What the scoped run resolves, and how to widen it to whole endpoints."""

    changed: frozenset[str]  # Python files whose bytes changed since the recorded scan
    sites: frozenset[Site]  # call sites to resolve: every one of the changed files, and the affected ones
    recorded: Report  # the recorded report (endpoints: which call sites fed which endpoint)
    classes: dict[str, list]  # seed path -> its classes' [name, base names] (recorded; the changed ones checked)
    kept: RecordedHits | None = None  # the recorded scan's hits per call site (``widen`` reads them back)
    read_back: set[str] = field(default_factory=set)  # files whose widened sites were all read back, not loaded

    def module_findings(self, files: set[str], module_rules: frozenset[str]) -> list:
        """The recorded findings that checks reading modules made in ``files`` and tied to an
        endpoint (``fallback/missing`` on a client of a self-hosted endpoint): the same now, as
        neither a file's facts nor its call sites' hits changed, and an endpoint's id depends on
        its own values only. The others of an unchanged file touch no changed file."""
        return [f for f in self.recorded.findings
                if f.path in files and f.endpoint is not None and f.rule in module_rules]

    def subclasses(self, catalog) -> frozenset[str]:
        """The in-tree SDK subclasses of the whole tree (``subclass_names`` over every seed)."""
        from .python.subclass_sinks import subclasses_among

        last_names = frozenset(name.rpartition(".")[2] for name in catalog.sinks)
        return subclasses_among([(name, frozenset(bases)) for classes in self.classes.values()
                                 for name, bases in classes], last_names)

    @property
    def files(self) -> list[str]:
        return sorted({path for path, _ in self.sites})

    def feeders(self, context: str, endpoint_ids: set[str]) -> frozenset[Site]:
        """Recorded call sites of ``context`` that fed one of ``endpoint_ids``, or that fed the
        same endpoint as a call site of the plan (its old value), not in the plan yet."""
        ids = set(endpoint_ids)
        fed: dict[str, set[Site]] = {}
        for endpoint in self.recorded.endpoints:
            if endpoint.context != context:
                continue
            sites = {(loc.path, loc.line) for loc in endpoint.locations if loc.path.endswith(".py")}
            fed.setdefault(endpoint.id, set()).update(sites)
            if sites & self.sites:
                ids.add(endpoint.id)
        return frozenset(s for i in ids for s in fed.get(i, ())) - self.sites


def _same_summary(recorded: tuple, summary: PythonSummary) -> bool:
    """The same module name and the same imports (as sets: an import written twice adds nothing
    to the import index)."""
    module, imports, reads_env, lazy = recorded
    return (module, set(imports), reads_env, set(lazy)) == (summary.module, set(summary.imports), summary.reads_env,
                                                            set(summary.lazy_imports))


def _same_answers(mentions: dict[str, bool], data: bytes, words: frozenset[bytes], program: Program,
                  old_facts: Callable[[str], ModuleFacts | None], path: str) -> bool:
    """Whether what the recorded scan asked of the file by name (does it mention NAME; its calls
    named NAME, ``Program.sites_calling``; its calls given NAME, ``Program.calls_passing``) has
    the same answers now, up to calls added whose callee is only an external name (``requests.post``
    can call no in-tree function: ``callers_of`` and ``caller_switches`` skip it)."""
    from .python.facts import Name, callee_name, structure
    from .python.program import mentions_in
    from .python.reach import calls_external
    from .python.resolve import Resolver

    named = {name for name, answer in mentions.items() if answer or mentions_in(data, name, words)}
    if not named:
        return True
    old = old_facts(path) if any(mentions.values()) else None
    if old is None and any(mentions.values()):
        return False
    new = program.load(path, "changed")

    def by_name(facts: ModuleFacts | None) -> dict[str, list]:
        out: dict[str, list] = {}
        for site in facts.calls if facts is not None else ():
            name = callee_name(site.func)
            if name in named:
                out.setdefault(name, []).append((structure(site), site))
        return out

    def passing(facts: ModuleFacts | None) -> list:  # (not Program.calls_passing: it indexes by path)
        return [structure(site) for site in (facts.calls if facts is not None else ())
                if any(isinstance(arg, Name) and arg.id in named for arg in site.args)
                or any(isinstance(value, Name) and value.id in named for _, value in site.kwargs)]

    if passing(old) != passing(new):
        return False
    before, after = by_name(old), by_name(new)
    resolver = Resolver(program, lambda key: None)
    for name in named:
        kept = [s for s, _ in before.get(name, [])]
        for shape, site in after.get(name, []):
            if shape in kept:
                kept.remove(shape)
            elif not calls_external(resolver, new, site):
                return False  # a new caller, maybe of an in-tree function
        if kept:
            return False  # a call removed or changed
    return True


def plan_scope(record: ScanRecord, recorded: RecordedDeps, digests: dict[str, str],
               summaries: dict[str, PythonSummary], direct: set[str], sources: dict[str, bytes],
               program: Program, old_facts: Callable[[str], ModuleFacts | None],
               settings_dicts: frozenset[str] = frozenset()) -> ScopePlan | None:
    """The scoped run for this tree, or None when only a full scan is right (see the module).
    ``settings_dicts``: the names of the rules' settings dicts (``python/settings_dicts.py``)."""
    from .python.deps import asked_of
    from .python.program import identifiers
    from .python.settings_dicts import settings_sites
    from .python.subclass_sinks import class_bases

    if set(record.files) != set(digests) or set(recorded.digests) != set(digests):
        return None
    old_facts = functools.lru_cache(maxsize=None)(old_facts)  # each changed file's recorded facts, read once
    changed = frozenset(p for p, d in digests.items() if recorded.digests[p] != d)
    if not changed or any(p not in summaries for p in changed):
        return None  # nothing to scope, or a config changed: its values reach any call
    sites: set[Site] = set()
    for path in changed:
        use, summary = record.files[path], summaries[path]
        if use.summary is None or not _same_summary(use.summary, summary) or use.seed != (path in direct):
            return None  # the import index, the seeds or the module names moved
        if not use.seed:
            continue
        facts = program.load(path, "changed")
        bases = sorted([name, sorted(b)] for name, b in class_bases(facts))
        if bases != recorded.classes.get(path, []):
            return None  # an in-tree SDK subclass may have appeared or gone
        sites |= {(path, s.line) for s in facts.calls} | {(path, a.line) for a in facts.attr_assigns}
        sites.update(settings_sites(facts, settings_dicts))
    words = {p: identifiers(sources[p]) for p in changed}
    answers = {p: _Answers(sources[p], words[p]) for p in changed}
    # a file's answers to identifier questions and its calls by name: unchanged, they need no re-resolution
    affecting = set(changed) | {asked_of(p) for p in changed
                                if not _same_answers(record.files[p].mentions, sources[p], words[p], program, old_facts, p)}

    # the places a changed file has for a class NAME (``reach_selection``): the same, or not
    for key in recorded.names:
        if key.startswith(PLACES):
            path, _, name = key[len(PLACES):].partition("\0")
            if path in changed:
                old = old_facts(path)
                if old is None or place_shapes(old, name) != place_shapes(program.load(path, "changed"), name):
                    affecting.add(key)
    # a tree-wide question is affected when a changed file answered it before or answers it now
    affecting |= {key for key, holders in recorded.holders.items()
                  if holders & changed or any(answers[p].holds(key) is not False for p in changed)}
    sites |= recorded.sites_depending_on(affecting)
    return ScopePlan(changed, frozenset(sites), record.report, recorded.classes)


def widen(plan: ScopePlan, hits: list, context: str, endpoints_of: Callable[[list], list],
          resolve: Callable[[list, frozenset[Site]], list], program: Program,
          skip: frozenset[Site] = frozenset(), env_free: set[Site] | None = None) -> list:
    """The hits of the recorded call sites that fed an endpoint the plan's hits feed (now or
    before): a finding on an endpoint names every call site of it. The hits of an unchanged file
    whose sites the recorded scan kept (``plan.kept``, ``recorded_hits``) are read back, and
    ``env_free`` told those whose value read no env var; such a file is not loaded (its module
    findings are the recorded ones: ``ScopePlan.module_findings``). The other files are loaded
    and their sites resolved.
    ``skip``: sites not to widen (the other contexts' ``find_hits`` skips them)."""
    extra = plan.feeders(context, {e.id for e in endpoints_of(hits)}) - skip
    if not extra:
        return []
    by_file: dict[str, list[Site]] = {}
    for site in extra:
        by_file.setdefault(site[0], []).append(site)
    kept: dict[str, list] = {}
    if plan.kept is not None:
        for path, sites in by_file.items():
            found = [] if path in plan.changed else [plan.kept.hits(context, site) for site in sites]
            if found and all(h is not None for h in found):
                ordered = sorted(zip(sites, found), key=lambda pair: plan.kept.order(context, pair[0]))
                kept[path] = [hit for _, site_hits in ordered for hit in site_hits]
                if env_free is not None:
                    env_free.update(site for site in sites if plan.kept.env_free(site))
    # a file whose sites were all read back is not loaded: its module findings are the recorded
    # ones (``ScopePlan.module_findings``); the others are, to be resolved and checked
    plan.read_back.update(kept)
    modules = [program.load(path, "endpoint") for path in sorted(by_file) if path not in kept]
    rest = frozenset(site for path, sites in by_file.items() if path not in kept for site in sites)
    resolved: dict[str, list] = {}
    if rest:
        for hit in resolve([m for m in modules if not m.parse_error and m.path not in kept], rest):
            resolved.setdefault(hit.location.path, []).append(hit)
    return [hit for path in sorted(by_file) for hit in kept.get(path, resolved.get(path, []))]
