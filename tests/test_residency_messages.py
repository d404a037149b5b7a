"""What residency findings say (context, placement, unresolved names, other call sites) and which
regions a policy's allowed list admits."""

from __future__ import annotations

from flowscan.catalog import bundled_catalog
from flowscan.checks import ScanFacts, run_checks
from flowscan.checks.residency import EndpointResidency
from flowscan.model import Endpoint, Location, Placement
from flowscan.policy import load_policy

EU_ONLY = {"residency": {"allowed": ["eu"]}}


def _messages(endpoint: Endpoint, policy: dict = EU_ONLY) -> list[str]:
    facts = ScanFacts([endpoint], (), (), (), (), load_policy(policy, bundled_catalog(), "flowscan.yaml"))
    return [f.message for f in run_checks(facts, lambda path, line: "", (EndpointResidency(),))]


def test_an_endpoint_of_a_deployment_context_is_named_with_it() -> None:
    endpoint = Endpoint("ep-1", "openai", "api.openai.com", "https://api.openai.com/v1",
                        Placement(None, "US", "us", "host"), context="helm:values-prod.yaml",
                        locations=[Location("app.py", 3)])
    assert _messages(endpoint) == ["api.openai.com [context helm:values-prod.yaml] is in US, jurisdiction us, "
                                   "outside the allowed regions (eu)"]


def test_a_placement_known_only_by_jurisdiction_is_written_as_unknown_where() -> None:
    endpoint = Endpoint("ep-1", "acme", "api.acme.example", None, Placement(None, None, "us", "declared"),
                        locations=[Location("app.py", 3)])
    assert _messages(endpoint) == ["api.acme.example is in ?, jurisdiction us, outside the allowed regions (eu)"]


def test_an_unknown_destination_lists_what_was_unresolved_and_its_other_call_sites() -> None:
    endpoint = Endpoint("ep-1", None, None, None, Placement(None, None, None, "unknown", "the host is not known statically"),
                        sdk="requests", locations=[Location("app.py", 3), Location("jobs.py", 9)],
                        unresolved=["env:API_HOST", "parameter url of fetch()"])
    assert _messages(endpoint) == [
        "requests endpoint: region cannot be determined: the destination is whatever API_HOST is set to, "
        "and no scanned config sets it (unresolved: env:API_HOST, parameter url of fetch()); also called at jobs.py:9"]


def test_every_allowed_cloud_region_is_allowed() -> None:
    policy = load_policy({"residency": {"allowed": ["aws:eu-west-1", "aws:eu-central-1"]}}, bundled_catalog(),
                         "flowscan.yaml")
    assert policy.is_allowed(Placement("eu-west-1", "IE", "eu", "host"))
    assert policy.is_allowed(Placement("eu-central-1", "DE", "eu", "host"))
    assert not policy.is_allowed(Placement("us-east-1", "US", "us", "host"))
