"""LiteLLM proxy config extractor: model_list entries → endpoints, settings → raw."""

from __future__ import annotations

from textwrap import dedent

from flowscan.configfacts import CacheSetting, EnvFallback, FallbackEntry
from flowscan.extract.litellm_config import env_template, extract_litellm_config

CONFIG = dedent("""\
    model_list:
      - model_name: claude
        litellm_params:
          model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
          aws_region_name: eu-central-1
      - model_name: claude
        litellm_params:
          model: bedrock/anthropic.claude-3-haiku-20240307-v1:0
          aws_region_name: os.environ/BEDROCK_REGION
      - model_name: claude-default-region
        litellm_params:
          model: bedrock/anthropic.claude-3-haiku-20240307-v1:0
      - model_name: gemini
        litellm_params:
          model: vertex_ai/gemini-1.5-pro
          vertex_project: shop-prod
          vertex_location: europe-west4
      - model_name: gemini-env
        litellm_params:
          model: vertex_ai/gemini-1.5-flash
      - model_name: gpt-4o
        litellm_params:
          model: azure/gpt-4o
          api_base: os.environ/AZURE_API_BASE
          api_key: os.environ/AZURE_API_KEY
          api_version: "2024-06-01"
      - model_name: gpt-4o-sweden
        litellm_params:
          model: azure/gpt-4o
          api_base: https://shopbot-oai.openai.azure.com/
      - model_name: llama
        litellm_params:
          model: hosted_vllm/meta-llama/Meta-Llama-3-8B-Instruct
          api_base: http://vllm.internal:8000/v1
      - model_name: sonnet-direct
        litellm_params:
          model: anthropic/claude-3-5-sonnet-20240620
      - model_name: mini
        litellm_params:
          model: gpt-4o-mini
      - model_name: petals
        litellm_params:
          model: petals/petals-team/StableBeluga2
    router_settings:
      routing_strategy: simple-shuffle
      fallbacks: [{"claude": ["gemini", "gpt-4o"]}]
    litellm_settings:
      context_window_fallbacks:
        - mini: ["gpt-4o"]
      cache: false
      cache_params:
        type: redis
    environment_variables:
      AWS_REGION_NAME: eu-west-1
    """).encode()

PATH = "proxy/litellm-config.yaml"


def _facts():
    return extract_litellm_config(PATH, CONFIG)


def _endpoint(model_name: str, index: int = 0):
    return [e for e in _facts().endpoints if e.sdk.startswith(f"litellm model_list {model_name}:")][index]


def test_bedrock_with_region_and_env_reference() -> None:
    first = _endpoint("claude")
    assert first.url == "https://bedrock-runtime.eu-central-1.amazonaws.com"
    assert (first.path, first.line) == (PATH, 5)
    assert first.sdk == "litellm model_list claude: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0"
    assert first.provider == "aws"
    assert [(s.line, s.detail) for s in first.chain] == [
        (2, "model_list entry claude"),
        (4, "model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0"),
        (5, "aws_region_name: eu-central-1"),
    ]
    second = _endpoint("claude", 1)
    assert second.url == "https://bedrock-runtime.{env:BEDROCK_REGION}.amazonaws.com"
    assert second.line == 9 and second.provider is None


def test_bedrock_without_region_uses_litellm_env_fallback() -> None:
    endpoint = _endpoint("claude-default-region")
    assert endpoint.url == "https://bedrock-runtime.{env:AWS_REGION_NAME}.amazonaws.com"
    assert endpoint.line == 12
    assert "AWS_REGION_NAME / AWS_REGION" in endpoint.chain[-1].detail and "us-west-2" in endpoint.chain[-1].detail
    (entry,) = _facts().details.model_list["claude-default-region"]
    assert entry.env_fallbacks == (EnvFallback("region", ("AWS_REGION_NAME", "AWS_REGION"), "us-west-2"),)


