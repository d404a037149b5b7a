"""The endpoint rules evaluator (scripts/aws_endpoint_rules.py) and what the generator takes from
botocore's rule sets: the hosts that are not {prefix}.{region}.amazonaws.com. Offline: rule sets
here are small ones written in the rules language, and the real table is read as generated."""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.catalog import bundled_catalog
from flowscan.rulefiles import load_rule_file

from .test_aws_endpoints import GEN, TABLES, _fake_botocore

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from aws_endpoint_rules import RuleError, RuleSet  # noqa: E402



PARTITIONS = [
    {"id": "aws", "regionRegex": "^(us|eu|ap)\\-\\w+\\-\\d+$", "regions": {"aws-global": {}},
     "outputs": {"dnsSuffix": "amazonaws.com", "dualStackDnsSuffix": "api.aws", "implicitGlobalRegion": "us-east-1",
                 "supportsDualStack": True, "supportsFIPS": True}},
    {"id": "aws-cn", "regionRegex": "^cn\\-\\w+\\-\\d+$", "regions": {},
     "outputs": {"dnsSuffix": "amazonaws.com.cn", "dualStackDnsSuffix": "api.amazonwebservices.com.cn",
                 "implicitGlobalRegion": "cn-northwest-1", "supportsDualStack": True, "supportsFIPS": True}},
]


def ref(name: str) -> dict:
    return {"ref": name}


def fn(name: str, *argv, assign: str | None = None) -> dict:
    call = {"fn": name, "argv": list(argv)}
    if assign:
        call["assign"] = assign
    return call


def endpoint(url: str, *conditions: dict) -> dict:
    return {"type": "endpoint", "conditions": list(conditions), "endpoint": {"url": url, "properties": {}, "headers": {}}}


def error(message: str, *conditions: dict) -> dict:
    return {"type": "error", "conditions": list(conditions), "error": message}


def tree(rules: list, *conditions: dict) -> dict:
    return {"type": "tree", "conditions": list(conditions), "rules": rules}


BASE_PARAMETERS = {
    "Region": {"type": "String", "builtIn": "AWS::Region"},
    "UseFIPS": {"type": "Boolean", "builtIn": "AWS::UseFIPS", "required": True, "default": False},
    "Endpoint": {"type": "String", "builtIn": "SDK::Endpoint"},
}


def ruleset(rules: list, **parameters: dict) -> RuleSet:
    return RuleSet({"version": "1.0", "parameters": {**BASE_PARAMETERS, **parameters}, "rules": rules}, PARTITIONS)


# A rule set in the shape the dual-stack-only services have (s3vectors): an endpoint override,
# FIPS, then the partition's dual-stack suffix.
DUAL_STACK_ONLY = ruleset([
    tree([
        error("Invalid Configuration: FIPS and custom endpoint are not supported", fn("booleanEquals", ref("UseFIPS"), True)),
        endpoint("{Endpoint}"),
    ], fn("isSet", ref("Endpoint"))),
    tree([
        tree([
            endpoint("https://s3vectors-fips.{Region}.{PartitionResult#dualStackDnsSuffix}", fn("booleanEquals", ref("UseFIPS"), True)),
            endpoint("https://s3vectors.{Region}.{PartitionResult#dualStackDnsSuffix}"),
        ], fn("aws.partition", ref("Region"), assign="PartitionResult")),
    ], fn("isSet", ref("Region"))),
    error("Invalid Configuration: Missing Region"),
])


def test_a_dual_stack_only_rule_set_gives_the_partitions_dual_stack_host() -> None:
    assert DUAL_STACK_ONLY.resolve({"Region": "eu-west-1"}) == "https://s3vectors.eu-west-1.api.aws"
    assert DUAL_STACK_ONLY.resolve({"Region": "cn-north-1"}) == "https://s3vectors.cn-north-1.api.amazonwebservices.com.cn"
    assert DUAL_STACK_ONLY.resolve({"Region": "eu-west-1", "UseFIPS": True}) == "https://s3vectors-fips.eu-west-1.api.aws"
    assert DUAL_STACK_ONLY.resolve({"Region": "eu-west-1", "Endpoint": "https://vpce.example"}) == "https://vpce.example"
    with pytest.raises(RuleError, match="FIPS and custom endpoint"):
        DUAL_STACK_ONLY.resolve({"Region": "eu-west-1", "Endpoint": "https://vpce.example", "UseFIPS": True})
    with pytest.raises(RuleError, match="Missing Region"):
        DUAL_STACK_ONLY.resolve({})


