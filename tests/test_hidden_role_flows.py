"""Values written in files of a role the report does not show (tests, examples, scripts) do not
flow into the shown code: a test's caller, env write, SDK setting or instantiation is not what
the shipped application does. With ``--include`` that role's values flow again (its endpoints
are reported), but the reach of production calls stays that of the shipped program
(``Program.runs``): a test instantiating a class does not make the shipped app run it."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan

APP = {
    "pyproject.toml": '[project]\nname = "trace-bot"\n[tool.setuptools]\npackages = ["trace_bot"]\n',
    "trace_bot/__init__.py": "",
    "trace_bot/export.py": (
        "import requests\n\n\n"
        "def export_spans(collector_url, spans):\n"
        "    return requests.post(collector_url, json=spans, timeout=10)\n"
    ),
    "trace_bot/llm.py": (
        "from openai import OpenAI\n\n\n"
        "def answer(question):\n"
        "    client = OpenAI()\n"
        "    return client.chat.completions.create(model='gpt-4o-mini', messages=[{'role': 'user', 'content': question}])\n"
    ),
    "trace_bot/vendor.py": (
        "import requests\n\n\n"
        "class StatusPage:\n"
        "    def __init__(self, url='https://status.example-vendor.io/api'):\n"
        "        self.url = url\n\n"
        "    def check(self):\n"
        "        return requests.get(self.url, timeout=5)\n"
    ),
    "tests/test_export.py": (
        "import os\n\n"
        "from trace_bot.export import export_spans\n"
        "from trace_bot.vendor import StatusPage\n\n"
        "os.environ['OPENAI_BASE_URL'] = 'https://llm-mock.internal.test-lab.io/v1'\n\n\n"
        "def test_export_posts(requests_mock):\n"
        "    export_spans('https://collector.staging-traces.io/v1/traces', [])\n\n\n"
        "def test_status():\n"
        "    StatusPage().check()\n"
    ),
}


def _tree(root: Path) -> Path:
    for rel, text in APP.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _endpoints(root: Path, *include: str) -> dict[str | None, str]:
    report = scan(root, ScanOptions(jobs=1, cache_dir=None, include=include)).report
    return {e.host: e.reach for e in report.endpoints}


def test_a_test_file_feeds_no_value_into_the_shipped_code(tmp_path: Path) -> None:
    shown = _endpoints(_tree(tmp_path))
    assert "collector.staging-traces.io" not in shown  # only a test calls export_spans with it
    assert "llm-mock.internal.test-lab.io" not in shown  # only a test sets OPENAI_BASE_URL
    assert shown["api.openai.com"] == "default"  # the shipped app's own default, unset in production
    assert None in shown  # export_spans's URL is the caller's: reported, not dropped
    # only a test instantiates StatusPage: for the shipped app it is developer code
    assert shown["status.example-vendor.io"] == "opt-in"


def test_included_tests_are_part_of_the_program(tmp_path: Path) -> None:
    shown = _endpoints(_tree(tmp_path), "test")
    assert "collector.staging-traces.io" in shown and "llm-mock.internal.test-lab.io" in shown
    # a test instantiating StatusPage is still not the shipped app doing so
    assert shown["status.example-vendor.io"] == "opt-in"
