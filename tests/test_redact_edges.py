"""Redaction edge cases the pre-checks of ``redact`` must not skip, and ``userinfo_secrets``
(the credential of a URL, masked wherever its literal appears in provenance)."""

from __future__ import annotations

import pytest

from flowscan.redact import MASK, redact, userinfo_secrets


def test_yaml_and_json_style_secrets_without_equals_are_masked() -> None:
    """``key: "value"`` holds a colon but no ``=``: the assigned-secret pattern must still run."""
    assert redact('{"api_key": "s3cr3t-value"}') == '{"api_key": "***"}'
    assert redact('password: "hunter22"') == 'password: "***"'


def test_single_quoted_secrets_are_masked() -> None:
    assert redact("token = 'abcd1234'") == "token = '***'"
    assert redact("db_password: 'hunter22'") == "db_password: '***'"


def test_a_text_holding_every_key_prefix_still_masks_its_key() -> None:
    """The key pre-check asks whether *any* prefix occurs, never whether all do."""
    text = "prefixes sk- gsk_ hf_ xox AKIA AIza ghp_ phc_ pk-lf- then sk-abcdefghijklmnopqrstuvwx"
    assert redact(text) == "prefixes sk- gsk_ hf_ xox AKIA AIza ghp_ phc_ pk-lf- then ***"


@pytest.mark.parametrize("url, expected", [
    ("postgresql://app:hunter2@db.internal:5432/app", ["hunter2"]),  # the password, not the user
    ("https://abc123def456@o1.ingest.sentry.io/42", ["abc123def456"]),  # a DSN key: the user part
    ("  redis://:s3cr3t@cache:6379/0  ", ["s3cr3t"]),  # surrounding blanks are ignored
    ("https://u:pa:ss99@host/x", ["pa:ss99"]),  # the password runs to the '@', colons included
    ("https://abcd@host/x", ["abcd"]),  # four characters: long enough to mask
    ("https://abc@host/x", []),  # shorter ones would mask unrelated text
    ("https://user:abc@host/x", []),
    ("https://host/path?q=1", []),  # no userinfo
    ("see https://app:hunter2@db/x", []),  # only a URL at the start of the value counts
])
def test_userinfo_secrets(url: str, expected: list[str]) -> None:
    assert userinfo_secrets(url) == expected


def test_masked_userinfo_is_idempotent_and_keeps_the_host() -> None:
    masked = redact("mysql://root:toor1234@mysql.eu.example.com/db")
    assert masked == f"mysql://{MASK}@mysql.eu.example.com/db"
    assert redact(masked) == masked