def test_a_tree_whose_rules_all_fail_falls_through_to_the_next_rule() -> None:
    """As botocore's TreeRule: no sub-rule matching is not an error; the next sibling is tried."""
    rules = ruleset([
        tree([endpoint("https://never.example", fn("stringEquals", ref("Region"), "nowhere-1"))], fn("isSet", ref("Region"))),
        endpoint("https://fallback.{Region}.example"),
    ])
    assert rules.resolve({"Region": "eu-west-1"}) == "https://fallback.eu-west-1.example"


def test_an_unmatched_rule_set_and_a_missing_required_parameter_are_errors() -> None:
    with pytest.raises(RuleError, match="no rule matched"):
        ruleset([endpoint("https://x.example", fn("isSet", ref("Endpoint")))]).resolve({"Region": "eu-west-1"})
    required = ruleset([endpoint("https://{ServiceType}.example")], ServiceType={"type": "String", "required": True})
    with pytest.raises(RuleError, match="required parameter ServiceType"):
        required.resolve({"Region": "eu-west-1"})
    assert required.resolve({"Region": "eu-west-1", "ServiceType": "acm"}) == "https://acm.example"


def test_an_assignment_is_seen_by_later_conditions_and_not_by_siblings() -> None:
    rules = ruleset([
        tree([endpoint("https://{Label}.first.example", fn("not", fn("isSet", ref("Endpoint"))))],
             fn("substring", ref("Region"), 0, 2, False, assign="Label"), fn("stringEquals", ref("Label"), "zz")),
        endpoint("https://second.example", fn("isSet", ref("Label"))),
        endpoint("https://third.{Region}.example"),
    ])
    assert rules.resolve({"Region": "zz-east-1"}) == "https://zz.first.example"
    assert rules.resolve({"Region": "eu-west-1"}) == "https://third.eu-west-1.example"


def test_the_standard_library_functions() -> None:
    """Each function, through a rule whose condition is it (returns None/False: no match)."""
    def matches(condition: dict, **values) -> bool:
        try:
            ruleset([endpoint("https://yes.example", condition)]).resolve({"Region": "eu-west-1", **values})
        except RuleError:
            return False
        return True

    arn = "arn:aws:s3-outposts:us-west-2:123456789012:outpost/op-01/bucket/reports"
    rules = ruleset([endpoint(
        "https://{Arn#accountId}.{Id}.{Region}.example",
        fn("aws.parseArn", ref("Endpoint"), assign="Arn"),
        fn("getAttr", ref("Arn"), "resourceId[1]", assign="Id"),
    )])
    assert rules.resolve({"Region": "us-west-2", "Endpoint": arn}) == "https://123456789012.op-01.us-west-2.example"
    assert not matches(fn("aws.parseArn", ref("Endpoint")), Endpoint="arn:aws:s3")
    assert not matches(fn("aws.parseArn", ref("Endpoint")), Endpoint="arn::s3:::x")
    assert not matches(fn("getAttr", fn("aws.parseArn", ref("Endpoint")), "resourceId[5]"), Endpoint=arn)

    url = ruleset([endpoint("{Url#scheme}://{Url#authority}{Url#normalizedPath}x", fn("parseURL", ref("Endpoint"), assign="Url"))])
    assert url.resolve({"Region": "eu-west-1", "Endpoint": "http://localhost:4566/a/../b"}) == "http://localhost:4566/b/x"
    assert not matches(fn("parseURL", ref("Endpoint")), Endpoint="ftp://host")
    assert not matches(fn("parseURL", ref("Endpoint")), Endpoint="https://host/?q=1")
    assert matches(fn("getAttr", fn("parseURL", ref("Endpoint")), "isIp"), Endpoint="https://10.0.0.1:8080")
    assert not matches(fn("getAttr", fn("parseURL", ref("Endpoint")), "isIp"), Endpoint="https://s3.example")

    assert matches(fn("isValidHostLabel", ref("Region"), False))
    assert not matches(fn("isValidHostLabel", "a.b", False))
    assert matches(fn("isValidHostLabel", "a.b", True))
    assert not matches(fn("isValidHostLabel", "-ab", False))
    assert matches(fn("aws.isVirtualHostableS3Bucket", "my-bucket", False))
    for bucket in ("My-Bucket", "ab", "192.168.0.1", "a.b.c"):
        assert not matches(fn("aws.isVirtualHostableS3Bucket", bucket, False)), bucket
    assert matches(fn("aws.isVirtualHostableS3Bucket", "a1.b2.c3", True))

    encoded = ruleset([endpoint("https://x.example/{Enc}", fn("uriEncode", ref("Endpoint"), assign="Enc"))])
    assert encoded.resolve({"Region": "eu-west-1", "Endpoint": "a b/c~"}) == "https://x.example/a%20b%2Fc~"
    tail = ruleset([endpoint("https://{Tail}.example", fn("substring", ref("Region"), 0, 3, True, assign="Tail"))])
    assert tail.resolve({"Region": "eu-west-1"}) == "https://t-1.example"
    assert not matches(fn("substring", ref("Region"), 0, 40, False))
    with pytest.raises(RuleError, match="booleanEquals takes booleans"):
        ruleset([endpoint("https://x.example", fn("booleanEquals", ref("Endpoint"), True))]).resolve({"Region": "eu-west-1"})


