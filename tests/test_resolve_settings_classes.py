"""pydantic settings classes whose env names and defaults come from class constants or from
calls the analysis cannot follow, and the provenance of a field read from the environment."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

SETTINGS = '''\
import os

from openai import OpenAI
from pydantic import Field
from pydantic_settings import BaseSettings


def prefix_from_deployment():
    return os.path.basename(os.getcwd()).upper() + "_"


class Settings(BaseSettings):
    HOST_VARIABLE = "LLM_GATEWAY"
    DEFAULT_HOST = "gateway.example.com"
    gateway_url: str = Field(f"https://{DEFAULT_HOST}/v1", alias=HOST_VARIABLE)
    backup_url: str = Field("https://backup.example.com/v1", alias="_".join(("GATEWAY", "BACKUP", "URL")))


class Deployed(BaseSettings):
    class Config:
        env_prefix = "_".join((prefix_from_deployment(), "APP", ""))

    url: str = "https://deployed.example.com/v1"


settings = Settings()
OpenAI(base_url=settings.gateway_url)
OpenAI(base_url=settings.backup_url)
OpenAI(base_url=Deployed().url)
'''


def _by_line(root: Path, **env: str) -> dict[int, Endpoint]:
    root.mkdir(parents=True, exist_ok=True)
    (root / "settings.py").write_text(SETTINGS)
    endpoints = scan(root, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints
    return {location.line: e for e in endpoints for location in e.locations}


def test_alias_and_default_from_class_constants(tmp_path: Path) -> None:
    unset = _by_line(tmp_path / "unset")
    assert unset[27].url == "https://gateway.example.com/v1"
    assert [(s.path, s.line, s.detail) for s in unset[27].provenance] == [
        ("settings.py", 14, '"gateway.example.com"'), ("settings.py", 14, 'DEFAULT_HOST = "gateway.example.com"'),
        ("settings.py", 15, "Settings.gateway_url default"),
        ("settings.py", 15, "default of env LLM_GATEWAY (settings field Settings.gateway_url) (not set in any scanned config)"),
        ("settings.py", 27, "openai.OpenAI(…)")]
    bound = _by_line(tmp_path / "bound", LLM_GATEWAY="https://eu.gateway.example.com/v1")
    assert bound[27].url == "https://eu.gateway.example.com/v1"  # the alias held in a class constant
    assert ("settings.py", 15, "reads env LLM_GATEWAY (settings field Settings.gateway_url)") in [
        (s.path, s.line, s.detail) for s in bound[27].provenance]


def test_names_computed_at_run_time_leave_the_declared_defaults(tmp_path: Path) -> None:
    """An alias or a Config env_prefix the analysis cannot compute: the default declared in the
    class is still the value (as an unresolvable model_config prefix is no prefix)."""
    unset = _by_line(tmp_path / "unset")
    assert unset[28].url == "https://backup.example.com/v1"
    assert unset[29].url == "https://deployed.example.com/v1"
    bound = _by_line(tmp_path / "bound", URL="https://url.example.com/v1")
    assert bound[29].url == "https://url.example.com/v1"
