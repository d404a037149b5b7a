"""Extracting the facts of many Python files: from the cache, else parsed, over a process
pool when the bytes to parse are worth it (``--jobs``)."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from .cache import FactCache

if TYPE_CHECKING:
    from .python.facts import ModuleFacts
    from .stats import ScanStats

# Below this much source to parse, a process pool costs more than it saves. Measured with
# bench/pool_threshold.py on litellm 1.55.0, 2 cores: pool/serial 1.20 at 100 KB, 0.92 at 250 KB,
# 0.83-0.89 from 0.5 to 2 MB, 0.80 at 4 MB (the parent unpickles every result: about half the
# cost of extracting it, so two workers gain 10-20%, not 2x).
PARALLEL_BYTES = 250_000


def extract_within_budget(path: str, data: bytes) -> tuple[ModuleFacts, bool]:
    """The facts of one file, and whether they are complete (worth caching): a file whose
    extraction outruns ``budget.FILE_SECONDS`` is a parse error naming the budget."""
    from .budget import BudgetExceeded, file_budget
    from .checks.internal import describe
    from .python.extract import extract_python

    try:
        with file_budget():
            return extract_python(path, data), True
    except BudgetExceeded as exc:
        return _failed_facts(path, f"not analysed: {exc.reason}"), False
    except Exception as exc:  # contained: a bug on one file must not lose the report
        return _failed_facts(path, describe(exc, "reading this Python file")), False


def _failed_facts(path: str, message: str) -> ModuleFacts:
    from .python.extract_common import module_name_for
    from .python.facts import ModuleFacts, Scope

    module, is_package = module_name_for(path)
    return ModuleFacts(path, module, is_package, {}, Scope("module", module, "", 1), [], [], parse_error=(1, message))


def extract_one(item: tuple[str, bytes], cache_dir: Path | None = None) -> ModuleFacts:
    """Extract one file; in a pool worker, also store the facts in the cache (the parent
    then need not pickle them a second time)."""
    facts, complete = extract_within_budget(*item)
    if cache_dir is not None and complete:
        FactCache(cache_dir).store(item[0], item[1], facts)
    return facts


def extract_all(chosen: Iterable[str], sources: dict[str, bytes], jobs: int | None, cache: FactCache,
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

        from concurrent.futures.process import BrokenProcessPool

        # What a worker runs is imported before the workers fork, so each inherits it instead of
        # importing it again (the parent needs it anyway, for the files resolution reaches).
        from . import budget  # noqa: F401
        from .checks import internal  # noqa: F401
        from .python import extract  # noqa: F401

        # Largest files first, one at a time: a big file left for the end keeps one worker busy
        # while the others wait (the results are put back in the order of ``missing``).
        order = sorted(range(len(missing)), key=lambda i: (-len(missing[i][1]), i))
        try:
            with ProcessPoolExecutor(max_workers=workers, initializer=gc.disable) as pool:  # see scan()
                made_by_size = list(pool.map(extract_one, [missing[i] for i in order], [cache.root] * len(missing)))
            made = [facts for _, facts in sorted(zip(order, made_by_size), key=lambda pair: pair[0])]
        except BrokenProcessPool as exc:  # a worker was killed (out of memory): name the files, keep the report
            from .checks.internal import describe

            made = [_failed_facts(path, describe(exc, "reading this Python file in a worker process"))
                    for path, _ in missing]
    else:
        made = [extract_one(item) for item in missing]  # stored below, as the pool's workers store theirs
    for (path, data), facts in zip(missing, made):
        stats.count_parse(path)
        if workers == 1 and not _over_budget(facts):
            cache.store(path, data, facts)
    return workers, out + made


def _over_budget(facts: ModuleFacts) -> bool:
    """Facts not worth caching: the budget ran out, or flowscan failed on the file."""
    return facts.parse_error is not None and facts.parse_error[1].startswith(("not analysed: took longer",
                                                                                "internal error ("))
