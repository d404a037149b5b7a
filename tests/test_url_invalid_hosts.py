"""A fully known host name that no resolver can find (an empty label, a label starting or ending
with a hyphen: an empty region put in front of "-aiplatform.googleapis.com"; a name under
``.invalid``, which RFC 6761 reserves never to resolve) names no host: the
call stays an endpoint whose host is unknown. A host with an unknown part, an IP literal or a
root dot is still named."""

from __future__ import annotations

import pytest

from flowscan.urls import split_url
from flowscan.values import Hole, StrValue


@pytest.mark.parametrize("text", ["https://-aiplatform.googleapis.com/v1", "https://api..example.com",
                                  "http://edge-.example.com:8080", "https://.example.com/",
                                  "https://collector.invalid/v1/traces", "http://Broker.INVALID.:9092"])
def test_a_name_no_resolver_finds_names_no_host(text: str) -> None:
    parts = split_url(StrValue((text,)))
    assert parts is not None and parts.host is None and parts.host_pattern is None and parts.url == text


@pytest.mark.parametrize(("text", "host"), [
    ("https://us-central1-aiplatform.googleapis.com/v1", "us-central1-aiplatform.googleapis.com"),
    ("https://example.com./x", "example.com."), ("http://10.0.0.5:8000", "10.0.0.5"), ("http://[::1]:8080", "::1"),
    ("postgres://db-1.internal:5432/app", "db-1.internal"), ("https://invalid.example.org", "invalid.example.org"),
    ("http://api.invalidate.io", "api.invalidate.io")])
def test_a_valid_name_is_kept(text: str, host: str) -> None:
    parts = split_url(StrValue((text,)))
    assert parts is not None and parts.host == host


def test_an_unknown_region_in_front_is_still_a_host() -> None:
    parts = split_url(StrValue(("https://", Hole("region"), "-aiplatform.googleapis.com/v1")))
    assert parts is not None and parts.host is not None and parts.host.endswith("-aiplatform.googleapis.com")


@pytest.mark.parametrize("text", ["0.7", "1.0", "3", "1e-3", "-2.5"])
def test_a_number_without_a_scheme_is_no_url(text: str) -> None:
    """A number read where a URL may be (a temperature among a mapping's values) names no host
    and makes no endpoint: no top-level domain is all digits (RFC 3696 section 2)."""
    assert split_url(StrValue((text,)), assume_host=True) is None
    assert split_url(StrValue((text,))) is None


def test_an_ip_literal_is_still_a_host() -> None:
    parts = split_url(StrValue(("10.0.0.5",)), assume_host=True)
    assert parts is not None and parts.host == "10.0.0.5"


@pytest.mark.parametrize("text", ["https://https://google.com/", "http://HTTPS://api.example.com/v1"])
def test_a_scheme_put_before_a_whole_url_is_no_url(text: str) -> None:
    """``if "://" not in url: url = f"https://{url}"`` followed for a URL that has a scheme: no
    host "https" is reported (the URL itself is reported from the path that keeps it)."""
    assert split_url(StrValue((text,))) is None


def test_a_scheme_before_an_unknown_url_stays_unknown() -> None:
    parts = split_url(StrValue(("https://", Hole("env:TARGET"))))
    assert parts is not None and parts.host is None


def test_a_host_of_unknowns_alone_is_not_known() -> None:
    """``https://{a}{b}/path`` (two values the analysis cannot read, joined): no host is named,
    where ``{region}.example.com`` keeps its known part."""
    holes = StrValue(("https://", Hole("loop variable"), Hole("loop variable"), "/robots.txt"))
    parts = split_url(holes)
    assert parts is not None and parts.host is None and parts.host_pattern is None
    known = split_url(StrValue(("https://", Hole("region"), ".example.com/v1")))
    assert known is not None and known.host == "{region}.example.com"
