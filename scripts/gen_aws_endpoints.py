#!/usr/bin/env python3
"""Generate ``rules/tables/aws-endpoints.yaml``: the host every boto3 / aioboto3 / aiobotocore
client talks to, from botocore's own data.

botocore is read as data, never imported into flowscan and never a dependency of it: by
default the script downloads the botocore wheel with pip (``pip download --no-deps``) into a
temporary folder and reads the JSON files inside the wheel.

    python scripts/gen_aws_endpoints.py                      # latest botocore on the index
    python scripts/gen_aws_endpoints.py --version 1.44.8     # a given version
    python scripts/gen_aws_endpoints.py --botocore PATH      # a wheel or an unpacked botocore/
    python scripts/gen_aws_endpoints.py --check ...          # exit 1 when the file would change

What is read, per client name (the folder name under ``botocore/data/``, which is what
``boto3.client(NAME)`` takes):

- ``data/NAME/<latest API version>/service-2.json(.gz)``: ``metadata.endpointPrefix``, the
  host label (``stepfunctions`` -> ``states``, ``sagemaker-runtime`` -> ``runtime.sagemaker``).
  The latest version is the greatest folder name that holds a service-2 file, as botocore's
  ``Loader.determine_latest_version`` picks it.
- ``data/NAME/<that version>/endpoint-rule-set-1.json(.gz)``: the rule set botocore runs for
  every request (botocore/regions.py, EndpointRulesetResolver). The generator runs it
  (scripts/aws_endpoint_rules.py) for a plain client in each region of the covered partitions:
  built-ins as botocore sets them for ``boto3.client(NAME, region_name=REGION)`` with nothing
  else configured (PLAIN_BUILTINS), no operation parameter. That gives the hosts that are not
  ``{prefix}.{region}.amazonaws.com`` (``s3vectors.REGION.api.aws``, ``maps.geo.REGION...``,
  fixed-region services such as ``support.us-east-1.amazonaws.com``). Where a rule set gives no
  endpoint without an operation's static context parameters (acm's ServiceType), the static
  parameters most operations carry are used and recorded.
- ``data/partitions.json``: the partitions ``aws.partition`` matches a region to (DNS suffixes,
  dual-stack suffixes).
- ``data/endpoints.json``: the regions of each partition, the global services' signing region,
  and, for a service without a rule set only, its hosts as botocore's legacy resolver reads them.

``--verify`` (needs ``botocore`` importable, e.g. in a scratch venv with that version) checks the
table against botocore's real resolver: for every client in every region of the covered
partitions, botocore's own EndpointProvider run on the built-ins botocore computed for that
client (a client's ``meta.endpoint_url`` is the legacy endpoints.json host, not what requests use);
and it runs every rule set through scripts/aws_endpoint_rules.py and botocore's EndpointProvider
on inputs beyond the plain case (FIPS, dual-stack, endpoint overrides, other partitions).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from aws_endpoint_rules import RuleError, RuleSet  # noqa: E402  (a sibling of this script)

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "rules" / "tables" / "aws-endpoints.yaml"
SCRIPT = "scripts/gen_aws_endpoints.py"
# The public partitions: the ones whose regions rules/regions/aws.yaml lists. The isolated
# partitions (aws-iso*) are not public and not placed by flowscan.
PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-eusc")
DEFAULT_PARTITION = "aws"
# (client, region) -> the endpoints.json endpoint botocore uses instead of the region's, by
# default: S3 in us-east-1 goes to the global s3.amazonaws.com while s3_us_east_1_regional_endpoint
# is 'legacy', its default (botocore/args.py, ClientArgsCreator._should_force_s3_global).
FORCED_GLOBAL = {("s3", "us-east-1"): "aws-global"}


# -- reading botocore's data -------------------------------------------------

class BotocoreData:
    """The files under ``botocore/`` of one wheel or one unpacked package."""

    def __init__(self, read: Callable[[str], bytes | None], names: list[str]):
        self._read = read
        self.names = names  # paths relative to the package folder, posix

    @classmethod
    def open(cls, path: Path) -> BotocoreData:
        if path.is_file() and path.suffix == ".whl":
            archive = zipfile.ZipFile(path)
            members = {n[len("botocore/"):]: n for n in archive.namelist() if n.startswith("botocore/")}
            return cls(lambda rel: archive.read(members[rel]) if rel in members else None, sorted(members))
        folder = path / "botocore" if (path / "botocore" / "data").is_dir() else path
        if not (folder / "data" / "endpoints.json").is_file():
            raise SystemExit(f"{path}: neither a botocore wheel nor a folder holding botocore/data/endpoints.json")
        names = sorted(p.relative_to(folder).as_posix() for p in (folder / "data").rglob("*") if p.is_file())
        names.append("__init__.py")

        def read(rel: str) -> bytes | None:
            target = folder / rel
            return target.read_bytes() if target.is_file() else None

        return cls(read, names)

    def version(self) -> str:
        text = (self._read("__init__.py") or b"").decode("utf-8")
        found = re.search(r"""^__version__\s*=\s*['"]([^'"]+)['"]""", text, re.MULTILINE)
        if not found:
            raise SystemExit("botocore/__init__.py names no __version__")
        return found.group(1)

    def json(self, rel: str, missing_ok: bool = False) -> Any:
        raw = self._read(rel)
        if raw is None:
            raw = self._read(rel + ".gz")
            if raw is None:
                if missing_ok:
                    return None
                raise SystemExit(f"botocore/{rel}: missing")
            raw = gzip.decompress(raw)
        return json.loads(raw)

    def service_models(self) -> dict[str, str]:
        """Client name -> path of its latest service-2 file (the newest API version folder)."""
        latest: dict[str, str] = {}
        for rel in self.names:
            parts = rel.split("/")
            if len(parts) == 4 and parts[0] == "data" and parts[3] in ("service-2.json", "service-2.json.gz"):
                name, version = parts[1], parts[2]
                current = latest.get(name)
                if current is None or version > current.split("/")[2]:
                    latest[name] = f"data/{name}/{version}/service-2.json"
        return dict(sorted(latest.items()))


def download(version: str | None, into: Path) -> Path:
    """The botocore wheel, fetched with pip (no dependencies, nothing installed)."""
    spec = f"botocore=={version}" if version else "botocore"
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:", spec, "-d", str(into)],
        check=True,
    )
    wheels = sorted(into.glob("botocore-*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"pip download left {len(wheels)} botocore wheels in {into}")
    return wheels[0]


# -- building the tables -------------------------------------------------------

def build(data: BotocoreData) -> dict[str, Any]:
    version = data.version()
    endpoints = data.json("data/endpoints.json")
    partitions = {p["partition"]: p for p in endpoints["partitions"]}
    missing = [p for p in PARTITIONS if p not in partitions]
    if missing:
        raise SystemExit(f"endpoints.json has no partition {missing}")
    default = partitions[DEFAULT_PARTITION]
    template = default["defaults"]["hostname"]
    if template != "{service}.{region}.{dnsSuffix}":
        raise SystemExit(f"the aws partition's hostname template changed: {template!r}; update the generator and aws.yaml")

    prefixes: dict[str, str] = {}
    for name, rel in data.service_models().items():
        prefix = data.json(rel)["metadata"].get("endpointPrefix")
        if not prefix:
            raise SystemExit(f"botocore/{rel}: no metadata.endpointPrefix")
        prefixes[name] = prefix

    rule_partitions = data.json("data/partitions.json")["partitions"]
    regions = {region: partitions[pid] for pid in PARTITIONS for region in partitions[pid]["regions"]}
    suffixes = {
        region: partition["dnsSuffix"]
        for region, partition in regions.items()
        if partition["dnsSuffix"] != default["dnsSuffix"]
    }

    table_endpoints: dict[str, str] = {}
    global_regions: dict[str, str] = {}
    aws_global: dict[str, str] = {}
    host_parameters: dict[str, str] = {}
    static_parameters: dict[str, str] = {}
    operation_endpoints: dict[str, str] = {}
    no_endpoint: dict[str, str] = {}
    urls: dict[str, dict[str, str]] = {}
    for name, rel in data.service_models().items():
        prefix = prefixes[name]
        model = data.json(rel)
        ruleset = _ruleset(data, rel, rule_partitions)
        if ruleset is None:
            urls[name] = {region: _legacy_url(partition, name, prefix, region) for region, partition in regions.items()}
            table_endpoints[name] = _template(urls[name], default) or _legacy_template(default, prefix)
        else:
            kinds = operation_kinds(model, ruleset)
            results = {kind: _resolve_everywhere(ruleset, dict(kind), regions) for kind in kinds}
            chosen = kinds[0]
            if all(isinstance(r, RuleError) for r in results[chosen].values()):
                # no endpoint without the operation's static parameters (acm's ServiceType,
                # neptune-graph's ApiType): the kind most operations have
                chosen = next((k for k in kinds[1:] if not all(isinstance(r, RuleError) for r in results[k].values())), chosen)
            if chosen:
                static_parameters[name] = _kind_label(chosen)
            by_region = {region: r for region, r in results[chosen].items() if isinstance(r, str)}
            no_endpoint.update(_no_endpoint(name, results[chosen]))
            urls[name] = by_region
            table_endpoints[name] = _template(by_region, default) or _legacy_template(default, prefix)
            for kind in kinds:
                found = {region: r for region, r in results[kind].items() if isinstance(r, str)}
                other = _template(found, default)
                if kind != chosen and other and other != table_endpoints[name]:
                    operation_endpoints[f"{name} {_kind_label(kind)}"] = other
            per_call = operation_parameters(model, ruleset)
            if per_call:
                host_parameters[name] = " ".join(per_call)
        service = default["services"].get(prefix, {})
        glob = _global_endpoint(service)
        if glob is not None:
            scope = glob.get("credentialScope", {}).get("region")
            if scope:
                global_regions[name] = scope
            continue
        partition_endpoint = service.get("partitionEndpoint")
        if partition_endpoint and service["endpoints"].get(partition_endpoint, {}).get("hostname"):
            # reached with region_name='aws-global', or for STS with sts_regional_endpoints = legacy
            aws_global[name] = "https://" + service["endpoints"][partition_endpoint]["hostname"]

    compact = {"endpoints": table_endpoints, "regional_endpoints": {}, "dns_suffixes": suffixes,
               "partition": {"dnsSuffix": default["dnsSuffix"]}}
    regional: dict[str, str] = {}
    for name, by_region in urls.items():
        for region, want in by_region.items():
            if resolve(compact, name, region) != want:
                regional[f"{name}@{region}"] = want

    differing = {name: prefix for name, prefix in prefixes.items() if prefix != name}
    return {
        "generated_by": SCRIPT,
        "generated_from": {"package": "botocore", "version": version},
        "regenerate": f"python {SCRIPT} --version {version}",
        "tables": {
            "endpoints": table_endpoints,
            "regional_endpoints": dict(sorted(regional.items())),
            "dns_suffixes": dict(sorted(suffixes.items())),
            "endpoint_prefixes": differing,
            # endpoints.json's global services whose rule set gives one host too (health's is regional)
            "global_endpoint_regions": {n: r for n, r in global_regions.items() if "{region}" not in table_endpoints[n]},
            "aws_global_endpoints": aws_global,
            "static_parameters": static_parameters,
            "operation_endpoints": operation_endpoints,
            "host_parameters": host_parameters,
            "no_endpoint": dict(sorted(no_endpoint.items())),
            "partition": {
                "id": DEFAULT_PARTITION,
                "hostname": template,
                "dnsSuffix": default["dnsSuffix"],
                "regionRegex": default["regionRegex"],
            },
        },
    }


# -- the rule sets ---------------------------------------------------------------

# The value botocore gives each SDK built-in of a rule set for a client made with only a
# region: boto3.client(NAME, region_name=REGION), no endpoint_url, no Config, no environment
# switches (botocore/args.py, ClientArgsCreator.compute_endpoint_resolver_builtin_defaults;
# defaults from botocore/configprovider.py). A rule set naming a built-in missing here stops
# the generator: its plain value has to be read in botocore first.
PLAIN_BUILTINS: dict[str, Callable[[str], Any]] = {
    "AWS::Region": lambda region: region,
    "SDK::Endpoint": lambda region: None,  # endpoint_url not given
    "AWS::UseFIPS": lambda region: False,  # use_fips_endpoint unset
    "AWS::UseDualStack": lambda region: False,  # use_dualstack_endpoint unset
    "AWS::Auth::AccountId": lambda region: None,  # credentials' account_id: see host_parameters
    "AWS::Auth::AccountIdEndpointMode": lambda region: "preferred",  # account_id_endpoint_mode default
    "AWS::STS::UseGlobalEndpoint": lambda region: False,  # sts_regional_endpoints default 'regional'
    # s3 us_east_1_regional_endpoint unset = 'legacy': us-east-1 (only) uses s3.amazonaws.com
    "AWS::S3::UseGlobalEndpoint": lambda region: region == "us-east-1",
    "AWS::S3::Accelerate": lambda region: False,
    "AWS::S3::ForcePathStyle": lambda region: False,  # addressing_style unset
    "AWS::S3::UseArnRegion": lambda region: True,
    "AWS::S3Control::UseArnRegion": lambda region: False,
    "AWS::S3::DisableMultiRegionAccessPoints": lambda region: False,
}


def _ruleset(data: BotocoreData, model_rel: str, partitions: list[dict[str, Any]]) -> RuleSet | None:
    """The endpoint rule set next to a service model (same API version folder, as botocore's
    loader reads it), or None when the service has none (botocore then uses endpoints.json)."""
    document = data.json(model_rel.replace("service-2.json", "endpoint-rule-set-1.json"), missing_ok=True)
    return None if document is None else RuleSet(document, partitions)


def plain_parameters(ruleset: RuleSet, region: str) -> dict[str, Any]:
    """The rule set's parameters for a plain client in ``region``: built-ins as botocore sets
    them (PLAIN_BUILTINS), every other parameter unset (its default applies)."""
    values: dict[str, Any] = {}
    for name, builtin in ruleset.builtins().items():
        if builtin not in PLAIN_BUILTINS:
            raise SystemExit(f"a rule set uses the built-in {builtin!r}: add its plain value to PLAIN_BUILTINS")
        values[name] = PLAIN_BUILTINS[builtin](region)
    return values


Kind = tuple[tuple[str, Any], ...]


def operation_kinds(model: dict[str, Any], ruleset: RuleSet) -> list[Kind]:
    """The distinct staticContextParams the service's operations give its rule set, each as
    sorted (name, value) pairs: no static parameter first, then by how many operations have it
    (most first) and by name."""
    counts: dict[Kind, int] = {(): 0}
    for operation in model.get("operations", {}).values():
        static = operation.get("staticContextParams", {})
        kind = tuple(sorted((n, v["value"]) for n, v in static.items() if n in ruleset.parameters))
        counts[kind] = counts.get(kind, 0) + 1
    return sorted(counts, key=lambda kind: (kind != (), -counts[kind], _kind_label(kind)))


def _kind_label(kind: Kind) -> str:
    return " ".join(f"{n}={json.dumps(v).strip(chr(34))}" for n, v in kind)


def _no_endpoint(client: str, results: dict[str, str | RuleError]) -> dict[str, str]:
    """"client@region" -> the rule set's error, or "client" -> it when every region has the same."""
    errors = {region: str(r) for region, r in results.items() if isinstance(r, RuleError)}
    if len(errors) == len(results) and len(set(errors.values())) == 1:
        return {client: next(iter(errors.values()))}
    return {f"{client}@{region}": message for region, message in errors.items()}


