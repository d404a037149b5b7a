"""``scan(root) -> ScanResult``: what the CLI and the tests call.

The orchestration only: read the tree, reuse a report when nothing changed, parse what the
pre-pass selects, extract configs, resolve per deployment context, run the checks. Each step
lives with its owner (``discover``, ``resultcache``, ``parallel``, ``configs``, ``flows``,
``checks``)."""

from __future__ import annotations

import gc
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .cache import FactCache, default_cache_dir
from .catalog import Catalog, bundled_catalog
from .checks import ScanFacts, run_checks
from .checks.findings import LineCache, sorted_findings
from .checks.internal import is_internal
from .discover import SourceFile, canonical_modules, prepass_python, seed_files, seed_importers, walk
from .limits import skip_reason
from .model import DEFAULT_CONTEXT, Coverage, Endpoint, ParseError, Report
from .parallel import extract_all, extract_within_budget
from .policy import Policy, PolicyError, find_policy_file, load_policy, read_policy_file
from .repopaths import PathBase, path_base, rebase_report
from .resultcache import (
    ResultCache,
    content_digest,
    record_scan,
    recorded_prepass,
    reuse_report,
    scan_key,
)
from .roles import PRODUCTION, filter_by_role, shown_roles
from .stats import ScanStats

if TYPE_CHECKING:
    from .configfacts import ConfigFacts
    from .graph import FlowGraph
    from .python.facts import ModuleFacts
    from .python.program import Program
    from .readiness import ModelServer

# The Python engine, the config extractors and the checks are imported by the phases that
# use them (see ``_scan``), so start-up costs what the tree needs.


@dataclass
class ScanOptions:
    policy_file: Path | None = None
    allow: list[str] = field(default_factory=list)
    jobs: int | None = None  # None: one per core
    prepass: bool = True  # False: analyse every Python file (slow; for checking the pre-pass)
    env: dict[str, str] = field(default_factory=dict)  # extra env bindings for the default context (tests)
    include: tuple[str, ...] = ()  # code roles shown beside production (flowscan.roles; "all": every role)
    cache_dir: Path | None = field(default_factory=default_cache_dir)  # None: no cache
    reuse: bool = True  # reuse the last report when nothing it depended on changed (needs cache_dir)
    gitignore: bool = True  # False: read files git ignores too (--no-ignore)
    today: date | None = None  # the date allowances expire against (None: SOURCE_DATE_EPOCH, else today, UTC)
    repository_paths: bool = False  # report paths relative to the repository root (the CLI), not the scan root
    progress: Callable[[str], None] | None = None  # told the name of each phase as it starts (the CLI's progress display)
    only: tuple[str, ...] = ()  # read only these root-relative files and folders (several paths; flowscan.targets)
    # the pre-commit hook: after a Python edit, resolve only the calls it can affect (flowscan.scoped);
    # the report then holds every finding touching the changed files, not every finding
    scoped: bool = False


@dataclass
class ScanResult:
    report: Report
    graph: FlowGraph
    program: Program | None  # None when the report was reused from the result cache
    stats: ScanStats
    servers: list[ModelServer] | None = None  # model-server launches found (None: the report was reused)
    readiness_notes: dict[str, list[str]] | None = None  # pitfall id -> what its checks could not decide, and why


def resolve_policy(root: Path, options: ScanOptions, catalog: Catalog, top: Path | None = None) -> Policy:
    """The policy of a scan of ``root``; its ``source`` is named relative to ``top`` (the folder
    report paths are relative to) when it lies under it."""
    from .rules_index import known_rule_ids

    path = options.policy_file or find_policy_file(root)
    data = read_policy_file(path) if path else None
    source = _policy_source(path, top or root)
    text = path.read_text(encoding="utf-8") if path else ""
    if path is not None:
        from .policy_schema import schema_problem

        problem = schema_problem(data, text, source)  # unknown keys, wrong types, misspelt rule ids: exit 2
        if problem is not None:
            raise PolicyError(problem)
    try:
        policy = load_policy(data, catalog, source, extra_allowed=options.allow, known_rules=known_rule_ids())
    except PolicyError as exc:
        from .policy_schema import line_of

        raise PolicyError(line_of(str(exc), text)) from exc
    if path is not None and options.policy_file is None:
        base = root.resolve().relative_to(path.parent.resolve()).as_posix()
        policy.base = "" if base == "." else base + "/"
    return policy


