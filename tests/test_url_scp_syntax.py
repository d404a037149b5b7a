"""git's scp-like syntax (``git@github.com:org/repo.git``, https://git-scm.com/docs/git-clone#URLS)
is ssh to the host; what follows the colon is a path, not a port."""

from __future__ import annotations

from flowscan.urls import split_url
from flowscan.values import StrValue


def test_scp_like_git_syntax_is_ssh_to_the_host() -> None:
    parts = split_url(StrValue.literal("git@github.com:devchat-ai/workflows.git"))
    assert parts is not None and (parts.scheme, parts.host, parts.port) == ("ssh", "github.com", None)


def test_a_host_and_port_without_a_scheme_keep_the_port() -> None:
    parts = split_url(StrValue.literal("localhost:8080"))
    assert parts is not None and (parts.scheme, parts.host, parts.port) == (None, "localhost", "8080")
