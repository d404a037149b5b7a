"""Redact secrets (API keys, DSN keys, passwords in URLs, bearer tokens, JWTs, secret-named values) from
every string flowscan prints or caches."""

from __future__ import annotations

import re
from functools import lru_cache

_USERINFO = re.compile(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.-]*://)(?P<userinfo>[^/@\s\"'{}]+)@")
_SECRET_QUERY = re.compile(
    r"(?i)(?P<key>[?&;](?:api[_-]?key|apikey|key|token|access[_-]?token|secret|password|passwd|pwd|sig|signature|auth|code)=)[^&#;\s\"'`]+"
)
_CONNECTION_SECRET = re.compile(  # Azure storage / Service Bus / Cosmos connection strings, ODBC strings
    r"(?i)(?P<key>(?:^|[;\s\"'])(?:AccountKey|SharedAccessKey|SharedAccessSignature|Password|Pwd)=)[^;\s\"']+"
)
_WEBHOOK = re.compile(
    r"(?P<keep>hooks\.slack\.com/(?:services|workflows|triggers)/|discord(?:app)?\.com/api/webhooks/|outlook\.office\.com/webhook/)[^\s\"'}`]+"
)
_KEY_LIKE = re.compile(
    r"(?:sk-(?:proj-|ant-)?[A-Za-z0-9_\-]{16,}|gsk_[A-Za-z0-9]{20,}|hf_[A-Za-z0-9]{20,}|xox[abpr]-[A-Za-z0-9-]{10,}"
    r"|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_\-]{30,}|ghp_[A-Za-z0-9]{30,}|phc_[A-Za-z0-9]{20,}|pk-lf-[A-Za-z0-9-]{10,}|sk-lf-[A-Za-z0-9-]{10,})"
)
_ASSIGNED_SECRET = re.compile(
    r"(?i)(?P<key>\b[\w.-]*(?:api[_-]?key|apikey|secret|password|passwd|token|private_key|authorization|credential)[\w-]*\b[\"']?\s*[:=]\s*)(?P<q>[\"'])(?P<val>[^\"']{4,})(?P=q)"
)
_BEARER = re.compile(r"(?i)(?P<key>\bbearer\s+)[A-Za-z0-9._~+/=-]{8,}")
_JWT = re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*")
# A secret-named key given a bare value: YAML ``api_key: abc``, .env/HCL ``TOKEN=abc``, CLI ``--token abc``.
_UNQUOTED_SECRET = re.compile(
    r"(?i)(?P<key>(?:^|[\s{,(-])[\w.-]*(?:api[_-]?key|apikey|secret|password|passwd|token|private_key|authorization)"
    r"[\"']?\s*[:=]\s*)"
    r"(?P<val>(?![\"'*$\[{(]|os\.|None\b|null\b|true\b|false\b|bearer\b|basic\b|[a-z][a-z0-9+.-]*://)[^\s,;\"')}\]#]{4,})"
)
# getenv("SOMETHING_KEY", "default"): the default of a secret-named variable.
_GETENV_DEFAULT = re.compile(
    r"(?i)(?P<key>(?:getenv|environ\.get|os\.environ\.setdefault|env)\(\s*[\"'][\w.-]*(?:key|secret|password|passwd|token|pwd|credential)[\w.-]*[\"']\s*,\s*)"
    r"(?P<q>[\"'])(?P<val>[^\"']+)(?P=q)"
)
SECRET_NAME = re.compile(  # the name ends with the word: token_url and secret_name are not secrets
    r"(?i)(?:api[_-]?key|apikey|secret|passw(?:or)?d|\bpwd|token|private[_-]?key|credentials?|authorization|"
    r"^auth|access[_-]?key|signature)$"
)

MASK = "***"


# Every word or mark some match of a pattern above holds, lower-cased: text holding none of them
# (most source lines) cannot change. Each pattern's own words: _USERINFO "://"; _SECRET_QUERY
# and _CONNECTION_SECRET key/token/secret/passw/pwd/sig/auth/code; _WEBHOOK "hook"; _KEY_LIKE its
# prefixes; _ASSIGNED_SECRET, _UNQUOTED_SECRET and _GETENV_DEFAULT key/secret/passw/pwd/token/
# auth/credential; _JWT "eyJ"; _BEARER "bearer".
_TRIGGER = re.compile("|".join(re.escape(word) for word in (
    "key", "token", "secret", "passw", "pwd", "auth", "credential", "://", "bearer", "hook", "eyj", "sig", "code",
    "sk-", "gsk_", "hf_", "xox", "akia", "aiza", "ghp_", "phc_", "pk-lf-")))
_KEY_PREFIXES = ("sk-", "gsk_", "hf_", "xox", "AKIA", "AIza", "ghp_", "phc_", "pk-lf-")  # every _KEY_LIKE start


@lru_cache(maxsize=1 << 16, typed=True)  # facts repeat their source lines and literals many times
def redact(text: str) -> str:
    """``text`` with credentials masked; idempotent. Text holding no word that a pattern needs
    (``_TRIGGER``: most source lines) is returned as it is."""
    if not text:
        return text
    if text.isascii() and _TRIGGER.search(text.lower()) is None:  # re's IGNORECASE also folds a few non-ASCII letters
        return text
    return apply_patterns(text)


def apply_patterns(text: str) -> str:
    """Every pattern on ``text``, each only when ``text`` holds a character or word that every
    match of it holds (``redact`` without its shortcuts)."""
    if "@" in text:
        text = _USERINFO.sub(lambda m: f"{m.group('scheme')}{MASK}@", text)
    if "=" in text:
        text = _SECRET_QUERY.sub(lambda m: f"{m.group('key')}{MASK}", text)
        text = _CONNECTION_SECRET.sub(lambda m: f"{m.group('key')}{MASK}", text)
    if "hook" in text:
        text = _WEBHOOK.sub(lambda m: f"{m.group('keep')}{MASK}", text)
    if any(prefix in text for prefix in _KEY_PREFIXES):
        text = _KEY_LIKE.sub(MASK, text)
    if ("=" in text or ":" in text) and ("'" in text or '"' in text):
        text = _ASSIGNED_SECRET.sub(lambda m: f"{m.group('key')}{m.group('q')}{MASK}{m.group('q')}", text)
    if "(" in text and ("'" in text or '"' in text):
        text = _GETENV_DEFAULT.sub(lambda m: f"{m.group('key')}{m.group('q')}{MASK}{m.group('q')}", text)
    if "eyJ" in text:
        text = _JWT.sub(MASK, text)
    if "bearer" in text.lower():
        text = _BEARER.sub(lambda m: f"{m.group('key')}{MASK}", text)
    if "=" in text or ":" in text or "-" in text:
        text = _UNQUOTED_SECRET.sub(lambda m: f"{m.group('key')}{MASK}", text)
    return text


@lru_cache(maxsize=1 << 14)
def is_secret_name(name: str) -> bool:
    """Whether a keyword argument, dict key, variable or header named ``name`` holds a
    credential (``api_key``, ``x-api-key``, ``Authorization``, ``DB_PASSWORD``)."""
    return bool(SECRET_NAME.search(name))


def userinfo_secrets(url: str) -> list[str]:
    """The credential in a URL's userinfo: the password of ``user:password@``, or the key of
    a DSN (``https://KEY@o1.ingest.sentry.io/1``), so that the literals it was built from
    can be masked wherever they appear (provenance, excerpts)."""
    m = _USERINFO.match(url.strip())
    if not m:
        return []
    user, _, password = m.group("userinfo").partition(":")
    secret = password or user
    return [secret] if len(secret) >= 4 else []