def _policy_source(path: Path | None, top: Path) -> str:
    if path is None:
        return "none"
    try:
        return path.resolve().relative_to(top.resolve()).as_posix()
    except ValueError:
        return str(path)


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
    from .graph import FlowGraph
    from .python.program import Program

    root = Path(root)
    options = options or ScanOptions()
    stats = ScanStats(on_phase=options.progress)
    with stats.phase("catalog"):
        catalog = catalog or bundled_catalog()
        base = path_base(root) if options.repository_paths else PathBase(root)
        policy = resolve_policy(root, options, catalog, base.top)
    with stats.phase("read"):
        excluded, root_ignored = _exclusions(root, policy, options.gitignore, options.only)
        inventory = walk(root, excluded)
        coverage = Coverage(files_skipped=sorted(inventory.skipped, key=lambda s: s.path))
        if root_ignored:
            coverage.notes.append(f"{root}: the scanned folder is itself ignored by git; it is scanned as asked, "
                                  "with only the .gitignore files inside it applied")
        sources: dict[str, bytes] = {}
        for source in inventory.files:
            try:
                data = (root / source.path).read_bytes()
            except OSError as exc:
                coverage.files_skipped.append(_skip(source.path, f"cannot read: {exc.strerror}"))
                continue
            too_costly = skip_reason(source.kind, data)
            if too_costly is not None:
                coverage.files_skipped.append(_skip(source.path, too_costly))
            else:
                sources[source.path] = data
        coverage.files_scanned = sorted(p for p in sources)
        base = base.with_known([*sources, *inventory.unread, *(s.path for s in coverage.files_skipped)])
    from .deps import check_for_kinds

    check_for_kinds({f.kind for f in inventory.files})  # a broken parser install exits 2, never a silent pass
    python_files = [f for f in inventory.files if f.kind == "python" and f.path in sources]
    other_files = [f for f in inventory.files if f.kind != "python"]
    stats.files_read, stats.python_files = len(sources), len(python_files)
    # an empty tree has no report worth reusing: hashing flowscan's own files would cost more than the scan
    results = ResultCache(options.cache_dir) if options.cache_dir is not None and options.reuse and sources else None
    key = digests = record = install_texts = None
    if any(path.endswith("pyproject.toml") for path in sources):  # what the deployment installs decides an extra's reach
        from .python.reach_extras import install_files_digest, read_install_files

        install_texts = read_install_files(root, inventory.unread)
    from .packaging import shipped_packages

    shipped = shipped_packages(root)  # with the policy's globs, which files are tests, examples, ...
    role_map = policy.role_map(shipped)
    if results is not None:
        with stats.phase("reuse"):
            key = scan_key(root, json.dumps(policy.to_dict(), sort_keys=True, default=str),
                           (options.prepass, sorted(options.env.items()), [s.path for s in coverage.files_skipped],
                            sorted(shown_roles(options.include)), base.prefix, options.only, shipped,
                            install_files_digest(install_texts) if install_texts is not None else None))
            digests = {path: content_digest(data) for path, data in sources.items()}
            record = results.load(key)
            reused = reuse_report(results, key, record, digests, sources, catalog, python_files,
                                  FactCache(options.cache_dir))
        if reused is not None:
            stats.reused = True
            _mark_policy_decisions(reused, sources, policy, options, LineCache(sources), base)
            rebase_report(reused, base)
            graph = FlowGraph()
            for endpoint in reused.endpoints:
                graph.add_endpoint(endpoint)
            return ScanResult(reused, graph, None, stats)

    with stats.phase("prepass"):
        # files unchanged since the recorded scan keep its summaries and seed flags
        known = recorded_prepass(record, digests, [f.path for f in python_files]) if digests is not None else {}
        stats.prepass_recorded = len(known)
        summaries = {f.path: known[f.path][0] if f.path in known else prepass_python(f.path, sources[f.path])
                     for f in python_files}
        canonical = canonical_modules(summaries, {p: s.imports for p, s in summaries.items()})
        fresh = {p: s for p, s in summaries.items() if p not in known}
        direct = ({p for p, (_, seed) in known.items() if seed} | seed_files(fresh, sources, catalog, canonical)
                  if options.prepass else set(summaries))
        seeds = direct | seed_importers(direct, summaries, canonical)
    cache = FactCache(options.cache_dir)

    def load(path: str, data: bytes) -> ModuleFacts:
        facts = cache.load(path, data)
        if facts is None:
            stats.count_parse(path)
            facts, complete = extract_within_budget(path, data)
            if complete:
                cache.store(path, data, facts)
        return facts

    program = Program({p: (s.module, canonical[p]) for p, s in summaries.items()}, sources, load,
                      {p: s.imports for p, s in summaries.items()}, callees=cache)
    shown = shown_roles(options.include)
    program.hidden = frozenset(p for p in sources if role_map.role(p) not in shown)
    program.unshipped = frozenset(p for p in sources if role_map.role(p) != PRODUCTION)
    if install_texts is not None:
        from .python.reach_extras import note_install_files

        note_install_files(program, install_texts)
    plan = tracker = hit_log = None
    if options.scoped and results is not None and key is not None and digests is not None and record is not None:
        from .scoped import load_deps, plan_scope

        with stats.phase("scope"):
            recorded_deps = load_deps(results.directory, key)
            if recorded_deps is not None:
                files = record.files
                plan = plan_scope(record, recorded_deps, digests, summaries, direct, sources, program,
                                  lambda p: cache.load_key(files[p].facts_key, p) if files[p].facts_key else None,
                                  frozenset(catalog.settings_dicts))
            if plan is not None:
                from .recorded_hits import load_hits

                plan.kept = load_hits(results.directory, key, recorded_deps.digests)
    if plan is not None:
        stats.scoped = len(plan.sites)
        program.env_write_keys = recorded_deps.env_write_keys([f.path for f in python_files], plan.changed)

        def before_state(names: frozenset[str]) -> None:  # module state: the seeds a full scan holds
            for path in sorted(seeds):
                if path not in program.loaded and any(program.mentions(path, n, read=False) for n in names):
                    program.load(path, "module state")

        program.before_state = before_state
        program.skip_uncalled = True
    elif results is not None and key is not None:
        from .python.deps import DepTracker
        from .recorded_hits import HitLog

        program.deps = tracker = DepTracker(list(summaries))  # recorded for the hook (flowscan.scoped)
        hit_log = HitLog()  # each call site's hits, for the hook's widening (flowscan.recorded_hits)
    from .extract.yamlfiles import YamlFiles
    from .python.settings import SettingsFiles

    yaml_files = YamlFiles(sources, stats.count_parse)  # one parse per YAML file, configs and settings alike
    program.settings = SettingsFiles(yaml_files)
    with stats.phase("parse seeds"):
        # the scoped hook parses only the files whose calls it resolves; the others load when reached
        parsed = seeds if plan is None else set(plan.files)
        stats.workers, seed_facts = extract_all(parsed, sources, options.jobs, cache, stats)
        for facts in seed_facts:
            program.add(facts)
    seed_modules = [program.loaded[p] for p in sorted(parsed) if not program.loaded[p].parse_error]
    seed_names = frozenset(name for p in seeds for name in (summaries[p].module, canonical[p]))

    config_facts: list[ConfigFacts] = []
    contexts: list = []
    with stats.phase("configs"):
        if other_files:
            from .contexts import build_contexts

            config_facts, unclaimed = _config_facts(root, other_files, sources, stats, yaml_files, results, key, digests)
            contexts = build_contexts(config_facts)
            for path, reason in unclaimed:
                coverage.files_skipped.append(_skip(path, reason))

    graph = FlowGraph()
    endpoints: list[Endpoint] = []
    budget_hits: set[tuple[str, int, str]] = set()
    resolve_failures: list[tuple[str, int, str]] = []  # (path, line, message): calls flowscan failed to resolve
    with stats.phase("resolve"):
        from .python.env_services import default_on_imported
        if seed_modules or any(c.endpoints for c in config_facts) or default_on_imported(catalog, program.import_index.under):
            endpoints, budget_hits = _resolve(program, seed_modules, seed_names, config_facts, contexts,
                                              catalog, policy, options, stats, resolve_failures, plan, hit_log)
    stats.budget_hits = len(budget_hits)
    for path, line, context in sorted(budget_hits):
        from .python.resolve import STEP_BUDGET

        coverage.notes.append(f"{path}:{line}: resolving this call hit the evaluation budget ({STEP_BUDGET} steps) "
                              f"in context {context}; parts of its value are reported as unresolved")
    stats.parsed = {"seed": len(parsed), **program.loads_by_reason}
    stats.cache_hits, stats.cache_misses = cache.hits, cache.misses

    lines = LineCache(sources)
    with stats.phase("checks"):
        internal_errors = [ParseError(path, line, message) for path, line, message in resolve_failures]
        for module in program.loaded.values():
            if module.parse_error:
                line, message = module.parse_error
                (internal_errors if is_internal(message) else coverage.parse_errors).append(
                    ParseError(module.path, line, message))
            coverage.parse_errors.extend(ParseError(module.path, line, why) for line, why in module.skipped)
        for config in config_facts:
            if config.internal_error:
                internal_errors.append(ParseError(config.path, 1, config.internal_error))
            if config.parse_error:
                line, message = config.parse_error
                coverage.parse_errors.append(ParseError(config.path, line, message))
            coverage.notes.extend(f"{config.path}: {note}" for note in config.notes)
        coverage.parse_errors = sorted(set(coverage.parse_errors), key=lambda e: (e.path, e.line, e.message))
        settings_read = program.settings.loaded if program.settings is not None else set()
        coverage.files_analyzed = sorted(set(program.loaded) | {f.path for f in config_facts} | settings_read)
        coverage.files_skipped = sorted((s for s in coverage.files_skipped if s.path not in settings_read),
                                        key=lambda s: s.path)
        resources = []
        if config_facts:
            from .resources import build_resources

            resources = build_resources(config_facts, catalog, policy)
        facts = ScanFacts(endpoints=endpoints, resources=resources, configs=config_facts,
                          modules=[m for m in program.modules if not m.parse_error],
                          parse_errors=coverage.parse_errors, policy=policy,
                          internal_errors=sorted(set(internal_errors), key=lambda e: (e.path, e.line, e.message)),
                          files=sorted([*sources, *inventory.unread]),
                          python_imports={p: s.imports for p, s in summaries.items()})
        coverage.notes.extend(f"{e.path}:{e.line}: {e.message}" for e in facts.internal_errors)
        findings = run_checks(facts, lines.text, paths=base)
        unloaded = plan.read_back - set(program.loaded) if plan is not None else set()
        if unloaded:
            from .checks import module_rules

            findings += plan.module_findings(unloaded, module_rules())
        servers: list[ModelServer] = []
        if facts.configs or facts.modules:  # else nothing can launch a model server: readiness stays unloaded
            from .readiness import model_servers

            servers = model_servers(facts.configs, facts.modules)
        readiness_notes: dict[str, list[str]] = {"kv-cache": []}
        if servers:  # no model server, nothing to size (and the server catalog stays unloaded)
            from .checks.kvcache import undecided

            readiness_notes["kv-cache"] = undecided(facts.configs, facts.modules)
        from .rules_index import rule_docs

        every_role = frozenset(rule for rule, doc in rule_docs().items() if doc.every_role)
        endpoints, findings, coverage.roles = filter_by_role(endpoints, findings, coverage.files_scanned, role_map,
                                                             shown_roles(options.include), every_role)
        coverage.file_roles = {p: r for p in coverage.files_scanned if (r := role_map.role(p)) != PRODUCTION}
    report = Report(
        root=str(root), endpoints=endpoints, findings=sorted_findings(findings), coverage=coverage,
        policy=policy.to_dict(), contexts=[DEFAULT_CONTEXT] + [c.name for c in contexts], resources=resources,
    )
    if results is not None and key is not None and digests is not None and plan is None:
        with stats.phase("record"):
            # direct seeds: whether a file is one depends on its bytes alone (reuse_report checks it)
            results.store(key, record_scan(report, digests, summaries, direct, program, cache, sources, lines.read))
            if tracker is not None:
                from .scoped import store_deps

                store_deps(results.directory, key, tracker, program, digests, seeds)
            if hit_log is not None:
                hit_log.store(results.directory, key, {(p, n) for p, n, _ in resolve_failures}, digests)
    _mark_policy_decisions(report, sources, policy, options, lines, base)  # after the store: comments never stale a cached report
    rebase_report(report, base, servers, readiness_notes)
    for endpoint in report.endpoints:  # after the rebase: the graph's ids and paths are the report's
        graph.add_endpoint(endpoint)
    return ScanResult(report, graph, program, stats, servers, readiness_notes)


