"""Hydra: the first parameter of a ``@hydra.main(config_path=P, config_name=N)`` function is
the settings file ``P/N.yaml`` beside the module; its keys flow to the calls that read them,
with ``${oc.env:VAR,default}`` resolved per deployment context."""

from __future__ import annotations

import textwrap
from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.model import Endpoint

MAIN = '''\
    import hydra
    from omegaconf import DictConfig
    from openai import OpenAI


    @hydra.main(version_base=None, config_path="conf", config_name="config")
    def main(cfg: DictConfig) -> None:
        client = OpenAI(base_url=cfg.llm.base_url)


    if __name__ == "__main__":
        main()
'''

CONFIG = '''\
llm:
  model: gpt-4o
  base_url: ${oc.env:LLM_BASE_URL,https://eu.api.openai.com/v1}
'''


def _scan(root: Path, main: str = MAIN, config: str | None = CONFIG, **env: str) -> list[Endpoint]:
    (root / "app" / "conf").mkdir(parents=True)
    (root / "app" / "main.py").write_text(textwrap.dedent(main))
    if config is not None:
        (root / "app" / "conf" / "config.yaml").write_text(config)
    return scan(root, ScanOptions(jobs=1, cache_dir=None, env=env)).report.endpoints


def test_the_decorated_functions_config_is_the_yaml_beside_it(tmp_path: Path) -> None:
    (endpoint,) = _scan(tmp_path)
    assert endpoint.host == "eu.api.openai.com"
    assert [f"{s.path}:{s.line} {s.detail}" for s in endpoint.provenance] == [
        "app/main.py:7 @hydra.main(app/conf/config.yaml)", "app/conf/config.yaml:1 llm:",
        "app/conf/config.yaml:3 base_url: ${oc.env:LLM_BASE_URL,https://eu.api.openai.com/v1}",
        "app/conf/config.yaml:3 LLM_BASE_URL unset: default", "app/main.py:8 openai.OpenAI(…)"]


def test_the_placeholder_reads_the_env(tmp_path: Path) -> None:
    (endpoint,) = _scan(tmp_path, LLM_BASE_URL="http://vllm.internal:8000/v1")
    assert endpoint.host == "vllm.internal"


def test_a_missing_config_is_an_unresolved_value_that_says_so(tmp_path: Path) -> None:
    (endpoint,) = _scan(tmp_path, config=None)
    assert endpoint.host is None
    assert endpoint.unresolved == ["@hydra.main config app/conf/config.yaml not found in the tree"]


def test_without_the_decorator_the_parameter_is_a_parameter(tmp_path: Path) -> None:
    plain = MAIN.replace('    @hydra.main(version_base=None, config_path="conf", config_name="config")\n', "")
    (endpoint,) = _scan(tmp_path, main=plain)
    assert endpoint.host is None and endpoint.unresolved == ["attribute base_url of {parameter cfg of main()}.llm"]
    assert not any("hydra" in step.detail for step in endpoint.provenance)
