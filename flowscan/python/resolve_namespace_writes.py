"""A parsed namespace's attribute the code writes after parsing: ``args = parser.parse_args()``
then ``args.aws_region = os.getenv("AWS_REGION")`` in the same function gives ``args`` an
attribute no ``add_argument`` declares. Its value is what those writes assign (each read where
it is written), not a command-line flag. Only writes to the name the parsing call is assigned
to, in that function, after that call, count; with none, the attribute stays undeclared."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Step
from .facts import Attr, Call, Name
from .objects import Frame, Namespace, Obj, Strs

if TYPE_CHECKING:
    from .resolve import Resolver


def written_attr(resolver: Resolver, namespace: Namespace, dest: str) -> list[Obj] | None:
    """The values the function that parsed ``namespace`` writes to its attribute ``dest``; None
    when it writes none."""
    call = namespace.parser.call
    if call is None:
        return None
    module = call.frame.module
    method = namespace.call.rpartition(".")[2]
    out: list[Obj] = []
    for write in module.attr_assigns:
        target = write.target
        if not (isinstance(target, Attr) and target.attr == dest and isinstance(target.base, Name)) \
                or write.line <= namespace.line or not _parsed_into(module, write.scope, target.base.id, method, namespace.line):
            continue
        step = Step(module.path, write.line, write.text.strip() or f"{target.base.id}.{dest} = …")
        for obj in resolver.eval(write.value, Frame(module, write.scope, write.line)):
            out.append(Strs(tuple(v.then(step) for v in obj.values)) if isinstance(obj, Strs) else obj)
    return out or None


def _parsed_into(module, scope_name: str, name: str, method: str, line: int) -> bool:
    """Whether ``name`` in function ``scope_name`` is assigned the parsing call at ``line``."""
    from .resolve import _scope_chain

    scope = _scope_chain(module.scope, scope_name)[-1] if scope_name else module.scope
    return any(isinstance(a.value, Call) and isinstance(a.value.func, Attr) and a.value.func.attr == method
               and a.line == line for a in scope.assigns.get(name, ()))