def _config_facts(root: Path, files: list[SourceFile], sources: dict[str, bytes], stats: ScanStats, yaml_files,
                  results: ResultCache | None, key: str | None, digests: dict[str, str] | None
                  ) -> tuple[list[ConfigFacts], list[tuple[str, str]]]:
    """The facts of the config files: those a scan of the same configs kept
    (``recorded_configs``), else extracted (and kept, with the result cache on)."""
    from .configs import extract_configs

    if results is None or key is None or digests is None:
        return extract_configs(root, files, sources, stats.count_parse, yaml_files)
    from .recorded_configs import configs_digest, load_configs, store_configs

    tree = configs_digest(digests, [f.path for f in files], sources)
    kept = load_configs(results.directory, key, tree)
    if kept is not None:
        stats.configs_recorded = True
        return kept
    facts, unclaimed = extract_configs(root, files, sources, stats.count_parse, yaml_files)
    store_configs(results.directory, key, tree, facts, unclaimed)
    return facts, unclaimed


def _mark_policy_decisions(report: Report, sources: dict[str, bytes], policy: Policy, options: ScanOptions,
                           lines: LineCache, base: PathBase) -> None:
    """Exempted hosts and inline suppressions, applied to a fresh or a reused report alike
    (a comment edit reuses the report, so they are read from this scan's bytes)."""
    from .suppress import apply_suppressions, today

    for endpoint in report.endpoints:
        exemption = policy.exemption(endpoint.host) if endpoint.host else None
        endpoint.exempt = exemption.reason if exemption else None
    apply_suppressions(report, sources, policy, lines.text, today(options.today), base)


