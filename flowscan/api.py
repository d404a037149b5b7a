"""``scan(root) -> Report``: what the CLI and the tests call."""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .cache import FactCache, default_cache_dir
from .catalog import Catalog, bundled_catalog
from .checks.fingerprint import fingerprint
from .discover import PythonSummary, SourceFile, prepass_python, walk
from .model import Coverage, Endpoint, Finding, Location, ParseError, Report, Step
from .policy import Policy, find_policy_file, load_policy, read_policy_file
from .resultcache import FileUse, ResultCache, ScanRecord, content_digest, reusable, scan_key
from .stats import ScanStats

if TYPE_CHECKING:
    from .configfacts import ConfigFacts
    from .flows import SinkHit
    from .graph import FlowGraph
    from .program import Program
    from .pyfacts import ModuleFacts

# The Python engine, the config extractors and the checks are imported by the phases that
# use them (see ``scan``), so start-up costs what the tree needs.

PARSE_ERROR = "scan/parse-error"
# Below this much source to parse, a process pool costs more than it saves. Measured with
# bench/pool_threshold.py on litellm 1.55.0, 2 cores: pool/serial 1.20 at 100 KB, 0.92 at 250 KB,
# 0.83-0.89 from 0.5 to 2 MB, 0.80 at 4 MB (the parent unpickles every result: about half the
# cost of extracting it, so two workers gain 10-20%, not 2x).
PARALLEL_BYTES = 250_000


@dataclass
class ScanOptions:
    policy_file: Path | None = None
    allow: list[str] = field(default_factory=list)
    jobs: int | None = None  # None: one per core
    prepass: bool = True  # False: analyse every Python file (slow; for checking the pre-pass)
    env: dict[str, str] = field(default_factory=dict)  # extra env bindings for the default context (tests)
    cache_dir: Path | None = field(default_factory=default_cache_dir)  # None: no cache
    reuse: bool = True  # reuse the last report when nothing it depended on changed (needs cache_dir)


@dataclass
class ScanResult:
    report: Report
    graph: FlowGraph
    program: Program | None  # None when the report was reused from the result cache
    stats: ScanStats


def resolve_policy(root: Path, options: ScanOptions, catalog: Catalog) -> Policy:
    from .rules_index import known_rule_ids

    path = options.policy_file or find_policy_file(root)
    data = read_policy_file(path) if path else None
    source = path.name if path and path.parent.resolve() == root.resolve() else (str(path) if path else "none")
    return load_policy(data, catalog, source, extra_allowed=options.allow, known_rules=known_rule_ids())


