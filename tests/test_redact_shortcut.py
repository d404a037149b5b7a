"""``redact`` skips the patterns for text holding none of the words they need (``_TRIGGER``)
and remembers its answers: both must give what every pattern run on the text gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowscan.redact import apply_patterns, redact

ROOT = Path(__file__).resolve().parent.parent

# One text per pattern, in the spellings that change it, including upper case.
SECRET_TEXTS = [
    "postgresql://APP:Hunter22@db.internal/app",
    "/v1?API_KEY=abcdef123", "/x?Sig=abcdef&x=1", "/x;code=abcdef", "/x?AUTH=abcdef",
    "Endpoint=x;SharedAccessSignature=abc123def",
    "DefaultEndpointsProtocol=https;AccountKey=abc123==;", "Server=x;PWD=hunter22;",
    "hooks.slack.com/services/T0/B0/XYZ", "discordapp.com/api/webhooks/1/abc",
    "sk-proj-abcdefghijklmnopqrstuv", "gsk_abcdefghijklmnopqrstuvwx", "hf_abcdefghijklmnopqrstuvwx",
    "xoxb-1234567890-abc", "AKIAABCDEFGHIJKLMNOP", "AIzaSyA1234567890abcdefghijklmnopqrstu",
    "ghp_abcdefghijklmnopqrstuvwxyz1234", "phc_abcdefghijklmnopqrstuvwx", "pk-lf-1234567890ab",
    "sk-lf-1234567890ab", 'OPENAI_API_KEY = "abcd1234"', 'Client_Secret: "abcd1234"', "PASSWORD: 'abcd1234'",
    'My_Credential = "abcd1234"', 'PRIVATE_KEY="abcd1234"', 'Authorization: "abcd1234"',
    'os.getenv("DB_PWD", "hunter22")', 'environ.get("X_TOKEN", "abcd")', 'env("MY_KEY", "abcd")',
    "eyJhbGciOi.eyJzdWIiOi.abcdef", "Authorization: Bearer abcdefghijkl", "BEARER abcdefghijkl",
    "--token=abcd1234", "API-KEY=abcd1234", "Passwd: abcd1234", "{apikey: abcd1234}",
]


@pytest.mark.parametrize("text", SECRET_TEXTS)
def test_each_pattern_still_masks_through_the_shortcut(text: str) -> None:
    assert apply_patterns(text) != text  # the example is one the patterns change
    assert redact(text) == apply_patterns(text)
    assert redact(text) == redact(text)  # the remembered answer is the same


def test_the_shortcut_changes_nothing_on_real_lines() -> None:
    """Every line of flowscan's own code, tests, rules and fixtures: the shortcut and the
    memo give what the patterns give."""
    lines = {line.strip() for folder in ("flowscan", "tests", "rules", "fixtures")
             for path in sorted((ROOT / folder).rglob("*")) if path.suffix in (".py", ".yaml", ".env", ".tf")
             for line in path.read_text(encoding="utf-8", errors="replace").splitlines()}
    lines |= set(SECRET_TEXTS)
    changed = [line for line in lines if apply_patterns(line) != line]
    assert len(changed) > 50  # the sample holds secrets to mask, not only harmless lines
    assert [line for line in lines if redact(line) != apply_patterns(line)] == []


def test_non_ascii_text_runs_every_pattern() -> None:
    """re's IGNORECASE folds the long s (ſ) into s and the Kelvin sign into k, which
    ``str.lower`` does not: such text skips the shortcut."""
    text = 'ſecret = "abcd1234"'
    assert apply_patterns(text) != text
    assert redact(text) == apply_patterns(text)
