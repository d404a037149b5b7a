from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

# Tests never write to the user's cache; each session gets its own.
os.environ["FLOWSCAN_CACHE_DIR"] = tempfile.mkdtemp(prefix="flowscan-test-cache-")

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture(scope="session")
def catalog():
    from flowscan.catalog import bundled_catalog

    return bundled_catalog()
