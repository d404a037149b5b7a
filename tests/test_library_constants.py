"""Values a library defines (``constants`` in rules/): a default model name in an enum of the
library, a base URL in its module, read as string literals where the code passes them to a sink;
``.value`` of a string enum member is the member's own text."""

from __future__ import annotations

from pathlib import Path

import pytest

from flowscan.api import ScanOptions, scan
from flowscan.catalog import CatalogError, _add_provider, bundled_catalog
from flowscan.model import Endpoint


def _scan(root: Path, files: dict[str, str]) -> list[Endpoint]:
    for name, code in files.items():
        (root / name).write_text(code)
    return scan(root, ScanOptions(jobs=1, cache_dir=None, env={"LITELLM_LOCAL_MODEL_COST_MAP": "True"})).report.endpoints


SETTINGS_APP = """\
from lmi import CommonLLMNames, LiteLLMModel
from pydantic import Field
from pydantic_settings import BaseSettings


class Settings(BaseSettings):
    llm: str = Field(default=CommonLLMNames.CLAUDE_35_SONNET.value)

    def get_llm(self) -> LiteLLMModel:
        return LiteLLMModel(name=self.llm)
"""


def test_a_library_enum_default_reaches_the_sink_through_a_settings_field(tmp_path: Path) -> None:
    hosts = {e.host for e in _scan(tmp_path, {"settings.py": SETTINGS_APP})}
    assert "api.anthropic.com" in hosts, hosts  # claude-3-5-sonnet-20241022 in litellm's model table
    assert "api.openai.com" not in hosts, hosts  # not LiteLLMModel's own default (gpt-4o)


def test_the_constant_is_in_the_provenance(tmp_path: Path) -> None:
    (found,) = [e for e in _scan(tmp_path, {"settings.py": SETTINGS_APP}) if e.host == "api.anthropic.com"]
    details = [step.detail for step in found.provenance]
    assert any('lmi.CommonLLMNames.CLAUDE_35_SONNET = "claude-3-5-sonnet-20241022" in the library' in d
               for d in details), details


def test_value_of_an_in_tree_string_enum_member(tmp_path: Path) -> None:
    code = """\
import enum
import litellm


class Model(str, enum.Enum):
    FAST = "groq/llama3-8b-8192"


litellm.completion(model=Model.FAST.value, messages=[])
"""
    assert "api.groq.com" in {e.host for e in _scan(tmp_path, {"app.py": code})}


def test_a_name_the_rules_do_not_hold_is_no_constant(tmp_path: Path) -> None:
    code = "from lmi import CommonLLMNames, LiteLLMModel\nLiteLLMModel(name=CommonLLMNames.NOT_A_MEMBER.value)\n"
    endpoints = _scan(tmp_path, {"app.py": code})
    details = [step.detail for e in endpoints for step in e.provenance]
    assert endpoints and not any("in the library" in d for d in details), details
    assert "api.anthropic.com" not in {e.host for e in endpoints}


def test_bundled_constants_are_loaded() -> None:
    assert bundled_catalog().constants["lmi.CommonLLMNames.GPT_4O"] == "gpt-4o-2024-11-20"


def test_one_name_with_two_values_is_refused() -> None:
    catalog = bundled_catalog()
    data = {"id": "sinks9-test-constants", "name": "x",
            "constants": [{"names": ["lmi.CommonLLMNames.GPT_4O"], "value": "gpt-5", "source": "x"}]}
    copy = type(catalog)(dict(catalog.providers), [], {}, {}, {}, frozenset(), {}, {}, constants=dict(catalog.constants))
    with pytest.raises(CatalogError, match="already has another value"):
        _add_provider(copy, data, "sinks/x.yaml", is_provider=False)
