"""Code roles from folder and file names, and the policy's paths.roles over them."""

from __future__ import annotations

import pytest

from flowscan.policy import _glob_match
from flowscan.roles import RoleMap, conventional_role, shown_roles


@pytest.mark.parametrize(("path", "role"), [
    ("app/main.py", "production"),
    ("tests/test_api.py", "test"),
    ("src/app/tests/helpers.py", "test"),
    ("app/test_utils.py", "test"),
    ("app/utils_test.py", "test"),
    ("conftest.py", "test"),
    ("testing_utils.py", "production"),  # a name that merely starts with "test"
    ("examples/quickstart.py", "example"),
    ("docs/conf.py", "docs"),
    ("benchmarks/run.py", "benchmark"),
    ("evals/judge.py", "eval"),
    ("scripts/backfill.py", "script"),
    ("scripts/serve.sh", "production"),  # how the app is deployed, not a one-off script
    ("tests/k8s/deployment.yaml", "test"),
    ("deploy/k8s/deployment.yaml", "production"),
])
def test_conventions(path: str, role: str) -> None:
    assert conventional_role(path) == role


def test_policy_globs_win_in_the_order_written() -> None:
    roles = RoleMap({"production": ["scripts/serve_*.py"], "example": ["app/demo/**"]}, _glob_match)
    assert roles.role("scripts/serve_bot.py") == "production"
    assert roles.role("scripts/backfill.py") == "script"
    assert roles.role("app/demo/run.py") == "example"


def test_shown_roles() -> None:
    assert shown_roles(()) == {"production"}
    assert shown_roles(("test",)) == {"production", "test"}
    assert "docs" in shown_roles(("all",))
