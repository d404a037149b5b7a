"""Which code a compose service runs when its image is built here: the sources its Dockerfile
copies (``COPY``/``ADD``, through the stages the final image builds on), rebased onto the service's
``build.context``; the whole build context when the Dockerfile copies nothing flowscan can read or
is not in the scan.
"""

from __future__ import annotations

import posixpath
from typing import Any

from .configfacts import ComposeFacts, ConfigFacts, DockerfileFacts, EnvSource


def built_code(compose: ConfigFacts, source: EnvSource, dockerfiles: dict[str, ConfigFacts]) -> list[str] | None:
    """The paths (from the scan root) of the code ``source``'s image is built from, or None to
    keep its build context (no Dockerfile of the scan, or one that copies nothing)."""
    if not isinstance(compose.details, ComposeFacts) or len(source.applies_to) != 1:
        return None
    service = compose.details.services.get(source.name.split(":", 1)[-1])
    build: Any = service.build if service is not None else None
    dockerfile = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
    if not isinstance(dockerfile, str) or dockerfile.startswith("/") or "$" in dockerfile:
        return None
    context = source.applies_to[0]
    path = posixpath.normpath(posixpath.join(context, dockerfile))
    found = dockerfiles.get(path)
    details = found.details if found is not None else None
    if not isinstance(details, DockerfileFacts) or not details.copies:
        return None
    here = posixpath.dirname(path)  # the Dockerfile's facts take its own folder as the context
    out: list[str] = []
    for copied, _ in details.copies:
        inside = posixpath.relpath(copied or ".", here or ".")
        if inside == ".." or inside.startswith("../"):
            return None  # outside the build context: no build can copy it; keep the context
        rebased = posixpath.normpath(posixpath.join(context, inside))
        rebased = "" if rebased == "." else rebased
        if rebased not in out:
            out.append(rebased)
    return out
