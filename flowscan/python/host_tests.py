"""What a test of a URL's host says about a call's URL argument: a call made only when
``urlparse(url).hostname.endswith(".openai.azure.com")`` sends ``url`` to a host in that
domain, so a URL not known statically has at least a known host suffix there
(``{…}.openai.azure.com``), which names the provider."""

from __future__ import annotations

from ..model import Step
from ..urls import split_url
from ..values import Hole, StrValue
from .facts import Attr, Call, Expr, Lit, ModuleFacts, Name, Test, imported_callee, scope_at

_URL_PARSERS = frozenset({"urllib.parse.urlparse", "urllib.parse.urlsplit"})
_HOST_PARTS = frozenset({"hostname", "netloc"})


def host_suffix_at(expr: Expr, module: ModuleFacts, qualname: str, line: int, tests: tuple[Test, ...]) -> tuple[str, int] | None:
    """The host suffix (and the test's line) that ``tests`` (the conditions a call at ``line``
    runs under) require of the URL in name ``expr``: a test ``P.hostname.endswith(S)`` (or
    ``.netloc``) that holds, where ``P`` is ``urlparse(expr)``, or a name assigned it once;
    None when no test says so or ``expr`` is assigned again between the test and the call."""
    if not isinstance(expr, Name):
        return None
    assigns = scope_at(module.scope, qualname).assigns
    for test in tests:
        suffix = _endswith_suffix(test)
        if suffix is None or not isinstance(test.subject, Call):
            continue
        host = test.subject.func.base  # type: ignore[union-attr]
        if not (isinstance(host, Attr) and host.attr in _HOST_PARTS):
            continue
        if _parsed_name(host.base, module, assigns) != expr.id:
            continue
        if not any(test.line < assign.line < line for assign in assigns.get(expr.id, [])):
            return suffix, test.line
    return None


def narrowed(value: StrValue, name: str, suffix: str, path: str, line: int) -> StrValue:
    """``value`` (of the URL in variable ``name``) with the host suffix a test requires, where
    its host is not known (``{name}.openai.azure.com``: one host however many ways the URL is
    unknown, each way in its chain); else as it is."""
    parts = split_url(value)
    if parts is None or parts.host is not None:
        return value
    step = Step(path, line, f"{name}: its host ends with {suffix} (tested before the call)")
    return StrValue((Hole(name), suffix), (*value.trail, step))


def _endswith_suffix(test: Test) -> str | None:
    """``S`` of a test ``X.endswith(S)`` that holds (a domain suffix: it starts with a dot)."""
    subject = test.subject
    if test.op != "truthy" or test.negated or not isinstance(subject, Call) or subject.kwargs:
        return None
    if not (isinstance(subject.func, Attr) and subject.func.attr == "endswith" and len(subject.args) == 1):
        return None
    suffix = subject.args[0]
    if isinstance(suffix, Lit) and suffix.text.startswith(".") and suffix.text.count(".") >= 2:
        return suffix.text.lower()
    return None


def _parsed_name(expr: Expr, module: ModuleFacts, assigns: dict) -> str | None:
    """The name whose URL ``expr`` parses: ``urlparse(url)`` directly, or a name assigned
    ``urlparse(url)`` once in the scope."""
    if isinstance(expr, Name):
        found = assigns.get(expr.id, [])
        if len(found) != 1:
            return None
        expr = found[0].value
    if isinstance(expr, Call) and len(expr.args) == 1 and isinstance(expr.args[0], Name) \
            and imported_callee(module, expr.func) in _URL_PARSERS:
        return expr.args[0].id
    return None