def _resolve_everywhere(ruleset: RuleSet, static: dict[str, Any], regions: dict[str, Any]) -> dict[str, str | RuleError]:
    results: dict[str, str | RuleError] = {}
    for region in regions:
        try:
            results[region] = ruleset.resolve({**plain_parameters(ruleset, region), **static})
        except RuleError as error:
            results[region] = error
    return results


def operation_parameters(model: dict[str, Any], ruleset: RuleSet) -> list[str]:
    """Rule set parameters that operations of the service fill per call (staticContextParams,
    an input member's contextParam, operationContextParams): with them set the host can differ
    (an S3 bucket's virtual host, an account id label, a control-plane host), so the table's
    host is the one of a call that sets none of them."""
    names: set[str] = set()
    shapes = model.get("shapes", {})
    for operation in model.get("operations", {}).values():
        names.update(operation.get("staticContextParams", {}))
        names.update(operation.get("operationContextParams", {}))
        shape = shapes.get(operation.get("input", {}).get("shape", ""), {})
        for member in shape.get("members", {}).values():
            if "contextParam" in member:
                names.add(member["contextParam"]["name"])
    return sorted(n for n in names if n in ruleset.parameters and "builtIn" not in ruleset.parameters[n])


def _template(by_region: dict[str, str], partition: dict[str, Any]) -> str | None:
    """The URL template that gives the most regions' URLs in the aws partition (the others
    differ by their DNS suffixes; regional_endpoints holds what the template does not give):
    a URL with the region as a host label becomes ``{region}`` there (and the partition's DNS
    suffix at its end ``{dns_suffix}``); a URL without it is kept as is (a global or
    fixed-region endpoint). A tie goes to the template of the first region listed."""
    votes: dict[str, int] = {}
    for region, url in by_region.items():
        if region not in partition["regions"]:
            continue
        template = _templatize(url, region, partition["dnsSuffix"])
        votes[template] = votes.get(template, 0) + 1
    return max(votes, key=lambda t: votes[t]) if votes else None


