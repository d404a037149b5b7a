"""What a project ships, from its packaging metadata, and the roles that follow from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.packaging import shipped_packages
from flowscan.roles import conventional_role


def _tree(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.mark.parametrize(("files", "expected"), [
    ({"pyproject.toml": '[project]\nname = "support-bot"\n', "support_bot/__init__.py": ""}, ("support_bot",)),
    ({"pyproject.toml": '[project]\nname = "support-bot"\n', "src/support_bot/__init__.py": ""}, ("src/support_bot",)),
    ({"pyproject.toml": '[tool.setuptools]\npackages = ["app", "app.agents"]\n[tool.setuptools.package-dir]\n"" = "src"\n',
      "src/app/__init__.py": "", "src/app/agents/__init__.py": ""}, ("src/app", "src/app/agents")),
    ({"pyproject.toml": '[tool.setuptools.packages.find]\nwhere = ["src"]\ninclude = ["bot*"]\n',
      "src/bot/__init__.py": "", "src/other/__init__.py": "", "src/notpkg/x.py": ""}, ("src/bot",)),
    ({"pyproject.toml": '[tool.poetry]\nname = "x"\npackages = [{include = "bot", from = "src"}]\n',
      "src/bot/__init__.py": ""}, ("src/bot",)),
    ({"pyproject.toml": '[tool.hatch.build.targets.wheel]\npackages = ["src/bot"]\n', "src/bot/__init__.py": ""},
     ("src/bot",)),
    ({"setup.cfg": "[options]\npackage_dir =\n    =src\npackages = find:\n\n[options.packages.find]\nwhere = src\n",
      "src/bot/__init__.py": "", "src/bot/tools/__init__.py": ""}, ("src/bot",)),
    ({"bot-1.0.dist-info/top_level.txt": "bot\n", "bot/__init__.py": ""}, ("bot",)),
    ({"bot-1.0.dist-info/RECORD": "bot/__init__.py,sha256=x,1\nbot-1.0.dist-info/METADATA,,\n", "bot/__init__.py": ""},
     ("bot",)),
    ({"services/api/pyproject.toml": '[project]\nname = "api"\n', "services/api/api/__init__.py": ""},
     ("services/api/api",)),
    ({"pyproject.toml": "not toml [", "bot/__init__.py": ""}, ()),
    ({"pyproject.toml": '[tool.setuptools]\npackages = ["../outside"]\n'}, ()),
])
def test_shipped_packages_come_from_the_metadata(tmp_path, files, expected) -> None:
    assert shipped_packages(_tree(tmp_path, files)) == expected


def test_in_a_shipped_package_only_test_conventions_apply() -> None:
    shipped = ("src/bot",)
    assert conventional_role("src/bot/tools/web_search.py", shipped) == "production"
    assert conventional_role("src/bot/examples/demo.py", shipped) == "production"
    assert conventional_role("src/bot/tests/test_llm.py", shipped) == "test"
    assert conventional_role("src/bot/test_utils.py", shipped) == "test"
    assert conventional_role("tools/release.py", shipped) == "script"  # not shipped: conventions as before
    assert conventional_role("src/bot/tools/web_search.py") == "script"


def test_an_agent_tool_in_the_shipped_package_is_in_the_default_inventory(tmp_path) -> None:
    app = _tree(tmp_path, {
        "pyproject.toml": '[project]\nname = "research-bot"\n',
        "research_bot/__init__.py": "",
        "research_bot/tools/__init__.py": "",
        "research_bot/tools/search.py": "import requests\n\ndef search(q):\n"
                                        "    return requests.get('https://api.tavily.com/search', params={'q': q})\n",
        "tools/bump_version.py": "import requests\nrequests.get('https://pypi.org/pypi/research-bot/json')\n",
    })
    report = scan(app, ScanOptions(jobs=1, cache_dir=None)).report
    assert {e.host for e in report.endpoints} == {"api.tavily.com"}
    assert report.coverage.roles["script"]["call_sites_hidden"] == 1