def test_a_region_no_partition_lists_falls_in_the_first_partition() -> None:
    assert DUAL_STACK_ONLY.resolve({"Region": "mars-north-1"}) == "https://s3vectors.mars-north-1.api.aws"


# -- the generator on rule sets ------------------------------------------------------

def _add_service(botocore_root: Path, name: str, api: str, prefix: str, rules: RuleSet, operations: dict | None = None) -> None:
    folder = botocore_root / "botocore" / "data" / name / api
    folder.mkdir(parents=True)
    model = {"metadata": {"endpointPrefix": prefix, "apiVersion": api}, "operations": operations or {}, "shapes": {
        "In": {"type": "structure", "members": {"Arn": {"shape": "S", "contextParam": {"name": "ResourceArn"}}}}}}
    (folder / "service-2.json.gz").write_bytes(gzip.compress(json.dumps(model).encode(), mtime=0))
    document = {"version": "1.0", "parameters": rules.parameters, "rules": rules.rules}
    (folder / "endpoint-rule-set-1.json.gz").write_bytes(gzip.compress(json.dumps(document).encode(), mtime=0))


def test_the_generator_takes_hosts_from_rule_sets(tmp_path: Path) -> None:
    source = _fake_botocore(tmp_path / "src")
    _add_service(source, "s3vectors", "2025-07-15", "s3vectors", DUAL_STACK_ONLY)
    _add_service(source, "support", "2013-04-15", "support", ruleset([
        endpoint("https://support.us-east-1.amazonaws.com", fn("stringEquals", fn("getAttr", fn("aws.partition", ref("Region")), "name"), "aws")),
        endpoint("https://support.{Region}.{Partition#dnsSuffix}", fn("aws.partition", ref("Region"), assign="Partition")),
    ]))
    _add_service(source, "acm", "2015-12-08", "acm", ruleset(
        [endpoint("https://{ServiceType}.{Region}.amazonaws.com")], ServiceType={"type": "String", "required": True}),
        operations={"List": {"staticContextParams": {"ServiceType": {"value": "acm"}}},
                    "Get": {"staticContextParams": {"ServiceType": {"value": "acm"}}},
                    "Order": {"staticContextParams": {"ServiceType": {"value": "acm-acme"}}}})
    _add_service(source, "kvs", "2022-07-26", "cloudfront-keyvaluestore", ruleset(
        [endpoint("https://{Arn#accountId}.kvs.global.api.aws", fn("aws.parseArn", ref("ResourceArn"), assign="Arn")),
         error("KVS ARN must be provided")], ResourceArn={"type": "String"}),
        operations={"Describe": {"input": {"shape": "In"}}})
    out = tmp_path / "table.yaml"
    assert GEN.main(["--botocore", str(source), "--output", str(out)]) == 0
    tables = load_rule_file(out, "rules-tables.schema.json")["tables"]
    assert tables["endpoints"]["s3vectors"] == "https://s3vectors.{region}.api.aws"
    assert tables["regional_endpoints"]["s3vectors@cn-north-1"] == "https://s3vectors.cn-north-1.api.amazonwebservices.com.cn"
    assert GEN.resolve(tables, "s3vectors", "eu-west-1") == "https://s3vectors.eu-west-1.api.aws"
    assert tables["endpoints"]["support"] == "https://support.us-east-1.amazonaws.com"
    assert GEN.resolve(tables, "support", "cn-north-1") == "https://support.cn-north-1.amazonaws.com.cn"
    assert tables["endpoints"]["acm"] == "https://acm.{region}.{dns_suffix}"
    assert tables["static_parameters"]["acm"] == "ServiceType=acm"
    assert tables["operation_endpoints"]["acm ServiceType=acm-acme"] == "https://acm-acme.{region}.{dns_suffix}"
    # a host that needs a per-call ARN: kept as endpoints.json has it, and listed
    assert tables["no_endpoint"] == {"kvs": "KVS ARN must be provided"}
    assert tables["host_parameters"] == {"acm": "ServiceType", "kvs": "ResourceArn"}
    assert tables["endpoints"]["kvs"] == "https://cloudfront-keyvaluestore.{region}.{dns_suffix}"
    # services without a rule set keep the endpoints.json reading
    assert tables["endpoints"]["stepfunctions"] == "https://states.{region}.{dns_suffix}"


