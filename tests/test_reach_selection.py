"""Opt-in by selection: the outbound calls in the methods of a class that a setting picks out
of several (a registry dict looked up by the setting, a factory returning the class under a
test of it, an instantiation under such a test) are reached only when the setting names the
class; any other use of the class keeps them default."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan


def _reach(tmp_path: Path, files: dict[str, str], **env: str) -> dict[str | None, tuple[str, list[tuple[str, str, str]]]]:
    for name, source in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(source))
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None, env=env)).report
    return {e.host: (e.reach, sorted({(s.setting, s.condition, s.shipped) for s in e.switches})) for e in report.endpoints}


_SCRAPERS = '''\
    import os
    import requests

    SCRAPER = os.getenv("SCRAPER", "jina")


    class JinaReader:
        def __init__(self, url):
            self.url = url

        def scrape(self):
            return requests.get("https://r.jina.ai/" + self.url).text


    class FirecrawlScraper:
        def __init__(self, url):
            self.url = url

        def scrape(self):
            return requests.post("https://api.firecrawl.dev/v1/scrape", json={"url": self.url}).json()


    SCRAPERS = {"jina": JinaReader, "firecrawl": FirecrawlScraper}


    def scrape(url):
        return SCRAPERS.get(SCRAPER)(url).scrape()
'''


def test_a_registry_entry_is_opt_in_unless_the_shipped_setting_names_it(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"app/scrapers.py": _SCRAPERS})
    assert found["r.jina.ai"] == ("default", [])
    assert found["api.firecrawl.dev"] == ("opt-in", [("env:SCRAPER", "env:SCRAPER == 'firecrawl'", "'jina'")])


def test_a_deployment_that_sets_the_setting_reaches_the_entry_it_names(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"app/scrapers.py": _SCRAPERS}, SCRAPER="firecrawl")
    assert found["api.firecrawl.dev"] == ("default", [])
    assert found["r.jina.ai"][0] == "opt-in"


def test_a_factory_returning_the_class_under_a_test_selects_it_in_another_module(tmp_path: Path) -> None:
    found = _reach(tmp_path, {
        "app/__init__.py": "",
        "app/config.py": '''\
            import os

            RETRIEVER = os.environ.get("RETRIEVER", "tavily")
        ''',
        "app/retrievers/__init__.py": '''\
            from .google import GoogleSearch
            from .tavily import TavilySearch
        ''',
        "app/retrievers/google.py": '''\
            import requests


            class GoogleSearch:
                def __init__(self, query):
                    self.query = query

                def search(self):
                    return requests.get("https://www.googleapis.com/customsearch/v1", params={"q": self.query}).json()
        ''',
        "app/retrievers/tavily.py": '''\
            import requests


            class TavilySearch:
                def __init__(self, query):
                    self.query = query

                def search(self):
                    return requests.post("https://api.tavily.com/search", json={"query": self.query}).json()
        ''',
        "app/factory.py": '''\
            from app import config
            from app.retrievers import GoogleSearch, TavilySearch


            def retriever_class(name):
                if name == "google":
                    return GoogleSearch
                return TavilySearch


            def search(query):
                return retriever_class(config.RETRIEVER)(query).search()
        ''',
    })
    assert found["api.tavily.com"] == ("default", [])
    assert found["www.googleapis.com"] == ("opt-in", [("env:RETRIEVER", "env:RETRIEVER == 'google'", "'tavily'")])


def test_an_instantiation_under_a_failing_test_makes_every_method_opt_in(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"app/storage.py": '''\
        import os
        import boto3

        FILE_PROVIDER = os.getenv("FILE_PROVIDER", "postgres")


        class S3Files:
            def __init__(self, bucket):
                self.bucket = bucket

            def put(self, key, data):
                boto3.client("s3", region_name="eu-west-1").put_object(Bucket=self.bucket, Key=key, Body=data)


        def make_file_provider():
            if FILE_PROVIDER == "s3":
                return S3Files("uploads")
            return None
    '''})
    assert found["s3.eu-west-1.amazonaws.com"] == ("opt-in", [("env:FILE_PROVIDER", "env:FILE_PROVIDER == 's3'", "'postgres'")])


def test_any_other_use_of_the_class_keeps_its_calls_default(tmp_path: Path) -> None:
    source = _SCRAPERS + '''

    FALLBACK = FirecrawlScraper
'''
    found = _reach(tmp_path, {"app/scrapers.py": source})
    assert found["api.firecrawl.dev"] == ("default", [])


def test_a_registry_looked_up_by_a_run_time_value_says_nothing_about_reach(tmp_path: Path) -> None:
    source = _SCRAPERS.replace("return SCRAPERS.get(SCRAPER)(url).scrape()",
                               'return SCRAPERS["firecrawl" if url.endswith(".pdf") else "jina"](url).scrape()')
    found = _reach(tmp_path, {"app/scrapers.py": source})
    assert found["api.firecrawl.dev"] == ("default", [])


def test_a_setting_whose_shipped_value_is_not_known_makes_the_entry_unknown(tmp_path: Path) -> None:
    source = _SCRAPERS.replace('SCRAPER = os.getenv("SCRAPER", "jina")',
                               'SCRAPER = os.getenv("SCRAPER", open("scraper.txt").read())')
    found = _reach(tmp_path, {"app/scrapers.py": source})
    assert found["api.firecrawl.dev"][0] == "unknown"
    assert found["r.jina.ai"][0] == "unknown"


_PLUGINS = {
    "memkit/__init__.py": "",
    "memkit/llms/__init__.py": "",
    "memkit/llms/mistral_llm.py": '''\
        from mistralai import Mistral


        class MistralLLM:
            def __init__(self, config):
                self.client = Mistral(api_key=config.api_key)
    ''',
    "memkit/llms/anthropic_llm.py": '''\
        from anthropic import Anthropic


        class AnthropicLLM:
            def __init__(self, config):
                self.client = Anthropic()
    ''',
    "memkit/factory.py": '''\
        import importlib


        def load_class(class_type):
            module_path, class_name = class_type.rsplit(".", 1)
            return getattr(importlib.import_module(module_path), class_name)


        class LlmFactory:
            provider_to_class = {
                "mistral": ("memkit.llms.mistral_llm.MistralLLM", dict),
                "anthropic": ("memkit.llms.anthropic_llm.AnthropicLLM", dict),
            }

            @classmethod
            def create(cls, provider_name, config):
                class_type, _config_class = cls.provider_to_class[provider_name]
                return load_class(class_type)(config)
    ''',
    "memkit/memory.py": '''\
        import os

        from memkit.factory import LlmFactory


        class Memory:
            def __init__(self, config=None):
                self.llm = LlmFactory.create(os.environ.get("LLM_PROVIDER", "mistral"), config)
    ''',
}


def test_a_registry_of_dotted_class_paths_selects_like_one_of_classes(tmp_path: Path) -> None:
    """``"pkg.module.Class"`` strings in a class-level registry read as ``cls.registry[key]``
    and loaded with importlib: each class is reached only when the setting names its key."""
    found = _reach(tmp_path, _PLUGINS)
    assert found["api.mistral.ai"] == ("default", [])
    assert found["api.anthropic.com"] == ("opt-in", [("env:LLM_PROVIDER", "env:LLM_PROVIDER == 'anthropic'", "'mistral'")])


def test_a_dotted_class_path_passed_directly_is_a_use_by_default(tmp_path: Path) -> None:
    files = dict(_PLUGINS)
    files["memkit/direct.py"] = '''\
        from memkit.factory import load_class

        CLIENT = load_class("memkit.llms.anthropic_llm.AnthropicLLM")(None)
    '''
    assert _reach(tmp_path, files)["api.anthropic.com"] == ("default", [])
