"""The region variables a managed runtime sets for the code it runs (Lambda, ECS:
``AWS_REGION``/``AWS_DEFAULT_REGION`` = the region the function or task runs in), as env
bindings whose provenance ends at the line that fixes that region. Shared by the
CloudFormation, CDK and Terraform extractors.
"""

from __future__ import annotations

from ..configfacts import EnvBinding
from ..model import Step


def runtime_region_bindings(keys: tuple[str, ...], region: str | None, chain: tuple[Step, ...], runtime: str,
                            path: str, line: int, *, where: str = "the stack region",
                            undecided: str = "chosen at deploy time") -> list[EnvBinding]:
    """One binding per key in ``keys``.

    ``region`` is the runtime's region and ``chain`` how it was decided, its last step the line
    that fixes it (the binding sits there). With ``region`` None the binding is a hole at
    ``path:line`` (the runtime resource) that says ``where`` the region comes from and that it is
    ``undecided``. ``runtime`` is the subject of the provenance step ("the Lambda runtime of X").
    """
    out = []
    for key in keys:
        if region is not None and chain:
            last = chain[-1]
            out.append(EnvBinding(key, region, last.path, last.line, f"{runtime} sets {key} to {where}", chain[:-1]))
        else:
            out.append(EnvBinding(key, None, path, line, f"{where}, {undecided}",
                                  chain + (Step(path, line, f"{runtime} sets {key} to {where}"),)))
    return out