def _templatize(url: str, region: str, suffix: str) -> str:
    scheme, _, rest = url.partition("://")
    host, slash, path = rest.partition("/")
    labels = host.split(".")
    if region not in labels:
        return url
    host = ".".join("{region}" if label == region else label for label in labels)
    if host.endswith("." + suffix):
        host = host[: -len(suffix)] + "{dns_suffix}"
    return f"{scheme}://{host}{slash}{path}"


# -- endpoints.json, botocore's legacy data (services without a rule set) ----------

def _legacy_url(partition: dict[str, Any], client: str, prefix: str, region: str) -> str:
    forced = FORCED_GLOBAL.get((client, region))
    return "https://" + _host(partition, prefix, forced or region)


def _legacy_template(partition: dict[str, Any], prefix: str) -> str:
    service = partition["services"].get(prefix, {})
    template = service.get("defaults", {}).get("hostname", partition["defaults"]["hostname"])
    return "https://" + _fill(template, prefix, "{region}", "{dns_suffix}")


def _global_endpoint(service: dict[str, Any]) -> dict[str, Any] | None:
    """The partition endpoint of a service that is not regionalised (one host for every region)."""
    if service.get("isRegionalized") is not False:
        return None
    name = service.get("partitionEndpoint")
    if not name:
        return None  # not regionalised, but no single endpoint named: left to the template
    return service["endpoints"].get(name, {})