def scan(root: Path | str, options: ScanOptions | None = None, catalog: Catalog | None = None) -> ScanResult:
    """Scan the tree at ``root`` and return the report, the data-flow graph and the program.

    Python's cyclic garbage collector is paused for the scan: the facts and values are
    hundreds of thousands of small acyclic objects, and every automatic collection walks
    all of them again (measured: half of a 1,150-file scan). They are freed by reference
    counting as usual; the collector resumes, as it was, when the scan returns.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _scan(Path(root), options, catalog)
    finally:
        if was_enabled:
            gc.enable()


def _scan(root: Path, options: ScanOptions | None, catalog: Catalog | None) -> ScanResult:
    # Each phase imports what it runs: a tree without Python never loads the resolver, one
    # without configs never loads the extractors, and nothing to check loads no check.
    from .contexts import DEFAULT, build_contexts
    from .graph import FlowGraph
    from .program import Program

    root = Path(root)
    options = options or ScanOptions()
    stats = ScanStats()
    with stats.phase("catalog"):
        catalog = catalog or bundled_catalog()
        policy = resolve_policy(root, options, catalog)
    with stats.phase("read"):
        inventory = walk(root, policy.excluded)
        coverage = Coverage(files_skipped=sorted(inventory.skipped, key=lambda s: s.path))
        sources: dict[str, bytes] = {}
        for source in inventory.files:
            try:
                sources[source.path] = (root / source.path).read_bytes()
            except OSError as exc:
                coverage.files_skipped.append(_skip(source.path, f"cannot read: {exc.strerror}"))
        coverage.files_scanned = sorted(p for p in sources)
    python_files = [f for f in inventory.files if f.kind == "python" and f.path in sources]
    other_files = [f for f in inventory.files if f.kind != "python"]
    stats.files_read, stats.python_files = len(sources), len(python_files)
    results = ResultCache(options.cache_dir) if options.cache_dir is not None and options.reuse else None
    key = digests = None
    if results is not None:
        with stats.phase("reuse"):
            key = scan_key(root, json.dumps(policy.to_dict(), sort_keys=True, default=str),
                           (options.prepass, sorted(options.env.items()), [s.path for s in coverage.files_skipped]))
            digests = {path: content_digest(data) for path, data in sources.items()}
            reused = _reuse(results, key, digests, sources, catalog, python_files, FactCache(options.cache_dir))
        if reused is not None:
            graph = FlowGraph()
            for endpoint in reused.endpoints:
                graph.add_endpoint(endpoint)
            stats.reused = True
            return ScanResult(reused, graph, None, stats)

    with stats.phase("prepass"):
        summaries = {f.path: prepass_python(f.path, sources[f.path]) for f in python_files}
        canonical = canonical_modules(summaries)
        seeds = _seeds(summaries, sources, catalog, canonical) if options.prepass else set(summaries)
    cache = FactCache(options.cache_dir)

    def load(path: str, data: bytes) -> ModuleFacts:
        facts = cache.load(path, data)
        if facts is None:
            from .extract.python import extract_python

            stats.count_parse(path)
            facts = extract_python(path, data)
            cache.store(path, data, facts)
        return facts

    program = Program({p: (s.module, canonical[p]) for p, s in summaries.items()}, sources, load,
                      {p: s.imports for p, s in summaries.items()})
    with stats.phase("parse seeds"):
        stats.workers, seed_facts = _extract_all(seeds, sources, options.jobs, cache, stats)
        for facts in seed_facts:
            program.add(facts)
    seed_modules = [program.loaded[p] for p in sorted(seeds) if not program.loaded[p].parse_error]
    seed_names = frozenset(name for p in seeds for name in (summaries[p].module, canonical[p]))

    with stats.phase("configs"):
        from .configs import extract_configs

        config_facts, unclaimed = extract_configs(root, other_files, sources)
        contexts = build_contexts(config_facts)
        for path, reason in unclaimed:
            coverage.files_skipped.append(_skip(path, reason))

    graph = FlowGraph()
    endpoints: list[Endpoint] = []
    budget_hits: set[tuple[str, int, str]] = set()
    with stats.phase("resolve"):
        if seed_modules or any(c.endpoints for c in config_facts):
            endpoints, budget_hits = _resolve(program, seed_modules, seed_names, config_facts, contexts,
                                              catalog, policy, options, stats)
    stats.budget_hits = len(budget_hits)
    for path, line, context in sorted(budget_hits):
        from .resolve import STEP_BUDGET

        coverage.notes.append(f"{path}:{line}: resolving this call hit the evaluation budget ({STEP_BUDGET} steps) "
                              f"in context {context}; parts of its value are reported as unresolved")
    stats.parsed = {"seed": len(seeds), **program.loads_by_reason}
    stats.cache_hits, stats.cache_misses = cache.hits, cache.misses

    lines = _LineCache(sources)
    with stats.phase("checks"):
        for module in program.loaded.values():
            if module.parse_error:
                line, message = module.parse_error
                coverage.parse_errors.append(ParseError(module.path, line, message))
        for config in config_facts:
            if config.parse_error:
                line, message = config.parse_error
                coverage.parse_errors.append(ParseError(config.path, line, message))
            coverage.notes.extend(f"{config.path}: {note}" for note in config.notes)
        coverage.parse_errors = sorted(set(coverage.parse_errors), key=lambda e: (e.path, e.line, e.message))
        coverage.files_analyzed = sorted(set(program.loaded) | {f.path for f in config_facts})
        coverage.files_skipped.sort(key=lambda s: s.path)
        for endpoint in endpoints:
            graph.add_endpoint(endpoint)
        findings: list[Finding] = []
        resources = []
        if config_facts:
            from .resources import build_resources

            resources = build_resources(config_facts, catalog, policy)
        if endpoints or resources:
            from .checks.residency import check_residency, check_resources

            findings += check_residency(endpoints, policy, lines.text) + check_resources(resources, policy, lines.text)
        modules = program.modules
        if config_facts or modules:
            from .checks.caching import check_caching
            from .checks.fallback import check_fallback
            from .checks.serving import check_serving

            findings += check_fallback(config_facts, modules, endpoints, policy, lines.text)
            findings += check_caching(config_facts, modules, lines.text) + check_serving(config_facts, modules, lines.text)
        findings += _parse_error_findings(coverage.parse_errors, lines)
        findings = _apply_severities(findings, policy)
    report = Report(
        root=str(root), endpoints=endpoints, findings=_sorted_findings(findings), coverage=coverage,
        policy=policy.to_dict(), contexts=[DEFAULT] + [c.name for c in contexts], resources=resources,
    )
    if results is not None and key is not None and digests is not None:
        with stats.phase("record"):
            results.store(key, _record(report, digests, summaries, seeds, program, cache, sources, lines.read))
    return ScanResult(report, graph, program, stats)


def _resolve(program: Program, seed_modules: list[ModuleFacts], seed_names: frozenset[str],
             config_facts: list[ConfigFacts], contexts: list, catalog: Catalog, policy: Policy,
             options: ScanOptions, stats: ScanStats) -> tuple[list[Endpoint], set[tuple[str, int, str]]]:
    """Endpoints of the default context and of every deployment context, and the calls whose
    resolution hit the evaluation budget (path, line, context)."""
    from .contexts import DEFAULT
    from .endpoints import build_endpoints
    from .flows import find_hits
    from .resolve import Resolver
    from .values import StrValue

    endpoints: list[Endpoint] = []
    budget_hits: set[tuple[str, int, str]] = set()
    extra_env = {k: [StrValue.literal(v)] for k, v in options.env.items()}
    resolver = Resolver(program, lambda key: extra_env.get(key))
    same_everywhere: set[tuple[str, int]] = set()  # call sites whose values no context can change
    hits = find_hits(seed_modules, resolver, catalog, seed_names, env_free=same_everywhere) \
        + _config_hits(config_facts, lambda key: extra_env.get(key))
    endpoints += build_endpoints(hits, catalog, policy, DEFAULT)
    budget_hits |= {(path, line, DEFAULT) for path, line in resolver.budget_hits}
    resolver.start_budget()
    stats.note_steps(*resolver.most_steps)
    unchanged = frozenset(same_everywhere)
    for context in contexts:
        resolver = Resolver(program, context.lookup)
        modules = [m for m in seed_modules if context.covers(m.path)]
        hits = find_hits(modules, resolver, catalog, seed_names, skip=unchanged) \
            + _config_hits(config_facts, context.lookup)
        hits = [h for h in hits if h.value is not None and context.touched(h.value.trail)]
        endpoints += build_endpoints(hits, catalog, policy, context.name)
        budget_hits |= {(path, line, context.name) for path, line in resolver.budget_hits}
        resolver.start_budget()
        stats.note_steps(*resolver.most_steps)
    endpoints = _drop_defaults_set_by_contexts(endpoints, contexts)
    return endpoints, budget_hits


def _record(report: Report, digests: dict[str, str], summaries: dict[str, PythonSummary], seeds: set[str],
            program: Program, cache: FactCache, sources: dict[str, bytes],
            lines_read: dict[str, dict[int, str]]) -> ScanRecord:
    """What this scan used from each file, for ``_reuse`` next time."""
    files: dict[str, FileUse] = {}
    for path, digest in digests.items():
        use = FileUse(digest, lines=dict(lines_read.get(path, {})))
        summary = summaries.get(path)
        if summary is not None:
            use.summary = (summary.module, summary.imports, summary.reads_env)
            use.seed = path in seeds
            use.mentions = dict(program.mention_log.get(path, {}))
            if path in program.loaded:
                use.facts_key = cache.key(path, sources[path])
        files[path] = use
    return ScanRecord(files, report)


def _reuse(results: ResultCache, key: str, digests: dict[str, str], sources: dict[str, bytes], catalog: Catalog,
           python_files: list[SourceFile], facts_cache: FactCache) -> Report | None:
    """The recorded report, when every file whose bytes changed since gives the scan the
    same answers; the record is refreshed with the new digests. None: scan in full."""
    from .program import mentions_in
    from .pyfacts import structure

    record = results.load(key)
    if record is None:
        return None
    canonical = canonical_modules(f.path for f in python_files)

    def still_same(path: str, use: FileUse) -> bool:
        if use.summary is None:
            return False  # a config: its bytes are its meaning
        data = sources[path]
        if use.lines:
            text = data.decode("utf-8", "replace").splitlines()
            if any((text[n - 1] if 0 < n <= len(text) else "") != seen for n, seen in use.lines.items()):
                return False
        summary = prepass_python(path, data)
        if (summary.module, summary.imports, summary.reads_env) != use.summary:
            return False
        if (path in _seeds({path: summary}, sources, catalog, canonical)) != use.seed:
            return False
        if any(mentions_in(data, name) != answer for name, answer in use.mentions.items()):
            return False
        if use.facts_key is not None:
            from .extract.python import extract_python

            old = facts_cache.load_key(use.facts_key)
            new = facts_cache.get_or_make(path, data, extract_python)
            if old is None or structure(dataclasses.replace(old, lines=0)) != structure(dataclasses.replace(new, lines=0)):
                return False
            use.facts_key = facts_cache.key(path, data)
        return True

    if not reusable(record, digests, still_same):
        return None
    for path, use in record.files.items():
        use.digest = digests[path]
    results.store(key, record)
    return record.report


def _drop_defaults_set_by_contexts(endpoints: list[Endpoint], contexts) -> list[Endpoint]:
    from .contexts import DEFAULT

    """A default-context endpoint that is unknown only because env vars have no code default
    is not a destination of its own when deployment contexts set those vars: their
    endpoints show the real values. Unset everywhere, it stays (region unknown)."""
    bound = {key for context in contexts for key in context.env}
    kept = []
    for endpoint in endpoints:
        env_labels = [label for label in endpoint.unresolved if label.startswith("env:")]
        if (endpoint.context == DEFAULT and endpoint.placement.jurisdiction is None and env_labels
                and len(env_labels) == len(endpoint.unresolved)
                and all(label[4:] in bound for label in env_labels)):
            continue
        kept.append(endpoint)
    return kept


def _config_hits(config_facts: list[ConfigFacts], lookup) -> list[SinkHit]:
    """Endpoints that configs send to directly (LiteLLM ``model_list``), with ``{env:NAME}``
    parts resolved through ``lookup``."""
    from .catalog import Sink
    from .flows import SinkHit
    from .values import StrValue, concat

    hits: list[SinkHit] = []
    for config in config_facts:
        for entry in config.endpoints:
            sink = Sink(entry.provider, (entry.sdk,), "config", None, None, True, config.path)
            step = Step(entry.path, entry.line, entry.sdk)
            pieces: list[list[StrValue]] = []
            pos = 0
            for m in _ENV_REF.finditer(entry.url):
                pieces.append([StrValue.literal(entry.url[pos:m.start()])])
                bound = lookup(m.group(1))
                pieces.append(bound or [StrValue.hole(f"env:{m.group(1)}")])
                pos = m.end()
            pieces.append([StrValue.literal(entry.url[pos:])])
            values, _ = concat(pieces)
            location = Location(entry.path, entry.line)
            for value in values:
                hits.append(SinkHit(sink, entry.sdk, location, "", StrValue(value.parts, entry.chain + value.trail + (step,))))
    return hits


_ENV_REF = re.compile(r"\{env:([A-Za-z_][A-Za-z0-9_]*)\}")


def _skip(path: str, reason: str):
    from .model import Skipped
    return Skipped(path, reason)


def _seeds(summaries: dict[str, PythonSummary], sources: dict[str, bytes], catalog: Catalog,
           canonical: dict[str, str]) -> set[str]:
    """Files the pre-pass sends to the parser up front: those that import a sink's module
    (or the sink itself) and mention the sink's name. Everything else is parsed on demand,
    when resolution follows an import into it or looks for a function's callers (``Program``).
    """
    from .checks.watched import watched_calls

    names_under: dict[str, set[bytes]] = {}
    for name in [*catalog.sinks, *watched_calls()]:
        parts = name.split(".")
        for cut in range(1, len(parts) + 1):
            names_under.setdefault(".".join(parts[:cut]), set()).add(parts[-1].encode())
    in_tree = {name.split(".", 1)[0] for name in canonical.values()}
    seeds = set()
    for path, summary in summaries.items():
        data = sources[path]
        for imported in summary.imports:
            if imported.split(".", 1)[0] in in_tree:
                continue  # the scanned tree provides that package: calls into it are code, not sinks
            wanted = names_under.get(imported)
            if wanted and any(word in data for word in wanted):
                seeds.add(path)
                break
    return seeds


def canonical_modules(paths: Iterable[str]) -> dict[str, str]:
    """The name each file is imported by: its path from the first folder of its chain of
    packages (folders with ``__init__.py``). ``lib/sqlalchemy/engine/base.py`` ->
    ``sqlalchemy.engine.base`` when ``lib/`` is not a package."""
    paths = list(paths)
    packages = {p.rsplit("/", 1)[0] if "/" in p else "" for p in paths if p.rsplit("/", 1)[-1] == "__init__.py"}
    out = {}
    for path in paths:
        parts = path[:-3].split("/")
        start = len(parts) - 1
        while start > 0 and "/".join(parts[:start]) in packages:
            start -= 1
        names = parts[start:]
        if names[-1] == "__init__" and len(names) > 1:
            names = names[:-1]
        out[path] = ".".join(names)
    return out


def _extract_one(item: tuple[str, bytes], cache_dir: Path | None = None) -> ModuleFacts:
    """Extract one file; in a pool worker, also store the facts in the cache (the parent
    then need not pickle them a second time)."""
    from .extract.python import extract_python

    facts = extract_python(*item)
    if cache_dir is not None:
        FactCache(cache_dir).store(item[0], item[1], facts)
    return facts


def _extract_all(chosen: Iterable[str], sources: dict[str, bytes], jobs: int | None, cache: FactCache,
                 stats: ScanStats) -> tuple[int, list[ModuleFacts]]:
    """Facts of ``chosen`` files: from the cache, else parsed (over a process pool when the
    bytes to parse are worth it). Returns the number of workers used and the facts."""
    out: list[ModuleFacts] = []
    missing: list[tuple[str, bytes]] = []
    for path in sorted(chosen):
        cached = cache.load(path, sources[path])
        if cached is not None:
            out.append(cached)
        else:
            missing.append((path, sources[path]))
    workers = min(jobs if jobs is not None else (os.cpu_count() or 1), max(1, len(missing)))
    if workers > 1 and sum(len(data) for _, data in missing) < PARALLEL_BYTES:
        workers = 1
    if workers > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=workers, initializer=gc.disable) as pool:  # see scan()
            made = list(pool.map(_extract_one, missing, [cache.root] * len(missing),
                                 chunksize=max(1, len(missing) // (workers * 8))))
    else:
        made = [_extract_one(item) for item in missing]
    for (path, data), facts in zip(missing, made):
        stats.count_parse(path)
        if workers == 1:
            cache.store(path, data, facts)
    return workers, out + made


class _LineCache:
    """Source lines for fingerprints and messages; remembers each line it gave out (the
    result cache checks those lines are unchanged before reusing a report)."""

    def __init__(self, sources: dict[str, bytes]):
        self.sources = sources
        self.cache: dict[str, list[str]] = {}
        self.read: dict[str, dict[int, str]] = {}

    def text(self, path: str, line: int) -> str:
        if path not in self.cache:
            data = self.sources.get(path, b"")
            self.cache[path] = data.decode("utf-8", "replace").splitlines()
        lines = self.cache[path]
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        self.read.setdefault(path, {})[line] = text
        return text


def _parse_error_findings(errors: list[ParseError], lines: _LineCache) -> list[Finding]:
    out = []
    for error in errors:
        location = Location(error.path, error.line)
        out.append(Finding(
            rule=PARSE_ERROR, severity="warning", message=f"could not parse {error.path}: {error.message}",
            path=error.path, line=error.line, endpoint=None,
            fingerprint=fingerprint(PARSE_ERROR, location, lines.text(error.path, error.line)),
        ))
    return out


def _apply_severities(findings: list[Finding], policy: Policy) -> list[Finding]:
    out = []
    for finding in findings:
        severity = policy.severities.get(finding.rule, finding.severity)
        if severity == "off":
            continue
        finding.severity = severity
        out.append(finding)
    return out


_SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}


def _sorted_findings(findings: list[Finding]) -> list[Finding]:
    findings.sort(key=lambda f: (f.path, f.line, f.column, f.rule, f.message))
    seen: dict[str, int] = {}
    for finding in findings:
        n = seen.get(finding.fingerprint, 0)
        seen[finding.fingerprint] = n + 1
        if n:
            finding.fingerprint = f"{finding.fingerprint}-{n}"
    return findings


__all__ = ["scan", "ScanOptions", "ScanResult", "Endpoint", "SourceFile"]
