"""Settings files named the other accepted ways: Dynaconf's singular ``settings_file=`` and a Hydra
``config_name`` that already ends in ``.yaml`` / ``.yml``."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import endpoints_by_line


def test_dynaconf_settings_file_singular(tmp_path: Path) -> None:
    (tmp_path / "settings.toml").write_text('llm_base_url = "https://eu.api.openai.com/v1"\n')
    by_line = endpoints_by_line(tmp_path, """\
        from dynaconf import Dynaconf
        from openai import OpenAI

        settings = Dynaconf(settings_file="settings.toml")
        client = OpenAI(base_url=settings.LLM_BASE_URL)
        """)
    assert [e.host for e in by_line[5]] == ["eu.api.openai.com"]


@pytest.mark.parametrize("name", ["config.yaml", "config.yml"])
def test_hydra_config_name_with_its_extension(tmp_path: Path, name: str) -> None:
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / name).write_text("llm:\n  base_url: https://eu.api.openai.com/v1\n")
    by_line = endpoints_by_line(tmp_path, f"""\
        import hydra
        from omegaconf import DictConfig
        from openai import OpenAI


        @hydra.main(version_base=None, config_path="conf", config_name="{name}")
        def main(cfg: DictConfig) -> None:
            client = OpenAI(base_url=cfg.llm.base_url)
        """)
    assert [e.host for e in by_line[8]] == ["eu.api.openai.com"]