def _host(partition: dict[str, Any], prefix: str, region: str) -> str:
    """The host botocore's endpoints.json gives ``prefix`` in ``region`` of ``partition``, as its
    legacy resolver reads it (botocore/regions.py, EndpointResolver): a region the service does
    not list goes to the partition endpoint of a global service; then the endpoint's
    ``hostname``, else the service's or the partition's hostname template."""
    service = partition["services"].get(prefix, {})
    endpoints = service.get("endpoints", {})
    if region not in endpoints and _global_endpoint(service) is not None:
        region = service["partitionEndpoint"]  # a region the service lists keeps its own endpoint
    found = endpoints.get(region, {}).get("hostname")
    if found:
        return found
    template = service.get("defaults", {}).get("hostname", partition["defaults"]["hostname"])
    return _fill(template, prefix, region, partition["dnsSuffix"])


def _fill(template: str, service: str, region: str, suffix: str) -> str:
    return template.replace("{service}", service).replace("{region}", region).replace("{dnsSuffix}", suffix)


# -- what aws.yaml does with the tables (also used by --verify) ---------------------

def resolve(tables: dict[str, dict[str, str]], client: str, region: str) -> str:
    """The URL the boto3 sink in rules/providers/aws.yaml gives for (client, region)."""
    found = tables["regional_endpoints"].get(f"{client}@{region}")
    if found:
        return found
    url = tables["endpoints"].get(client, "https://{service}.{region}.{dns_suffix}")
    suffix = tables["dns_suffixes"].get(region, tables["partition"]["dnsSuffix"])
    return url.replace("{service}", client).replace("{region}", region).replace("{dns_suffix}", suffix)


