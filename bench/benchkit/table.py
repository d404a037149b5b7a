"""The Markdown output: one table row per corpus, targets marked ✓/✗."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

COLUMNS = ("corpus", "files / lines", "parsed", "ast.parse", "cold", "cold/ast", "cold/ast process", "semgrep", "cold/semgrep",
           "warm unchanged", "warm 1-touched", "peak RSS", "inventory check")


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def seconds(value: float | None) -> str:
    if value is None:
        return "n/a"
    return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"


def verdict(value: float | None, target: float | None, text: str) -> str:
    """``text``, then ✓ or ✗ and the target when there is a target (and a value)."""
    if value is None or target is None:
        return text
    return f"{text} {'✓' if value <= target else '✗'} ≤{target:g}"


def thousands(n: int) -> str:
    return f"{n / 1000:.0f}k" if n >= 10_000 else str(n)


@dataclass
class Row:
    label: str
    targets: dict[str, float]
    files: int = 0
    lines: int = 0
    parsed: int | None = None
    ast_s: list[float] = field(default_factory=list)
    ast_process_s: list[float] = field(default_factory=list)
    cold_s: list[float] = field(default_factory=list)
    semgrep_s: list[float] = field(default_factory=list)
    semgrep_note: str = "n/a"
    warm_unchanged_s: list[float] = field(default_factory=list)
    warm_touched_s: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)
    inventory: str = "n/a"

    def ratio(self, numerator: list[float], denominator: list[float]) -> float | None:
        """Median of the per-pair ratios (pairs ran back to back, so load hits both alike)."""
        return median([a / b for a, b in zip(numerator, denominator, strict=False) if b > 0])

    def cells(self) -> list[str]:
        t = self.targets
        cold_ast = self.ratio(self.cold_s, self.ast_s)
        cold_ast_process = self.ratio(self.cold_s, self.ast_process_s)
        cold_semgrep = self.ratio(self.cold_s, self.semgrep_s)
        warm_u, warm_t = median(self.warm_unchanged_s), median(self.warm_touched_s)
        rss = max(self.rss_mib) if self.rss_mib else None
        return [
            self.label,
            f"{self.files} / {thousands(self.lines)}",
            "n/a" if self.parsed is None else str(self.parsed),
            seconds(median(self.ast_s)),
            seconds(median(self.cold_s)),
            verdict(cold_ast, t.get("cold_ast"), "n/a" if cold_ast is None else f"{cold_ast:.2f}"),
            "n/a" if cold_ast_process is None else f"{cold_ast_process:.2f}",
            seconds(median(self.semgrep_s)) if self.semgrep_s else self.semgrep_note,
            verdict(cold_semgrep, t.get("cold_semgrep"), "n/a" if cold_semgrep is None else f"{cold_semgrep:.2f}"),
            verdict(warm_u, t.get("warm_unchanged_s"), seconds(warm_u)),
            verdict(warm_t, t.get("warm_touched_s"), seconds(warm_t)),
            verdict(rss, t.get("peak_rss_mib"), "n/a" if rss is None else f"{rss:.0f} MiB"),
            self.inventory,
        ]


def render_table(rows: list[Row]) -> list[str]:
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    lines += ["| " + " | ".join(cell.replace("|", "\\|") for cell in row.cells()) + " |" for row in rows]
    return lines
