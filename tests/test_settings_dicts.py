"""Connections a Django settings module declares in ``DATABASES`` (``settings`` in
rules/sinks/django.yaml): each entry written as a dict is an endpoint of its backend at its HOST,
with the chain of the HOST's value; a HOST that is a filesystem path is a Unix socket."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Report


def _scan(root: Path, files: dict[str, str]) -> Report:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    return scan(root, ScanOptions(jobs=1, cache_dir=None)).report


SETTINGS = """\
    import os
    from pathlib import Path

    BASE_DIR = Path(__file__).resolve().parent.parent
    DB_HOST = os.getenv("POSTGRES_HOST", "app-db.cluster-c9xk2hz1abcd.eu-central-1.rds.amazonaws.com")
    if os.getenv("USE_EMBEDDED_DB") == "true":
        DB_HOST = os.path.join(BASE_DIR, "pgdata")

    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": os.getenv("POSTGRES_DB", "app"),
            "HOST": DB_HOST,
            "PORT": os.getenv("POSTGRES_PORT", "5432"),
        },
        "analytics": {
            "ENGINE": "django.db.backends.mysql",
            "HOST": "/var/run/mysqld/mysqld.sock",
        },
        "cache": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"},
    }
"""


def test_a_postgres_entry_is_an_endpoint_at_its_host_with_the_env_var_that_moves_it(tmp_path: Path) -> None:
    report = _scan(tmp_path, {"app/settings.py": SETTINGS})
    (endpoint,) = report.endpoints
    assert endpoint.host == "app-db.cluster-c9xk2hz1abcd.eu-central-1.rds.amazonaws.com"
    assert endpoint.placement.region == "eu-central-1" and endpoint.reach == "default"
    assert endpoint.sdk == "django.db.backends.postgresql"
    assert [(loc.path, loc.line) for loc in endpoint.locations] == [("app/settings.py", 9)]
    details = [step.detail for step in endpoint.provenance]
    assert "default of env POSTGRES_HOST (not set in any scanned config)" in details
    assert details[-1] == "a settings entry opened with django.db.backends.postgresql"


def test_an_entry_without_a_host_is_the_local_server(tmp_path: Path) -> None:
    report = _scan(tmp_path, {"config/settings/base.py": """\
        DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "NAME": "app", "USER": "app"}}
    """})
    (endpoint,) = report.endpoints
    assert endpoint.host == "localhost" and endpoint.reach == "default"


def test_a_dict_named_otherwise_or_a_backend_no_rule_names_is_not_an_endpoint(tmp_path: Path) -> None:
    report = _scan(tmp_path, {"app/settings.py": """\
        DATABASE_DEFAULTS = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": "db.example.com"}}
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
    """})
    assert report.endpoints == []
