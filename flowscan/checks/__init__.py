"""Checks: one module per rule family, each a :class:`~flowscan.checks.base.Check`.

``run_checks`` drives them all the same way: a check runs when a fact it reads is present,
and reports through one :class:`~flowscan.checks.base.Findings`, which owns severities
(rule data and the policy's overrides) and fingerprints.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .base import Check, Findings, LineText, RuleContractError, ScanFacts

if TYPE_CHECKING:
    from ..model import Finding
    from ..repopaths import PathBase


def all_checks() -> tuple[Check, ...]:
    """Every check, in report order. Imported here, not at start-up: a scan with nothing to
    check loads none of them."""
    from .caching import CacheAwareRouting, PrefixCaching, ResponseCache
    from .coverage import ParseErrors
    from .fallback import Fallback
    from .internal import InternalErrors
    from .kvcache import KvCachePressure
    from .residency import EndpointResidency, ResourceResidency
    from .evidence import ReadinessEvidence
    from .readiness import Readiness
    from .serving import ColdStart

    return (EndpointResidency(), ResourceResidency(), Fallback(), PrefixCaching(), CacheAwareRouting(), ResponseCache(),
            ColdStart(), Readiness(), KvCachePressure(), ReadinessEvidence(), ParseErrors(), InternalErrors())


def module_rules() -> frozenset[str]:
    """The rules only checks reading Python modules report (``reads`` holds ``modules``)."""
    checks = all_checks()
    others = {rule for check in checks if "modules" not in check.reads for rule in check.rules}
    return frozenset(rule for check in checks if "modules" in check.reads for rule in check.rules) - others


def run_checks(facts: ScanFacts, line_text: LineText, checks: tuple[Check, ...] | None = None,
               paths: PathBase | None = None) -> list[Finding]:
    """The findings of every check (or of ``checks``) that applies to ``facts``, severities final;
    ``paths``: fingerprints quote repository-root-relative paths."""
    from ..rules_index import rule_severities

    if not any(getattr(facts, name) for name in ScanFacts.field_names()):
        return []
    out = Findings(rule_severities(), facts.policy.severities, line_text, paths)
    failed: list[str] = []
    for check in checks if checks is not None else all_checks():
        if check.applies_to(facts):
            out.reporting_for(check)
            try:
                check.run(facts, out)
            except RuleContractError:
                raise
            except Exception as exc:  # contained: one check's bug must not lose the report
                failed.append(f"internal error ({type(exc).__name__}) in the {type(check).__name__} check "
                              f"({', '.join(check.rules)}); its findings may be missing")
    if failed:
        from ..model import Location
        from .internal import INTERNAL_ERROR, InternalErrors

        out.reporting_for(InternalErrors())
        for message in failed:
            out.add(INTERNAL_ERROR, message, Location(".", 0), key=message)
    return out.found


__all__ = ["Check", "Findings", "ScanFacts", "all_checks", "module_rules", "run_checks"]
