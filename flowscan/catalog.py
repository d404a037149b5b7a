"""Load ``rules/*.yaml`` into a validated catalog: providers, host rules, sinks, regions.

Everything provider-specific lives in the YAML; this module only knows the shapes. A sink's
switch may take its cases from a table in ``rules/tables/`` (``cases_from``), a file generated
from the SDK's own data (the boto3 client -> host table); it is read once per catalog, and only
when a sink names it.
"""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from . import rulefiles
from .model import Placement
from .rulefiles import CatalogError, load_rule_file, load_rule_yaml  # noqa: F401 - re-exported


@dataclass(frozen=True)
class Region:
    cloud: str
    code: str
    name: str
    country: str | None
    jurisdiction: str


@dataclass(frozen=True)
class HostRule:
    provider: str
    glob: str | None
    pattern: str | None  # a regex over the whole host (with an optional ``region`` group)
    cloud: str | None
    region: str | None
    country: str | None
    jurisdiction: str | None
    source: str
    note: str

    @cached_property
    def regex(self) -> re.Pattern[str] | None:
        """Compiled on first use: compiling every host regex costs ~70 ms a start, and a scan
        places few hosts (a rule file is checked to compile when it is validated)."""
        return re.compile(self.pattern, re.IGNORECASE) if self.pattern is not None else None

    @cached_property
    def literal_tail(self) -> str:
        """Text every matching host ends with ('' when the rule does not fix one)."""
        if self.glob is not None:
            return re.split(r"[*?\]]", self.glob)[-1].lower()
        return _regex_literal_tail(self.pattern or "")

    @property
    def specificity(self) -> tuple[int, int]:
        """Exact hosts first, then longer globs, then regexes in file order."""
        if self.glob is not None:
            wild = "*" in self.glob or "?" in self.glob
            return (1 if wild else 0, -len(self.glob.replace("*", "")))
        return (2, 0)


def _regex_literal_tail(pattern: str) -> str:
    """The literal text at the end of a host regex without top-level alternation:
    ``[a-z0-9-]+\\.storage\\.googleapis\\.com`` -> ``.storage.googleapis.com``; else ''."""
    depth, i = 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif char == "[":
            i = pattern.find("]", i + 2 if pattern[i + 1:i + 2] == "]" else i + 1)
            if i < 0:
                return ""
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            return ""
        i += 1
    tail = []
    i = len(pattern)
    while i > 0:
        if i >= 2 and pattern[i - 2] == "\\" and pattern[i - 1] in ".-" and not (i >= 3 and pattern[i - 3] == "\\"):
            tail.append(pattern[i - 1])
            i -= 2
        elif pattern[i - 1].isalnum() or pattern[i - 1] == "-":
            if i >= 2 and pattern[i - 2] == "\\":
                break  # \d, \w, ...: a class, not a letter
            tail.append(pattern[i - 1])
            i -= 1
        else:
            break
    # the scan stops at a quantifier, which follows what it repeats: no tail char is quantified
    return "".join(reversed(tail)).lower()


@dataclass(frozen=True)
class Sink:
    """An SDK call or module attribute that sends data to a URL described by ``url``."""

    provider: str | None
    names: tuple[str, ...]
    kind: str  # call | assign | settings
    url: Any
    override: Any
    required: bool
    origin: str  # rule file name
    in_process: tuple[str, ...] = ()  # keywords that, when given, make the client run in-process (no endpoint by default)


@dataclass(frozen=True)
class SettingsDict:
    """A module-level dict of connections a framework reads (``settings`` in rules/): Django's
    ``DATABASES``, whose entries name their backend under ``backend_key`` (``ENGINE``)."""

    name: str
    backend_key: str


@dataclass(frozen=True)
class SettingsSink:
    """The sink of one backend a settings entry names; ``socket_key``: the entry key whose value,
    when it is a filesystem path, is a Unix-socket directory (no network endpoint)."""

    sink: Sink
    socket_key: str | None = None


