"""Opt-in through stored functions: a function appended to a strategy list, put in a tuple or
dict, or passed as a callback under a configuration test runs only when that test holds; any
reference flowscan cannot place keeps the current answer."""

from __future__ import annotations

from pathlib import Path

from tests.test_reach_selection import _reach


_ENGINES = '''\
    import os

    import requests

    SERPER_API_KEY = os.getenv("SERPER_API_KEY")
    FIRECRAWL_API_KEY = os.getenv("FIRECRAWL_API_KEY")


    def search_with_serper(query):
        return requests.post("https://google.serper.dev/search", json={"q": query}).json()


    def search_with_firecrawl(query):
        return requests.post("https://api.firecrawl.dev/v1/search", json={"query": query}).json()


    def search_with_searxng(query):
        return requests.get("https://searx.example.org/search", params={"q": query}).json()
'''

_SEARCH = '''\
    from app.engines import (
        FIRECRAWL_API_KEY,
        SERPER_API_KEY,
        search_with_firecrawl,
        search_with_searxng,
        search_with_serper,
    )


    def search(query):
        engines = []
        if SERPER_API_KEY:
            engines.append(("Serper", search_with_serper))
        if FIRECRAWL_API_KEY:
            engines.append(("Firecrawl", search_with_firecrawl))
        engines.append(("Searxng", search_with_searxng))
        for name, engine in engines:
            found = engine(query)
            if found:
                return found
'''


def test_a_function_appended_under_an_env_key_is_opt_in_across_modules(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"app/__init__.py": "", "app/engines.py": _ENGINES, "app/search.py": _SEARCH})
    assert found["google.serper.dev"] == ("opt-in", [("env:SERPER_API_KEY", "env:SERPER_API_KEY is set and not false", "unset")])
    assert found["api.firecrawl.dev"][0] == "opt-in"
    assert found["searx.example.org"] == ("default", [])


def test_a_deployment_setting_the_key_reaches_the_stored_function(tmp_path: Path) -> None:
    found = _reach(tmp_path, {"app/__init__.py": "", "app/engines.py": _ENGINES, "app/search.py": _SEARCH},
                   SERPER_API_KEY="k")
    assert found["google.serper.dev"] == ("default", [])
    assert found["api.firecrawl.dev"][0] == "opt-in"


def test_a_reference_outside_a_test_keeps_it_default(tmp_path: Path) -> None:
    search = _SEARCH + '''\

    FALLBACK = search_with_serper
'''
    found = _reach(tmp_path, {"app/__init__.py": "", "app/engines.py": _ENGINES, "app/search.py": search})
    assert found["google.serper.dev"] == ("default", [])
    assert found["api.firecrawl.dev"][0] == "opt-in"


def test_a_name_flowscan_cannot_place_keeps_it_default(tmp_path: Path) -> None:
    for extra in ('\n    ENGINE = getattr(engines, "search_with_serper")\n',
                  '\n    __all__ = ["search_with_serper"]\n'):
        search = _SEARCH + extra
        found = _reach(tmp_path, {"app/__init__.py": "", "app/engines.py": _ENGINES, "app/search.py": search})
        assert found["google.serper.dev"] == ("default", []), extra
        assert found["api.firecrawl.dev"][0] == "opt-in"


def test_a_decorated_function_keeps_it_default(tmp_path: Path) -> None:
    engines = _ENGINES.replace("    def search_with_serper", "    @register\n    def search_with_serper")
    engines = engines.replace("import requests\n", "import requests\n\n    from app.registry import register\n")
    found = _reach(tmp_path, {"app/__init__.py": "", "app/registry.py": "def register(f):\n    return f\n",
                              "app/engines.py": engines, "app/search.py": _SEARCH})
    assert found["google.serper.dev"] == ("default", [])


def test_a_callback_passed_under_a_provider_switch_is_opt_in(tmp_path: Path) -> None:
    source = '''\
        import os

        import requests

        PROVIDER = os.getenv("TTS_PROVIDER", "local")


        def speak_with_elevenlabs(text):
            return requests.post("https://api.elevenlabs.io/v1/text-to-speech", json={"text": text})


        def speak_locally(text):
            return None


        def run(text, schedule):
            if PROVIDER == "elevenlabs":
                schedule(callback=speak_with_elevenlabs, text=text)
            else:
                schedule(callback=speak_locally, text=text)
    '''
    found = _reach(tmp_path, {"tts.py": source})
    assert found["api.elevenlabs.io"] == ("opt-in", [("env:TTS_PROVIDER", "env:TTS_PROVIDER == 'elevenlabs'", "'local'")])
