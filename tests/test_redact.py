from hypothesis import given, strategies as st

from flowscan.redact import redact


def test_userinfo_in_urls_is_masked() -> None:
    assert redact("postgresql://app:hunter2@db.internal:5432/app") == "postgresql://***@db.internal:5432/app"
    assert redact("https://abc123@o1.ingest.de.sentry.io/42") == "https://***@o1.ingest.de.sentry.io/42"


def test_secret_query_parameters_and_key_shapes_are_masked() -> None:
    assert redact("https://x.io/v1?api_key=s3cr3t&q=1") == "https://x.io/v1?api_key=***&q=1"
    assert "sk-proj-" not in redact('OpenAI(api_key="sk-proj-abcdefghijklmnopqrstuvwx")')
    assert redact('client = X(password="p4ssw0rd!")') == 'client = X(password="***")'


def test_plain_urls_are_unchanged() -> None:
    assert redact("https://eu.api.openai.com/v1/chat") == "https://eu.api.openai.com/v1/chat"


@given(st.text())
def test_redaction_is_idempotent(text: str) -> None:
    once = redact(text)
    assert redact(once) == once
