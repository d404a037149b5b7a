"""Deployment contexts: which code a context covers, how a config binding becomes a value
with provenance, the order and names of contexts, ``env_file`` links, and which
default-context endpoints the contexts make redundant."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.configfacts import (
    ComposeFacts,
    ComposeService,
    ConfigFacts,
    EnvBinding,
    EnvSource,
)
from flowscan.contexts import (
    Context,
    binding_value,
    build_contexts,
    drop_defaults_set_by_contexts,
)
from flowscan.model import DEFAULT_CONTEXT as DEFAULT
from flowscan.model import Endpoint, Location, Placement, Step


@pytest.mark.parametrize("applies_to, path, covered", [
    ([], "anything/at/all.py", True),  # no folders: the whole tree
    ([""], "x.py", True),
    (["."], "sub/x.py", True),
    (["api"], "api/main.py", True),
    (["api/"], "api/main.py", True),
    (["api"], "api", True),
    (["api"], "api2/main.py", False),  # a folder, not a name prefix
    (["api"], "web/api/main.py", False),
    (["services/api"], "services/api/v1/x.py", True),
    (["web", "api"], "api/x.py", True),
    (["web", "worker"], "api/x.py", False),
])
def test_a_context_covers_the_code_under_its_folders(applies_to: list[str], path: str, covered: bool) -> None:
    assert Context("compose:api", "compose", "compose.yaml", 1, applies_to=applies_to).covers(path) is covered


def test_lookup_and_touched() -> None:
    value = binding_value(EnvBinding("REGION", "eu-west-1", "compose.yaml", 7, "compose service api environment"),
                          EnvSource("compose:api", "compose", "compose.yaml", 3))
    context = Context("compose:api", "compose", "compose.yaml", 3, env={"REGION": [value]},
                      binding_sites={("compose.yaml", 7)})
    assert context.lookup("REGION") == [value] and context.lookup("OTHER") is None
    assert context.touched((Step("a.py", 1, "x"), Step("compose.yaml", 7, "y")))
    assert not context.touched((Step("a.py", 1, "x"), Step("compose.yaml", 8, "y")))
    assert not context.touched(())


def test_a_bound_value_says_which_context_set_it_and_where() -> None:
    source = EnvSource("k8s:Deployment/api", "kubernetes", "k8s/api.yaml", 1)
    chain = (Step("values.yaml", 2, "region: eu-west-1"),)
    value = binding_value(EnvBinding("AWS_REGION", "eu-west-1", "k8s/api.yaml", 20, "container api env", chain), source)
    assert value.is_known and value.text == "eu-west-1"
    assert value.trail == chain + (Step("k8s/api.yaml", 20, "k8s:Deployment/api: AWS_REGION=eu-west-1 (container api env)"),)
    plain = binding_value(EnvBinding("AWS_REGION", "eu-west-1", "k8s/api.yaml", 20), source)
    assert plain.trail == (Step("k8s/api.yaml", 20, "k8s:Deployment/api: AWS_REGION=eu-west-1"),)


def test_a_binding_from_something_unreadable_is_a_labelled_hole() -> None:
    source = EnvSource("k8s:Deployment/api", "kubernetes", "k8s/api.yaml", 1)
    secret = binding_value(EnvBinding("DSN", None, "k8s/api.yaml", 30, "secretKeyRef app/dsn"), source)
    assert not secret.is_known and secret.text == "{env:DSN from secretKeyRef app/dsn}"
    assert secret.trail == (Step("k8s/api.yaml", 30, "k8s:Deployment/api: DSN (secretKeyRef app/dsn)"),)
    bare = binding_value(EnvBinding("DSN", None, "k8s/api.yaml", 31), source)
    assert bare.text == "{env:DSN from k8s:Deployment/api}"
    assert bare.trail == (Step("k8s/api.yaml", 31, "k8s:Deployment/api: DSN"),)


def _source(name: str, path: str, *bindings: EnvBinding, applies_to: list[str] | None = None) -> EnvSource:
    return EnvSource(name, name.split(":", 1)[0], path, 1, list(bindings), applies_to or [])


def test_contexts_are_sorted_and_duplicate_names_numbered() -> None:
    facts = [
        ConfigFacts("b/compose.yaml", "compose", [_source("compose:web", "b/compose.yaml"),
                                                  _source("compose:api", "b/compose.yaml")]),
        ConfigFacts("a/compose.yaml", "compose", [_source("compose:web", "a/compose.yaml")]),
        ConfigFacts("c/compose.yaml", "compose", [_source("compose:web", "c/compose.yaml")]),
    ]
    contexts = build_contexts(facts)
    assert [(c.name, c.path) for c in contexts] == [
        ("compose:api", "b/compose.yaml"), ("compose:web", "a/compose.yaml"),
        ("compose:web#2", "b/compose.yaml"), ("compose:web#3", "c/compose.yaml")]


def test_a_context_holds_its_bindings_sites_and_folders() -> None:
    chain = (Step("terraform.tfvars", 2, 'region = "eu-west-1"'),)
    source = _source("compose:api", "compose.yaml", EnvBinding("A", "1", "compose.yaml", 5),
                     EnvBinding("B", "2", "compose.yaml", 6, chain=chain), applies_to=["api"])
    (context,) = build_contexts([ConfigFacts("compose.yaml", "compose", [source])])
    assert (context.kind, context.line, context.applies_to) == ("compose", 1, ["api"])
    assert {k: [v.text for v in vs] for k, vs in context.env.items()} == {"A": ["1"], "B": ["2"]}
    assert context.binding_sites == {("compose.yaml", 5), ("compose.yaml", 6), ("terraform.tfvars", 2)}
    assert context.applies_to is not source.applies_to  # a copy: the context never changes the facts


def test_env_files_feed_their_service_and_environment_wins() -> None:
    dotenv = ConfigFacts(".env", "dotenv", [_source("dotenv:.env", ".env", EnvBinding("A", "from-file", ".env", 1),
                                                    EnvBinding("B", "file-only", ".env", 2))])
    compose = ConfigFacts("compose.yaml", "compose", [
        _source("compose:api", "compose.yaml", EnvBinding("A", "from-compose", "compose.yaml", 8)),
        _source("compose:web", "compose.yaml")],
        details=ComposeFacts({"api": ComposeService("api", 1, env_files=(".env", "missing.env")),
                              "web": ComposeService("web", 5)}))
    contexts = {c.name: c for c in build_contexts([dotenv, compose])}
    api = contexts["compose:api"]
    assert {k: vs[0].text for k, vs in api.env.items()} == {"A": "from-compose", "B": "file-only"}
    assert ("compose.yaml", 8) in api.binding_sites and (".env", 2) in api.binding_sites
    assert contexts["compose:web"].env == {}  # env_file names only api
    assert {k: vs[0].text for k, vs in contexts["dotenv:.env"].env.items()} == {"A": "from-file", "B": "file-only"}


def _endpoint(context: str, jurisdiction: str | None, *unresolved: str) -> Endpoint:
    return Endpoint(f"ep-{context}-{len(unresolved)}-{jurisdiction}", None, None, None,
                    Placement(None, None, jurisdiction, "unknown"), context=context,
                    locations=[Location("a.py", 1)], unresolved=list(unresolved))


def test_defaults_that_every_context_sets_are_dropped() -> None:
    contexts = [Context("compose:api", "compose", "c.yaml", 1, env={"HOST": [], "PORT": []})]
    dropped = _endpoint(DEFAULT, None, "env:HOST", "env:PORT")
    kept = [
        _endpoint(DEFAULT, None, "env:HOST", "env:OTHER"),  # OTHER is set nowhere
        _endpoint(DEFAULT, None, "env:HOST", "parameter url of f()"),  # something else is unknown too
        _endpoint(DEFAULT, None),  # unknown, but not because of an env var
        _endpoint(DEFAULT, "us", "env:HOST"),  # placed anyway
        _endpoint("compose:api", None, "env:HOST"),  # a context's own endpoint
    ]
    assert drop_defaults_set_by_contexts([dropped, *kept], contexts) == kept
    assert drop_defaults_set_by_contexts([dropped], []) == [dropped]


def test_compose_env_reaches_only_the_code_it_builds(tmp_path: Path) -> None:
    """End to end: a compose service building ``api/`` sets the host for code under api/,
    not for worker/, and its ``.env`` file fills in what ``environment:`` leaves out."""
    code = "import os\nimport requests\n\nrequests.get(os.environ['{key}'] + '/v1')\n"
    for folder, key in (("api", "API_HOST"), ("worker", "WORKER_HOST")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "main.py").write_text(code.replace("{key}", key))
    (tmp_path / "compose.yaml").write_text(
        "services:\n  api:\n    build: ./api\n    env_file: .env\n    environment:\n"
        "      API_HOST: https://api.eu.example.com\n"
        "  worker:\n    build: ./worker\n    env_file: .env\n")
    (tmp_path / ".env").write_text("API_HOST=https://wrong.example.com\nWORKER_HOST=https://worker.example.com\n")
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    by_context = {(e.context, e.host) for e in report.endpoints}
    assert ("compose:api", "api.eu.example.com") in by_context
    assert ("compose:worker", "worker.example.com") in by_context
    assert not {h for c, h in by_context if c == "compose:api"} & {"wrong.example.com", "worker.example.com"}
    assert not {h for c, h in by_context if c == "compose:worker"} & {"api.eu.example.com", "wrong.example.com"}
    assert not any(e.context == DEFAULT and e.host is None for e in report.endpoints)  # set by every context
