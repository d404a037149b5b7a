"""The residency policy: ``flowscan.yaml`` at the scan root, ``--policy FILE`` or ``--allow``.

```yaml
residency:
  allowed: [eu, CH, eu-central-2]        # groups, jurisdictions, countries, region codes
  endpoints:                             # regions for hosts flowscan cannot place
    - host: "*.openai.azure.com"
      region: swedencentral
      reason: "our Azure OpenAI resource lives in Sweden Central"
  exempt:
    - host: api.github.com
      reason: "release automation only; no customer data"
paths:
  exclude: ["tests/**", "docs/**"]
rules:
  residency/region-unknown: error        # or warning | note | off
```
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalog import Catalog
from .model import Placement
from .roles import ROLES, RoleMap

POLICY_FILE = "flowscan.yaml"
SEVERITIES = ("error", "warning", "note", "off")


class PolicyError(Exception):
    """The policy is invalid; the message names the key."""


@dataclass(frozen=True)
class DeclaredEndpoint:
    glob: str
    placement: Placement
    reason: str


@dataclass(frozen=True)
class Exemption:
    glob: str
    reason: str


@dataclass
class Policy:
    allowed: list[str] = field(default_factory=list)
    allowed_jurisdictions: frozenset[str] = frozenset()
    allowed_countries: frozenset[str] = frozenset()
    allowed_regions: frozenset[str] = frozenset()
    endpoints: list[DeclaredEndpoint] = field(default_factory=list)
    exempt: list[Exemption] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    roles: dict[str, list[str]] = field(default_factory=dict)  # role -> path globs (paths.roles)
    base: str = ""  # the scanned folder relative to the policy's folder ("src/app/"): globs are the policy's
    severities: dict[str, str] = field(default_factory=dict)
    source: str = "none"

    @property
    def has_allowed(self) -> bool:
        return bool(self.allowed)

    def is_allowed(self, placement: Placement) -> bool:
        if placement.jurisdiction == "internal":
            return True
        if placement.region and placement.region in self.allowed_regions:
            return True
        if placement.country and placement.country in self.allowed_countries:
            return True
        return bool(placement.jurisdiction and placement.jurisdiction in self.allowed_jurisdictions)

    def declared(self, host: str) -> DeclaredEndpoint | None:
        return next((d for d in self.endpoints if fnmatch.fnmatchcase(host, d.glob)), None)

    def exemption(self, host: str) -> Exemption | None:
        return next((e for e in self.exempt if fnmatch.fnmatchcase(host, e.glob)), None)

    def excluded(self, path: str, is_dir: bool = False) -> bool:
        """``paths.exclude``: gitignore patterns (flowscan.ignore), relative to the policy's folder."""
        from .ignore import exclude_spec, excluded_by

        return excluded_by(exclude_spec(tuple(self.exclude)), self.base + path, is_dir)

    def role_map(self, shipped: tuple[str, ...] = ()) -> RoleMap:
        """The role of each scanned file: ``paths.roles`` globs over the packaging metadata
        (``shipped``: the folders of the packages the project ships) and the conventions."""
        return RoleMap(self.roles, lambda path, pattern: _glob_match(self.base + path, pattern), shipped)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "allowed": list(self.allowed),
            "endpoints": [{"host": d.glob, "region": d.placement.region, "jurisdiction": d.placement.jurisdiction,
                           "reason": d.reason} for d in self.endpoints],
            "exempt": [{"host": e.glob, "reason": e.reason} for e in self.exempt],
            "exclude": list(self.exclude),
            "roles": {role: list(globs) for role, globs in self.roles.items()},
        }


def _glob_match(path: str, pattern: str) -> bool:
    """Gitignore-like globs: ``**`` spans folders; a pattern without ``/`` matches any segment;
    a trailing ``/`` (a folder) matches the folder and everything under it."""
    pattern = pattern.rstrip("/") or pattern
    regex = ""
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            regex += "(?:.*/)?"
            i += 3
        elif pattern.startswith("**", i):
            regex += ".*"
            i += 2
        elif pattern[i] == "*":
            regex += "[^/]*"
            i += 1
        elif pattern[i] == "?":
            regex += "[^/]"
            i += 1
        else:
            regex += re.escape(pattern[i])
            i += 1
    if "/" not in pattern:
        regex = "(?:.*/)?" + regex
    return re.fullmatch(regex + "(?:/.*)?", path) is not None