def verify(document: dict[str, Any], data: BotocoreData) -> int:
    """Compare every (client, region) with botocore's own resolver; the number of differences.

    botocore's resolver is what a request uses: the client's endpoint rule set run by botocore's
    EndpointProvider on the built-ins botocore computed for that client (operation parameters
    unset), or, for a client without a rule set, the endpoints.json URL in ``meta.endpoint_url``.
    Where botocore's rule set gives no endpoint, the table must list it in ``no_endpoint``."""
    import warnings

    import botocore
    import botocore.session
    from botocore.exceptions import EndpointResolutionError

    if botocore.__version__ != document["generated_from"]["version"]:
        raise SystemExit(f"--verify imports botocore {botocore.__version__}, the table is from "
                         f"{document['generated_from']['version']}: install the same version")
    warnings.simplefilter("ignore")
    session = botocore.session.get_session()
    session.set_credentials("AKIDEXAMPLE", "not-a-secret")  # endpoint resolution only; nothing is sent
    endpoints = data.json("data/endpoints.json")
    regions = [r for p in endpoints["partitions"] if p["partition"] in PARTITIONS for r in p["regions"]]
    tables = document["tables"]
    no_endpoint = tables.get("no_endpoint", {})
    wrong = 0
    for client in tables["endpoints"]:
        static = _static_values(tables.get("static_parameters", {}).get(client, ""))
        for region in regions:
            want = _botocore_url(session.create_client(client, region_name=region), static, EndpointResolutionError)
            missing = client in no_endpoint or f"{client}@{region}" in no_endpoint
            got = "no endpoint" if missing else resolve(tables, client, region)
            if got != want:
                wrong += 1
                print(f"{client} {region}: table {got}, botocore {want}")
    print(f"verified {len(tables['endpoints'])} clients x {len(regions)} regions: {wrong} differences", file=sys.stderr)
    return wrong + _verify_evaluator(data)


