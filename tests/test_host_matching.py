"""Host matching: the indexed lookup (exact hosts, literal tails) gives what a plain ordered
scan of every rule gives, on hosts built from the catalog's own rules."""

from __future__ import annotations

import fnmatch
import re

import pytest

from flowscan.catalog import HostRule, _regex_literal_tail, bundled_catalog


def _plain_scan(rules: list[HostRule], host: str) -> HostRule | None:
    host = host.lower().rstrip(".")
    for rule in sorted(rules, key=lambda r: r.specificity):
        if rule.glob is not None and fnmatch.fnmatchcase(host, rule.glob.lower()):
            return rule
        if rule.pattern is not None and re.fullmatch(rule.pattern, host, re.IGNORECASE):
            return rule
    return None


def _hosts_from_rules(rules: list[HostRule]) -> list[str]:
    hosts = ["localhost", "10.0.0.7", "vllm.llm.svc.cluster.local", "example.com", "API.OpenAI.com."]
    for rule in rules:
        if rule.glob is not None:
            hosts += [rule.glob.replace("*", "x1"), rule.glob.replace("*", "a.b"), "pre" + rule.glob.replace("*", "")]
    hosts += ["bedrock-runtime.eu-central-1.amazonaws.com", "my-bucket.s3.amazonaws.com", "sts.amazonaws.com",
              "europe-west4-aiplatform.googleapis.com", "abc.storage.googleapis.com", "svc-abc.a.run.app",
              "idx-1.svc.us-east-1-aws.pinecone.io", "abc.c0.europe-west3.gcp.weaviate.cloud",
              "xyz.eu-central-1-0.aws.cloud.qdrant.io", "browser-intake-us5-datadoghq.com",
              "browser-intake-datadoghq.com", "westeurope.api.cognitive.microsoft.com"]
    return hosts


def test_indexed_lookup_equals_a_plain_scan() -> None:
    catalog = bundled_catalog()
    for host in _hosts_from_rules(catalog.host_rules):
        found = catalog.match_host(host)
        assert (found[0] if found else None) == _plain_scan(catalog.host_rules, host), host


@pytest.mark.parametrize(("pattern", "tail"), [
    (r"[a-z0-9-]+\.storage\.googleapis\.com", ".storage.googleapis.com"),
    (r"(?P<region>[a-z]+-[a-z]+\d+)-aiplatform\.googleapis\.com", "-aiplatform.googleapis.com"),
    (r"[a-z0-9.-]+\.s3\.amazonaws\.com|s3\.amazonaws\.com", ""),  # top-level alternation: no common tail
    (r".+\.(svc|cluster\.local)", ""),
    (r"host\d", ""),  # \d is a class, not the letter d
    (r"api-?v2\.example\.com", "v2.example.com"),
    (r"(?:[a-z0-9-]+\.)*googleapis\.com", "googleapis.com"),
    (r"ab+c\.io", "c.io"),  # the quantifier repeats b, before the tail
    (r"a[|]b\.com", "b.com"),  # a bar inside a class is not alternation
])
def test_literal_tail(pattern: str, tail: str) -> None:
    assert _regex_literal_tail(pattern) == tail
