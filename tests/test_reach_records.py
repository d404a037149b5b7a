"""Opt-in by a database row: a call under a test of a value read from an ORM model's rows
(``Model.objects…``) is reached only once a row that passes it is stored; no row ships. Rows the
code itself writes by default keep the call as it was, and rows written under a test not decided
statically make it unknown."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

MODELS = '''\
    from django.db import models


    class Provider(models.Model):
        kind = models.CharField(max_length=20, default="openai")
        enabled = models.BooleanField(default=True)
'''


def _scan(root: Path, **files: str) -> dict[str | None, Endpoint]:
    root.mkdir()
    for name, code in {"models.py": MODELS, **files}.items():
        (root / name).write_text(textwrap.dedent(code))
    return {e.host: e for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


APP = '''\
    import requests
    from openai import OpenAI

    from models import Provider


    def reply():
        provider = Provider.objects.filter(enabled=True).first()
        if provider.kind == "openai":
            OpenAI()
        elif provider.kind in ("groq", "fireworks"):
            requests.post("https://api.groq.example.com/v1/chat")
        if provider.kind != "mistral":
            requests.post("https://always.example.com/v1/log")
        if Provider.objects.filter(kind="ollama").exists():
            requests.get("http://localhost:11434/api/tags")
'''


def test_a_provider_selected_by_a_row_field_is_opt_in(tmp_path: Path) -> None:
    found = _scan(tmp_path / "app", **{"app.py": APP})
    openai = found["api.openai.com"]
    assert openai.reach == "opt-in"
    assert [(s.setting, s.taken) for s in openai.switches] == [("db field Provider.kind", False)]
    assert openai.switches[0].shipped.startswith("none shipped")
    assert found["api.groq.example.com"].reach == "opt-in"
    assert found["localhost"].reach == "opt-in"
    assert [s.setting for s in found["localhost"].switches] == ["db rows of Provider"]


def test_the_branch_for_any_other_value_is_not_gated(tmp_path: Path) -> None:
    assert _scan(tmp_path / "app", **{"app.py": APP})["always.example.com"].reach == "default"


def test_rows_the_code_writes_by_default_keep_the_call_default(tmp_path: Path) -> None:
    seed = '''\
        from models import Provider


        def migrate_defaults():
            Provider.objects.get_or_create(kind="openai")
    '''
    assert _scan(tmp_path / "app", **{"app.py": APP, "seed.py": seed})["api.openai.com"].reach == "default"


def test_rows_a_data_migration_writes_keep_the_call_default(tmp_path: Path) -> None:
    migration = '''\
        from django.db import migrations


        def add_default(apps, schema_editor):
            Provider = apps.get_model("assistant", "Provider")
            Provider.objects.create(kind="openai")


        class Migration(migrations.Migration):
            operations = [migrations.RunPython(add_default)]
    '''
    found = _scan(tmp_path / "app", **{"app.py": APP, "0002_default_provider.py": migration})
    assert found["api.openai.com"].reach == "default"


def test_rows_written_under_a_run_time_test_make_the_call_unknown(tmp_path: Path) -> None:
    seed = '''\
        import sys

        from models import Provider


        def setup(answer):
            if answer.strip().startswith("y"):
                Provider.objects.create(kind="openai")
    '''
    assert _scan(tmp_path / "app", **{"app.py": APP, "seed.py": seed})["api.openai.com"].reach == "unknown"


def test_a_write_gated_by_an_existing_row_writes_nothing_by_default(tmp_path: Path) -> None:
    copy = '''\
        from models import Provider


        def duplicate():
            existing = Provider.objects.first()
            if existing:
                Provider.objects.create(kind=existing.kind)
    '''
    assert _scan(tmp_path / "app", **{"app.py": APP, "copy.py": copy})["api.openai.com"].reach == "opt-in"


def test_objects_of_a_class_that_is_no_model_is_not_a_row(tmp_path: Path) -> None:
    code = '''\
        from openai import OpenAI


        class Registry:
            objects = None


        def reply():
            if Registry.objects.kind == "openai":
                OpenAI()
    '''
    assert _scan(tmp_path / "app", **{"app.py": code})["api.openai.com"].reach == "default"


def test_a_row_made_and_saved_by_default_keeps_the_call_default(tmp_path: Path) -> None:
    seed = '''\
        from models import Provider


        def ensure_default():
            row = Provider(kind="openai")
            row.save()
    '''
    assert _scan(tmp_path / "app", **{"app.py": APP, "seed.py": seed})["api.openai.com"].reach == "default"