def test_vertex_location_and_env_fallback() -> None:
    gemini = _endpoint("gemini")
    assert (gemini.url, gemini.line, gemini.provider) == ("https://europe-west4-aiplatform.googleapis.com", 17, "gcp")
    fallback = _endpoint("gemini-env")
    assert fallback.url == "https://{env:VERTEXAI_LOCATION}-aiplatform.googleapis.com"
    assert fallback.line == 20


def test_azure_api_base_from_env_and_literal() -> None:
    env = _endpoint("gpt-4o")
    assert (env.url, env.line) == ("{env:AZURE_API_BASE}", 24)
    literal = _endpoint("gpt-4o-sweden")
    assert (literal.url, literal.line) == ("https://shopbot-oai.openai.azure.com/", 30)


def test_hosted_vllm_api_base() -> None:
    llama = _endpoint("llama")
    assert (llama.url, llama.line) == ("http://vllm.internal:8000/v1", 34)
    assert llama.sdk == "litellm model_list llama: hosted_vllm/meta-llama/Meta-Llama-3-8B-Instruct"


def test_default_bases_from_the_rule() -> None:
    sonnet = _endpoint("sonnet-direct")
    assert (sonnet.url, sonnet.line, sonnet.provider) == ("https://api.anthropic.com", 37, "anthropic")
    mini = _endpoint("mini")
    assert (mini.url, mini.line, mini.provider) == ("https://api.openai.com/v1", 40, "openai")


def test_unmodelled_provider_is_a_note_not_a_guess() -> None:
    facts = _facts()
    assert not [e for e in facts.endpoints if "petals" in e.sdk]
    assert any("petals" in note and ":41:" in note for note in facts.notes)
    (entry,) = facts.details.model_list["petals"]
    assert entry.provider == "petals" and entry.url is None


def test_details_model_list() -> None:
    details = _facts().details
    model_list = details.model_list
    assert [(e.provider, e.line, e.aws_region_name) for e in model_list["claude"]] == [
        ("bedrock", 2, "eu-central-1"), ("bedrock", 6, "os.environ/BEDROCK_REGION")]
    assert model_list["gpt-4o"][0].api_base == "os.environ/AZURE_API_BASE"
    assert model_list["gemini"][0].vertex_project == "shop-prod"
    assert details.model_list_line == 1


def test_fallbacks_and_cache_with_lines() -> None:
    details = _facts().details
    assert details.fallbacks == [
        FallbackEntry("fallbacks", "router_settings", "claude", ("gemini", "gpt-4o"), 46),
        FallbackEntry("context_window_fallbacks", "litellm_settings", "mini", ("gpt-4o",), 49)]
    assert details.cache == CacheSetting("litellm_settings", 50, enabled=False)
    assert details.cache_params == CacheSetting("litellm_settings", 51, type="redis")
    assert details.environment_variables == {"AWS_REGION_NAME": ("eu-west-1", 54)}


def test_cache_true_and_absent() -> None:
    on = extract_litellm_config("c.yaml", b"model_list: []\nlitellm_settings:\n  cache: True\n")
    assert on.details.cache == CacheSetting("litellm_settings", 3, enabled=True)
    assert on.details.cache_params is None
    assert extract_litellm_config("c.yaml", b"model_list: []\n").details.cache is None


def test_env_template() -> None:
    assert env_template("os.environ/AZURE_API_BASE") == "{env:AZURE_API_BASE}"
    assert env_template("https://x.example.com") == "https://x.example.com"


def test_other_yaml_is_empty_and_malformed_config_is_an_error() -> None:
    other = extract_litellm_config("compose.yaml", b"services:\n  api:\n    image: x\n")
    assert not other.endpoints and other.details is None and other.parse_error is None
    broken = extract_litellm_config("config.yaml", b"model_list:\n  - model_name: [x\n")
    assert broken.parse_error is not None and broken.parse_error[0] >= 2
