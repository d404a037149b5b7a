"""From calls to endpoints: how a host is placed (catalog, declared, unknown and why), which
calls share an endpoint, the order of endpoints, and credentials masked in URLs and chains."""

from __future__ import annotations

import re
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.endpoints import endpoint_id, endpoint_key
from flowscan.model import Endpoint, Location


def _scan(root: Path, code: str, policy: str | None = None, **files: str) -> list[Endpoint]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "app.py").write_text(code)
    for name, text in files.items():
        (root / name).write_text(text)
    if policy is not None:
        (root / "flowscan.yaml").write_text(policy)
    return scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints


def _one(endpoints: list[Endpoint], line: int) -> Endpoint:
    (found,) = [e for e in endpoints if any(loc.line == line for loc in e.locations)]
    return found


PLACES = '''\
import os
import boto3
import requests

requests.get("/relative/path")
requests.get(os.environ["WHOLE_URL"])
requests.get("https://" + os.environ["SOME_HOST"] + "/v1")
requests.get("https://api.unknown-vendor.io/v1")
requests.get("https://svc-" + os.environ["SUFFIX"] + ".unknown-vendor.io/v1")
boto3.client("s3", region_name=os.environ["AWS_REGION"])
requests.put("https://" + os.environ["BUCKET"] + ".s3.eu-west-1.amazonaws.com/report.csv")
requests.put("https://" + os.environ["BUCKET"] + ".s3.amazonaws.com/report.csv")
requests.get("https://shop.openai.azure.com/openai")
requests.get("https://llm.internal-eu.example/v1")
'''

DECLARED = '''\
residency:
  endpoints:
    - host: shop.openai.azure.com
      region: swedencentral
      reason: "our Azure resource"
    - host: llm.internal-eu.example
      country: DE
      reason: "on-prem"
'''


def test_how_each_kind_of_host_is_placed(tmp_path: Path) -> None:
    endpoints = _scan(tmp_path / "app", PLACES, DECLARED)
    assert not [e for e in endpoints if any(loc.line == 5 for loc in e.locations)]  # a relative path: no endpoint

    whole = _one(endpoints, 6)
    assert (whole.host, whole.url, whole.unresolved) == (None, "{env:WHOLE_URL}", ["env:WHOLE_URL"])
    assert (whole.placement.source, whole.placement.note) == ("unknown", "the host is not known statically")
    assert _one(endpoints, 7).url == "https://{env:SOME_HOST}/v1" and _one(endpoints, 7).host is None

    unlisted = _one(endpoints, 8)
    assert (unlisted.host, unlisted.provider, unlisted.unresolved) == ("api.unknown-vendor.io", None, [])
    assert unlisted.placement.note == "host not in the catalog; declare its region under residency.endpoints"

    partial = _one(endpoints, 9)
    assert (partial.host, partial.unresolved) == ("svc-{env:SUFFIX}.unknown-vendor.io", ["env:SUFFIX"])
    assert partial.placement.note == "part of the host is not known statically"

    s3 = _one(endpoints, 10)  # the SDK names the provider when the host does not
    assert (s3.host, s3.provider, s3.placement.jurisdiction) == ("s3.{env:AWS_REGION}.amazonaws.com", "aws", None)

    bucket = _one(endpoints, 11)  # the unknown part is the bucket; the region is in the host
    assert (bucket.placement.region, bucket.placement.country, bucket.placement.source) == ("eu-west-1", "IE", "host")
    assert bucket.unresolved == ["env:BUCKET"]

    legacy = _one(endpoints, 12)  # the rule's region is not in the host: the bucket decides it
    assert legacy.placement.source == "unknown" and legacy.placement.region is None
    assert legacy.placement.note == "the region part of the host is not known statically"

    azure = _one(endpoints, 13)  # declared: the policy's place, the catalog's provider
    assert (azure.provider, azure.placement.region, azure.placement.source) == ("openai", "swedencentral", "declared")
    onprem = _one(endpoints, 14)
    assert (onprem.provider, onprem.placement.country, onprem.placement.jurisdiction) == (None, "DE", "eu")


