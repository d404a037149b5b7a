"""Opt-in by the user's own settings file: a key read from a file under the home folder
(``~/.config/app/config.toml``, ``platformdirs.user_config_dir``) has no shipped value, so a
call under a test selecting on it, or a registry entry it picks, is opt-in; a ``.get`` default
still applies, and a file in the tree is read as before."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

APP = '''\
    import json
    import os
    import tomllib
    from pathlib import Path

    import requests

    SETTINGS = Path.home() / ".config" / "notes" / "settings.toml"


    def settings() -> dict:
        with open(SETTINGS, "rb") as f:
            return tomllib.load(f)


    def legacy() -> dict:
        with open(os.path.expanduser("~/.notesrc.json")) as f:
            return json.load(f)


    def sync():
        if settings()["backend"] == "dropbox":
            requests.post("https://api.dropboxapi.com/2/files/upload")
        if legacy().get("backend") in ("gdrive", "google"):
            requests.post("https://www.googleapis.com/upload/drive/v3/files")
        if settings().get("telemetry", "on") == "on":
            requests.post("https://telemetry.example.com/v1/events")
        if settings().get("backend") != "dropbox":
            requests.get("https://status.example.com/ping")
'''


def _scan(root: Path, code: str) -> dict[str | None, Endpoint]:
    root.mkdir()
    (root / "app.py").write_text(textwrap.dedent(code))
    return {e.host: e for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


def test_a_key_of_the_users_own_file_selects_nothing_by_default(tmp_path: Path) -> None:
    found = _scan(tmp_path / "app", APP)
    dropbox = found["api.dropboxapi.com"]
    assert dropbox.reach == "opt-in"
    assert [(s.setting, s.taken) for s in dropbox.switches] == [
        ("user config key backend (~/.config/notes/settings.toml)", False)]
    assert "user's own file" in dropbox.switches[0].shipped
    drive = found["www.googleapis.com"]
    assert (drive.reach, [s.setting for s in drive.switches]) == ("opt-in", ["user config key backend (~/.notesrc.json)"])


def test_a_get_default_and_the_branch_for_other_values_stay_default(tmp_path: Path) -> None:
    found = _scan(tmp_path / "app", APP)
    assert found["telemetry.example.com"].reach == "default"
    assert found["status.example.com"].reach == "default"


def test_a_registry_entry_picked_by_the_users_file_is_opt_in(tmp_path: Path) -> None:
    code = '''\
        import platformdirs
        import tomllib
        from pathlib import Path

        import requests


        class Dropbox:
            def upload(self):
                requests.post("https://api.dropboxapi.com/2/files/upload")


        class Local:
            def upload(self):
                pass


        BACKENDS = {"dropbox": Dropbox, "local": Local}


        def sync():
            path = Path(platformdirs.user_config_dir("notes")) / "settings.toml"
            backend = tomllib.loads(path.read_text())["backend"]
            store = BACKENDS[backend]()
            store.upload()
    '''
    dropbox = _scan(tmp_path / "app", code)["api.dropboxapi.com"]
    assert dropbox.reach == "opt-in"
    assert [s.setting for s in dropbox.switches] == ["user config file user_config_dir(notes)/settings.toml"]


def test_a_module_that_writes_a_template_to_the_users_file_keeps_its_keys_as_before(tmp_path: Path) -> None:
    code = '''\
        import shutil
        import tomllib
        from pathlib import Path

        import requests

        CONFIG = Path.home() / ".config" / "notes" / "settings.toml"


        def settings() -> dict:
            if not CONFIG.exists():
                shutil.copy(Path(__file__).with_name("default.toml"), CONFIG)
            with open(CONFIG, "rb") as f:
                return tomllib.load(f)


        def sync():
            if settings()["backend"] == "dropbox":
                requests.post("https://api.dropboxapi.com/2/files/upload")
    '''
    assert _scan(tmp_path / "app", code)["api.dropboxapi.com"].reach == "default"


CONFIG_MODULE = '''\
    from pathlib import Path

    import yaml

    CONFIG_PATH = Path.home() / ".acme" / "config.yaml"
    DEFAULTS = {"model": "gpt-4o-mini", "provider": "openai"}


    def load_config():
        if CONFIG_PATH.exists():
            with open(CONFIG_PATH) as f:
                return yaml.safe_load(f)
        return DEFAULTS.copy()
'''

CLIENT_MODULE = '''\
    import litellm

    from acme.config import load_config


    def answer(prompt):
        cfg = load_config()
        base_url = None
        if "acme" in cfg["model"]:
            base_url = "https://ft.acme-llm.example.com/v1"
        if cfg.get("provider") == "azure":
            base_url = "https://acme.openai.azure.com"
        return litellm.completion(model=cfg["model"], base_url=base_url, messages=[{"role": "user", "content": prompt}])
'''


def _scan_package(root: Path) -> dict[str | None, Endpoint]:
    (root / "acme").mkdir(parents=True)
    (root / "acme" / "__init__.py").write_text("")
    (root / "acme" / "config.py").write_text(textwrap.dedent(CONFIG_MODULE))
    (root / "acme" / "client.py").write_text(textwrap.dedent(CLIENT_MODULE))
    return {e.host: e for e in scan(root, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


def test_the_defaults_beside_the_users_file_are_what_ships(tmp_path: Path) -> None:
    """``load_config()`` is the user's file or a copy of ``DEFAULTS``: a test the defaults fail
    selects what the user turns on in the file."""
    found = _scan_package(tmp_path)
    azure = found["acme.openai.azure.com"]
    assert azure.reach == "opt-in"
    assert [(s.setting, s.taken) for s in azure.switches] == [("user config key provider (~/.acme/config.yaml)", False)]
    tuned = found["ft.acme-llm.example.com"]
    assert tuned.reach == "opt-in"
    assert [(s.setting, s.shipped) for s in tuned.switches] == [
        ("user config key model (~/.acme/config.yaml)", "'gpt-4o-mini', unknown")]
    assert found["api.openai.com"].reach == "default"


def test_a_value_from_the_users_file_is_cited_where_the_file_is_loaded(tmp_path: Path) -> None:
    """The step naming the unresolved value is the loader's ``path:line``, in the module that
    loads the file, not the same line number in the module that reads the key."""
    found = _scan_package(tmp_path)
    steps = [(s.path, s.line) for s in found["api.openai.com"].provenance if s.detail.startswith("not resolved")]
    assert steps and all(step == ("acme/config.py", 12) for step in steps), steps
