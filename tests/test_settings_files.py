"""Settings files the code loads (``yaml.safe_load(open(...))``, ``OmegaConf.load(...)``): their
values reach the calls that read them, env placeholders per context, with the settings line."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.python.settings import Placeholder, placeholders


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(dedent(text))
    return root


SETTINGS = """\
    llm:
      base_url: ${LLM_BASE_URL:https://api.openai.com/v1}
    search:
      url: "${oc.env:SEARCH_URL,https://api.tavily.com}"
    proxy:
      api_base: os.environ/PROXY_BASE
    telemetry:
      dsn: https://key@o1.ingest.de.sentry.io/2
"""

CODE = """\
    import os
    import requests
    import sentry_sdk
    import yaml
    from omegaconf import OmegaConf
    from openai import OpenAI

    with open("settings.yaml") as fh:
        CFG = yaml.safe_load(fh)
    CONF = OmegaConf.load(os.path.join(os.path.dirname(__file__), "..", "settings.yaml"))

    llm = OpenAI(base_url=CFG["llm"]["base_url"])
    sentry_sdk.init(dsn=CONF.telemetry.dsn)
    requests.get(CFG.get("search", {}).get("url"))
    requests.get(CFG["proxy"]["api_base"])
"""


def _endpoints(root: Path, env: dict[str, str] | None = None) -> dict[str, list]:
    report = scan(root, ScanOptions(jobs=1, cache_dir=None, env=env or {})).report
    out: dict[str, list] = {}
    for endpoint in report.endpoints:
        out.setdefault(endpoint.host or "?", []).append(endpoint)
    return out


def test_values_flow_from_the_settings_file_with_its_line(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"settings.yaml": SETTINGS, "app/main.py": CODE})
    found = _endpoints(root)
    assert set(found) >= {"api.openai.com", "api.tavily.com", "o1.ingest.de.sentry.io"}
    steps = [(s.path, s.line) for s in found["api.openai.com"][0].provenance]
    assert ("settings.yaml", 2) in steps and ("app/main.py", 12) in steps
    sentry = [(s.path, s.line) for s in found["o1.ingest.de.sentry.io"][0].provenance]
    assert ("settings.yaml", 8) in sentry  # OmegaConf.load through os.path.join(dirname(__file__), "..")
    unset = [e for e in found.get("?", []) if any("PROXY_BASE" in u for u in e.unresolved)]
    assert unset, "os.environ/PROXY_BASE with no value anywhere is a hole named after the variable"


def test_placeholders_take_the_context_value(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"settings.yaml": SETTINGS, "app/main.py": CODE})
    found = _endpoints(root, {"LLM_BASE_URL": "http://vllm.internal:8000/v1", "PROXY_BASE": "https://eu.api.openai.com"})
    assert "vllm.internal" in found and "api.openai.com" not in found
    assert "eu.api.openai.com" in found


def test_a_settings_file_is_parsed_once_and_counts_as_analysed(tmp_path: Path) -> None:
    root = _tree(tmp_path, {"settings.yaml": SETTINGS, "app/main.py": CODE})
    result = scan(root, ScanOptions(jobs=1, cache_dir=None))
    assert result.stats.parse_counts["settings.yaml"] == 1
    assert "settings.yaml" in result.report.coverage.files_analyzed
    assert "settings.yaml" not in [s.path for s in result.report.coverage.files_skipped]


def test_a_file_outside_the_tree_is_a_hole_not_a_guess(tmp_path: Path) -> None:
    code = CODE.replace('open("settings.yaml")', 'open("/etc/ragbot/settings.yaml")')
    root = _tree(tmp_path, {"settings.yaml": SETTINGS, "app/main.py": code})
    found = _endpoints(root)
    assert "api.openai.com" not in found  # neither the tree's settings.yaml nor the SDK default
    holes = [u for e in found.get("?", []) for u in e.unresolved]
    assert any("/etc/ragbot/settings.yaml" in u for u in holes), holes


def test_a_settings_mapping_passed_as_keyword_arguments_gives_its_keys(tmp_path: Path) -> None:
    """``OpenAI(**cfg["llm"])``: the client takes ``base_url`` from the mapping."""
    code = """\
        import yaml
        from openai import OpenAI

        with open("settings.yaml") as fh:
            CFG = yaml.safe_load(fh)

        llm = OpenAI(**CFG["llm"])
    """
    root = _tree(tmp_path, {"settings.yaml": "llm:\n  base_url: https://llm.example.com/v1\n  model: llama\n",
                            "app.py": code})
    (endpoint,) = _endpoints(root)["llm.example.com"]
    assert ("settings.yaml", 2) in [(s.path, s.line) for s in endpoint.provenance]


def test_client_options_from_a_settings_file_give_the_api_endpoint(tmp_path: Path) -> None:
    """``client_options=CFG["documentai"]``: the SDK reads ``api_endpoint`` from that mapping."""
    code = """\
        import yaml
        from google.cloud import documentai

        with open("settings.yaml") as fh:
            CFG = yaml.safe_load(fh)

        client = documentai.DocumentProcessorServiceClient(client_options=CFG["documentai"])
    """
    settings = "documentai:\n  api_endpoint: eu-documentai.googleapis.com\n"
    root = _tree(tmp_path, {"settings.yaml": settings, "app.py": code})
    (endpoint,) = _endpoints(root)["eu-documentai.googleapis.com"]
    assert ("settings.yaml", 2) in [(s.path, s.line) for s in endpoint.provenance]


def test_a_key_the_settings_file_lacks_leaves_the_sdk_default_and_says_so(tmp_path: Path) -> None:
    code = """\
        import yaml
        from openai import OpenAI

        with open("settings.yaml") as fh:
            CFG = yaml.safe_load(fh)

        search = OpenAI(base_url=CFG["search"]["base_url"])
    """
    root = _tree(tmp_path, {"settings.yaml": "llm:\n  model: llama\nsearch:\n  index: docs\n", "app.py": code})
    (endpoint,) = _endpoints(root)["api.openai.com"]
    assert [str(s) for s in endpoint.provenance][0] == "settings.yaml:4 no key base_url"


def test_a_settings_file_named_after_the_module_cites_its___file__(tmp_path: Path) -> None:
    code = """\
        import yaml
        from openai import OpenAI

        CFG = yaml.safe_load(open(__file__.replace(".py", ".yaml")))
        llm = OpenAI(base_url=CFG["base_url"])
    """
    root = _tree(tmp_path, {"app/llm.py": code, "app/llm.yaml": "base_url: https://llm.example.com/v1\n"})
    (endpoint,) = _endpoints(root)["llm.example.com"]
    assert [str(s) for s in endpoint.provenance][:3] == [
        "app/llm.py:4 __file__", "app/llm.py:4 yaml.safe_load(app/llm.yaml)", "app/llm.yaml:1 base_url: https://llm.example.com/v1"]


@pytest.mark.parametrize(("text", "expected"), [
    ("${A}", [Placeholder(0, 4, "A", None)]),
    ("x-${A:d}-y", [Placeholder(2, 8, "A", "d")]),
    ("${A:-https://h}", [Placeholder(0, 15, "A", "https://h")]),
    ("${oc.env:B,http://q:6333}", [Placeholder(0, 25, "B", "http://q:6333")]),
    ("os.environ/C", [Placeholder(0, 12, "C", None)]),
    ("plain", []),
])
def test_placeholder_forms(text: str, expected: list[Placeholder]) -> None:
    assert placeholders(text) == expected


def test_toml_settings_with_tables_and_arrays_of_tables(tmp_path: Path) -> None:
    root = _tree(tmp_path, {
        "conf/app.toml": """\
            [llm]
            # the model gateway
            base_url = "${LLM_BASE_URL:https://api.anthropic.com}"

            [[search.backends]]
            url = "https://api.tavily.com/search"

            [[search.backends]]
            url = "https://api.search.brave.com/res/v1/web/search"
        """,
        "svc/run.py": """\
            import tomllib
            from pathlib import Path

            import anthropic
            import requests

            CONF = tomllib.loads(Path("conf/app.toml").read_text())
            client = anthropic.Anthropic(base_url=CONF["llm"]["base_url"])
            requests.get(CONF["search"]["backends"][1]["url"])
        """,
    })
    found = _endpoints(root)
    assert {"api.anthropic.com", "api.search.brave.com"} <= set(found)
    assert ("conf/app.toml", 3) in [(s.path, s.line) for s in found["api.anthropic.com"][0].provenance]
    assert ("conf/app.toml", 9) in [(s.path, s.line) for s in found["api.search.brave.com"][0].provenance]
    assert "api.tavily.com" not in found  # item 0 is not the one read