def _verify_evaluator(data: BotocoreData) -> int:
    """Run every rule set with our evaluator and botocore's EndpointProvider on inputs beyond the
    plain case (FIPS, dual-stack, endpoint overrides, other partitions): the number that differ."""
    import itertools

    from botocore.endpoint_provider import EndpointProvider
    from botocore.exceptions import EndpointResolutionError

    partitions = data.json("data/partitions.json")
    rel_paths = sorted({n.removesuffix(".gz") for n in data.names if n.endswith(("endpoint-rule-set-1.json", "endpoint-rule-set-1.json.gz"))})
    cases = wrong = 0
    for rel in rel_paths:
        document = data.json(rel)
        ours, theirs = RuleSet(document, partitions["partitions"]), EndpointProvider(document, partitions)
        known = document["parameters"]
        for region, fips, dual, endpoint in itertools.product(
            ("eu-west-1", "cn-north-1", "us-gov-west-1", "eusc-de-east-1", "aws-global", "us-iso-east-1"),
            (False, True), (False, True), (None, "https://example.com/p/../q", "http://10.0.0.1:9000"),
        ):
            values = {"Region": region, "UseFIPS": fips, "UseDualStack": dual, "Endpoint": endpoint, "Bucket": "my-bucket"}
            values = {k: v for k, v in values.items() if k in known and v is not None}
            try:
                got = ours.resolve(dict(values))
            except RuleError:
                got = "no endpoint"
            try:
                want = theirs.resolve_endpoint(**values).url
            except EndpointResolutionError:
                want = "no endpoint"
            cases += 1
            if got != want:
                wrong += 1
                print(f"evaluator {rel} {values}: ours {got}, botocore {want}")
    print(f"evaluator: {len(rel_paths)} rule sets, {cases} inputs: {wrong} differences", file=sys.stderr)
    return wrong


def _static_values(label: str) -> dict[str, Any]:
    """"ServiceType=ACM Flag=true" (a static_parameters entry) -> the parameter values."""
    values: dict[str, Any] = {}
    for pair in label.split():
        name, _, text = pair.partition("=")
        values[name] = json.loads(text) if text in ("true", "false") else text
    return values


def _botocore_url(client: Any, static: dict[str, Any], resolution_error: type[Exception]) -> str:
    """The URL botocore's rule set resolver gives ``client`` for a call whose operation has these
    static context parameters and no others."""
    resolver = client._ruleset_resolver
    if resolver is None:
        return client.meta.endpoint_url
    values = dict(static)
    for name, spec in resolver._param_definitions.items():
        if spec.builtin is not None and name not in values:
            value = resolver._resolve_param_as_builtin(spec.builtin, resolver._builtins)
            if value is not None:
                values[name] = value
    try:
        return resolver._provider.resolve_endpoint(**values).url
    except resolution_error:
        return "no endpoint"


# -- writing -------------------------------------------------------------------