@dataclass(frozen=True)
class EnvService:
    """A service a library switches on from the environment alone (``env_services`` in rules/)."""

    provider: str | None  # None in a sink file (rules/sinks/): the host decides the provider
    name: str  # the library or service, for provenance
    switch_env: tuple[str, ...]
    equals: str | None
    imports: tuple[str, ...]
    url: dict[str, Any]
    origin: str
    default_on: bool = False  # on when no switch variable is set (telemetry a library sends on its own)
    off: tuple[str, ...] = ()  # values that turn it off; with default_on
    on: tuple[str, ...] = ()  # values that keep it on, any other turns it off; with default_on
    unset_opt_in: bool = False  # reported opt-in where no config sets the switch (the import is the code's choice)


@dataclass(frozen=True)
class Example:
    provider: str
    file: str
    code: str
    host: str | None
    expected: dict[str, Any]
    env: dict[str, str]


@dataclass
class Catalog:
    providers: dict[str, str]  # id -> display name
    host_rules: list[HostRule]
    sinks: dict[str, Sink]  # dotted name -> sink
    regions: dict[str, dict[str, Region]]  # cloud -> code -> region
    multi_regions: dict[str, dict[str, Region]]
    eu_members: frozenset[str]
    special_jurisdictions: dict[str, str]
    groups: dict[str, dict[str, Any]]
    examples: list[Example] = field(default_factory=list)
    env_services: list[EnvService] = field(default_factory=list)
    settings_dicts: dict[str, SettingsDict] = field(default_factory=dict)  # the dict's name -> how its entries read
    settings_sinks: dict[str, SettingsSink] = field(default_factory=dict)  # a backend a settings entry names -> its sink
    files: list[str] = field(default_factory=list)
    purposes: dict[str, str] = field(default_factory=dict)  # provider id -> purpose (llm-api, telemetry, ...)
    constants: dict[str, str] = field(default_factory=dict)  # a library's dotted name -> its string value

    # -- sinks ---------------------------------------------------------------
    @cached_property
    def sink_modules(self) -> frozenset[str]:
        """Top-level modules that some sink lives in (``requests``, ``openai``, ...)."""
        return frozenset(name.split(".", 1)[0] for name in self.sinks)

    @cached_property
    def module_states(self) -> frozenset[str]:
        """SDK module attributes that configure later calls (``openai.base_url``): ``assigns`` sinks."""
        return frozenset(name for name, sink in self.sinks.items() if sink.kind == "assign")

    @cached_property
    def sink_prefixes(self) -> frozenset[str]:
        """Every dotted prefix of a sink name: what a partially resolved callee may grow into."""
        out: set[str] = set()
        for name in self.sinks:
            parts = name.split(".")
            for i in range(1, len(parts) + 1):
                out.add(".".join(parts[:i]))
        return frozenset(out)

    # -- places --------------------------------------------------------------
    def jurisdiction_of(self, country: str | None) -> str | None:
        if not country:
            return None
        if country in self.eu_members:
            return "eu"
        return self.special_jurisdictions.get(country, country.lower())

    def region(self, cloud: str, code: str) -> Region | None:
        found = self.regions.get(cloud, {}).get(code)
        if found is None:
            found = self.multi_regions.get(cloud, {}).get(code) or self.multi_regions.get(cloud, {}).get(code.upper())
        return found

    def find_region(self, code: str) -> Region | None:
        """A region by bare code in any cloud (codes do not collide across the three clouds)."""
        for cloud in sorted(self.regions):
            found = self.region(cloud, code)
            if found:
                return found
        return None

    def match_host(self, host: str) -> tuple[HostRule, Placement] | None:
        """The most specific host rule for ``host`` and the placement it implies."""
        host = host.lower().rstrip(".")
        exact = self._exact_hosts.get(host)
        if exact is not None:
            return exact, self._placement(exact, None)
        for rule in self._pattern_rules:
            if not host.endswith(rule.literal_tail):
                continue  # cheap test first: most rules never compile a regex in a scan
            if rule.glob is not None:
                if not fnmatch.fnmatchcase(host, rule.glob):
                    continue
                captured = None
            else:
                assert rule.regex is not None
                m = rule.regex.fullmatch(host)
                if not m:
                    continue
                captured = m.groupdict().get("region")
            return rule, self._placement(rule, captured)
        return None

    @cached_property
    def _exact_hosts(self) -> dict[str, HostRule]:
        """Globs without a wildcard, by host (the first rule in file order wins a tie)."""
        out: dict[str, HostRule] = {}
        for rule in self.host_rules:
            if rule.glob is not None and rule.specificity[0] == 0:
                out.setdefault(rule.glob.lower(), rule)
        return out

    @cached_property
    def _pattern_rules(self) -> list[HostRule]:
        """Wildcard globs, longest first, then regexes in file order."""
        return sorted((r for r in self.host_rules if r.specificity[0] > 0), key=lambda r: r.specificity)

    def _placement(self, rule: HostRule, captured: str | None) -> Placement:
        code = captured or rule.region
        if rule.cloud and code:
            region = self.region(rule.cloud, code)
            if region is not None:
                return Placement(region.code, region.country, rule.jurisdiction or region.jurisdiction, "host", rule.source)
            if captured:
                return Placement(code, None, None, "unknown", f"region {code!r} is not in the {rule.cloud} region list")
        if rule.jurisdiction or rule.country:
            jurisdiction = rule.jurisdiction or self.jurisdiction_of(rule.country)
            return Placement(code, rule.country, jurisdiction, "provider", rule.source)
        return Placement(None, None, None, "unknown", rule.note or "the host does not tell the region")


