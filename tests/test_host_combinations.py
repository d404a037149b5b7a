"""Alternatives that cannot change a URL's host do not crowd out the host's: in a concatenation
spelled after a literal ``scheme://``, a piece in the user info, port, path or query keeps one
alternative where all of them are unknown, and any one where the combinations would pass the
cap, so a DSN whose user, password, port and database each come from a config field or an env
var still names the env var of its host."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.values import MAX_ALTERNATIVES, TRUNCATED, StrValue, concat


def _lit(text: str) -> list[StrValue]:
    return [StrValue.literal(text)]


def _either(*labels: str) -> list[StrValue]:
    return [StrValue.hole(label) for label in labels]


def test_unknown_user_password_and_database_alternatives_leave_the_hosts_listed() -> None:
    values, truncated = concat([
        _lit("postgresql://"), _either("config user", "env:DB_USER"), _lit(":"), _either("config password", "env:DB_PASSWORD"),
        _lit("@"), _either("config host", "env:DB_HOST"), _lit(":"), _either("config port", "env:DB_PORT"),
        _lit("/"), _either("config name", "env:DB_NAME"),
    ])
    assert not truncated
    assert sorted(h.label for v in values for h in v.holes()[2:3]) == ["config host", "env:DB_HOST"]
    assert len(values) == 2


def test_known_path_alternatives_are_kept_under_the_cap_and_cut_over_it() -> None:
    hosts = [StrValue.literal("eu.example.com"), StrValue.literal("us.example.com")]
    few = [StrValue.literal(f"v{i}") for i in range(3)]
    values, _ = concat([_lit("https://"), hosts, _lit("/"), few])
    assert len(values) == 6  # every combination: under the cap nothing known is cut
    many = [StrValue.literal(f"v{i}") for i in range(MAX_ALTERNATIVES)]
    values, truncated = concat([_lit("https://"), hosts, _lit("/"), many])
    assert not truncated and sorted(v.text for v in values) == ["https://eu.example.com/v0", "https://us.example.com/v0"]


def test_without_a_written_scheme_nothing_is_cut() -> None:
    values, truncated = concat([_either("env:BASE_A", "env:BASE_B"), _lit("/"), _either("a", "b")])
    assert len(values) == 4 and not truncated
    many = [StrValue.literal(f"p{i}") for i in range(MAX_ALTERNATIVES)]
    values, truncated = concat([_either("env:BASE_A", "env:BASE_B"), _lit("/"), many])
    assert truncated and values[-1].holes()[0].label == TRUNCATED


APP = '''\
    import os

    import asyncpg


    class DatabaseProvider:
        def __init__(self, config):
            for attr, env_var in [("user", "DB_USER"), ("password", "DB_PASSWORD"), ("host", "DB_HOST"),
                                  ("port", "DB_PORT"), ("db_name", "DB_NAME")]:
                if value := (getattr(config, attr) or os.getenv(env_var)):
                    setattr(self, attr, value)
                else:
                    raise ValueError(f"set {env_var}")
            if self.host.startswith("/"):
                self.dsn = f"postgresql://{self.user}:{self.password}@/{self.db_name}?host={self.host}"
            else:
                self.dsn = f"postgresql://{self.user}:{self.password}@{self.host}:{self.port}/{self.db_name}"

        async def connect(self):
            return await asyncpg.create_pool(self.dsn)
'''


def test_a_dsn_of_config_or_env_parts_names_the_env_var_of_its_host(tmp_path: Path) -> None:
    (tmp_path / "db.py").write_text(textwrap.dedent(APP))
    endpoints = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints
    unresolved = {part for e in endpoints if e.host is None for part in e.unresolved}
    assert "env:DB_HOST" in unresolved
    assert TRUNCATED not in unresolved
