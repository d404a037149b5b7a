"""``flowscan explain`` applies the same options as ``scan``: each test fails if its option
is ignored (the run with the option is compared with the run without it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from flowscan import __version__
from flowscan.cli import main

from .conftest import FIXTURES

ROLES_APP = str(FIXTURES / "roles-app")

APP_CODE = '''\
from openai import OpenAI

client = OpenAI()  # the SDK default: api.openai.com (US)
'''


@pytest.fixture()
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FLOWSCAN_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "app"
    root.mkdir()
    (root / "main.py").write_text(APP_CODE)
    return root


def _explain(*args: str):
    return CliRunner().invoke(main, ["explain", *args])


def test_allow_shows_the_finding_on_the_explained_endpoint(app: Path) -> None:
    plain = _explain("api.openai.com", str(app))
    assert plain.exit_code == 0 and "main.py" in plain.output
    assert "residency/region-not-allowed" not in plain.output
    assert "residency/region-not-allowed" in _explain("api.openai.com", str(app), "--allow", "eu").output


def test_policy_file_is_applied(app: Path, tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("residency:\n  allowed: [eu]\n")
    result = _explain("api.openai.com", str(app), "--policy", str(policy))
    assert result.exit_code == 0 and "residency/region-not-allowed" in result.output


def test_include_and_all_code_reach_endpoints_of_other_roles() -> None:
    """api.openai.com is called only from tests/ in the fixture."""
    hidden = _explain("api.openai.com", ROLES_APP)
    assert hidden.exit_code == 2 and "no endpoint" in hidden.output
    shown = _explain("api.openai.com", ROLES_APP, "--include", "test")
    assert shown.exit_code == 0 and "tests/test_llm.py" in shown.output
    every = _explain("api.openai.com", ROLES_APP, "--all-code")
    assert every.exit_code == 0 and "tests/test_llm.py" in every.output


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0 and __version__ in result.output
