"""fallback/missing and fallback/leaves-region on facts from the real extractors and on the
endpoints a real scan places (nothing scanned is run)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from textwrap import dedent

import pytest

from flowscan.api import ScanOptions, resolve_policy, scan
from flowscan.catalog import bundled_catalog
from flowscan.checks import ScanFacts, run_checks
from flowscan.checks.fallback import (
    LEAVES_REGION,
    MISSING,
    Fallback,
    fallback_edges,
    unguarded_calls,
)
from flowscan.extract.litellm_config import extract_litellm_config
from flowscan.model import Finding
from flowscan.python.extract import extract_python
from flowscan.rules_index import rule_docs
from flowscan.testing import annotations, compare

from .conftest import FIXTURES

EU_POLICY = "residency:\n  allowed: [eu]\n"


@dataclass
class Run:
    findings: list[Finding]
    edges: list[dict]

    def at(self, rule: str) -> list[tuple[str, int]]:
        return [(f.path, f.line) for f in self.findings if f.rule == rule]

    def message(self, rule: str, path: str, line: int) -> str:
        return next(f.message for f in self.findings if (f.rule, f.path, f.line) == (rule, path, line))


def _check_tree(root: Path) -> Run:
    """Scan ``root`` for endpoints, build facts with the extractors, run the check."""
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    endpoints = scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    configs = [extract_litellm_config(path, data) for path, data in files.items() if path.endswith((".yaml", ".yml"))]
    modules = [extract_python(path, data) for path, data in files.items() if path.endswith(".py")]
    policy = resolve_policy(root, ScanOptions(cache_dir=None), bundled_catalog())

    def line_text(path: str, line: int) -> str:
        lines = files[path].decode().splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""

    facts = ScanFacts(endpoints, (), configs, modules, (), policy)
    findings = run_checks(facts, line_text, (Fallback(),))
    return Run(findings, fallback_edges(configs, modules))


def _check(tmp_path: Path, files: dict[str, str]) -> Run:
    for rel, text in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(dedent(text))
    return _check_tree(tmp_path)


PROXY = dedent("""\
    model_list:
      - model_name: llama
        litellm_params:
          model: hosted_vllm/meta-llama/Meta-Llama-3-8B-Instruct
          api_base: http://vllm.llm.svc.cluster.local:8000/v1
      - model_name: qwen
        litellm_params:
          model: hosted_vllm/Qwen/Qwen2.5-7B-Instruct
          api_base: http://10.0.0.7:8000/v1
      - model_name: claude-us
        litellm_params:
          model: anthropic/claude-3-5-sonnet-20240620
      - model_name: claude-eu
        litellm_params:
          model: bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0
          aws_region_name: eu-central-1
    router_settings:
      fallbacks: [{"qwen": ["claude-us", "claude-eu"]}]
    """)


# -- LiteLLM proxy config -------------------------------------------------------------------------

def test_proxy_self_hosted_group_without_fallbacks(tmp_path: Path) -> None:
    run = _check(tmp_path, {"litellm-config.yaml": PROXY})
    assert run.at(MISSING) == [("litellm-config.yaml", 2)]
    message = run.message(MISSING, "litellm-config.yaml", 2)
    assert message.startswith("model group llama is served only by self-hosted deployments "
                              "(vllm.llm.svc.cluster.local)")
    assert "no fallbacks / context_window_fallbacks entry covers it" in message
    assert all(f.severity == "warning" for f in run.findings if f.rule == MISSING)


def test_proxy_fallback_leaves_region_only_under_a_policy(tmp_path: Path) -> None:
    run = _check(tmp_path, {"litellm-config.yaml": PROXY})
    assert run.at(LEAVES_REGION) == []  # no allowed regions: inventory only
    run = _check(tmp_path, {"litellm-config.yaml": PROXY, "flowscan.yaml": EU_POLICY})
    assert run.at(LEAVES_REGION) == [("litellm-config.yaml", 18)]  # claude-eu is fine, claude-us is not
    finding = next(f for f in run.findings if f.rule == LEAVES_REGION)
    assert finding.severity == "error"
    assert finding.message == ("fallbacks: qwen -> claude-us leaves the allowed regions (eu): claude-us is served "
                               "from api.anthropic.com in us/US, jurisdiction us")


def test_proxy_exempt_fallback_target_is_not_reported(tmp_path: Path) -> None:
    policy = EU_POLICY + "  exempt:\n    - host: api.anthropic.com\n      reason: synthetic test prompts only\n"
    run = _check(tmp_path, {"litellm-config.yaml": PROXY, "flowscan.yaml": policy})
    assert run.at(LEAVES_REGION) == []


def test_proxy_edges_for_the_inventory(tmp_path: Path) -> None:
    run = _check(tmp_path, {"litellm-config.yaml": PROXY})
    assert run.edges == [
        {"path": "litellm-config.yaml", "line": 18, "kind": "fallbacks", "section": "router_settings",
         "from": "qwen", "to": "claude-us"},
        {"path": "litellm-config.yaml", "line": 18, "kind": "fallbacks", "section": "router_settings",
         "from": "qwen", "to": "claude-eu"},
    ]


def test_proxy_context_window_and_default_fallbacks_cover(tmp_path: Path) -> None:
    assert _check(tmp_path, {"litellm-config.yaml": PROXY}).at(MISSING) == [("litellm-config.yaml", 2)]
    context_window = PROXY + "litellm_settings:\n  context_window_fallbacks:\n    - llama: [\"claude-eu\"]\n"
    assert _check(tmp_path, {"litellm-config.yaml": context_window}).at(MISSING) == []
    default = PROXY.replace('  fallbacks: [{"qwen": ["claude-us", "claude-eu"]}]\n',
                            '  default_fallbacks: ["claude-eu"]\n')
    assert _check(tmp_path, {"litellm-config.yaml": default}).at(MISSING) == []


def test_proxy_content_policy_fallbacks_do_not_cover_but_can_leave(tmp_path: Path) -> None:
    config = PROXY + "litellm_settings:\n  content_policy_fallbacks: [{\"llama\": [\"claude-us\"]}]\n"
    run = _check(tmp_path, {"litellm-config.yaml": config, "flowscan.yaml": EU_POLICY})
    assert run.at(MISSING) == [("litellm-config.yaml", 2)]
    assert ("litellm-config.yaml", 20) in run.at(LEAVES_REGION)
    message = run.message(LEAVES_REGION, "litellm-config.yaml", 20)
    assert message.startswith("content_policy_fallbacks: llama -> claude-us")


def test_proxy_group_with_a_hosted_deployment_is_not_reported(tmp_path: Path) -> None:
    config = """\
        model_list:
          - model_name: llama
            litellm_params:
              model: hosted_vllm/llama-3
              api_base: http://vllm:8000/v1
          - model_name: llama
            litellm_params:
              model: bedrock/meta.llama3-8b-instruct-v1:0
              aws_region_name: eu-west-1
        """
    assert _check(tmp_path, {"litellm-config.yaml": config}).at(MISSING) == []


def test_proxy_api_base_from_env_is_placed_per_context(tmp_path: Path) -> None:
    config = """\
        model_list:
          - model_name: llama
            litellm_params:
              model: hosted_vllm/llama-3
              api_base: os.environ/VLLM_API_BASE
        """
    run = _check(tmp_path, {"litellm-config.yaml": config, ".env": "VLLM_API_BASE=http://vllm:8000/v1\n"})
    assert run.at(MISSING) == [("litellm-config.yaml", 2)]
    assert "(vllm)" in run.message(MISSING, "litellm-config.yaml", 2)


def test_proxy_unresolved_api_base_is_not_guessed(tmp_path: Path) -> None:
    config = """\
        model_list:
          - model_name: llama
            litellm_params:
              model: hosted_vllm/llama-3
              api_base: os.environ/VLLM_API_BASE
        """
    assert _check(tmp_path, {"litellm-config.yaml": config}).at(MISSING) == []


# -- Python: litellm.Router -----------------------------------------------------------------------

ROUTER = """\
    import litellm
    from litellm import Router

    MODELS = [
        {"model_name": "llama", "litellm_params": {"model": "hosted_vllm/llama-3", "api_base": "http://vllm:8000/v1"}},
        {"model_name": "gpt", "litellm_params": {"model": "gpt-4o-mini"}},
    ]
    covered = Router(model_list=MODELS, fallbacks=[{"llama": ["gpt"]}])
    bare = litellm.Router(model_list=MODELS)
    local = Router(model_list=[{"model_name": "tiny", "litellm_params": {"model": "ollama/llama3.2"}}])
    hosted = Router(model_list=[{"model_name": "gpt", "litellm_params": {"model": "gpt-4o-mini"}}])
    dynamic = Router(model_list=load_models())
    empty = Router(model_list=MODELS, fallbacks=[])
    positional = Router(MODELS)  # litellm.Router(model_list=None, ...): the first positional argument
    """


def test_router_without_fallbacks(tmp_path: Path) -> None:
    run = _check(tmp_path, {"app.py": ROUTER})
    assert run.at(MISSING) == [("app.py", 9), ("app.py", 10), ("app.py", 13), ("app.py", 14)]
    assert run.message(MISSING, "app.py", 9) == (
        "litellm Router with self-hosted model group(s) llama (vllm) has no fallbacks= / "
        "context_window_fallbacks=: when the server is down or overloaded, requests fail")
    assert "tiny (localhost)" in run.message(MISSING, "app.py", 10)
    assert {"path": "app.py", "line": 8, "kind": "fallbacks", "section": "Router()", "from": "llama",
            "to": "gpt"} in run.edges


# -- Python: LangChain ----------------------------------------------------------------------------

LANGCHAIN = """\
    from langchain_aws import ChatBedrockConverse
    from langchain_ollama import ChatOllama
    from langchain_openai import ChatOpenAI

    backup = ChatBedrockConverse(model="anthropic.claude-3-haiku-20240307-v1:0", region_name="eu-central-1")
    wrapped = ChatOpenAI(base_url="http://vllm:8000/v1")
    bare = ChatOllama(model="llama3.1")
    chained = ChatOllama(model="llama3.1").with_fallbacks([backup])
    as_fallback = ChatOpenAI(base_url="http://10.1.2.3:8000/v1")
    safe = wrapped.with_fallbacks([backup])
    also_safe = backup.with_fallbacks([as_fallback])


    class Agent:
        def __init__(self):
            self.llm = ChatOllama(model="qwen2.5")
            self.tools_llm = ChatOllama(model="llama3.1", base_url="http://ollama:11434")
            self.safe = self.tools_llm.bind_tools([]).with_fallbacks([backup])
    """


def test_langchain_models_without_with_fallbacks(tmp_path: Path) -> None:
    run = _check(tmp_path, {"chains.py": LANGCHAIN})
    assert run.at(MISSING) == [("chains.py", 7), ("chains.py", 16)]
    assert run.message(MISSING, "chains.py", 7) == (
        "bare = ChatOllama(...) on self-hosted 127.0.0.1 is never wrapped in .with_fallbacks([...]) in this "
        "module: when the server is down, the chain fails")
    assert run.message(MISSING, "chains.py", 16).startswith("self.llm = ChatOllama(...)")


def test_a_langchain_model_bound_to_no_name_is_named_by_its_class(tmp_path: Path) -> None:
    run = _check(tmp_path, {"chains.py": """\
        from langchain_ollama import ChatOllama


        def make_llm():
            return ChatOllama(model="llama3.1")
        """})
    assert run.message(MISSING, "chains.py", 5).startswith("ChatOllama(...) on self-hosted 127.0.0.1 is never wrapped")


# -- Python: OpenAI-compatible clients ------------------------------------------------------------

CLIENTS = """\
    import litellm
    from openai import AsyncOpenAI, OpenAI

    primary = OpenAI(base_url="http://vllm.llm.svc.cluster.local:8000/v1")
    bare = OpenAI(base_url="http://vllm:8000/v1")
    retried = OpenAI(base_url="http://sglang:30000/v1")
    via_litellm = AsyncOpenAI(base_url="http://127.0.0.1:8000/v1")
    backup = OpenAI(base_url="http://ollama:11434/v1")
    unused = OpenAI(base_url="http://tgi:8080/v1")


    def guarded(messages):
        try:
            return primary.chat.completions.create(model="llama", messages=messages)
        except Exception:
            return backup.chat.completions.create(model="llama3.1", messages=messages)


    def unguarded(messages):
        return bare.chat.completions.create(model="llama", messages=messages)


    def same_client(messages):
        try:
            return retried.chat.completions.create(model="llama", messages=messages)
        except TimeoutError:
            return retried.chat.completions.create(model="llama-small", messages=messages)


    async def through_litellm(messages):
        try:
            return await via_litellm.chat.completions.create(model="llama", messages=messages)
        except Exception:
            return await litellm.acompletion(model="bedrock/anthropic.claude-3-haiku-20240307-v1:0",
                                             aws_region_name="eu-central-1", messages=messages)


    def backup_alone(messages):
        return backup.chat.completions.create(model="llama3.1", messages=messages)
    """


def test_openai_compatible_clients_without_a_guard(tmp_path: Path) -> None:
    run = _check(tmp_path, {"clients.py": CLIENTS})
    # bare: no try; retried: the handler calls the same server; backup: its own call at 39 is bare.
    assert run.at(MISSING) == [("clients.py", 5), ("clients.py", 6), ("clients.py", 8)]
    assert run.message(MISSING, "clients.py", 5) == (
        "bare is an OpenAI-compatible client on self-hosted vllm; its call(s) at line 20 have no except path "
        "that calls another model: when the server is down, they fail")
    assert "at line 39 have" in run.message(MISSING, "clients.py", 8)  # not 16: that call is the fallback


def test_every_unguarded_call_of_a_client_is_listed(tmp_path: Path) -> None:
    run = _check(tmp_path, {"clients.py": """\
        from openai import OpenAI

        llm = OpenAI(base_url="http://vllm:8000/v1")


        def ask(messages):
            return llm.chat.completions.create(model="llama", messages=messages)


        def summarize(messages):
            return llm.chat.completions.create(model="llama", messages=messages)
        """})
    assert "its call(s) at line 7, 11 have no except path" in run.message(MISSING, "clients.py", 3)


def test_unguarded_calls_helper() -> None:
    module = extract_python("bot.py", dedent("""\
        class Bot:
            def ask(self, messages):
                try:
                    return self.client.chat.completions.create(messages=messages)
                except Exception:
                    return self.backup.messages.create(messages=messages)

            def stream(self, messages):
                return self.client.chat.completions.with_raw_response.create(messages=messages)
        """).encode())
    assert unguarded_calls(module, "self.client") == [9]
    assert unguarded_calls(module, "self.backup") == []  # called only as the fallback


# -- documented examples and the fixture ----------------------------------------------------------

def _examples(kind: str) -> list[tuple[str, dict[str, str]]]:
    out = []
    for rule in (MISSING, LEAVES_REGION):
        for example in rule_docs()[rule].examples.get(kind, []):
            out.append((rule, example["files"]))
    return out


def test_every_rule_documents_two_examples_each_way() -> None:
    for rule in (MISSING, LEAVES_REGION):
        examples = rule_docs()[rule].examples
        assert len(examples["invalid"]) >= 2 and len(examples["valid"]) >= 2, rule


@pytest.mark.parametrize("rule,files", _examples("invalid"), ids=lambda v: v if isinstance(v, str) else "")
def test_invalid_examples_are_reported(tmp_path: Path, rule: str, files: dict[str, str]) -> None:
    assert _check(tmp_path, files).at(rule), f"{rule}: no finding for {sorted(files)}"


@pytest.mark.parametrize("rule,files", _examples("valid"), ids=lambda v: v if isinstance(v, str) else "")
def test_valid_examples_are_clean(tmp_path: Path, rule: str, files: dict[str, str]) -> None:
    assert _check(tmp_path, files).at(rule) == []


def test_fixture_fallback_annotations() -> None:
    """The fixture's fallback/* annotations, checked on the Fallback check alone (test_fixtures.py
    checks every rule once api.scan runs this check)."""
    root = FIXTURES / "fallback-selfhosted"
    expected = [a for a in annotations(root) if a.rule.startswith("fallback/")]
    assert expected
    run = _check_tree(root)
    problems = compare(expected, {(f.path, f.line, f.rule) for f in run.findings})
    assert not problems, "\n".join(problems)


def test_langchain_model_classes_come_from_the_catalog() -> None:
    """Chat models and LLMs of langchain / langchain_* modules (a Chat* class, or a sink with
    a name in a chat_models / llms module) are models; embeddings, hub calls and other
    libraries' model classes are not."""
    from flowscan.catalog import bundled_catalog
    from flowscan.checks.fallback import _langchain_classes

    _langchain_classes.cache_clear()  # built from the catalog on first use
    classes = _langchain_classes()
    models = {"langchain_deepseek.ChatDeepSeek", "langchain_fireworks.Fireworks", "langchain_fireworks.llms.Fireworks",
              "langchain.chat_models.AzureChatOpenAI", "langchain_community.llms.Ollama"}
    others = {"langchain_fireworks.FireworksEmbeddings", "langchain.hub.pull", "llama_index.llms.anthropic.Anthropic"}
    assert (models | others) <= set(bundled_catalog().sinks)
    assert models <= classes and not others & classes


def test_a_chat_class_is_a_model_in_any_module() -> None:
    """A catalog entry may name a Chat* class in a deeper module (LangChain's
    ``from langchain_google_vertexai.model_garden import ChatAnthropicVertex``)."""
    from flowscan.checks.fallback import _is_model_name

    assert _is_model_name("langchain_google_vertexai.model_garden.ChatAnthropicVertex")
    assert not _is_model_name("langchain_google_vertexai.vectorstores.VectorSearchVectorStore")
