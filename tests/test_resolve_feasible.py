"""A return under a test that the call's own literal arguments decide against is not a value
of that call; a test of a value the environment or a settings file gives is never decided (it
is a switch of reach, per deployment)."""

from __future__ import annotations

from pathlib import Path

from .conftest import endpoints_by_line

SECRETS = '''\
    import os

    import boto3
    import requests


    def get_secret(secret_name, default_value=None):
        if secret_name.startswith("os.environ/"):
            secret_name = secret_name.replace("os.environ/", "")
        if secret_name.startswith("oidc/"):
            if secret_name.split("/")[1] == "circleci":
                return os.getenv("CIRCLE_OIDC_TOKEN")
            return open("/var/run/token").read()
        return os.environ.get(secret_name, default_value)


    def base_url(mode):
        if mode == "dev":
            return "http://localhost:8080"
        elif mode in ("eu", "eu-west"):
            return "https://api.eu.example.com"
        return "https://api.us.example.com"


    boto3.client("bedrock-runtime", region_name=get_secret("AWS_REGION_NAME", "eu-central-1"))
    boto3.client("s3", region_name=get_secret("os.environ/S3_REGION", "eu-west-3"))
    requests.get(base_url("eu"))
    requests.get(base_url(os.getenv("MODE", "dev")))
'''


def _hosts(found: dict, line: int) -> list[str]:
    return sorted(e.host or "?" for e in found[line])


def test_returns_the_literal_arguments_rule_out_are_not_values(tmp_path: Path) -> None:
    found = endpoints_by_line(tmp_path, SECRETS)
    assert _hosts(found, 25) == ["bedrock-runtime.eu-central-1.amazonaws.com"]  # no OIDC token as a region
    assert _hosts(found, 26) == ["s3.eu-west-3.amazonaws.com"]  # after the prefix is replaced
    assert _hosts(found, 27) == ["api.eu.example.com"]  # the elif returns for "eu": the fall-through return is ruled out


def test_a_value_the_environment_gives_decides_nothing(tmp_path: Path) -> None:
    found = endpoints_by_line(tmp_path, SECRETS)
    assert _hosts(found, 28) == ["api.eu.example.com", "api.us.example.com", "localhost"]
