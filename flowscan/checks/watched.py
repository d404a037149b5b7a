"""The calls that checks read, beyond the catalog's sinks: the pre-pass parses the files that
make them up front. Derived from the checks' own data (``rules/servers/*.yaml``, the framework
configs of ``rules/servers/frameworks/`` and the
fallback check's call sets), never kept by hand, so a server or client added there is seen."""

from __future__ import annotations


def watched_calls() -> tuple[str, ...]:
    from ..frameworks import framework_specs
    from ..servers import server_specs
    from .fallback import MODEL_FUNCTIONS, OPENAI_CLIENTS, ROUTERS

    names = {call for spec in server_specs() for call in spec.python_calls}
    names |= {call for spec in framework_specs() for call in spec.python_calls}
    return tuple(sorted(names | ROUTERS | OPENAI_CLIENTS | MODEL_FUNCTIONS))
