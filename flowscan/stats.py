"""What a scan did and what it cost: phase timings, files parsed and why, cache use.

Printed by ``flowscan scan --stats`` (to stderr); benchmarks and tests read it to check
that cost follows the tree (each file parsed at most once, lookups served by indexes).
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator


@dataclass
class ScanStats:
    phases: dict[str, float] = field(default_factory=dict)  # name -> seconds
    files_read: int = 0
    python_files: int = 0
    parsed: dict[str, int] = field(default_factory=dict)  # why a Python file was parsed -> count
    parse_counts: dict[str, int] = field(default_factory=dict)  # path -> times parsed (must stay 1)
    cache_hits: int = 0
    cache_misses: int = 0
    workers: int = 1
    budget_hits: int = 0
    reused: bool = False  # the report came from the result cache
    scoped: int | None = None  # the scoped hook: call sites it resolved first (flowscan.scoped); None: a full run
    prepass_recorded: int = 0  # Python files whose pre-pass summary came from the recorded scan
    configs_recorded: bool = False  # the config facts came from the recorded scan (flowscan.recorded_configs)
    most_steps: int = 0  # the most evaluation steps one outbound call took
    most_steps_at: str = ""
    on_phase: Callable[[str], None] | None = field(default=None, repr=False, compare=False)  # a progress display

    @contextmanager
    def phase(self, name: str) -> Iterator[None]:
        if self.on_phase is not None:
            self.on_phase(name)
        start = time.perf_counter()
        try:
            yield
        finally:
            self.phases[name] = self.phases.get(name, 0.0) + time.perf_counter() - start

    def note_steps(self, steps: int, site: tuple[str, int] | None) -> None:
        if steps > self.most_steps:
            self.most_steps, self.most_steps_at = steps, f"{site[0]}:{site[1]}" if site else ""

    def count_parse(self, path: str) -> None:
        self.parse_counts[path] = self.parse_counts.get(path, 0) + 1

    def lines(self) -> list[str]:
        total = sum(self.phases.values())
        out = ["report reused: nothing it depended on changed" if self.reused else "report computed"]
        if self.scoped is not None:
            out[0] += f" (scoped: {self.scoped} call sites the changed files can affect, then their endpoints' others)"
        out += ["phases: " + ", ".join(f"{name} {seconds:.2f}s" for name, seconds in self.phases.items())
               + f" (total {total:.2f}s)"]
        parsed = sum(self.parsed.values())
        out.append(f"python files: {self.python_files} read, {parsed} parsed ("
                   + ", ".join(f"{why} {n}" for why, n in sorted(self.parsed.items())) + ")"
                   + f"; cache {self.cache_hits} hits, {self.cache_misses} misses; workers {self.workers}")
        out.append(f"pre-pass: {self.python_files - self.prepass_recorded} Python files summarised, "
                   f"{self.prepass_recorded} from the recorded scan"
                   + ("; config facts from the recorded scan" if self.configs_recorded else ""))
        repeated = sorted(p for p, n in self.parse_counts.items() if n > 1)
        out.append(f"files parsed: {len(self.parse_counts)} (Python, YAML, HCL, Dockerfile, dotenv, shell); "
                   f"more than once: {len(repeated)}" + (f" ({', '.join(repeated[:5])})" if repeated else ""))
        out.append(f"evaluation budget hits: {self.budget_hits}; most steps for one call: {self.most_steps}"
                   + (f" ({self.most_steps_at})" if self.most_steps_at else ""))
        return out
