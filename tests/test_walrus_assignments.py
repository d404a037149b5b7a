"""``name := value`` in an ``if`` / ``while`` test assigns ``name`` (both extractors alike), so
a configuration loop ``if value := (getattr(config, attr) or os.getenv(env_var)):
setattr(self, attr, value)`` gives the attributes their env vars."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from bench.check_extractors import as_tree, first_difference
from flowscan.api import ScanOptions, scan
from flowscan.python import extract as px
from flowscan.python import extract_cst
from flowscan.python.facts import Attr, Call, Either, Name

WALRUSES = textwrap.dedent('''
    import os, re
    def read(config, f):
        if value := (config.host or os.getenv("HOST")):
            use(value)
        while (chunk := f.read(1024)) != b"":
            use(chunk)
        if not (m := re.match("x", config.name)) and (n := config.other):
            use(m, n)
''')


def test_walrus_targets_are_assigned_alike_by_both_extractors() -> None:
    data = WALRUSES.encode()
    fast = px.extract_python("m.py", data)
    reference = extract_cst.extract_python_cst("m.py", data)
    assert first_difference(as_tree(fast), as_tree(reference), "facts") is None
    assigns = fast.scope.children["read"].assigns
    assert sorted(assigns) == ["chunk", "m", "n", "value"]
    (value,) = assigns["value"]
    assert value.line == 4 and isinstance(value.value, Either)
    assert [type(o) for o in value.value.options] == [Attr, Call]  # config.host or os.getenv("HOST")
    (chunk,) = assigns["chunk"]
    assert chunk.line == 6 and isinstance(chunk.value, Call)
    assert isinstance(assigns["n"][0].value.base, Name)  # config.other


def test_a_setattr_loop_with_a_walrus_names_the_env_vars(tmp_path: Path) -> None:
    (tmp_path / "db.py").write_text(textwrap.dedent('''\
        import os
        import asyncpg


        class PostgresProvider:
            def __init__(self, config):
                env_vars = [("user", "APP_POSTGRES_USER"), ("host", "APP_POSTGRES_HOST"), ("port", "APP_POSTGRES_PORT")]
                for attr, env_var in env_vars:
                    if value := (getattr(config, attr) or os.getenv(env_var)):
                        setattr(self, attr, value)
                    else:
                        raise ValueError(env_var)
                self.connection_string = f"postgresql://{self.user}@{self.host}:{self.port}/app"

            async def connect(self):
                return await asyncpg.create_pool(self.connection_string)
    '''))
    (endpoint,) = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    assert endpoint.host is None
    assert "env:APP_POSTGRES_HOST" in endpoint.unresolved


_LAYER = '''\
    import asyncpg


    class Layer:
        def __init__(self, database_url):
            self.database_url = database_url

        async def connect(self):
            return await asyncpg.create_pool(self.database_url)
'''


@pytest.mark.parametrize("make", [
    'import os\nfrom db import Layer\n\ndef make():\n    if url := os.environ.get("DATABASE_URL"):\n        return Layer(database_url=url)\n',
    'import os\nfrom db import Layer\n\ndef make():\n    url = os.environ.get("DATABASE_URL")\n    if url:\n        return Layer(url)\n',
], ids=["walrus", "name"])
def test_the_callers_test_rules_the_none_side_of_an_argument_out(tmp_path: Path, make: str) -> None:
    """Inside ``if url := os.environ.get(...)`` the argument is never None: no driver default
    (asyncpg's localhost) for the case the env var is unset."""
    (tmp_path / "db.py").write_text(textwrap.dedent(_LAYER))
    (tmp_path / "app.py").write_text(make)
    (endpoint,) = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    assert endpoint.host is None and endpoint.unresolved == ["env:DATABASE_URL"]