def _resolve(program: Program, seed_modules: list[ModuleFacts], seed_names: frozenset[str],
             config_facts: list[ConfigFacts], contexts: list, catalog: Catalog, policy: Policy,
             options: ScanOptions, stats: ScanStats, failures: list[tuple[str, int, str]], plan=None,
             hit_log=None) -> tuple[list[Endpoint], set[tuple[str, int, str]]]:
    """Endpoints of the default context and of every deployment context, and the calls whose
    resolution hit the evaluation budget (path, line, context); ``failures`` is told the calls
    flowscan failed on (path, line, message). ``plan`` (the scoped hook, ``flowscan.scoped``):
    resolve only its call sites, and those that fed the same endpoints. ``hit_log`` (a recording
    scan, ``flowscan.recorded_hits``): told each context's hits per call site."""
    from .contexts import drop_defaults_set_by_contexts, drop_none_sides_set_by_contexts
    from .endpoints import build_endpoints
    from .python.env_services import env_service_hits
    from .python.flows import config_hits, find_hits
    from .python.reach_env_writes import env_write_switches
    from .python.resolve import Resolver
    from .resources import served_hosts
    from .values import StrValue

    served = served_hosts(config_facts, catalog)
    extra_env = {k: [StrValue.literal(v)] for k, v in options.env.items()}
    resolver = Resolver(program, lambda key: extra_env.get(key), catalog.constants, catalog.module_states)
    same_everywhere: set[tuple[str, int]] = set()  # call sites whose values no context can change
    scoped = {}
    if plan is not None:
        from .scoped import widen

        scoped = {"only": plan.sites, "subclasses": plan.subclasses(catalog)}
    python_hits = find_hits(seed_modules, resolver, catalog, seed_names, env_free=same_everywhere, failures=failures,
                            **scoped)
    if hit_log is not None:
        hit_log.note(DEFAULT_CONTEXT, python_hits)
        hit_log.env_free = same_everywhere
    hits = python_hits \
        + config_hits(config_facts, lambda key: extra_env.get(key)) \
        + env_service_hits(catalog, program.import_index.under, resolver.env,  # the code's own env writes too
                           import_line=lambda path, library: _import_line(program, path, library),
                           write_switches=lambda key, path, line: env_write_switches(resolver, key, path, line))
    if plan is not None:
        hits += widen(plan, hits, DEFAULT_CONTEXT, lambda found: build_endpoints(found, catalog, policy, DEFAULT_CONTEXT, served),
                      lambda modules, sites: find_hits(modules, resolver, catalog, seed_names, env_free=same_everywhere,
                                                       failures=failures, only=sites, subclasses=scoped["subclasses"]),
                      program, env_free=same_everywhere)
    endpoints = build_endpoints(drop_none_sides_set_by_contexts(hits, contexts), catalog, policy, DEFAULT_CONTEXT, served)
    budget_hits = {(path, line, DEFAULT_CONTEXT) for path, line in resolver.budget_hits}
    resolver.start_budget()
    stats.note_steps(*resolver.most_steps)
    unchanged = frozenset(same_everywhere)
    for context in contexts:
        if not context.binding_sites:
            continue  # it sets no env var (a .env of comments): every hit would be dropped as untouched below
        resolver = Resolver(program, context.lookup, catalog.constants, catalog.module_states)
        modules = [m for m in seed_modules if context.covers(m.path)]
        python_hits = find_hits(modules, resolver, catalog, seed_names, skip=unchanged, failures=failures, **scoped)
        if hit_log is not None:
            hit_log.note(context.name, python_hits)
        hits = python_hits \
            + config_hits(config_facts, context.lookup, in_context=True) \
            + env_service_hits(catalog, program.import_index.under, resolver.env, context.covers,
                               lambda path, library: _import_line(program, path, library),
                               lambda key, path, line: env_write_switches(resolver, key, path, line))
        if plan is not None:
            hits += widen(plan, hits, context.name,
                          lambda found: build_endpoints(found, catalog, policy, context.name, served),
                          lambda modules, sites: find_hits([m for m in modules if context.covers(m.path)], resolver,
                                                           catalog, seed_names, skip=unchanged, failures=failures,
                                                           only=sites, subclasses=scoped["subclasses"]),
                          program, skip=unchanged)
        hits = [h for h in hits if h.value is not None and context.touched(h.value.trail)]
        endpoints += build_endpoints(hits, catalog, policy, context.name, served)
        budget_hits |= {(path, line, context.name) for path, line in resolver.budget_hits}
        resolver.start_budget()
        stats.note_steps(*resolver.most_steps)
    endpoints = drop_defaults_set_by_contexts(endpoints, contexts)
    return endpoints, budget_hits


