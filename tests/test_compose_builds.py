"""A compose service's environment applies to the code its image is built from: the Dockerfile's
COPY/ADD sources, rebased onto the service's build context; else the context, else (an image not
built here) the whole tree, said in a note."""

from __future__ import annotations

import textwrap

from flowscan.api import ScanOptions, scan
from flowscan.compose_builds import built_code
from flowscan.configfacts import ConfigFacts
from flowscan.contexts import build_contexts
from flowscan.extract.compose import extract_compose
from flowscan.extract.dockerfile import extract_dockerfile

from .conftest import FIXTURES


def contexts(compose: str, dockerfiles: dict[str, str], compose_path: str = "deploy/compose.yaml") -> dict[str, list[str]]:
    facts: list[ConfigFacts] = [extract_compose(compose_path, textwrap.dedent(compose).encode())]
    facts += [extract_dockerfile(path, textwrap.dedent(text).encode()) for path, text in dockerfiles.items()]
    return {c.name: c.applies_to for c in build_contexts(facts) if c.kind == "compose"}


def test_copy_sources_are_rebased_onto_the_build_context() -> None:
    found = contexts("""
    services:
      api:
        build: {context: .., dockerfile: services/api/Dockerfile}
        environment: {AWS_REGION: eu-west-1}
      web:
        build: ../web
        environment: {MODE: prod}
      everything:
        build: ../all
        environment: {MODE: prod}
      nofile:
        build: ../missing
        environment: {MODE: prod}
    """, {
        "services/api/Dockerfile": """
        FROM python:3.12-slim AS deps
        COPY services/api/requirements.txt .
        FROM deps
        COPY libs/common ./common
        COPY services/api/src ./src
        COPY --from=deps /usr/local /usr/local
        """,
        "web/Dockerfile": "FROM python:3.12\nCOPY app/ /app/\nADD static /static\n",
        "all/Dockerfile": "FROM python:3.12\nCOPY . /app\n",
    })
    assert found["compose:api"] == ["services/api/requirements.txt", "libs/common", "services/api/src"]
    assert found["compose:web"] == ["web/app", "web/static"]
    assert found["compose:everything"] == ["all"]
    assert found["compose:nofile"] == ["missing"]  # no Dockerfile in the scan: the build context


def test_a_copy_outside_the_context_keeps_the_context() -> None:
    compose = extract_compose("compose.yaml", b"services:\n  api:\n    build: ./api\n    environment: {A: b}\n")
    dockerfile = extract_dockerfile("api/Dockerfile", b"FROM python:3.12\nCOPY ../shared /shared\n")
    [source] = compose.sources
    assert built_code(compose, source, {"api/Dockerfile": dockerfile}) is None


def test_an_image_not_built_here_applies_everywhere_and_says_so() -> None:
    compose = extract_compose("compose.yaml", b"services:\n  cache:\n    image: redis:7\n    environment: {A: b}\n")
    [source] = compose.sources
    assert source.applies_to == []
    assert compose.notes == [("compose.yaml:2: service cache runs image redis:7, not built here: which code it holds "
                              "is not known, so its environment applies to the whole tree")]


def test_fixture_code_left_out_of_the_image_gets_no_service_region() -> None:
    report = scan(FIXTURES / "compose-build-app", ScanOptions(jobs=1, cache_dir=None)).report
    by_path = {loc.path: e for e in report.endpoints for loc in e.locations}
    assert by_path["services/api/src/app.py"].context == "compose:api"
    assert by_path["libs/common/storage.py"].placement.region == "eu-west-1"
    seed = by_path["services/api/migrations/seed.py"]
    assert (seed.context, seed.placement.region) == ("default", None)
    assert not any(e.context == "compose:api" and loc.path.startswith("services/worker")
                   for e in report.endpoints for loc in e.locations)
