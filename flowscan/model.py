"""The report model: locations, provenance, endpoints, findings, coverage."""

from __future__ import annotations

from dataclasses import dataclass, field

DEFAULT_CONTEXT = "default"  # the deployment context of values no config sets


@dataclass(frozen=True, order=True)
class Location:
    """A place in the scanned tree; ``path`` is relative to the scan root, with ``/``."""

    path: str
    line: int
    column: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass(frozen=True)
class Step:
    """One link of a provenance chain: where a value was written or passed on."""

    path: str
    line: int
    detail: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line} {self.detail}"


@dataclass(frozen=True)
class Placement:
    """Where an endpoint runs: region, country and jurisdiction, and how that was decided."""

    region: str | None
    country: str | None
    jurisdiction: str | None
    source: str  # host | argument | declared | provider | resource | unknown
    note: str = ""


@dataclass(frozen=True)
class Switch:
    """A configuration test an outbound call is under (``if settings.provider == "x":`` at
    path:line): the setting it reads, the test in words, the value the shipped configuration
    gives the setting, and whether that value takes the branch (None: not known statically)."""

    path: str
    line: int
    setting: str  # env:NAME, or a settings file's key
    condition: str
    shipped: str
    taken: bool | None


@dataclass
class Endpoint:
    """One distinct outbound destination (host, region) in one deployment context."""

    id: str
    provider: str | None
    host: str | None
    url: str | None
    placement: Placement
    context: str = DEFAULT_CONTEXT
    sdk: str | None = None
    locations: list[Location] = field(default_factory=list)
    provenance: list[Step] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    trails: list[tuple[Step, ...]] = field(default_factory=list, repr=False)  # one chain per value
    exempt: str | None = None  # the policy's reason when residency.exempt covers the host
    reach: str = "default"  # default | opt-in | unknown: does the shipped configuration reach it
    switches: list[Switch] = field(default_factory=list)  # the settings an opt-in (or unknown) reach depends on
    id_key: str = field(default="", repr=False, compare=False)  # what ``id`` hashes (flowscan.endpoints.endpoint_key)


@dataclass
class Resource:
    """A cloud resource whose location attribute says where its data lives (Terraform)."""

    address: str
    attribute: str
    cloud: str | None
    placement: Placement
    location: Location
    provenance: list[Step] = field(default_factory=list)
    context: str = DEFAULT_CONTEXT


@dataclass(frozen=True)
class Suppression:
    """An inline ``flowscan: ignore[...]`` or ``flowscan: allow[...]`` comment that covers a finding."""

    kind: str  # ignore | allow
    path: str
    line: int
    reason: str
    owner: str = ""
    until: str = ""  # YYYY-MM-DD, allow only


@dataclass
class Finding:
    rule: str
    severity: str  # error | warning | note
    message: str
    path: str
    line: int
    endpoint: str | None
    fingerprint: str
    column: int = 0
    suppression: Suppression | None = None  # still reported and counted; does not fail the gate


@dataclass(frozen=True)
class Skipped:
    path: str
    reason: str


@dataclass(frozen=True)
class ParseError:
    path: str
    line: int
    message: str


@dataclass
class Coverage:
    files_scanned: list[str] = field(default_factory=list)
    files_skipped: list[Skipped] = field(default_factory=list)
    parse_errors: list[ParseError] = field(default_factory=list)
    files_analyzed: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    roles: dict[str, dict[str, int]] = field(default_factory=dict)  # role -> files, endpoints/findings left out
    file_roles: dict[str, str] = field(default_factory=dict)  # scanned files whose role is not production


@dataclass
class Report:
    root: str
    endpoints: list[Endpoint]
    findings: list[Finding]
    coverage: Coverage
    policy: dict
    contexts: list[str] = field(default_factory=lambda: ["default"])
    resources: list[Resource] = field(default_factory=list)
    scope: str = ""  # the scanned folder relative to ``root`` (the repository root); empty: the root itself
