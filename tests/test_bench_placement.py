"""The label scorer's placement comparison and the unplaced-host listing (bench/)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.score_labels import _label_region, _placement
from bench.unplaced_hosts import _unplaced


def test_label_region_forms() -> None:
    assert _label_region("unknown") is None
    assert _label_region(None) is None
    assert _label_region("env:APP_AWS_REGION") is None
    assert _label_region("env (AWS_REGION_NAME / AWS_REGION / AWS config), read by litellm/boto3") is None
    assert _label_region("us-east-1 unless AWS_REGION is set") == "us-east-1"
    assert _label_region("US") == "us"
    assert _label_region("internal") == "internal"


def test_placement_ways() -> None:
    us_east = ("us-east-1", "us", "us")
    assert _placement("us", [us_east]) == "agree"  # a country label agrees with a region in it
    assert _placement("us-east-1", [("us-west-2", "us", "us"), us_east]) == "agree"
    assert _placement("eu-west-1", [us_east]) == "disagree"
    assert _placement("us-west-2", []) == "unknown-label-known"
    assert _placement(None, []) == "agree-unknown"
    assert _placement(None, [us_east]) == "reported-label-unknown"


def test_unplaced_reads_reports_and_inventories(tmp_path: Path) -> None:
    report = tmp_path / "app.json"
    report.write_text(json.dumps({"endpoints": [
        {"host": "api.groq.com", "region": None, "provider": "groq"},
        {"host": "api.openai.com", "region": "us", "provider": "openai"},
        {"host": None, "region": None, "provider": "openai"},
    ]}))
    inventory = tmp_path / "corpus.json"
    inventory.write_text(json.dumps({"inventory": [
        "?|-|default|-|-|-|unknown",
        "api.tavily.com|-|default|tavily|-|-|unknown",
        "us.i.posthog.com|us|default|posthog|US|us|provider",
    ]}))
    assert _unplaced(report) == [("groq", "api.groq.com")]
    assert _unplaced(inventory) == [("tavily", "api.tavily.com")]


def test_a_label_host_matches_as_flowscan_reports_hosts() -> None:
    """A label written with a port or a scheme (``localhost:11434``) names the host flowscan
    reports (``localhost``); ``{region}`` parts match any text; another host does not match."""
    from bench.score_labels import _pattern

    assert _pattern("localhost:11434").match("localhost")
    assert _pattern("http://localhost:11434").match("localhost")
    assert _pattern("bedrock-runtime.{region}.amazonaws.com").match("bedrock-runtime.eu-west-1.amazonaws.com")
    assert not _pattern("localhost:11434").match("127.0.0.1")
    assert not _pattern("api.openai.com").match("api.openai.com.evil.example")


def test_an_env_label_matches_a_default_host_whose_chain_names_the_env_var() -> None:
    """An ``env:NAME`` label is found when the report names NAME as deciding a host: unresolved on an
    unknown-host endpoint, or as the env var whose default (the code's or the SDK's) is the known host.
    An env var read elsewhere on the chain (a switch, a key) is not that."""
    from bench.score_labels import _env_named

    endpoints = [
        {"host": None, "unresolved": ["env:BROWSER_CDP_URL"], "chains": []},
        {"host": "r.jina.ai", "chains": [[
            {"detail": '"https://r.jina.ai/"'},
            {"detail": "default of env JINA_READER_API_URL (not set in any scanned config)"}]]},
        {"host": "api.openai.com", "chains": [[{"detail": "openai.OpenAI reads env OPENAI_BASE_URL, not set in any scanned config"}]]},
        {"host": "api.openai.com", "chains": [[{"detail": "litellm.completion default (OPENAI_BASE_URL, OPENAI_API_BASE not set in any scanned config)"}]]},
        {"host": None, "unresolved": ["env:WATSONX_API_BASE"], "chains": [[
            {"detail": "litellm.completion reads env WATSONX_API_BASE / WATSONX_URL, not set in any scanned config"}]]},
        {"host": "api.tavily.com", "chains": [[{"detail": 'key = os.getenv("TAVILY_API_KEY")'}]]},
    ]
    assert _env_named(endpoints) == {"env:BROWSER_CDP_URL", "env:JINA_READER_API_URL", "env:OPENAI_BASE_URL",
                                    "env:OPENAI_API_BASE", "env:WATSONX_API_BASE", "env:WATSONX_URL"}
