"""A configuration class that fills its attributes by name from a defaults mapping
(``for key, value in config.items(): setattr(self, key.lower(), value)``): each attribute holds
its entry's value, which is the shipped value of a switch. The provider the defaults select is
reached by default; every other provider is opt-in, with the switch and its shipped value,
also when a part of the mapping (a JSON file a user points to) cannot be read."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

DEFAULTS = '''\
    DEFAULT_CONFIG = {
        "RETRIEVER": "tavily",
        "SCRAPER": "bs",
        "SMART_LLM": "openai:gpt-4.1",
        "EMBEDDING": "openai:text-embedding-3-small",
        "TEMPERATURE": 0.4,
    }
'''

CONFIG = '''\
    import json
    import os

    from .defaults import DEFAULT_CONFIG


    class Config:
        def __init__(self, config_path=None):
            config = self.load_config(config_path)
            self._set_attributes(config)
            self.smart_llm_provider, self.smart_llm_model = self.parse_llm(self.smart_llm)

        def _set_attributes(self, config):
            for key, value in config.items():
                setattr(self, key.lower(), os.getenv(key, value))

        @staticmethod
        def parse_llm(llm):
            provider, model = llm.split(":", 1)
            return provider, model

        @classmethod
        def load_config(cls, config_path):
            config_path = config_path or os.environ.get("CONFIG_PATH")
            if not config_path:
                return DEFAULT_CONFIG
            with open(config_path) as f:
                custom = json.load(f)
            merged = DEFAULT_CONFIG.copy()
            merged.update(custom)
            return merged
'''

PROVIDERS = '''\
    from anthropic import Anthropic
    from openai import OpenAI

    from .config import Config


    def chat_client(cfg: Config):
        provider = cfg.smart_llm_provider
        if provider == "openai":
            return OpenAI()
        elif provider == "anthropic":
            return Anthropic()
        raise ValueError(provider)


    client = chat_client(Config())
'''

SEARCH = '''\
    import requests

    from .config import Config

    cfg = Config()

    if cfg.retriever == "tavily":
        requests.post("https://api.tavily.com/search", json={})
    if cfg.retriever == "serper":
        requests.post("https://google.serper.dev/search", json={})
'''


SCRAPERS = '''\
    import requests

    from .config import Config


    class BeautifulSoupScraper:
        def __init__(self, link):
            self.link = link

        def scrape(self):
            return requests.get(self.link)


    class FirecrawlScraper:
        def __init__(self, link):
            self.link = link

        def scrape(self):
            return requests.post("https://api.firecrawl.dev/v1/scrape", json={"url": self.link})


    SCRAPERS = {"bs": BeautifulSoupScraper, "firecrawl": FirecrawlScraper}


    def scrape(link):
        cfg = Config()
        return SCRAPERS[cfg.scraper](link).scrape()
'''


def _scan(root: Path, files: dict[str, str]) -> dict[str | None, Endpoint]:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    return {e.host: e for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory: pytest.TempPathFactory) -> dict[str | None, Endpoint]:
    return _scan(tmp_path_factory.mktemp("setattr"), {
        "app/__init__.py": "", "app/defaults.py": DEFAULTS, "app/config.py": CONFIG,
        "app/providers.py": PROVIDERS, "app/search.py": SEARCH,
        "app/scrapers.py": SCRAPERS})


def test_the_provider_the_defaults_mapping_selects_is_reached_by_default(endpoints) -> None:
    assert endpoints["api.openai.com"].reach == "default"
    assert endpoints["api.tavily.com"].reach == "default"


def test_a_provider_the_defaults_do_not_select_is_opt_in_with_the_switch(endpoints) -> None:
    anthropic = endpoints["api.anthropic.com"]
    assert anthropic.reach == "opt-in"
    failing = [s for s in anthropic.switches if s.taken is False]
    assert {(s.path, s.line) for s in failing} == {("app/providers.py", 9), ("app/providers.py", 11)}
    assert all(s.setting == "env:SMART_LLM" and "'openai'" in s.shipped for s in failing)
    assert any(s.condition == "env:SMART_LLM == 'anthropic'" for s in failing)


def test_a_search_api_the_defaults_do_not_select_is_opt_in(endpoints) -> None:
    serper = endpoints["google.serper.dev"]
    assert serper.reach == "opt-in"
    assert any("'tavily'" in s.shipped for s in serper.switches)


def test_a_class_a_registry_keyed_by_a_mapping_value_does_not_name_is_opt_in(endpoints) -> None:
    """The user's JSON config may name another scraper; the shipped one is "bs"."""
    firecrawl = endpoints["api.firecrawl.dev"]
    assert firecrawl.reach == "opt-in"
    assert any(s.condition.endswith("== 'firecrawl'") and "'bs'" in s.shipped for s in firecrawl.switches)


UNREADABLE = '''\
    import json
    import os

    import requests

    DEFAULTS = {"TRACING": "off"}


    class Settings:
        def __init__(self, extra):
            for key, value in DEFAULTS.items():
                setattr(self, key.lower(), value)
            for key, value in json.loads(extra).items():
                setattr(self, key, value)


    settings = Settings(os.environ.get("EXTRA_SETTINGS", "{}"))
    if settings.mode == "cloud":
        requests.post("https://cloud.example.com/v1/events")
    if settings.tracing == "on":
        requests.post("https://traces.example.com/v1")
'''


def test_a_mapping_the_analysis_cannot_read_may_set_any_attribute(tmp_path: Path) -> None:
    """Fail closed: an attribute only an unreadable mapping may set is not known (the call is
    kept, its reach unknown); one the readable defaults set to a value that does not select
    the call is opt-in."""
    found = _scan(tmp_path, {"app.py": UNREADABLE})
    assert found["cloud.example.com"].reach == "unknown"
    assert found["traces.example.com"].reach == "opt-in"  # its shipped value "off" does not select it