HEADER = """\
# Generated by {script} from botocore {version}: do not edit by hand.
#
# Regenerate (pip downloads the botocore wheel into a temporary folder and the script reads its
# JSON data; botocore is never imported by flowscan nor a dependency of it):
#   python {script}                    # latest botocore
#   python {script} --version {version}   # this file again, byte for byte
#   python {script} --check            # exit 1 when the latest botocore changes this file
# and, in a scratch venv with `pip install botocore=={version}`, add --verify to compare every
# client in every region with botocore's own endpoint resolver.
#
# Tables (rules/providers/aws.yaml reads the first three through `cases_from`):
#   endpoints                client name -> URL template, every client botocore ships: what its
#                            endpoint rule set gives most aws-partition regions. {{region}} and {{dns_suffix}} are
#                            filled from the call; no {{region}}: a global or fixed-region endpoint.
#   regional_endpoints       "client@region" -> URL where one region's host differs from the template
#                            (another partition's suffix or global host, a region the rule set sends
#                            elsewhere).
#   dns_suffixes             region -> DNS suffix, for regions outside the aws partition.
#   endpoint_prefixes        client name -> metadata.endpointPrefix, where they differ.
#   global_endpoint_regions  global services -> the region that signs and serves them.
#   aws_global_endpoints     regional services that also have a global endpoint, used only when
#                            asked for: region_name="aws-global", or STS with sts_regional_endpoints
#                            = legacy (botocore's default is regional; S3's us-east-1 default is
#                            already in regional_endpoints).
#   static_parameters        clients whose rule set gives no endpoint without an operation's static
#                            context parameters: the ones (most operations') the host above is for.
#   operation_endpoints      "client Param=value ..." -> the URL template of operations with those
#                            static context parameters, where it differs from the client's
#                            (most aws-partition regions' template; other per-call parameters unset).
#   host_parameters          clients whose operations pass per-call parameters (a bucket, an ARN,
#                            an account id) to the rule set: the table's host is the one of a call
#                            that passes none of them; with them the host can differ.
#   no_endpoint              "client" or "client@region" -> the rule set's error when a plain
#                            client has no endpoint there (the host needs a per-call parameter);
#                            endpoints keeps the endpoints.json template for it.
#   partition                the aws partition's hostname template (endpoints.json).
"""

_PLAIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def _key(text: str) -> str:
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS and not re.match(r"^[0-9._-]+$", text):
        return text
    return json.dumps(text)


def render(document: dict[str, Any]) -> str:
    version = document["generated_from"]["version"]
    out = io.StringIO()
    out.write(HEADER.format(script=SCRIPT, version=version))
    out.write(f"generated_by: {document['generated_by']}\n")
    out.write(f"generated_from: {{package: botocore, version: {json.dumps(version)}}}\n")
    out.write(f"regenerate: {json.dumps(document['regenerate'])}\n")
    out.write("tables:\n")
    for name, table in document["tables"].items():
        out.write(f"  {name}:\n" if table else f"  {name}: {{}}\n")
        for key, value in table.items():
            out.write(f"    {_key(key)}: {json.dumps(value)}\n")
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--version", help="botocore version to download (default: the latest)")
    source.add_argument("--botocore", type=Path, help="a botocore wheel or unpacked package instead of downloading")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 when the output would change")
    parser.add_argument("--verify", action="store_true", help="compare with botocore's resolver (botocore importable)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="botocore-") as tmp:
        path = args.botocore or download(args.version, Path(tmp))
        data = BotocoreData.open(path)
        document = build(data)
        text = render(document)
        _self_check(text, document)
        if args.verify and verify(document, data):
            return 1
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date with botocore {document['generated_from']['version']}", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    tables = document["tables"]
    print(f"{args.output}: botocore {document['generated_from']['version']}, {len(tables['endpoints'])} clients, "
          f"{len(tables['regional_endpoints'])} regional overrides", file=sys.stderr)
    return 0


def _self_check(text: str, document: dict[str, Any]) -> None:
    """The YAML written reads back as the tables built (when PyYAML is at hand)."""
    try:
        import yaml
    except ImportError:
        return
    if yaml.safe_load(text) != document:
        raise SystemExit("internal error: the rendered YAML does not read back as the tables")


if __name__ == "__main__":
    sys.exit(main())
