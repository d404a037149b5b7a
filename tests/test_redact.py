from hypothesis import given
from hypothesis import strategies as st

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


def test_webhooks_and_token_shapes_are_masked() -> None:
    assert redact("https://hooks.slack.com/services/T000/B000/XXXX") == "https://hooks.slack.com/services/***"
    assert redact("token hf_abcdefghijklmnopqrstuvwx here") == "token *** here"
    assert redact("AKIAABCDEFGHIJKLMNOP") == "***"


def _every_pattern(text: str) -> str:
    """The redaction without its cheap pre-checks: what ``redact`` must equal."""
    from flowscan import redact as r

    text = r._USERINFO.sub(lambda m: f"{m.group('scheme')}{r.MASK}@", text)
    text = r._SECRET_QUERY.sub(lambda m: f"{m.group('key')}{r.MASK}", text)
    text = r._CONNECTION_SECRET.sub(lambda m: f"{m.group('key')}{r.MASK}", text)
    text = r._WEBHOOK.sub(lambda m: f"{m.group('keep')}{r.MASK}", text)
    text = r._KEY_LIKE.sub(r.MASK, text)
    text = r._ASSIGNED_SECRET.sub(lambda m: f"{m.group('key')}{m.group('q')}{r.MASK}{m.group('q')}", text)
    text = r._GETENV_DEFAULT.sub(lambda m: f"{m.group('key')}{m.group('q')}{r.MASK}{m.group('q')}", text)
    text = r._JWT.sub(r.MASK, text)
    text = r._BEARER.sub(lambda m: f"{m.group('key')}{r.MASK}", text)
    return r._UNQUOTED_SECRET.sub(lambda m: f"{m.group('key')}{r.MASK}", text)


_FRAGMENTS = ["https://", "user:pw", "@", "?", "&", "api_key", "token", "=", ":", '"', "'", "abcd1234efgh5678ijkl",
              ";", "AccountKey", "SharedAccessKey", "Password",
              "hooks.slack.com/services/", "discord.com/api/webhooks/", "sk-", "sk-proj-", "gsk_", "hf_", "xoxb-",
              "AKIA", "AIza", "ghp_", "phc_", "pk-lf-", "sk-lf-", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", " ", "/", ".",
              "getenv(", "Bearer ", "basic ", "eyJhbGciOi.eyJzdWIiOi.sig", "eyJhbGciOi", "'X_KEY'", ",", "x-api-key",
              "-", "(", ")", "$", "secret"]


@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=12).map("".join))
def test_pre_checks_never_skip_a_match(text: str) -> None:
    assert redact(text) == _every_pattern(text)


def test_connection_string_keys_are_masked() -> None:
    storage = "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=abcd1234EFGH==;EndpointSuffix=core.windows.net"
    assert redact(storage) == "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=***;EndpointSuffix=core.windows.net"
    bus = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=abc123XYZ="
    assert redact(bus) == "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=root;SharedAccessKey=***"
    assert redact("Server=db;Database=app;User Id=app;Password=hunter22;") == "Server=db;Database=app;User Id=app;Password=***;"
    assert redact("InstrumentationKey=0000;IngestionEndpoint=https://x/") == "InstrumentationKey=0000;IngestionEndpoint=https://x/"


def test_headers_bearer_tokens_jwts_and_getenv_defaults_are_masked() -> None:
    assert redact('headers={"x-api-key": "abcd1234secret"}') == 'headers={"x-api-key": "***"}'
    assert redact("Authorization: Bearer abcdefghijk123") == "Authorization: Bearer ***"
    assert redact('os.getenv("OPENAI_API_KEY", "mykeyvalue")') == 'os.getenv("OPENAI_API_KEY", "***")'
    assert redact("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.abcdefghij") == "***"
    assert redact("api_key: plainvalue123") == "api_key: ***" and redact("AUTH_TOKEN=abc12345") == "AUTH_TOKEN=***"
    for kept in ("token_url: https://x.example.com/token", "secret_name: my-secret", "api_key: None",
                 "token expired", 'region = "eu-west-1"', "basic configuration"):
        assert redact(kept) == kept