def _import_line(program: Program, path: str, library: str) -> int:
    """The line of the first import of ``library`` (or a module below it) in ``path``; 1 when
    the file cannot be read."""
    facts = program.load(path, "env service")
    return next((site.line for site in facts.import_sites
                 if site.module == library or site.module.startswith(library + ".")), 1)


def _exclusions(root: Path, policy: Policy, gitignore: bool, only: tuple[str, ...] = ()):
    """The walk's ``excluded(rel, is_dir)`` (outside the paths asked for, the policy's
    paths.exclude, then what git ignores), and whether git ignores the scan root itself."""
    from .discover import OUTSIDE_TARGETS
    from .ignore import GITIGNORED, GitIgnore
    from .targets import outside

    ignore = GitIgnore(root) if gitignore else None

    def excluded(rel: str, is_dir: bool) -> bool | str:
        if outside(only, rel, is_dir):
            return OUTSIDE_TARGETS
        if policy.excluded(rel, is_dir):
            return True
        return GITIGNORED if ignore is not None and ignore.ignored(rel, is_dir) else False

    return excluded, ignore is not None and ignore.root_ignored


def _skip(path: str, reason: str):
    from .model import Skipped
    return Skipped(path, reason)


__all__ = ["scan", "ScanOptions", "ScanResult", "Endpoint", "SourceFile"]
