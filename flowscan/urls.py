"""Split a possibly partial URL (a :class:`StrValue` with holes) into scheme, host and port."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .values import Hole, StrValue, is_number_hole

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*)://")
_OPEN, _CLOSE = "\ue000", "\ue001"
_PLACEHOLDER = re.compile(f"{_OPEN}(\\d+){_CLOSE}")
_HOST_CHARS = re.compile(r"^[A-Za-z0-9._\-\[\]:%" + _OPEN + _CLOSE + r"]+$")
# A leading unknown part still leaves a host when a domain (two labels or more: ".amazonaws.com",
# "-aiplatform.googleapis.com") or a port follows it; "{url}.json" is a file name appended to a URL.
_HOST_AFTER_HOLE = re.compile(f"{_OPEN}\\d+{_CLOSE}(?:[A-Za-z0-9\\-]*(?:\\.[A-Za-z0-9\\-]+){{2,}}|[A-Za-z0-9.\\-]*:\\d)")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")  # no top-level domain is all digits (RFC 3696 2)
HOLE_TOKEN = "hole0x"  # stands for an unknown part when matching host patterns
# Without a scheme, "default.yaml" or "{profile}.json" is a file name, not a host: its last label
# is a file extension (a few are also top-level domains, but not in a value written without a scheme).
_FILE_NAME = re.compile(r"\.(?:ya?ml|json|toml|ini|cfg|conf|txt|csv|tsv|md|rst|html?|xml|py|pyc|ipynb|env|log|lock"
                        r"|pdf|png|jpe?g|gif|svg|ico|wav|mp3|mp4|zip|gz|tgz|tar|whl|pkl|pt|bin|onnx|gguf|safetensors|j2|jinja2?)$")


@dataclass(frozen=True)
class UrlParts:
    scheme: str | None
    host: str | None  # None: the host itself is unknown
    host_pattern: str | None  # host with unknown parts as HOLE_TOKEN, for matching
    port: str | None
    url: str  # the whole value, holes as {label}
    unknown_parts: tuple[str, ...]  # labels of the holes in the host


def split_url(value: StrValue, assume_host: bool = False) -> UrlParts | None:
    """Parse ``value``; ``None`` for a relative reference (``/v1/models``) that is no endpoint."""
    holes: list[Hole] = []
    chunks: list[str] = []
    for part in value.parts:
        if isinstance(part, Hole):
            chunks.append(f"{_OPEN}{len(holes)}{_CLOSE}")
            holes.append(part)
        else:
            chunks.append(part)
    text = "".join(chunks).strip()
    url = value.text
    m = _SCHEME.match(text)
    scheme = None
    if m:
        scheme = m.group(1).lower()
        rest = text[m.end():]
    else:
        if text.startswith(_OPEN) and not assume_host:
            # the whole URL (or its start) is unknown: no host can be read
            only = _PLACEHOLDER.fullmatch(text)
            first = holes[int(_PLACEHOLDER.match(text).group(1))]
            if only or not _HOST_AFTER_HOLE.match(text):
                return UrlParts(None, None, None, None, url, (first.label,))
        if text.startswith(("/", ".", "?", "#")) or not text or _NUMBER.fullmatch(text):
            return None  # a path, or a number (a temperature read where a URL may be): no host
        rest = text
    if m and _SCHEME.match(rest):
        # "https://https://google.com/": a scheme put in front of a URL that has one, on a path
        # the analysis does not rule out (``if "://" not in url: url = f"https://{url}"``); the
        # URL itself is a value of its own, so this one names nothing
        return None
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    if "@" in authority:
        authority = authority.rsplit("@", 1)[1]
    host, port = _host_port(authority)
    if scheme is None and port and not port.isdigit() and _OPEN not in port and "@" in rest.split(":", 1)[0]:
        # git's scp-like syntax, ``git@github.com:org/repo.git`` ([user@]host:path/to/repo.git,
        # https://git-scm.com/docs/git-clone#URLS): ssh to the host, and what follows ":" is a path
        scheme, port = "ssh", None
    if not host or not _HOST_CHARS.match(host):
        return UrlParts(scheme, None, None, port, url, ("host",))
    labels = tuple(holes[int(i)].label for i in _PLACEHOLDER.findall(host))
    if not labels and _not_a_dns_name(host):
        # "-aiplatform.googleapis.com" (an empty region put in front): not a host any resolver finds,
        # so none is named; the call is still reported, its host unknown
        return UrlParts(scheme, None, None, port, url, ("host",))
    if not _PLACEHOLDER.sub("", host) or any(is_number_hole(holes[int(i)]) for i in _PLACEHOLDER.findall(host)):
        # nothing but unknowns (``{a}{b}``: two values joined), or a number or bool, which is no
        # part of a host name: a host built around one is not known
        return UrlParts(scheme, None, None, port, url, labels)
    host = host.lower()
    display = _PLACEHOLDER.sub(lambda mm: str(holes[int(mm.group(1))]), host)
    pattern = _PLACEHOLDER.sub(HOLE_TOKEN, host).lower()
    if not m and "." not in pattern and not labels and not assume_host and pattern not in ("localhost",):
        # "models" or "v1/chat": a relative path, not a host
        return None
    if not m and not assume_host and _FILE_NAME.search(pattern) and rest == authority:
        return None  # "default.yaml": a file name
    return UrlParts(scheme, display, pattern, port, url, labels)


def _not_a_dns_name(host: str) -> bool:
    """Whether a fully known host name has an empty label or one that starts or ends with a hyphen
    (RFC 1123), or is under ``.invalid`` (RFC 6761 6.4: such names never resolve, so they stand for
    a value set elsewhere), so no resolver finds it; IP literals and a trailing root dot are fine."""
    if ":" in host or _IPV4.fullmatch(host):
        return False
    names = (host[:-1] if host.endswith(".") else host).lower()
    return names == "invalid" or names.endswith(".invalid") \
        or any(not label or label.startswith("-") or label.endswith("-") for label in names.split("."))


def _host_port(authority: str) -> tuple[str, str | None]:
    if authority.startswith("["):
        end = authority.find("]")
        host = authority[1:end] if end > 0 else authority
        tail = authority[end + 1:] if end > 0 else ""
        return host, tail[1:] if tail.startswith(":") else None
    if authority.count(":") == 1:
        host, port = authority.split(":")
        return host, port or None
    return authority, None


def url_start(word: str) -> int | None:
    """Where the URL in one command-line word starts: at its scheme, after a VCS prefix
    (``git+https://...``), a requirement name (``pkg@git+https://...``) or an option
    (``--find-links=https://...``); None when the word holds no ``://``."""
    at = word.find("://")
    if at < 0:
        return None
    start = at
    while start > 0 and (word[start - 1].isalnum() or word[start - 1] in "+.-"):
        start -= 1
    scheme = word[start:at]
    return start + scheme.rindex("+") + 1 if "+" in scheme else start
