"""A settings file found by a path computed from the module's own location:
``Path(__file__).parent / "config.yaml"`` (``.resolve()``, ``.parent.parent``, ``.joinpath``,
``.with_name``) read with ``.read_text()``, ``open(…)`` or a path loader, and
``os.path.join(os.path.dirname(__file__), …)``."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan

_CONFIG = """\
llm:
  base_url: https://llm.example.eu/v1
"""


def _hosts(tmp_path: Path, code: str, config_at: str = "app/config.yaml") -> set[str | None]:
    (tmp_path / config_at).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / config_at).write_text(_CONFIG)
    (tmp_path / "app").mkdir(exist_ok=True)
    (tmp_path / "app" / "main.py").write_text(textwrap.dedent(code))
    return {e.host for e in scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report.endpoints}


_CLIENT = '''
def client():
    return OpenAI(base_url=config["llm"]["base_url"])
'''


@pytest.mark.parametrize("load", [
    'yaml.safe_load((Path(__file__).resolve().parent / "config.yaml").read_text())',
    'yaml.safe_load(open(Path(__file__).parent / "config.yaml"))',
    'yaml.safe_load(Path(__file__).with_name("config.yaml").open())',
    'yaml.safe_load(Path(__file__).parent.joinpath("config.yaml").read_text(encoding="utf-8"))',
    'OmegaConf.load(Path(__file__).parent / "config.yaml")',
    'yaml.safe_load(open(os.path.join(os.path.dirname(__file__), "config.yaml")))',
])
def test_a_settings_file_beside_the_module(tmp_path: Path, load: str) -> None:
    code = f"""\
        import os
        from pathlib import Path

        import yaml
        from omegaconf import OmegaConf
        from openai import OpenAI

        config = {load}
    """
    assert _hosts(tmp_path, textwrap.dedent(code) + _CLIENT) == {"llm.example.eu"}


def test_a_settings_file_two_folders_up(tmp_path: Path) -> None:
    code = '''\
        from pathlib import Path

        import yaml
        from openai import OpenAI

        ROOT = Path(__file__).resolve().parent.parent
        config = yaml.safe_load((ROOT / "configs" / "config.yaml").read_text())
    '''
    assert _hosts(tmp_path, textwrap.dedent(code) + _CLIENT, config_at="configs/config.yaml") == {"llm.example.eu"}


def test_a_path_to_no_file_in_the_tree_stays_unknown(tmp_path: Path) -> None:
    code = '''\
        from pathlib import Path

        import yaml
        from openai import OpenAI

        config = yaml.safe_load((Path(__file__).parent / "missing.yaml").read_text())
    '''
    assert _hosts(tmp_path, textwrap.dedent(code) + _CLIENT) == {None}  # an unknown host, never the SDK default