# -- loading -----------------------------------------------------------------

def default_rules_dir() -> Path:
    """The bundled rules (the ``flowscan.rules`` package): found from the package itself, not
    through ``importlib.resources``, whose import costs start-up time (tempfile, shutil, ...)."""
    from . import rules

    return Path(rules.__file__).parent


def load_catalog(rules_dir: Path | None = None) -> Catalog:
    """Read and validate every rule file under ``rules_dir`` (the bundled rules by default)."""
    rules_dir = rules_dir or default_rules_dir()
    catalog = Catalog({}, [], {}, {}, {}, frozenset(), {}, {})

    region_files = sorted((rules_dir / "regions").glob("*.yaml"))
    for path in region_files:
        catalog.files.append(path.relative_to(rules_dir).as_posix())
        if path.stem == "jurisdictions":
            data = load_rule_file(path, "rules-jurisdictions.schema.json")
            catalog.eu_members = frozenset(data["eu_members"])
            catalog.special_jurisdictions = dict(data.get("special", {}))
            catalog.groups = dict(data.get("groups", {}))
    for path in region_files:
        if path.stem == "jurisdictions":
            continue
        data = load_rule_file(path, "rules-regions.schema.json")
        cloud = data["cloud"]
        table = catalog.regions.setdefault(cloud, {})
        for entry in data["regions"]:
            country = entry["country"]
            table[entry["code"]] = Region(
                cloud, entry["code"], entry["name"], country,
                entry.get("jurisdiction") or catalog.jurisdiction_of(country) or "unknown",
            )
        multi = catalog.multi_regions.setdefault(cloud, {})
        for entry in data.get("multi_regions", []):
            multi[entry["code"]] = Region(cloud, entry["code"], entry["name"], None, entry["jurisdiction"])

    tables = _Tables(rules_dir, catalog)
    for folder in ("providers", "sinks"):
        for path in sorted((rules_dir / folder).glob("*.yaml")):
            data = load_rule_file(path, "rules-provider.schema.json")
            rel = path.relative_to(rules_dir).as_posix()
            catalog.files.append(rel)
            _add_provider(catalog, data, rel, is_provider=(folder == "providers"),
                          freshly_validated=path in rulefiles.validated_now, tables=tables)
    _link_url_of(catalog)
    return catalog


MAX_URL_OF = 3  # how many ``url_of`` references one url may go through