def find_policy_file(root: Path) -> Path | None:
    """``flowscan.yaml`` in ``root`` or the nearest folder above it, up to the repository root
    (the folder holding ``.git``): scanning ``src/app`` of a repository uses its policy."""
    folder = root.resolve()
    while True:
        candidate = folder / POLICY_FILE
        if candidate.is_file():
            return candidate
        if (folder / ".git").exists() or folder.parent == folder:
            return None
        folder = folder.parent


def load_policy(data: Any, catalog: Catalog, source: str, extra_allowed: list[str] | None = None,
                known_rules: set[str] | None = None) -> Policy:
    """Validate ``data`` (the parsed YAML, or None) and build a :class:`Policy`."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise PolicyError(f"{source}: the policy must be a mapping with keys residency, paths, rules")
    _only_keys(data, {"residency", "paths", "rules", "version", "$schema"}, source)
    residency = data.get("residency") or {}
    if not isinstance(residency, dict):
        raise PolicyError(f"{source}: residency: must be a mapping")
    _only_keys(residency, {"allowed", "endpoints", "exempt"}, f"{source}: residency")
    policy = Policy(source=source)
    allowed = list(_string_list(residency.get("allowed", []), f"{source}: residency.allowed"))
    allowed += list(extra_allowed or [])
    for i, item in enumerate(allowed):
        _add_allowed(policy, item, catalog, f"{source}: residency.allowed[{i}]")
    for i, entry in enumerate(_list(residency.get("endpoints", []), f"{source}: residency.endpoints")):
        where = f"{source}: residency.endpoints[{i}]"
        _require_mapping(entry, where, {"host", "region", "jurisdiction", "country", "reason"}, {"host", "reason"})
        policy.endpoints.append(DeclaredEndpoint(str(entry["host"]).lower(), _declared_placement(entry, catalog, where),
                                                 str(entry["reason"])))
    for i, entry in enumerate(_list(residency.get("exempt", []), f"{source}: residency.exempt")):
        where = f"{source}: residency.exempt[{i}]"
        _require_mapping(entry, where, {"host", "reason"}, {"host", "reason"})
        policy.exempt.append(Exemption(str(entry["host"]).lower(), str(entry["reason"])))
    paths = data.get("paths") or {}
    if not isinstance(paths, dict):
        raise PolicyError(f"{source}: paths: must be a mapping")
    _only_keys(paths, {"exclude", "roles"}, f"{source}: paths")
    policy.exclude = list(_string_list(paths.get("exclude", []), f"{source}: paths.exclude"))
    roles = paths.get("roles") or {}
    if not isinstance(roles, dict):
        raise PolicyError(f"{source}: paths.roles: must be a mapping of role to a list of globs")
    for role, globs in roles.items():
        if role not in ROLES:
            raise PolicyError(f"{source}: paths.roles.{role}: unknown role; one of {', '.join(ROLES)}")
        policy.roles[str(role)] = list(_string_list(globs, f"{source}: paths.roles.{role}"))
    rules = data.get("rules") or {}
    if not isinstance(rules, dict):
        raise PolicyError(f"{source}: rules: must be a mapping of rule id to severity")
    for rule, severity in rules.items():
        if severity is False:
            severity = "off"  # a bare `off` is YAML's false
        if known_rules is not None and rule not in known_rules:
            raise PolicyError(f"{source}: rules.{rule}: unknown rule (see `flowscan rules`)")
        if severity not in SEVERITIES:
            raise PolicyError(f"{source}: rules.{rule}: severity must be one of {', '.join(SEVERITIES)}")
        policy.severities[str(rule)] = str(severity)
    return policy


def _add_allowed(policy: Policy, item: str, catalog: Catalog, where: str) -> None:
    raw = item.strip()
    name = raw
    m = re.fullmatch(r"in:(.+)-locations", raw)
    if m:
        name = m.group(1)
    key = name.lower()
    policy.allowed.append(raw)
    if key in catalog.groups:
        group = catalog.groups[key]
        policy.allowed_jurisdictions |= frozenset(group.get("jurisdictions", []))
        policy.allowed_countries |= frozenset(group.get("countries", []))
        return
    if ":" in name:
        cloud, _, code = name.partition(":")
        found = catalog.region(cloud, code)
        if found:
            policy.allowed_regions |= {found.code}  # as placements spell it (gcp:eu -> EU)
            return
    if re.fullmatch(r"[A-Z]{2}", name):
        _check_country(name, where)
        policy.allowed_countries |= {name}
        return
    found = catalog.find_region(name)
    if found:
        policy.allowed_regions |= {found.code}
        return
    if key in _known_jurisdictions(catalog):
        policy.allowed_jurisdictions |= {key}
        return
    groups = ", ".join(sorted(catalog.groups))
    raise PolicyError(f"{where}: {raw!r} is not a region group ({groups}), jurisdiction, "
                      f"ISO country code (upper case, e.g. DE) or region code (e.g. eu-west-1){_suggest(raw, catalog)}")


def _check_country(code: str, where: str) -> None:
    from .countries import iso_countries

    if code not in iso_countries():
        raise PolicyError(f"{where}: {code!r} is not an ISO 3166-1 alpha-2 country code")


def _suggest(name: str, catalog: Catalog) -> str:
    """``; did you mean 'eu-west-1'?`` for a misspelt group, jurisdiction or region code."""
    import difflib

    names = {*catalog.groups, *_known_jurisdictions(catalog)}
    for table in catalog.regions.values():
        names |= set(table)
    close = difflib.get_close_matches(name.lower(), sorted(names), n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close else ""


def _known_jurisdictions(catalog: Catalog) -> set[str]:
    known = {"internal", "global"}
    for table in (*catalog.regions.values(), *catalog.multi_regions.values()):
        known |= {r.jurisdiction for r in table.values()}
    for group in catalog.groups.values():
        known |= set(group.get("jurisdictions", []))
    return known


def _declared_placement(entry: dict, catalog: Catalog, where: str) -> Placement:
    reason = str(entry["reason"])
    region = entry.get("region")
    if region is not None:
        found = catalog.find_region(str(region))
        if found is not None:
            return Placement(found.code, found.country, found.jurisdiction, "declared", reason)
    country = entry.get("country")
    if country is not None:
        _check_country(str(country), f"{where}.country")
    jurisdiction = entry.get("jurisdiction") or catalog.jurisdiction_of(country)
    if region is None and jurisdiction is None:
        raise PolicyError(f"{where}: give a region (e.g. swedencentral), a country or a jurisdiction")
    if jurisdiction is None:
        raise PolicyError(f"{where}: region {region!r} is not a known cloud region; add jurisdiction: or country:")
    return Placement(str(region) if region else None, country, str(jurisdiction), "declared", reason)


def _only_keys(data: dict, allowed: set[str], where: str) -> None:
    for key in data:
        if key not in allowed:
            raise PolicyError(f"{where}: unknown key {key!r} (expected one of: {', '.join(sorted(allowed))})")


def _require_mapping(entry: Any, where: str, allowed: set[str], required: set[str]) -> None:
    if not isinstance(entry, dict):
        raise PolicyError(f"{where}: must be a mapping with keys {', '.join(sorted(required))}")
    _only_keys(entry, allowed, where)
    for key in sorted(required):
        if key not in entry:
            raise PolicyError(f"{where}: missing key {key!r}")


def _list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise PolicyError(f"{where}: must be a list")
    return value


def _string_list(value: Any, where: str) -> list[str]:
    items = _list(value, where)
    for i, item in enumerate(items):
        if not isinstance(item, str):
            raise PolicyError(f"{where}[{i}]: must be a string")
    return items


def read_policy_file(path: Path) -> Any:
    try:
        import yaml

        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise PolicyError(f"{path}: cannot read policy: not UTF-8 text (byte {exc.start})") from exc
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError(f"{path}: cannot read policy: {exc}") from exc
