"""An attribute read on a parameter whose default is ``None`` and whose annotation names an
in-tree class (``config: Optional[OllamaConfig] = None``) reads the annotated class's attribute:
``None`` has no attributes, so where the read runs a caller passed that class (embedchain's
embedders and LLMs take their config so)."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan

CONFIG = '''from typing import Optional


class OllamaConfig:
    def __init__(self, model: Optional[str] = None, base_url: Optional[str] = None):
        self.model = model or "llama3"
        self.base_url = base_url or "http://localhost:11434"
'''

EMBEDDER = '''from typing import Optional

from ollama import Client

from app.config import OllamaConfig


class OllamaEmbedder:
    def __init__(self, config: Optional[OllamaConfig] = None):
        self.config = config or OllamaConfig()
        client = Client(host=config.base_url)
        client.pull(self.config.model)


def untyped(config=None):
    return Client(host=config.base_url)
'''


def test_an_attribute_of_an_optional_config_parameter_reads_the_annotated_class(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "config.py").write_text(CONFIG)
    (tmp_path / "app" / "embedder.py").write_text(EMBEDDER)
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    found = sorted((e.locations[0].line, e.host, e.url) for e in report.endpoints)
    assert found[0] == (11, "localhost", "http://localhost:11434")
    # without an annotation nothing says what the caller passes: the attribute stays open
    assert found[1][0] == 16 and found[1][1] is None
