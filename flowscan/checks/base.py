"""The one interface every check implements, in the style of Fixit's lint rules.

A check is a class with the rule ids it reports (``rules``), the scan facts it reads
(``reads``: names of :class:`ScanFacts` fields) and ``run(facts, out)``, which reports
through ``out.add``. ``Findings.add`` owns everything a finding needs beyond what the check
knows: the severity (from the rule's documentation in ``rules/checks/*.yaml``, a documented
variant of it, or the policy's ``rules:`` override), the fingerprint and the location. A
check never writes a severity, and cannot report a rule it did not declare.

Adding a rule: document it in ``rules/checks/<family>.yaml`` (with VALID/INVALID examples) and
report it from the check of ``flowscan/checks/<family>.py``; the scan drives every check the
same way (:func:`flowscan.checks.run_checks`).
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Callable, ClassVar, Mapping, Sequence

from ..model import Finding, Location, ParseError
from .fingerprint import fingerprint

if TYPE_CHECKING:
    from ..configfacts import ConfigFacts
    from ..model import Endpoint, Resource
    from ..policy import Policy
    from ..python.facts import ModuleFacts
    from ..repopaths import PathBase

LineText = Callable[[str, int], str]


class RuleContractError(ValueError):
    """A check reported a rule it does not declare or that is not documented: a mistake in
    flowscan's own rules that every test run meets, so it is raised, never contained."""


@dataclass(frozen=True)
class ScanFacts:
    """Everything a check may read, built once per scan."""

    endpoints: Sequence[Endpoint]
    resources: Sequence[Resource]
    configs: Sequence[ConfigFacts]
    modules: Sequence[ModuleFacts]  # Python modules that parsed
    parse_errors: Sequence[ParseError]
    policy: Policy
    internal_errors: Sequence[ParseError] = ()  # (path, line, what failed): flowscan's own failures
    files: Sequence[str] = ()  # every file path of the scan, read or not (names only)
    python_imports: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # path -> dotted imports

    @classmethod
    def field_names(cls) -> frozenset[str]:
        return frozenset(f.name for f in fields(cls)) - {"policy", "files", "python_imports"}


class Check:
    """Base class of every check; see the module docstring."""

    rules: ClassVar[tuple[str, ...]] = ()
    reads: ClassVar[frozenset[str]] = frozenset()  # ScanFacts fields; the check runs when one is non-empty

    def run(self, facts: ScanFacts, out: Findings) -> None:
        raise NotImplementedError

    def applies_to(self, facts: ScanFacts) -> bool:
        return any(getattr(facts, name) for name in self.reads)


@dataclass(frozen=True)
class RuleSeverity:
    """A rule's documented severity, and the severities of its documented variants."""

    default: str
    variants: dict[str, str]


class Findings:
    """Collects the findings of one scan. ``severities``: rule id -> documented severities;
    ``overrides``: the policy's ``rules:`` (a severity, or ``off``)."""

    def __init__(self, severities: dict[str, RuleSeverity], overrides: dict[str, str], line_text: LineText,
                 paths: PathBase | None = None):
        self._severities = severities
        self._paths = paths  # fingerprints quote paths relative to the repository root (flowscan.repopaths)
        self._overrides = overrides
        self.line_text = line_text  # source lines, for checks that still locate a key by its text
        self._allowed: tuple[str, ...] | None = None  # the running check's rules
        self.found: list[Finding] = []

    def reporting_for(self, check: Check) -> None:
        """From now on only ``check``'s declared rules may be reported."""
        self._allowed = check.rules

    def add(self, rule: str, message: str, location: Location, *, key: str = "", endpoint: str | None = None,
            variant: str | None = None) -> None:
        """Report ``rule`` at ``location``. ``key`` tells apart findings of one rule on one line
        (it goes into the fingerprint); ``variant`` picks a documented variant's severity."""
        if self._allowed is not None and rule not in self._allowed:
            raise RuleContractError(f"rule {rule} is not declared by the running check ({', '.join(self._allowed)})")
        documented = self._severities.get(rule)
        if documented is None:
            raise RuleContractError(f"rule {rule} is not documented in rules/checks/*.yaml")
        if variant is not None and variant not in documented.variants:
            raise RuleContractError(f"rule {rule} documents no variant {variant!r}")
        severity = self._overrides.get(rule) or (documented.variants[variant] if variant else documented.default)
        if severity == "off":
            return
        self.found.append(Finding(
            rule=rule, severity=severity, message=message, path=location.path, line=location.line,
            column=location.column, endpoint=endpoint,
            fingerprint=self._fingerprint(rule, location, key),
        ))

    def _fingerprint(self, rule: str, location: Location, key: str) -> str:
        text = self.line_text(location.path, location.line)
        if self._paths is not None and not self._paths.identity:
            location, key = Location(self._paths.path(location.path), location.line, location.column), self._paths.text(key)
        return fingerprint(rule, location, text, key)
