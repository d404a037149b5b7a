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
- ``data/endpoints.json``: per partition, the hostname template (``{service}.{region}.{dnsSuffix}``),
  the services whose endpoint is global (``isRegionalized: false`` with a ``partitionEndpoint``:
  IAM, Route 53, CloudFront, ...) and the per-region ``hostname`` overrides
  (``datazone.eu-west-1.api.aws``, ``sdb.amazonaws.com`` for us-east-1, ...). Services are keyed
  there by endpoint prefix, as botocore looks them up.

``--verify`` (needs ``botocore`` importable, e.g. in a scratch venv with that version) checks the
table against botocore's real resolver: every client in every region of the covered partitions.
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

    def json(self, rel: str) -> Any:
        raw = self._read(rel)
        if raw is None:
            raw = self._read(rel + ".gz")
            if raw is None:
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

    table_endpoints: dict[str, str] = {}
    global_regions: dict[str, str] = {}
    aws_global: dict[str, str] = {}
    for name, prefix in prefixes.items():
        service = default["services"].get(prefix, {})
        glob = _global_endpoint(service)
        if glob is not None:
            table_endpoints[name] = "https://" + _host(default, prefix, service["partitionEndpoint"])
            scope = glob.get("credentialScope", {}).get("region")
            if scope:
                global_regions[name] = scope
            continue
        service_template = service.get("defaults", {}).get("hostname", template)
        table_endpoints[name] = "https://" + _fill(service_template, prefix, "{region}", "{dns_suffix}")
        partition_endpoint = service.get("partitionEndpoint")
        if partition_endpoint and service["endpoints"].get(partition_endpoint, {}).get("hostname"):
            # reached with region_name='aws-global', or for STS with sts_regional_endpoints = legacy
            aws_global[name] = "https://" + service["endpoints"][partition_endpoint]["hostname"]

    suffixes = {
        region: partitions[pid]["dnsSuffix"]
        for pid in PARTITIONS
        for region in partitions[pid]["regions"]
        if partitions[pid]["dnsSuffix"] != default["dnsSuffix"]
    }
    compact = {"endpoints": table_endpoints, "regional_endpoints": {}, "dns_suffixes": suffixes,
               "partition": {"dnsSuffix": default["dnsSuffix"]}}
    regional: dict[str, str] = {}
    for name, prefix in prefixes.items():
        for pid in PARTITIONS:
            partition = partitions[pid]
            for region in partition["regions"]:
                want = "https://" + _host(partition, prefix, region)
                if (name, region) in FORCED_GLOBAL:
                    want = "https://" + _host(partition, prefix, FORCED_GLOBAL[name, region])
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
            "global_endpoint_regions": global_regions,
            "aws_global_endpoints": aws_global,
            "partition": {
                "id": DEFAULT_PARTITION,
                "hostname": template,
                "dnsSuffix": default["dnsSuffix"],
                "regionRegex": default["regionRegex"],
            },
        },
    }


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
    """Compare every (client, region) with botocore's own resolver; the number of differences."""
    import warnings

    import botocore
    import botocore.session

    if botocore.__version__ != document["generated_from"]["version"]:
        raise SystemExit(f"--verify imports botocore {botocore.__version__}, the table is from "
                         f"{document['generated_from']['version']}: install the same version")
    warnings.simplefilter("ignore")
    session = botocore.session.get_session()
    session.set_credentials("AKIDEXAMPLE", "not-a-secret")  # endpoint resolution only; nothing is sent
    endpoints = data.json("data/endpoints.json")
    regions = [r for p in endpoints["partitions"] if p["partition"] in PARTITIONS for r in p["regions"]]
    tables = document["tables"]
    wrong = 0
    for client in tables["endpoints"]:
        for region in regions:
            want = session.create_client(client, region_name=region).meta.endpoint_url
            got = resolve(tables, client, region)
            if got != want:
                wrong += 1
                print(f"{client} {region}: table {got}, botocore {want}")
    print(f"verified {len(tables['endpoints'])} clients x {len(regions)} regions: {wrong} differences", file=sys.stderr)
    return wrong


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
#   endpoints                client name -> URL template, every client botocore ships. {{region}} and
#                            {{dns_suffix}} are filled from the call; no {{region}}: a global endpoint.
#   regional_endpoints       "client@region" -> URL where one region's host differs from the template
#                            (endpoints.json hostname overrides, global endpoints of other partitions).
#   dns_suffixes             region -> DNS suffix, for regions outside the aws partition.
#   endpoint_prefixes        client name -> metadata.endpointPrefix, where they differ.
#   global_endpoint_regions  global services -> the region that signs and serves them.
#   aws_global_endpoints     regional services that also have a global endpoint, used only when
#                            asked for: region_name="aws-global", or STS with sts_regional_endpoints
#                            = legacy (botocore's default is regional; S3's us-east-1 default is
#                            already in regional_endpoints).
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