def _link_url_of(catalog: Catalog) -> None:
    """Put in place every ``url_of`` of a sink's url: the url of the sink another rule declares
    for that call name (a factory building that SDK's client with the same keywords)."""
    linked: dict[int, Sink] = {}
    for name, sink in list(catalog.sinks.items()):
        if id(sink) not in linked:
            url = _linked(sink.url, catalog, f"{sink.origin}: {name}", 0)
            linked[id(sink)] = sink if url is sink.url else replace(sink, url=url)
        catalog.sinks[name] = linked[id(sink)]


def _linked(spec: Any, catalog: Catalog, where: str, depth: int) -> Any:
    if isinstance(spec, list):
        items = [_linked(item, catalog, where, depth) for item in spec]
        return spec if all(a is b for a, b in zip(items, spec)) else items
    if not isinstance(spec, dict):
        return spec
    if "url_of" in spec:
        target = catalog.sinks.get(spec["url_of"])
        if target is None:
            raise CatalogError(f"{where}: url_of {spec['url_of']!r} is no sink's call name")
        if depth >= MAX_URL_OF:
            raise CatalogError(f"{where}: url_of {spec['url_of']!r} goes through more than {MAX_URL_OF} references")
        return _linked(target.url, catalog, where, depth + 1)
    out = {key: _linked(value, catalog, where, depth) for key, value in spec.items()}
    return spec if all(out[key] is value for key, value in spec.items()) else out


class _Tables:
    """The tables of ``rules/tables/*.yaml`` that sinks name, each file read once per catalog."""

    def __init__(self, rules_dir: Path, catalog: Catalog):
        self.rules_dir = rules_dir
        self.catalog = catalog
        self.files: dict[str, dict[str, dict[str, str]]] = {}

    def table(self, file: str, name: str, where: str) -> dict[str, str]:
        if file not in self.files:
            if not file.startswith("tables/") or "/" in file[len("tables/"):] or not file.endswith(".yaml"):
                raise CatalogError(f"{where}: cases_from file {file!r} is not a rules/tables/*.yaml file")
            path = self.rules_dir / file
            if not path.is_file():
                raise CatalogError(f"{where}: cases_from file {file!r} does not exist under {self.rules_dir}")
            self.files[file] = load_rule_file(path, "rules-tables.schema.json")["tables"]
            self.catalog.files.append(file)
        found = self.files[file].get(name)
        if found is None:
            raise CatalogError(f"{where}: {file} has no table {name!r}")
        return found

    def inline(self, spec: Any, where: str) -> Any:
        """``spec`` with every ``cases_from`` replaced by the cases it names (inline ``cases``
        win) and every ``by_name`` by the table it names."""
        if isinstance(spec, list):
            items = [self.inline(item, where) for item in spec]
            return spec if all(a is b for a, b in zip(items, spec)) else items
        if not isinstance(spec, dict):
            return spec
        out = {key: self.inline(value, where) for key, value in spec.items() if key not in ("cases_from", "by_name")}
        ref, by_name = spec.get("cases_from"), spec.get("by_name")
        if ref is not None:
            table = self.table(ref["file"], ref["table"], where)
            out["cases"] = {**table, **out["cases"]} if "cases" in out else table
        if by_name is not None:
            out["by_name"] = self.table(by_name["file"], by_name["table"], where)
        if ref is None and by_name is None and all(out[key] is value for key, value in spec.items()):
            return spec  # nothing named a table: the rule's own data, not a copy
        return out