def test_calls_to_one_host_share_an_endpoint(tmp_path: Path) -> None:
    code = ('import requests\n\nrequests.get("https://api.openai.com/v2")\nrequests.get("https://API.OPENAI.COM/v1")\n'
            'requests.get("https://api.openai.com/v2")\n\n\ndef f(url):\n    return requests.get(url)\n\n\n'
            'def g(url):\n    return requests.get(url)\n')
    endpoints = _scan(tmp_path / "app", code)
    (openai,) = [e for e in endpoints if e.host == "api.openai.com"]
    assert openai.locations == sorted(openai.locations) and [loc.line for loc in openai.locations] == [3, 4, 5]
    assert openai.url == "https://api.openai.com/v2"  # the first value's URL
    assert len(openai.trails) == 3 and len(set(openai.trails)) == 3
    assert [s.line for s in openai.provenance] == [3, 3, 4, 4, 5, 5]
    unknown = [e for e in endpoints if e.host is None]  # an unknown host: one endpoint per call site
    assert [[loc.line for loc in e.locations] for e in unknown] == [[9], [13]]
    assert len({e.id for e in endpoints}) == len(endpoints)


def test_endpoints_are_ordered_by_host_then_call_site(tmp_path: Path) -> None:
    """The default context's endpoints come first, then each deployment context's; within
    one, hosts alphabetically and unknown hosts last, by call site."""
    code = ('import os\nimport requests\n\nrequests.get(os.environ["URL_B"])\nrequests.get(os.environ["URL_A"])\n'
            'requests.get("https://zeta.example.com")\nrequests.get("https://alpha.example.com")\n'
            'requests.get("https://" + os.environ["H"] + "/x")\n')
    compose = "services:\n  web:\n    image: web\n    environment:\n      H: mid.example.com\n"
    endpoints = _scan(tmp_path / "app", code, None, **{"compose.yaml": compose})
    keys = [(e.context, e.host, e.locations[0].line) for e in endpoints]
    assert keys == [
        ("default", "alpha.example.com", 7), ("default", "zeta.example.com", 6),
        ("default", None, 4), ("default", None, 5),
        ("compose:web", "mid.example.com", 8),  # its default (H unset) is dropped: compose sets H
    ]


def test_a_url_credential_is_masked_wherever_its_literal_appears(tmp_path: Path) -> None:
    code = ('import psycopg\nimport requests\n\nCRED = "s3cr3tpw"\nDSN_KEY = "abc123def456"\n'
            'requests.get(f"https://app:{CRED}@db.unknown-vendor.io/x")\n'
            'requests.get(f"https://{DSN_KEY}@o1.ingest.de.sentry.io/1")\n'
            'requests.get(f"https://app:{CRED}@db.unknown-vendor.io/x", headers={"note": "xyz"})\n')
    endpoints = _scan(tmp_path / "app", code)
    text = repr(endpoints)
    assert "s3cr3tpw" not in text and "abc123def456" not in text
    db = next(e for e in endpoints if e.host == "db.unknown-vendor.io")
    assert db.url == "https://***@db.unknown-vendor.io/x"
    assert 'CRED = "***"' in [s.detail for s in db.provenance]
    sentry = next(e for e in endpoints if e.host == "o1.ingest.de.sentry.io")
    assert 'DSN_KEY = "***"' in [s.detail for s in sentry.provenance]


def test_endpoint_ids() -> None:
    def eid(context, host, region, origin):
        return endpoint_id(endpoint_key(context, host, region, origin))

    here, there = Location("a.py", 1), Location("b.py", 9)
    ids = {
        eid("default", "api.openai.com", "us", here),
        eid("default", "api.openai.com", "eu", here),
        eid("compose:web", "api.openai.com", "us", here),
        eid("default", None, None, here),
        eid("default", None, None, there),
        eid("default", None, None, None),
    }
    assert len(ids) == 6 and all(re.fullmatch(r"ep-[0-9a-f]{12}", i) for i in ids)
    assert eid("default", "api.openai.com", "us", here) == eid("default", "api.openai.com", "us", there)
    assert eid("default", "h", None, None) == eid("default", "h", "", here)
