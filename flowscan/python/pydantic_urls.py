"""pydantic 2's URL types give a URL without a path a trailing ``/``: a settings field
``CONFIDENT_OTEL_URL: Optional[AnyUrl] = "https://otel.confident-ai.com"`` is
``https://otel.confident-ai.com/`` when read, so ``str(settings.CONFIDENT_OTEL_URL) + "v1/traces"``
is ``https://otel.confident-ai.com/v1/traces``, not a host ``otel.confident-ai.comv1``.
Source: pydantic docs/migration.md (2.x, "Url and Dsn types"): ``assert str(AnyUrl(url='https://google.com'))
== 'https://google.com/'`` while ``'https://google.com/api'`` is kept as written. pydantic 1's
URL types were ``str`` subclasses that kept the text, so this applies where the class is a
``pydantic_settings`` settings class (that package is pydantic 2's).
"""

from __future__ import annotations

import re

from ..model import Step
from ..values import StrValue
from .facts import ModuleFacts, Scope
from .objects import Obj, Strs

URL_TYPES = frozenset({"pydantic.AnyUrl", "pydantic.AnyHttpUrl", "pydantic.HttpUrl", "pydantic.AnyWebsocketUrl",
                       "pydantic.WebsocketUrl", "pydantic.networks.AnyUrl", "pydantic.networks.AnyHttpUrl",
                       "pydantic.networks.HttpUrl"})
_NO_PATH = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]+$")


def is_url_field(module: ModuleFacts, klass: Scope, attr: str) -> bool:
    """Whether ``attr`` of ``klass`` is annotated with one of pydantic's URL types."""
    annotation = klass.attr_types.get(attr)
    if annotation is None:
        return False
    for name in annotation.names:
        head, _, tail = name.partition(".")
        dotted = module.imports.get(head, head) + (f".{tail}" if tail else "")
        if dotted in URL_TYPES:
            return True
    return False


def with_slash(objs: list[Obj], path: str, line: int) -> list[Obj]:
    """``objs`` with a ``/`` after each URL known statically that has no path."""
    step = Step(path, line, "pydantic URL type: '/' added to a URL without a path")
    out: list[Obj] = []
    for obj in objs:
        if isinstance(obj, Strs) and any(v.is_known and _NO_PATH.match(v.text) for v in obj.values):
            obj = Strs(tuple(StrValue.literal(v.text + "/", (*v.trail, step)) if v.is_known and _NO_PATH.match(v.text)
                             else v for v in obj.values))
        out.append(obj)
    return out