def _add_provider(catalog: Catalog, data: dict[str, Any], rel: str, is_provider: bool,
                  freshly_validated: bool = True, tables: _Tables | None = None) -> None:
    pid = data["id"]
    if pid in catalog.providers:
        raise CatalogError(f"{rel}: provider id {pid!r} is defined twice")
    catalog.providers[pid] = data["name"]
    if is_provider:
        if "purpose" not in data:
            raise CatalogError(f"{rel}: a provider needs a purpose (what the application sends it)")
        catalog.purposes[pid] = data["purpose"]
    for i, entry in enumerate(data.get("hosts", [])):
        pattern = entry.get("regex")
        if pattern is not None and freshly_validated:
            try:
                re.compile(pattern, re.IGNORECASE)
            except re.error as exc:
                raise CatalogError(f"{rel}: hosts/{i}/regex: {exc}") from exc
        cloud = entry.get("cloud")
        if cloud and entry.get("region") and pattern is None and catalog.region(cloud, entry["region"]) is None:
            raise CatalogError(f"{rel}: hosts/{i}: region {entry['region']!r} is not a {cloud} region")
        catalog.host_rules.append(HostRule(
            provider=pid, glob=entry.get("host", "").lower() or None, pattern=pattern, cloud=cloud,
            region=entry.get("region"), country=entry.get("country"), jurisdiction=entry.get("jurisdiction"),
            source=entry.get("source", ""), note=entry.get("note", ""),
        ))
    for i, entry in enumerate(data.get("sinks", [])):
        kind = "call" if "calls" in entry else "assign"
        names = tuple(entry.get("calls") or entry.get("assigns"))
        url, override = entry["url"], entry.get("override")
        if tables is not None:
            url, override = tables.inline(url, f"{rel}: sinks/{i}"), tables.inline(override, f"{rel}: sinks/{i}")
        sink = Sink(
            provider=pid if is_provider else None, names=names, kind=kind, url=url,
            override=override, required=entry.get("required", True), origin=rel,
            in_process=tuple(entry.get("in_process", ())),
        )
        for name in names:
            if name in catalog.sinks:
                raise CatalogError(f"{rel}: sinks/{i}: {name} is already declared in {catalog.sinks[name].origin}")
            catalog.sinks[name] = sink
    for i, entry in enumerate(data.get("settings", [])):
        known = catalog.settings_dicts.setdefault(entry["dict"], SettingsDict(entry["dict"], entry["backend"]))
        if known.backend_key != entry["backend"]:
            raise CatalogError(f"{rel}: settings/{i}: {entry['dict']} names its backend under {known.backend_key!r} elsewhere")
        url = tables.inline(entry["url"], f"{rel}: settings/{i}") if tables is not None else entry["url"]
        sink = Sink(provider=pid if is_provider else None, names=tuple(entry["backends"]), kind="settings", url=url,
                    override=None, required=True, origin=rel)
        for name in sink.names:
            if name in catalog.settings_sinks:
                raise CatalogError(f"{rel}: settings/{i}: {name} is already declared in {catalog.settings_sinks[name].sink.origin}")
            catalog.settings_sinks[name] = SettingsSink(sink, entry.get("socket"))
    for entry in data.get("env_services", []):
        when = entry["when"]
        catalog.env_services.append(EnvService(pid if is_provider else None, entry.get("name", data["name"]), tuple(when["env"]),
                                               when.get("equals"),
                                               tuple(entry["imports"]), entry["url"], rel, when.get("default_on", False),
                                               tuple(when.get("off", ())), tuple(when.get("on", ())),
                                               when.get("unset_opt_in", False)))
    for i, entry in enumerate(data.get("constants", [])):
        for name in entry["names"]:
            if catalog.constants.get(name, entry["value"]) != entry["value"]:
                raise CatalogError(f"{rel}: constants/{i}: {name} already has another value")
            catalog.constants[name] = entry["value"]
    for entry in data.get("examples", []):
        expected = {k: entry[k] for k in ("region", "jurisdiction", "provider") if k in entry}
        catalog.examples.append(Example(pid, rel, entry["code"], entry["host"], expected, dict(entry.get("env", {}))))


_CATALOG_CACHE: dict[Path, Catalog] = {}


def bundled_catalog() -> Catalog:
    """The bundled catalog, loaded once per process."""
    path = default_rules_dir()
    if path not in _CATALOG_CACHE:
        _CATALOG_CACHE[path] = load_catalog(path)
    return _CATALOG_CACHE[path]
