"""A folder without ``__init__.py`` inside a package is a namespace package (PEP 420): its files
are imported through the package (``from app.config.stores.weaviate import StoreConfig``), so a
config module named like an SDK does not make the SDK's imports elsewhere in the tree local code
(embedchain's ``embedchain/config/vector_db/`` holds ``weaviate.py``, ``pinecone.py``, ...)."""

from __future__ import annotations

from pathlib import Path

from flowscan.api import ScanOptions, scan
from flowscan.discover import canonical_modules

FILES = {
    "app/__init__.py": "",
    "app/config/__init__.py": "",
    "app/config/stores/weaviate.py": ("class StoreConfig:\n"
                                      "    def __init__(self, collection_name: str = \"docs\"):\n"
                                      "        self.collection_name = collection_name\n"),
    "app/stores/__init__.py": "",
    "app/stores/weaviate.py": ("import os\n\ntry:\n    import weaviate\nexcept ImportError:\n"
                               "    raise ImportError(\"pip install weaviate-client\") from None\n\n"
                               "from app.config.stores.weaviate import StoreConfig\n\n\n"
                               "class WeaviateStore:\n    def __init__(self, config: StoreConfig):\n"
                               "        self.config = config\n"
                               "        self.client = weaviate.Client(url=os.environ.get(\"WEAVIATE_ENDPOINT\"))\n"),
}


def test_a_folder_without_init_inside_a_package_is_named_through_the_package() -> None:
    names = canonical_modules(["app/__init__.py", "app/config/__init__.py", "app/config/stores/weaviate.py",
                               "app/config/stores/deep/pinecone.py", "lib/weaviate.py", "tools/app/x.py"])
    assert names["app/config/stores/weaviate.py"] == "app.config.stores.weaviate"
    assert names["app/config/stores/deep/pinecone.py"] == "app.config.stores.deep.pinecone"
    assert names["lib/weaviate.py"] == "weaviate"  # in no package: the folder's own name
    assert names["tools/app/x.py"] == "x"


def test_the_sdk_called_next_to_a_config_module_named_like_it_is_found(tmp_path: Path) -> None:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    report = scan(tmp_path, ScanOptions(jobs=1, cache_dir=None)).report
    assert [(e.sdk, e.unresolved, e.locations[0].path) for e in report.endpoints] == [
        ("weaviate.Client", ["env:WEAVIATE_ENDPOINT"], "app/stores/weaviate.py")]
