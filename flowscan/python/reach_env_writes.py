"""Default or opt-in for an env var the code sets itself under a configuration test:
``if os.environ.get("LANGCHAIN_API_KEY"): os.environ["LANGCHAIN_TRACING_V2"] = "true"`` turns
LangSmith tracing on only when the deployment sets ``LANGCHAIN_API_KEY``, so the service it
switches on (``env_services``) is ``opt-in`` with that switch; a test the shipped values pass
keeps it ``default``, one not known statically makes it ``unknown``."""

from __future__ import annotations

from ..model import Switch
from .env_writes import env_writes
from .objects import Frame
from .reach import caller_switches, switches_of
from .resolve import Resolver


def env_write_switches(resolver: Resolver, key: str, path: str, line: int) -> tuple[Switch, ...]:
    """The configuration tests the write of env var ``key`` at ``path:line`` runs under (its
    own, else its function's callers'); none when no write of the tree is there."""
    for write in env_writes(resolver.program, key):
        if write.module.path == path and write.line == line:
            switches = switches_of(write, Frame(write.module, write.scope, write.line), resolver)
            if write.scope and not any(s.taken is False for s in switches):
                switches += caller_switches(write.module, write.scope, resolver)
            return switches
    return ()