def test_a_rule_set_with_a_builtin_the_generator_does_not_know_stops_it(tmp_path: Path) -> None:
    source = _fake_botocore(tmp_path / "src")
    _add_service(source, "newsvc", "2030-01-01", "newsvc", ruleset(
        [endpoint("https://newsvc.{Region}.amazonaws.com")], Flag={"type": "Boolean", "builtIn": "AWS::New::Flag"}))
    with pytest.raises(SystemExit, match="AWS::New::Flag"):
        GEN.main(["--botocore", str(source), "--output", str(tmp_path / "t.yaml")])


# -- the generated table: hosts the rule sets give -------------------------------------

@pytest.mark.parametrize(("client", "region", "url"), [
    # dual-stack-only services: the partition's dual-stack suffix, per partition
    ("s3vectors", "eu-west-1", "https://s3vectors.eu-west-1.api.aws"),
    ("s3vectors", "cn-north-1", "https://s3vectors.cn-north-1.api.amazonwebservices.com.cn"),
    ("dsql", "eu-central-1", "https://dsql.eu-central-1.api.aws"),
    # a host label order endpoints.json does not have
    ("geo-maps", "eu-west-1", "https://maps.geo.eu-west-1.amazonaws.com"),
    ("geo-routes", "us-gov-west-1", "https://routes.geo.us-gov-west-1.us-gov.amazonaws.com"),
    # fixed-region services: one region whatever the client's
    ("support", "eu-west-1", "https://support.us-east-1.amazonaws.com"),
    ("bcm-data-exports", "eu-west-1", "https://bcm-data-exports.us-east-1.api.aws"),
    # was the global host in endpoints.json; the rule set gives the regional one
    ("health", "eu-west-1", "https://health.eu-west-1.amazonaws.com"),
    ("signin", "eu-west-1", "https://eu-west-1.signin.aws.amazon.com"),
    # unchanged
    ("s3", "us-east-1", "https://s3.amazonaws.com"),
    ("s3", "eu-west-1", "https://s3.eu-west-1.amazonaws.com"),
    ("iam", "eu-west-1", "https://iam.amazonaws.com"),
    ("stepfunctions", "eu-west-1", "https://states.eu-west-1.amazonaws.com"),
])
def test_the_table_gives_the_rule_sets_host(client: str, region: str, url: str) -> None:
    assert GEN.resolve(TABLES, client, region) == url


def test_the_table_records_what_it_cannot_place_per_client() -> None:
    assert TABLES["static_parameters"]["acm"] == "ServiceType=ACM"
    assert TABLES["operation_endpoints"]["s3 UseObjectLambdaEndpoint=true"] == "https://s3-object-lambda.{region}.{dns_suffix}"
    assert "Bucket" in TABLES["host_parameters"]["s3"].split()
    assert "AccountId" in TABLES["host_parameters"]["s3control"].split()
    assert set(TABLES["no_endpoint"]) == {"cloudfront-keyvaluestore"}


def test_a_boto3_client_of_a_dual_stack_only_service_is_placed_in_its_region(tmp_path: Path) -> None:
    (tmp_path / "vectors.py").write_text(
        "import boto3\n"
        "vectors = boto3.client('s3vectors', region_name='eu-central-1')\n"
        "maps = boto3.client('geo-maps', region_name='ap-southeast-2')\n"
        "support = boto3.client('support', region_name='eu-west-1')\n")
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    found = {(e.host, e.placement.region) for e in report.endpoints}
    assert found == {
        ("s3vectors.eu-central-1.api.aws", "eu-central-1"),
        ("maps.geo.ap-southeast-2.amazonaws.com", "ap-southeast-2"),
        ("support.us-east-1.amazonaws.com", "us-east-1"),
    }
    assert bundled_catalog().match_host("eu-west-1.signin.aws.amazon.com")[1].region == "eu-west-1"
